// Command chartroom is Chartroom's composition root: with no command it
// opens the desktop app on the database, otherwise it runs a command-line
// command (see 'chartroom help') over the same services.
package main

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"sync"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"github.com/chartroom/chartroom/assets"
	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/demo"
	"github.com/chartroom/chartroom/records/sqlite"
	"github.com/chartroom/chartroom/ui"
)

// appID is the desktop app's identity (preferences folder, FyneApp.toml).
const appID = "org.chartroom.app"

func main() {
	// Ctrl-C (or a SIGTERM at log-out or shutdown) cancels the context: a
	// running command's transaction rolls back, and the desktop app quits
	// cleanly, making its exit backup.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// startGUI opens the desktop app; tests replace it.
var startGUI = runGUI

func runGUI(ctx context.Context, dbPath string, log *slog.Logger) int {
	// A clerk's screen needs little garbage-collector throughput; a
	// smaller heap keeps the app light beside the GL driver. make bench at
	// a million patients: GOGC=100 to 50 about 20 MB less resident, 50 to 25
	// another 8 MB, for 1 % of a core collecting while the clerk browses.
	debug.SetGCPercent(25)
	a := app.NewWithID(appID)
	a.SetIcon(fyne.NewStaticResource("chartroom.png", assets.Icon))

	db := &guiDatabase{path: dbPath, log: log}
	deps := ui.Deps{
		DBPath:   dbPath,
		Logger:   log,
		Now:      time.Now,
		Restore:  db.restore,
		MakeDemo: db.makeDemo,
	}
	if svc, err := db.open(ctx); err != nil {
		log.Error("cannot open the database", "path", dbPath, "err", err)
		deps.OpenError = err
	} else {
		deps.Service = svc
	}

	w := ui.Start(a, deps)
	go func() {
		<-ctx.Done()
		fyne.Do(a.Quit)
	}()
	w.ShowAndRun()
	db.autoBackup(ctx)
	if err := db.close(); err != nil {
		log.Error("closing the database", "err", err)
		return exitRefused
	}
	return exitOK
}

// guiDatabase is the desktop app's open store. Restoring a backup and
// making the demo replace it, so the app asks for the new one.
type guiDatabase struct {
	path string
	log  *slog.Logger

	mu      sync.Mutex
	st      *sqlite.Store
	openErr error // why the last open failed (st is nil then)
}

func (g *guiDatabase) open(ctx context.Context) (records.Service, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.reopenLocked(ctx)
}

// reopenLocked opens the database for a clerk's work (g.mu held).
func (g *guiDatabase) reopenLocked(ctx context.Context) (records.Service, error) {
	st, err := openDB(ctx, g.path, g.log, time.Now, false)
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

// autoBackup makes the daily backup as the app closes, if one is due. It
// runs even when ctx was cancelled (the app quit on a signal): quitting is
// when the copy matters most. A failure is logged; the window is gone.
func (g *guiDatabase) autoBackup(ctx context.Context) {
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

func (g *guiDatabase) close() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.st == nil {
		return nil
	}
	err := g.st.Close()
	g.st = nil
	return err
}

// restore replaces the database with a backup (admin only, from ctx's
// actor). The store is reopened whatever happens once it had to be closed:
// on a refused restore the returned service is the database as it was, so
// the app always switches to the service returned when it is not nil.
func (g *guiDatabase) restore(ctx context.Context, backupPath string) (records.Service, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
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

// guiDemoPatients is the size of the demo the app makes (the demo's own
// default); tests make a smaller one.
var guiDemoPatients = 2000

// makeDemo fills the empty database with the demo practice and returns the
// reopened store and the admin account.
func (g *guiDatabase) makeDemo(ctx context.Context, progress func(done, total int)) (records.Service, string, string, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.st != nil {
		if err := g.st.Close(); err != nil {
			return g.st, "", "", records.Internal("could not close the database", err)
		}
		g.st = nil
	}
	res, err := makeDemo(ctx, g.path, g.log, demo.Options{Patients: guiDemoPatients, Today: time.Now(), Seed: 1, Progress: progress})
	svc, oerr := g.reopenLocked(ctx)
	if err != nil {
		return svc, "", "", err
	}
	if oerr != nil {
		return nil, "", "", oerr
	}
	return svc, res.AdminUser, res.AdminPassword, nil
}
