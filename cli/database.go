package cli

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/demo"
	"github.com/chartroom/chartroom/records/sqlite"
)

// This file holds what the command line and the desktop app both do to the
// database file as a whole: open it, fill a new one with the demo, restore a
// backup over it.

// makeDemo fills the database at path, which must hold no practice yet, with
// the fictitious demo practice. The store is opened for bulk writing with a
// clock the generator moves (the demo writes months of back-dated history),
// and closed again: bulk mode is not for a clerk's work.
func makeDemo(ctx context.Context, path string, log *slog.Logger, opts demo.Options) (demo.Result, error) {
	if isServerAddress(path) {
		// The demo writes months of back-dated history with its own clock
		// and, when large, straight into a file: it is for trying
		// Chartroom out on one PC, not for the practice's server.
		return demo.Result{}, records.Errorf(records.EInvalid,
			"the demo practice is made in a database file, not on a practice server (%s): name a file with --db, for example --db demo.db", path)
	}
	clock := records.NewManualClock(opts.Today)
	st, err := sqlite.Open(ctx, path, sqlite.Options{Now: clock.Now, Logger: log, PasswordParams: passwordParams, Bulk: true})
	if err != nil {
		return demo.Result{}, err
	}
	if opts.Bulk || opts.Patients >= demo.BulkThreshold {
		return fillDemoBulk(ctx, st, path, log, clock, opts)
	}
	res, err := fillDemo(ctx, st, path, clock, opts)
	if cerr := st.Close(); err == nil && cerr != nil {
		err = records.Internal("could not close the demo database", cerr)
	}
	return res, err
}

// fillDemoBulk makes the demo in bulk: the practice's setup through the
// store st, then, with st closed, every row through sqlite.BulkLoad.
func fillDemoBulk(ctx context.Context, st *sqlite.Store, path string, log *slog.Logger, clock *records.ManualClock, opts demo.Options) (demo.Result, error) {
	open := true
	defer func() {
		if open {
			st.Close()
		}
	}()
	if ok, err := st.Initialized(ctx); err != nil {
		return demo.Result{}, err
	} else if ok {
		return demo.Result{}, records.Errorf(records.EConflict,
			"the database %s already has a practice; the demo fills only a new, empty database (name another file with --db)", path)
	}
	return demo.GenerateBulk(ctx, st, clock.Set, func(fill records.BulkFill) error {
		open = false
		if err := st.Close(); err != nil {
			return records.Internal("could not close the demo database", err)
		}
		_, err := sqlite.BulkLoad(ctx, path, log, fill)
		return err
	}, opts)
}

func fillDemo(ctx context.Context, st records.Service, path string, clock *records.ManualClock, opts demo.Options) (demo.Result, error) {
	if ok, err := st.Initialized(ctx); err != nil {
		return demo.Result{}, err
	} else if ok {
		return demo.Result{}, records.Errorf(records.EConflict,
			"the database %s already has a practice; the demo fills only a new, empty database (name another file with --db)", path)
	}
	return demo.Generate(ctx, st, clock.Set, opts)
}

// NewDatabase returns the desktop app's database at path (a file or a
// practice server's postgres:// address), not yet open.
func NewDatabase(path string, log *slog.Logger) *Database {
	return &Database{path: path, log: log}
}

// Database is the desktop app's database: the store open on one file or
// practice server, which restoring a backup, making the demo and
// connecting to a server replace (so the app asks for the new one), and
// which makes the daily backup as the app closes.
type Database struct {
	path string
	log  *slog.Logger

	mu      sync.Mutex
	st      store
	openErr error // why the last open failed (st is nil then)
}

// Open opens the database for a clerk's work, creating it when missing.
func (g *Database) Open(ctx context.Context) (records.Service, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.reopenLocked(ctx)
}

// reopenLocked opens the database for a clerk's work (g.mu held).
func (g *Database) reopenLocked(ctx context.Context) (records.Service, error) {
	// A server's database is opened only once Chartroom has set it up
	// (init); a file is created when missing, for the first-run screen.
	st, err := openDB(ctx, g.path, openOptions{log: g.log, now: time.Now, existing: true})
	g.st, g.openErr = st, err
	if err != nil {
		g.st = nil
		return nil, err
	}
	return st, nil
}

// exitBackupTimeout bounds the backup on exit: a shutdown waits for the
// app only so long, and a half-written copy is removed anyway.
const exitBackupTimeout = 5 * time.Minute

// AutoBackup makes the daily backup as the app closes, if one is due. It
// runs even when ctx was cancelled (the app quit on a signal): quitting is
// when the copy matters most. A failure is logged; the window is gone.
func (g *Database) AutoBackup(ctx context.Context) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.st == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), exitBackupTimeout)
	defer cancel()
	path, made, err := g.st.AutoBackup(ctx)
	switch {
	case err != nil:
		g.log.Error("automatic backup on exit failed", "err", err)
	case made:
		g.log.Info("automatic backup written on exit", "path", path)
	}
}

// Close closes the store; the Database may be opened again.
func (g *Database) Close() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.st == nil {
		return nil
	}
	err := g.st.Close()
	g.st = nil
	return err
}

// Restore replaces the database with a backup (admin only, from ctx's
// actor). The store is reopened whatever happens once it had to be closed:
// on a refused restore the returned service is the database as it was, so
// the app always switches to the service returned when it is not nil.
func (g *Database) Restore(ctx context.Context, backupPath string) (records.Service, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if isServerAddress(g.path) {
		err := errRestoreOnServer()
		if g.st == nil {
			return nil, err
		}
		return g.st, err
	}
	// The app has no passphrase prompt yet: an encrypted backup is
	// restored with the command line, which asks for it.
	if enc, err := sqlite.IsEncryptedBackup(backupPath); err == nil && enc {
		err := records.Errorf(records.EInvalid, "%s is encrypted: close Chartroom and restore it with the command chartroom restore FILE, which asks for the backup passphrase", backupPath)
		if g.st == nil {
			return nil, err
		}
		return g.st, err
	}
	if g.st == nil {
		// A file that cannot be opened as Chartroom's (damaged) has no
		// admin to ask: as `chartroom restore` does, replace it.
		if records.ErrorCode(g.openErr) != records.EInvalid {
			return nil, records.Errorf(records.EConflict, "the database is not open")
		}
		kept, err := sqlite.Restore(ctx, g.path, backupPath, sqlite.Unlock{})
		if err != nil {
			return nil, err
		}
		g.log.Info("damaged database replaced by a backup", "backup", backupPath, "kept", kept)
		return g.reopenLocked(ctx)
	}
	if _, err := records.Require(ctx, records.RoleAdmin, "restore a backup"); err != nil {
		return g.st, err
	}
	kept, err := restoreDatabase(ctx, g.st, g.path, backupPath, sqlite.Unlock{})
	g.st = nil
	if err != nil {
		svc, oerr := g.reopenLocked(ctx)
		if oerr != nil {
			g.log.Error("reopening the database after a failed restore", "err", oerr)
		}
		return svc, err
	}
	g.log.Info("database restored", "backup", backupPath, "kept", kept)
	return g.reopenLocked(ctx)
}

// demoPatients is the size of the demo the app makes (the demo's own
// default); tests make a smaller one.
var demoPatients = 2000

// MakeDemo fills the empty database with the demo practice and returns the
// reopened store and the admin account.
func (g *Database) MakeDemo(ctx context.Context, progress func(done, total int)) (records.Service, string, string, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.st != nil {
		if err := g.st.Close(); err != nil {
			return g.st, "", "", records.Internal("could not close the database", err)
		}
		g.st = nil
	}
	res, err := makeDemo(ctx, g.path, g.log, demo.Options{Patients: demoPatients, Today: time.Now(), Seed: 1, Progress: progress})
	svc, oerr := g.reopenLocked(ctx)
	if err != nil {
		return svc, "", "", err
	}
	if oerr != nil {
		return nil, "", "", oerr
	}
	return svc, res.AdminUser, res.AdminPassword, nil
}
