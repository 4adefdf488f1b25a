package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/chartroom/chartroom/records"
)

// backupPrefix and backupSuffix frame a backup's file name:
// chartroom-YYYYMMDD-HHMMSS.db.
const (
	backupPrefix = "chartroom-"
	backupSuffix = ".db"
)

// Backup writes a consistent copy of the database into dir (settings'
// backup folder when dir is empty) as chartroom-YYYYMMDD-HHMMSS.db, mode
// 0600, checks the copy's integrity and audit chain, removes the oldest
// backups beyond the number kept, and returns the copy's path (supervisor).
func (s *Store) Backup(ctx context.Context, dir string) (string, error) {
	a, err := records.Require(ctx, records.RoleSupervisor, "back up the database")
	if err != nil {
		return "", err
	}
	st, err := s.backupSettings(ctx)
	if err != nil {
		return "", err
	}
	if strings.TrimSpace(dir) == "" {
		dir = st.BackupDir
	}
	if strings.TrimSpace(dir) == "" {
		return "", records.FieldError("Backup folder", "is required (choose one in the settings)")
	}
	return s.backupAs(ctx, a, st, dir, "backup written to %s")
}

// systemActor is who the audit log names for what Chartroom does on its own
// (no one is signed in when the app backs up at start-up or on exit).
var systemActor = records.Actor{Username: "chartroom"}

// autoBackupMu keeps two automatic backups (start-up, the hourly check,
// exit) from both finding the folder stale and both writing a copy. The
// folder is shared by every store of the process, so the lock is too.
var autoBackupMu sync.Mutex

// AutoBackup backs up into the settings' backup folder (a "backups" folder
// beside the database by default) when the newest backup there is
// records.AutoBackupEvery old by the store's clock, or there is none. It is
// the app's own act: no user is needed, the audit log names "chartroom".
// Backups stamped in the future (a clock that was wrong) do not count as
// recent, so a bad clock once cannot stop the daily copies.
func (s *Store) AutoBackup(ctx context.Context) (string, bool, error) {
	autoBackupMu.Lock()
	defer autoBackupMu.Unlock()
	if ok, err := s.Initialized(ctx); err != nil || !ok {
		return "", false, err
	}
	st, err := s.backupSettings(ctx)
	if err != nil {
		return "", false, err
	}
	dir := st.BackupFolder(s.path)
	now := s.now()
	newest, at, err := newestBackup(dir, now)
	if err != nil {
		return "", false, records.Internal("could not read the backup folder "+dir, err)
	}
	if newest != "" && now.Sub(at) < records.AutoBackupEvery {
		return newest, false, nil
	}
	path, err := s.backupAs(ctx, systemActor, st, dir, "automatic backup written to %s")
	return path, err == nil, err
}

// backupSettings reads the settings a backup needs.
func (s *Store) backupSettings(ctx context.Context) (records.Settings, error) {
	var st records.Settings
	err := s.read(ctx, "read the settings", func(tx *sql.Tx) error {
		var err error
		st, err = loadSettings(ctx, tx)
		return err
	})
	return st, err
}

// backupAs writes, checks, records (detail names the path) and prunes a
// backup in dir on behalf of a; Backup and AutoBackup differ only in who
// may ask and where the copy goes.
func (s *Store) backupAs(ctx context.Context, a records.Actor, st records.Settings, dir, detail string) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", records.Internal("could not create the backup folder "+dir, err)
	}
	path, partial, err := reserveBackupFile(dir, s.now())
	if err != nil {
		return "", err
	}
	// VACUUM INTO writes into the empty file reserved with mode 0600; the
	// copy gets its backup name only once written and checked.
	if err := s.vacuumInto(ctx, partial); err != nil {
		removePartial(partial)
		return "", mapErr(err, "write the backup "+path)
	}
	if err := os.Chmod(partial, 0o600); err != nil {
		removePartial(partial)
		return "", records.Internal("could not protect the backup "+path, err)
	}
	if problems, err := checkFile(ctx, partial); err != nil || len(problems) > 0 {
		removePartial(partial)
		if err == nil {
			err = records.Errorf(records.EInternal, "the backup failed its check: %s", strings.Join(problems, "; "))
		}
		return "", err
	}
	if err := os.Rename(partial, path); err != nil {
		removePartial(partial)
		return "", records.Internal("could not name the backup "+path, err)
	}
	err = s.write(ctx, "record the backup", func(tx *sql.Tx) error {
		return s.auditor(tx, a).add(ctx, records.AuditBackup, "database", 0, detail, path)
	})
	if err != nil {
		return path, err
	}
	if err := pruneBackups(dir, st.BackupKeep, path); err != nil {
		s.log.Warn("could not remove old backups", "dir", dir, "err", err)
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

// newestBackup finds the most recent backup in dir by the time in its name,
// ignoring names stamped after now; a missing folder has none.
func newestBackup(dir string, now time.Time) (string, time.Time, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return "", time.Time{}, nil
	}
	if err != nil {
		return "", time.Time{}, err
	}
	var newest string
	var at time.Time
	for _, e := range entries {
		t, ok := backupTime(e.Name(), now.Location())
		if !ok || e.IsDir() || t.After(now) || !t.After(at) {
			continue
		}
		newest, at = filepath.Join(dir, e.Name()), t
	}
	return newest, at, nil
}

// backupTime reads the time in a backup's name (chartroom-YYYYMMDD-HHMMSS.db,
// perhaps with -N before .db), written in the clock's location.
func backupTime(name string, loc *time.Location) (time.Time, bool) {
	if !strings.HasPrefix(name, backupPrefix) || !strings.HasSuffix(name, backupSuffix) || len(name) < len(backupPrefix)+len(backupStamp)+len(backupSuffix) {
		return time.Time{}, false
	}
	t, err := time.ParseInLocation(backupStamp, name[len(backupPrefix):len(backupPrefix)+len(backupStamp)], loc)
	return t, err == nil
}

// backupStamp is the time in a backup's name: it sorts by age.
const backupStamp = "20060102-150405"

// BackupFileName is the name of a backup made at t, as it lies in the
// backup folder.
func BackupFileName(t time.Time) string { return backupPrefix + t.Format(backupStamp) + backupSuffix }

// partialSuffix marks a backup still being written. A backup cut short
// (the app killed during the start-up backup of a large practice, a full
// disk) must not count as the day's backup: under its final name it did,
// and the next start made none.
const partialSuffix = ".partial"

// stalePartial is how old a partial backup's last write must be before a
// later backup removes it as left behind; a backup being written or
// checked by another process is younger.
const stalePartial = time.Hour

// reserveBackupFile picks the name of a new backup, adding -2, -3... when
// two backups fall in the same second, and creates the empty, owner-only
// partial file the backup is written into.
func reserveBackupFile(dir string, now time.Time) (final, partial string, err error) {
	base := backupPrefix + now.Format(backupStamp)
	for i := 1; i < 100; i++ {
		name := base + backupSuffix
		if i > 1 {
			name = fmt.Sprintf("%s-%d%s", base, i, backupSuffix)
		}
		final = filepath.Join(dir, name)
		if _, err := os.Lstat(final); err == nil {
			continue
		}
		partial = final + partialSuffix
		f, err := os.OpenFile(partial, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil {
			return final, partial, f.Close()
		}
		if !errors.Is(err, os.ErrExist) {
			return "", "", records.Internal("could not create the backup file "+partial, err)
		}
	}
	return "", "", records.Errorf(records.EConflict, "too many backups this second; try again")
}

// removePartial removes a partial backup and the journal SQLite kept
// beside it while writing.
func removePartial(partial string) {
	os.Remove(partial)
	os.Remove(partial + "-journal")
}

// pruneBackups removes the oldest chartroom-*.db files in dir beyond keep,
// and partial backups left behind by a backup that never finished.
func pruneBackups(dir string, keep int, newest string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var names []string
	var errs []error
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasPrefix(n, backupPrefix) {
			continue
		}
		if strings.HasSuffix(n, backupSuffix) && len(n) >= len(backupPrefix+backupStamp+backupSuffix) {
			names = append(names, n)
		} else if strings.HasSuffix(n, backupSuffix+partialSuffix) || strings.HasSuffix(n, backupSuffix+partialSuffix+"-journal") {
			if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > stalePartial {
				errs = append(errs, os.Remove(filepath.Join(dir, n)))
			}
		}
	}
	sort.Strings(names) // the timestamp in the name sorts by age
	for len(names) > keep && keep > 0 {
		if filepath.Join(dir, names[0]) != newest {
			errs = append(errs, os.Remove(filepath.Join(dir, names[0])))
		}
		names = names[1:]
	}
	return errors.Join(errs...)
}

// CheckIntegrity runs SQLite's integrity and foreign key checks and verifies
// the whole audit chain; it returns the problems found (supervisor).
func (s *Store) CheckIntegrity(ctx context.Context) ([]string, error) {
	if _, err := records.Require(ctx, records.RoleSupervisor, "check the database"); err != nil {
		return nil, err
	}
	problems := []string{}
	err := s.read(ctx, "check the database", func(tx *sql.Tx) error {
		var err error
		problems, err = checkDB(ctx, tx)
		return err
	})
	return problems, err
}

// checkDB runs integrity_check, foreign_key_check and a full audit chain
// verification on q.
func checkDB(ctx context.Context, q querier) ([]string, error) {
	problems := []string{}
	rows, err := q.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			rows.Close()
			return nil, err
		}
		if line != "ok" && len(problems) == 0 {
			problems = append(problems, "integrity: the file is damaged, restore the latest backup: "+line)
		} else if line != "ok" {
			problems = append(problems, "integrity: "+line)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var table, parent string
		var rowid sql.NullInt64
		var fk int
		if err := rows.Scan(&table, &rowid, &parent, &fk); err != nil {
			rows.Close()
			return nil, err
		}
		problems = append(problems, fmt.Sprintf("a row %d of %s refers to a missing row of %s", rowid.Int64, table, parent))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	cp, err := readCheckpoint(ctx, q)
	if err != nil {
		return nil, err
	}
	problem, _, _, err := verifyFull(ctx, q, cp)
	if err != nil {
		return nil, err
	}
	if problem != nil {
		problems = append(problems, "audit log: "+problem.Reason)
		return problems, nil
	}
	if problem, err = verifySeals(ctx, q, true, 0); err != nil {
		return nil, err
	}
	if problem != nil {
		problems = append(problems, problem.Table+": "+problem.Reason)
	}
	return problems, nil
}

// openFileRO opens a database file read-only, with no pragmas that could
// change it, for checking a backup or a file to restore.
func openFileRO(path string) (*sql.DB, error) {
	db, err := sql.Open("sqlite", dsn(path, "mode=ro"))
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

// checkFile checks that path is a Chartroom database this version can open,
// sound, with an intact audit chain; it returns the problems found.
func checkFile(ctx context.Context, path string) ([]string, error) {
	if err := checkHeader(path); err != nil {
		return nil, err
	}
	if fi, err := os.Stat(path); err != nil {
		return nil, records.Internal("could not read "+path, err)
	} else if fi.Size() == 0 {
		return nil, records.Errorf(records.EInvalid, "%s is empty, not a Chartroom database", path)
	}
	db, err := openFileRO(path)
	if err != nil {
		return nil, records.Internal("could not open "+path, err)
	}
	defer db.Close()
	id, err := readIdentity(ctx, db)
	if err != nil {
		if code, ok := sqliteCode(err); ok && (code&0xff == sqliteNotADB || code&0xff == sqliteCorrupt) {
			return nil, records.Errorf(records.EInvalid, "%s is not a Chartroom database (it is damaged or not a SQLite file)", path)
		}
		return nil, mapErr(err, "read "+path)
	}
	if id.appID != ApplicationID {
		return nil, records.Errorf(records.EInvalid, "%s is not a Chartroom database", path)
	}
	if err := identityProblem(id, path); err != nil {
		return nil, err
	}
	// One read transaction: the checks see one snapshot, and the seal check
	// reads two result sets at once on its single connection.
	tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, mapErr(err, "read "+path)
	}
	defer tx.Rollback()
	problems, err := checkDB(ctx, tx) // a damaged file fails the check with an error: say so
	return problems, mapErr(err, "check "+path)
}

// Restore replaces the database at dbPath (which must be closed) with the
// backup at backupPath. It refuses a file that is not a Chartroom database,
// was made by a newer Chartroom or fails its checks; it keeps the current
// database as dbPath.before-restore-<timestamp> and returns that path (""
// when there was no database), then swaps the backup in atomically.
func Restore(ctx context.Context, dbPath, backupPath string) (keptCopy string, err error) {
	dbPath, err = filepath.Abs(dbPath)
	if err != nil {
		return "", records.Internal("could not find "+dbPath, err)
	}
	problems, err := checkFile(ctx, backupPath)
	if err != nil {
		return "", err
	}
	if len(problems) > 0 {
		return "", records.Errorf(records.EInvalid, "%s failed its check and was not restored: %s", backupPath, strings.Join(problems, "; "))
	}
	stamp := time.Now().Format("20060102-150405")
	if _, err := os.Stat(dbPath); err == nil {
		// A damaged current database is kept as it is (with its log), so
		// restoring over it still works; one in use is not touched.
		damaged := false
		if err := checkpointWAL(ctx, dbPath); err != nil {
			if records.ErrorCode(err) == records.EConflict {
				return "", err
			}
			damaged = true
		}
		keptCopy = dbPath + ".before-restore-" + stamp
		if err := copyFileSync(dbPath, keptCopy); err != nil {
			return "", records.Internal("could not keep a copy of the current database", err)
		}
		if _, err := os.Stat(dbPath + "-wal"); err == nil && damaged {
			if err := copyFileSync(dbPath+"-wal", keptCopy+"-wal"); err != nil {
				return "", records.Internal("could not keep a copy of the current database's log", err)
			}
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", records.Internal("could not read "+dbPath, err)
	}
	tmp := dbPath + ".restoring-" + stamp
	if err := copyFileSync(backupPath, tmp); err != nil {
		os.Remove(tmp)
		return keptCopy, records.Internal("could not copy the backup next to the database", err)
	}
	for _, side := range []string{dbPath + "-wal", dbPath + "-shm"} {
		if err := os.Remove(side); err != nil && !errors.Is(err, os.ErrNotExist) {
			os.Remove(tmp)
			return keptCopy, records.Internal("could not remove "+side, err)
		}
	}
	if err := os.Rename(tmp, dbPath); err != nil {
		os.Remove(tmp)
		return keptCopy, records.Internal("could not put the backup in place", err)
	}
	syncDir(filepath.Dir(dbPath))
	return keptCopy, recordRestore(ctx, dbPath, backupPath, keptCopy)
}

// recordRestore opens the restored database (bringing an older backup's
// schema up to date) and notes the restore in its audit log.
func recordRestore(ctx context.Context, dbPath, backupPath, keptCopy string) error {
	s, err := Open(ctx, dbPath, Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	detail := "restored from " + backupPath
	if keptCopy != "" {
		detail += "; the database before is kept as " + keptCopy
	}
	return s.write(ctx, "record the restore", func(tx *sql.Tx) error {
		return s.auditor(tx, records.Actor{Username: "chartroom restore"}).add(ctx, records.AuditRestore, "database", 0, "%s", detail)
	})
}

// checkpointWAL folds the write-ahead log into the database file, so a plain
// copy of the file holds every committed change.
func checkpointWAL(ctx context.Context, path string) error {
	if err := checkHeader(path); err != nil {
		return err
	}
	db, err := sql.Open("sqlite", dsn(path, "_pragma=busy_timeout(5000)"))
	if err != nil {
		return records.Internal("could not open "+path, err)
	}
	defer db.Close()
	var busy, logged, done int
	if err := db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logged, &done); err != nil {
		return mapErr(err, "prepare "+path+" for the restore")
	}
	if busy != 0 {
		return records.Errorf(records.EConflict, "the database is still in use; close Chartroom everywhere and try again")
	}
	return nil
}

// copyFileSync copies src to a new file dst (mode 0600) and flushes it to disk.
func copyFileSync(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// syncDir flushes a directory so a rename in it survives a power cut; some
// systems cannot sync directories, which is not worth failing over.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
