package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"filippo.io/age"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/backupfile"
)

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
// backup at backupPath; an encrypted backup is first decrypted beside the
// database with un. It refuses a file that is not a Chartroom database, was
// made by a newer Chartroom, fails its checks or cannot be decrypted (a
// wrong passphrase, a damaged or cut-short file), changing nothing; it
// keeps the current database as dbPath.before-restore-<timestamp> and
// returns that path ("" when there was no database), then swaps the backup
// in atomically.
func Restore(ctx context.Context, dbPath, backupPath string, un Unlock) (keptCopy string, err error) {
	dbPath, err = filepath.Abs(dbPath)
	if err != nil {
		return "", records.Internal("could not find "+dbPath, err)
	}
	plain, done, err := backupfile.Opened(backupPath, filepath.Dir(dbPath), func() ([]age.Identity, error) { return backupfile.IdentitiesFor(backupPath, un) })
	if err != nil {
		return "", err
	}
	defer done()
	problems, err := checkFile(ctx, plain)
	if err != nil {
		return "", backupfile.NamedAs(err, plain, backupPath)
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
		if err := backupfile.CopyFileSync(dbPath, keptCopy); err != nil {
			return "", records.Internal("could not keep a copy of the current database", err)
		}
		if _, err := os.Stat(dbPath + "-wal"); err == nil && damaged {
			if err := backupfile.CopyFileSync(dbPath+"-wal", keptCopy+"-wal"); err != nil {
				return "", records.Internal("could not keep a copy of the current database's log", err)
			}
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", records.Internal("could not read "+dbPath, err)
	}
	tmp := dbPath + ".restoring-" + stamp
	if err := backupfile.CopyFileSync(plain, tmp); err != nil {
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
	backupfile.SyncDir(filepath.Dir(dbPath))
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
