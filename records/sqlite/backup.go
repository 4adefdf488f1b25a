package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"filippo.io/age"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/backupfile"
	"github.com/chartroom/chartroom/records/privatefile"
)

// dbFormat is the SQLite store's backup file: chartroom-YYYYMMDD-HHMMSS.db,
// encrypted chartroom-YYYYMMDD-HHMMSS.db.age (records/backupfile has what
// both stores share).
var dbFormat = backupfile.Format{Suffix: backupSuffix}

const backupSuffix = ".db"

// BackupFileName is the name of a (plain) backup made at t, as it lies in
// the backup folder.
func BackupFileName(t time.Time) string { return dbFormat.Name(t) }

// Backup writes a consistent copy of the database into dir (settings'
// backup folder when dir is empty), checks it, removes the backups beyond
// those kept, and returns the copy's path (supervisor). A folder outside
// the database's own is sent an encrypted backup once a backup passphrase
// is set.
func (s *Store) Backup(ctx context.Context, dir string) (string, error) {
	a, err := records.Require(ctx, records.RoleSupervisor, "back up the database")
	if err != nil {
		return "", err
	}
	st, key, hasKey, err := s.backupSettings(ctx)
	if err != nil {
		return "", err
	}
	if strings.TrimSpace(dir) == "" {
		dir = st.BackupDir
	}
	if strings.TrimSpace(dir) == "" {
		return "", records.FieldError("Backup folder", "is required (choose one in the settings)")
	}
	p := backupfile.Place{Dir: dir, Encrypt: hasKey && !s.inDatabaseFolder(dir)}
	paths, err := s.backupInto(ctx, a, st, key, []backupfile.Place{p}, "backup written to %s")
	if err != nil {
		return "", err
	}
	return paths[0], nil
}

// systemActor is who the audit log names for what Chartroom does on its own
// (no one is signed in when the app backs up at start-up or on exit).
var systemActor = records.Actor{Username: "chartroom"}

// autoBackupMu keeps two automatic backups (start-up, the hourly check,
// exit) from both finding a place stale and both writing a copy. The
// folders are shared by every store of the process, so the lock is too.
var autoBackupMu sync.Mutex

// AutoBackup backs up into each backup place whose newest backup is
// records.AutoBackupEvery old by the store's clock, or has none: the
// settings' backup folder (a "backups" folder beside the database by
// default) and the second place when one is set and can be reached. It is
// the app's own act: no user is needed, the audit log names "chartroom".
// Backups stamped in the future (a clock that was wrong) do not count as
// recent, so a bad clock once cannot stop the daily copies. It returns the
// backup in the backup folder and whether any copy was made.
func (s *Store) AutoBackup(ctx context.Context) (string, bool, error) {
	autoBackupMu.Lock()
	defer autoBackupMu.Unlock()
	if ok, err := s.Initialized(ctx); err != nil || !ok {
		return "", false, err
	}
	st, key, hasKey, err := s.backupSettings(ctx)
	if err != nil {
		return "", false, err
	}
	now := s.now()
	var due []backupfile.Place
	newestFirst := ""
	for i, p := range s.places(st, hasKey) {
		if p.Second && !backupfile.Reachable(p.Dir) {
			s.log.Info("the second backup place cannot be reached", "dir", p.Dir)
			continue
		}
		newest, at, err := dbFormat.Newest(p.Dir, now)
		if err != nil {
			return "", false, records.Internal("could not read the backup folder "+p.Dir, err)
		}
		if i == 0 {
			newestFirst = newest
		}
		if newest == "" || now.Sub(at) >= records.AutoBackupEvery {
			due = append(due, p)
		}
	}
	if len(due) == 0 {
		return newestFirst, false, nil
	}
	paths, err := s.backupInto(ctx, systemActor, st, key, due, "automatic backup written to %s")
	if len(paths) > 0 && !due[0].Second {
		newestFirst = paths[0]
	}
	return newestFirst, len(paths) > 0, err
}

// places are the backup places of the settings: the backup folder, then
// the second place if one is set.
func (s *Store) places(st records.Settings, hasKey bool) []backupfile.Place {
	dir := st.BackupFolder(s.path)
	ps := []backupfile.Place{{Dir: dir, Encrypt: hasKey && !s.inDatabaseFolder(dir)}}
	if second := strings.TrimSpace(st.SecondBackupDir); second != "" {
		ps = append(ps, backupfile.Place{Dir: second, Second: true, Encrypt: hasKey})
	}
	return ps
}

// inDatabaseFolder reports whether dir is the database's folder or inside
// it: a backup there stays on the PC, beside the database, and is not
// encrypted (a damaged database is restored from it without a passphrase).
func (s *Store) inDatabaseFolder(dir string) bool { return BesideDatabase(s.path, dir) }

// BesideDatabase reports whether dir is the folder of the database at
// dbPath or inside it: backups there stay plain.
func BesideDatabase(dbPath, dir string) bool {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return false
	}
	base, err := filepath.Abs(filepath.Dir(dbPath))
	if err != nil {
		return false
	}
	rel, err := filepath.Rel(base, abs)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// IsEncryptedBackupName reports whether path names an encrypted backup.
func IsEncryptedBackupName(path string) bool { return dbFormat.IsEncryptedName(path) }

// backupSettings reads the settings and the backup key a backup needs.
func (s *Store) backupSettings(ctx context.Context) (st records.Settings, key backupfile.Key, hasKey bool, err error) {
	err = s.read(ctx, "read the settings", func(tx *sql.Tx) error {
		if st, err = loadSettings(ctx, tx); err != nil {
			return err
		}
		key, hasKey, err = loadBackupKey(ctx, tx)
		return err
	})
	return st, key, hasKey, err
}

// backupInto makes one fresh, checked copy of the database and writes it
// into each place, recording each in the audit log (detail names the path)
// and pruning each place. It returns the paths written; a place that fails
// does not stop the next, and the first failure is returned.
func (s *Store) backupInto(ctx context.Context, a records.Actor, st records.Settings, key backupfile.Key, places []backupfile.Place, detail string) ([]string, error) {
	backupfile.ClearStale(filepath.Dir(s.path), backupfile.TempPrefix+"backup-")
	src, err := s.freshCopy(ctx)
	if err != nil {
		return nil, err
	}
	defer backupfile.RemovePartial(src)
	var paths []string
	var firstErr error
	for _, p := range places {
		path, err := dbFormat.WriteInto(p, src, key, s.now())
		if err == nil {
			err = s.write(ctx, "record the backup", func(tx *sql.Tx) error {
				if err := s.notePlace(ctx, tx, p.Dir, path); err != nil {
					return err
				}
				return s.auditor(tx, a).add(ctx, records.AuditBackup, "database", 0, detail, path)
			})
		}
		if err != nil {
			s.log.Warn("backup not written", "dir", p.Dir, "err", err)
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		paths = append(paths, path)
		if err := dbFormat.Prune(p.Dir, st, path); err != nil {
			s.log.Warn("could not remove old backups", "dir", p.Dir, "err", err)
		}
	}
	return paths, firstErr
}

// freshCopy writes a consistent copy of the database into a new owner-only
// file in the database's folder and checks it (integrity, audit chain,
// seals); the caller removes it.
func (s *Store) freshCopy(ctx context.Context) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(s.path), backupfile.TempPrefix+"backup-*"+backupfile.PartialSuffix)
	if err != nil {
		return "", records.Internal("could not make the backup's working copy beside the database", err)
	}
	path := f.Name()
	f.Close()
	// VACUUM INTO writes into the empty owner-only file.
	if err := s.vacuumInto(ctx, path); err != nil {
		backupfile.RemovePartial(path)
		return "", mapErr(err, "copy the database for the backup")
	}
	if err := privatefile.Protect(path); err != nil {
		backupfile.RemovePartial(path)
		return "", records.Internal("could not protect the backup's working copy", err)
	}
	if problems, err := checkFile(ctx, path); err != nil || len(problems) > 0 {
		backupfile.RemovePartial(path)
		if err == nil {
			err = records.Errorf(records.EInternal, "the backup failed its check: %s", strings.Join(problems, "; "))
		}
		return "", err
	}
	return path, nil
}

// vacuumInto copies the database into path on a connection of its own:
// VACUUM INTO only reads the database (in WAL, beside the writer), so
// check-outs go on while a large practice is copied instead of waiting for
// the one writer connection. The reader pool is query_only, which also
// forbids writing the copy.
func (s *Store) vacuumInto(ctx context.Context, path string) error {
	db, err := sql.Open(cachedDriverName, dsn(s.path, "_pragma=busy_timeout("+fmt.Sprint(busyTimeoutMS)+")"))
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, "VACUUM INTO ?", path)
	return err
}

// notePlace records a good copy written into dir just now.
func (s *Store) notePlace(ctx context.Context, tx *sql.Tx, dir, path string) error {
	now := tval(s.now())
	_, err := tx.ExecContext(ctx, `INSERT INTO backup_places (dir, last_copy, last_copy_at, reached_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (dir) DO UPDATE SET last_copy = excluded.last_copy, last_copy_at = excluded.last_copy_at, reached_at = excluded.reached_at`,
		dir, path, now, now)
	return err
}

// BackupStatus says where the backups go, the newest good copy in each
// place and its latest check. It needs no user: the app shows it (the
// second place out of reach) to whoever is signed in, as it backs up
// before anyone is, and it holds only folders and dates.
func (s *Store) BackupStatus(ctx context.Context) (records.BackupStatus, error) {
	var out records.BackupStatus
	err := s.read(ctx, "read the backups", func(tx *sql.Tx) error {
		st, err := loadSettings(ctx, tx)
		if err != nil {
			return err
		}
		_, out.PassphraseSet, err = loadBackupKey(ctx, tx)
		if err != nil {
			return err
		}
		out.SecondPlaceDays = st.SecondPlaceDays
		for _, p := range s.places(st, out.PassphraseSet) {
			bp := records.BackupPlace{Dir: p.Dir, Second: p.Second, Encrypted: p.Encrypt}
			err := tx.QueryRowContext(ctx, `SELECT last_copy, last_copy_at, checked_at, checked_file, check_ok, check_detail
				FROM backup_places WHERE dir = ?`, p.Dir).Scan(&bp.LastCopy, timeCol{&bp.LastCopyAt},
				timeCol{&bp.Check.At}, &bp.Check.File, &bp.Check.OK, &bp.Check.Problems)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			out.Places = append(out.Places, bp)
		}
		return nil
	})
	return out, err
}

// CheckBackups opens the newest backup in each reachable place, decrypting
// an encrypted one with the practice's key into the database's folder, and
// checks it in full (integrity, audit chain, seals); each result is
// recorded with its date. Unless now (a supervisor's request), it is the
// app's weekly check and leaves a place checked within
// records.BackupCheckEvery alone.
func (s *Store) CheckBackups(ctx context.Context, now bool) ([]records.BackupPlace, error) {
	a := systemActor
	if now {
		var err error
		if a, err = records.Require(ctx, records.RoleSupervisor, "check the backups"); err != nil {
			return nil, err
		}
	} else if ok, err := s.Initialized(ctx); err != nil || !ok {
		return nil, err
	}
	st, key, hasKey, err := s.backupSettings(ctx)
	if err != nil {
		return nil, err
	}
	backupfile.ClearStale(filepath.Dir(s.path), backupfile.TempPrefix+"decrypted-")
	lastChecked := func(dir string) (last time.Time, err error) {
		err = s.read(ctx, "read the backups", func(tx *sql.Tx) error {
			err := tx.QueryRowContext(ctx, "SELECT checked_at FROM backup_places WHERE dir = ?", dir).Scan(timeCol{&last})
			if errors.Is(err, sql.ErrNoRows) {
				return nil
			}
			return err
		})
		return last, err
	}
	check := func(path string) ([]string, error) { return s.checkBackup(ctx, path, key, hasKey) }
	record := func(p backupfile.Place, c records.BackupCheck) error {
		return s.write(ctx, "record the backup check", func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO backup_places (dir, checked_at, checked_file, check_ok, check_detail) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (dir) DO UPDATE SET checked_at = excluded.checked_at, checked_file = excluded.checked_file,
				check_ok = excluded.check_ok, check_detail = excluded.check_detail`,
				p.Dir, tval(c.At), c.File, bval(c.OK), c.Problems)
			if err != nil {
				return err
			}
			return s.auditor(tx, a).add(ctx, records.AuditBackup, "database", 0, "%s", backupfile.CheckResult(c))
		})
	}
	return dbFormat.CheckNewest(s.places(st, hasKey), storedTime(s.now()), now, lastChecked, check, record)
}

// checkBackup checks one backup file in full; an encrypted one is opened
// with the practice's key, decrypted into the database's folder.
func (s *Store) checkBackup(ctx context.Context, path string, key backupfile.Key, hasKey bool) ([]string, error) {
	return checkBackupIn(ctx, path, filepath.Dir(s.path), func() ([]age.Identity, error) {
		if !hasKey {
			return nil, records.Errorf(records.EInvalid, "%s is encrypted, and this database has no backup key to open it", path)
		}
		return []age.Identity{key.Identity}, nil
	})
}
