package postgres

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"filippo.io/age"
	"github.com/jackc/pgx/v5"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/backupfile"
)

// Backups of a PostgreSQL practice are pg_dump's custom format, one file
// per backup, named as SQLite's are (records/backupfile) with .dump:
// chartroom-YYYYMMDD-HHMMSS.dump, encrypted .dump.age. The database lives
// on the server, so no backup place is "beside the database": once the
// backup passphrase is set every backup is encrypted. A backup counts only
// once pg_restore has read it back (checkDump). Restoring one is
// pg_restore into an empty database (Restore), a task for the practice's
// IT, as creating the database was.

// dumpFormat is this store's backup file.
var dumpFormat = backupfile.Format{Suffix: ".dump"}

// BackupKeyWorkFactor is the scrypt cost (log2 N) of the key file's
// passphrase, as records/sqlite's: age's own default. Tests lower it.
var BackupKeyWorkFactor = 18

// autoBackupLock is the advisory lock key a workstation holds while it
// makes the automatic backup, so that the practice's PCs starting together
// write one copy between them: the second finds it made.
const autoBackupLock = 0x63687274_0010 // "chrt", 0x10

// systemActor is who the audit log names for what Chartroom does on its
// own (no one is signed in when the app backs up at start-up or on exit).
var systemActor = records.Actor{Username: "chartroom"}

// clientTool finds pg_dump or pg_restore: on PATH, else in Debian's
// /usr/lib/postgresql/N/bin (newest N). Without it the clerk is told which
// package to install.
func clientTool(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	found, _ := filepath.Glob(filepath.Join(debianClientDirs, name))
	if len(found) > 0 {
		slices.SortFunc(found, func(a, b string) int { return majorOf(a) - majorOf(b) })
		return found[len(found)-1], nil
	}
	return "", records.Errorf(records.ENotFound,
		"%s is not installed on this PC, and a backup of a practice server needs it: install PostgreSQL's client programs "+
			"(on Debian or Ubuntu the postgresql-client package: sudo apt install postgresql-client; on Windows the "+
			"\"Command Line Tools\" of the PostgreSQL installer, with its bin folder on the PATH), the server's version or newer, then try again", name)
}

// debianClientDirs are where Debian's postgresql-client-N packages put
// the programs (tests point it elsewhere).
var debianClientDirs = "/usr/lib/postgresql/*/bin"

// majorOf is N of /usr/lib/postgresql/N/bin/NAME (0 when not a number).
func majorOf(path string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(path))))
	return n
}

// runTool runs a PostgreSQL client program with the store's address (the
// password comes from PGPASSWORD or the pgpass file, as for the app: never
// on the command line) and returns its output; a failure carries what it
// wrote on stderr.
func runTool(ctx context.Context, name string, args ...string) ([]byte, error) {
	path, err := clientTool(name)
	if err != nil {
		return nil, err
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return stdout.Bytes(), fmt.Errorf("%s: %s", name, msg)
	}
	return stdout.Bytes(), nil
}

// dumpedTables are tables every Chartroom database has: a dump whose list
// lacks one of them is not a whole practice.
var dumpedTables = []string{"audit", "settings", "users", "patients", "volumes", "movements", "schema_version"}

// checkDump reads the backup file at path back with pg_restore --list and
// returns the problems found: a file pg_restore cannot read, or one
// without a practice's tables.
func checkDump(ctx context.Context, path string) ([]string, error) {
	out, err := runTool(ctx, "pg_restore", "--list", path)
	if err != nil {
		if records.ErrorCode(err) == records.ENotFound {
			return nil, err
		}
		return []string{fmt.Sprintf("%s cannot be read back as a PostgreSQL backup (%v)", path, err)}, nil
	}
	var problems []string
	for _, table := range dumpedTables {
		if !bytes.Contains(out, []byte(" TABLE DATA public "+table+" ")) {
			problems = append(problems, fmt.Sprintf("%s holds no data of the table %s: it is not a whole Chartroom practice", path, table))
		}
	}
	return problems, nil
}

// Backup writes a pg_dump of the practice's database into dir (the
// settings' backup folder when dir is empty), checks it, removes the
// backups beyond those kept, and returns its path (supervisor). It is
// encrypted once a backup passphrase is set.
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
	paths, err := s.backupInto(ctx, a, st, key, []backupfile.Place{{Dir: dir, Encrypt: hasKey}}, "backup written to %s")
	if err != nil {
		return "", err
	}
	return paths[0], nil
}

// AutoBackup backs up into each backup place whose newest backup is
// records.AutoBackupEvery old by the store's clock, or has none: the
// settings' backup folder, and the second place when one is set and can be
// reached. With no backup folder set it makes none: a practice server's
// own backups are its IT's, and a folder on one PC is a choice to make in
// the settings. It is the app's own act (no user; the audit log names
// "chartroom"), and the practice's workstations take turns at it.
func (s *Store) AutoBackup(ctx context.Context) (string, bool, error) {
	if ok, err := s.Initialized(ctx); err != nil || !ok {
		return "", false, err
	}
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return "", false, s.readFailed(ctx, "the backups", err)
	}
	defer conn.Release()
	var mine bool
	if err := conn.QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", int64(autoBackupLock)).Scan(&mine); err != nil {
		return "", false, s.readFailed(ctx, "the backups", err)
	}
	if !mine {
		return "", false, nil // another workstation is making it
	}
	defer conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", int64(autoBackupLock))
	st, key, hasKey, err := s.backupSettings(ctx)
	if err != nil || strings.TrimSpace(st.BackupDir) == "" {
		return "", false, err
	}
	now := s.now()
	var due []backupfile.Place
	newestFirst := ""
	for i, p := range places(st, hasKey) {
		if p.Second && !backupfile.Reachable(p.Dir) {
			s.log.Info("the second backup place cannot be reached", "dir", p.Dir)
			continue
		}
		newest, at, err := dumpFormat.Newest(p.Dir, now)
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
// the second place if one is set; all encrypted once there is a key.
func places(st records.Settings, hasKey bool) []backupfile.Place {
	ps := []backupfile.Place{{Dir: st.BackupDir, Encrypt: hasKey}}
	if second := strings.TrimSpace(st.SecondBackupDir); second != "" {
		ps = append(ps, backupfile.Place{Dir: second, Second: true, Encrypt: hasKey})
	}
	return ps
}

// backupSettings reads the settings and the backup key a backup needs.
func (s *Store) backupSettings(ctx context.Context) (st records.Settings, key backupfile.Key, hasKey bool, err error) {
	err = s.read(ctx, "the settings", func(tx pgx.Tx) error {
		if st, err = loadSettings(ctx, tx); err != nil {
			return err
		}
		key, hasKey, err = loadBackupKey(ctx, tx)
		return err
	})
	return st, key, hasKey, err
}

// backupInto makes one fresh, checked dump and writes it into each place,
// recording each in the audit log (detail names the path) and pruning
// each place. It returns the paths written; a place that fails does not
// stop the next, and the first failure is returned.
func (s *Store) backupInto(ctx context.Context, a records.Actor, st records.Settings, key backupfile.Key, places []backupfile.Place, detail string) ([]string, error) {
	src, done, err := s.freshDump(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	var paths []string
	var firstErr error
	for _, p := range places {
		path, err := dumpFormat.WriteInto(p, src, key, s.now())
		if err == nil {
			err = s.write(ctx, "the record of the backup", func(tx pgx.Tx) error {
				now := s.now()
				if _, err := tx.Exec(ctx, `INSERT INTO backup_places (dir, last_copy, last_copy_at, reached_at) VALUES ($1, $2, $3, $3)
					ON CONFLICT (dir) DO UPDATE SET last_copy = EXCLUDED.last_copy, last_copy_at = EXCLUDED.last_copy_at, reached_at = EXCLUDED.reached_at`,
					p.Dir, path, now); err != nil {
					return err
				}
				_, err := s.appendAudit(ctx, tx, a, records.AuditBackup, "database", 0, fmt.Sprintf(detail, path))
				return err
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
		if err := dumpFormat.Prune(p.Dir, st, path); err != nil {
			s.log.Warn("could not remove old backups", "dir", p.Dir, "err", err)
		}
	}
	return paths, firstErr
}

// freshDump writes a pg_dump of the database (one consistent snapshot: the
// workstations go on working meanwhile) into an owner-only file in a
// private temporary folder and checks it; done removes both.
func (s *Store) freshDump(ctx context.Context) (path string, done func(), err error) {
	tmp, err := os.MkdirTemp("", backupfile.TempPrefix+"backup-")
	if err != nil {
		return "", nil, records.Internal("could not make a temporary folder for the backup", err)
	}
	done = func() { os.RemoveAll(tmp) }
	path = filepath.Join(tmp, dumpFormat.Name(s.now()))
	// pg_dump creates the file with the umask's mode: it is made first,
	// owner-only, and pg_dump writes into it.
	if err := backupfile.WriteSynced(path, os.O_EXCL, strings.NewReader("")); err != nil {
		done()
		return "", nil, records.Internal("could not make the backup's working file", err)
	}
	if _, err := runTool(ctx, "pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file="+path, "--dbname="+s.address); err != nil {
		done()
		if records.ErrorCode(err) == records.ENotFound {
			return "", nil, err
		}
		return "", nil, records.Internal("pg_dump could not back up the practice server's database", fmt.Errorf("%s", strings.ReplaceAll(err.Error(), s.address, redact(s.address))))
	}
	problems, err := checkDump(ctx, path)
	if err == nil && len(problems) > 0 {
		err = records.Errorf(records.EInternal, "the backup failed its check: %s", strings.Join(problems, "; "))
	}
	if err != nil {
		done()
		return "", nil, err
	}
	return path, done, nil
}

// loadBackupKey reads the practice's backup key; ok is false when no
// passphrase was ever set.
func loadBackupKey(ctx context.Context, tx pgx.Tx) (k backupfile.Key, ok bool, err error) {
	var rec, id string
	var wrapped []byte
	err = tx.QueryRow(ctx, "SELECT recipient, identity, wrapped FROM backup_key WHERE id = 1").Scan(&rec, &id, &wrapped)
	if errors.Is(err, pgx.ErrNoRows) {
		return backupfile.Key{}, false, nil
	}
	if err != nil {
		return backupfile.Key{}, false, err
	}
	k, err = backupfile.ParseKey(rec, id, wrapped)
	return k, err == nil, err
}

// SetBackupPassphrase sets the practice's backup passphrase (admin), as
// records/sqlite does: the first time it makes the backup key; changing it
// needs the current one (the same key wrapped anew), unless newKey replaces
// a forgotten one.
func (s *Store) SetBackupPassphrase(ctx context.Context, current, next string, newKey bool) error {
	a, err := records.Require(ctx, records.RoleAdmin, "set the backup passphrase")
	if err != nil {
		return err
	}
	if err := records.ValidateBackupPassphrase(next); err != nil {
		return err
	}
	return s.write(ctx, "the backup passphrase", func(tx pgx.Tx) error {
		// Two admins setting it at once would make two keys: one at a time.
		if _, err := tx.Exec(ctx, "LOCK TABLE backup_key IN EXCLUSIVE MODE"); err != nil {
			return err
		}
		k, ok, err := loadBackupKey(ctx, tx)
		if err != nil {
			return err
		}
		k, detail, err := backupfile.NewPassphrase(k, ok, current, next, newKey, BackupKeyWorkFactor)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO backup_key (id, recipient, identity, wrapped, set_at) VALUES (1, $1, $2, $3, $4)
			ON CONFLICT (id) DO UPDATE SET recipient = EXCLUDED.recipient, identity = EXCLUDED.identity,
			wrapped = EXCLUDED.wrapped, set_at = EXCLUDED.set_at`,
			k.Recipient.String(), k.Identity.String(), k.Wrapped, s.now()); err != nil {
			return err
		}
		_, err = s.appendAudit(ctx, tx, a, records.AuditUpdate, "settings", 1, detail)
		return err
	})
}

// BackupStatus says where the backups go, the newest good copy in each
// place and its latest check. It needs no user, as on SQLite: it holds
// only folders and dates.
func (s *Store) BackupStatus(ctx context.Context) (records.BackupStatus, error) {
	var out records.BackupStatus
	err := s.read(ctx, "the backups", func(tx pgx.Tx) error {
		st, err := loadSettings(ctx, tx)
		if err != nil {
			return err
		}
		if _, out.PassphraseSet, err = loadBackupKey(ctx, tx); err != nil {
			return err
		}
		out.SecondPlaceDays = st.SecondPlaceDays
		for _, p := range places(st, out.PassphraseSet) {
			bp := records.BackupPlace{Dir: p.Dir, Second: p.Second, Encrypted: p.Encrypt}
			err := tx.QueryRow(ctx, `SELECT last_copy, last_copy_at, checked_at, checked_file, check_ok, check_detail
				FROM backup_places WHERE dir = $1`, p.Dir).Scan(&bp.LastCopy, timeCol{&bp.LastCopyAt},
				timeCol{&bp.Check.At}, &bp.Check.File, &bp.Check.OK, &bp.Check.Problems)
			if err != nil && !errors.Is(err, pgx.ErrNoRows) {
				return err
			}
			out.Places = append(out.Places, bp)
		}
		return nil
	})
	return out, err
}

// CheckBackups opens the newest backup in each reachable place, decrypting
// an encrypted one with the practice's key into a private temporary
// folder, and reads it back with pg_restore; each result is recorded with
// its date. Unless now (a supervisor's request), it is the app's weekly
// check and leaves a place checked within records.BackupCheckEvery alone.
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
	if err != nil || strings.TrimSpace(st.BackupDir) == "" {
		return nil, err
	}
	lastChecked := func(dir string) (last time.Time, err error) {
		err = s.read(ctx, "the backups", func(tx pgx.Tx) error {
			err := tx.QueryRow(ctx, "SELECT checked_at FROM backup_places WHERE dir = $1", dir).Scan(timeCol{&last})
			if errors.Is(err, pgx.ErrNoRows) {
				return nil
			}
			return err
		})
		return last, err
	}
	check := func(path string) ([]string, error) {
		return checkBackupFile(ctx, path, func() ([]age.Identity, error) {
			if !hasKey {
				return nil, records.Errorf(records.EInvalid, "%s is encrypted, and this database has no backup key to open it", path)
			}
			return []age.Identity{key.Identity}, nil
		})
	}
	record := func(p backupfile.Place, c records.BackupCheck) error {
		return s.write(ctx, "the record of the backup check", func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `INSERT INTO backup_places (dir, checked_at, checked_file, check_ok, check_detail) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (dir) DO UPDATE SET checked_at = EXCLUDED.checked_at, checked_file = EXCLUDED.checked_file,
				check_ok = EXCLUDED.check_ok, check_detail = EXCLUDED.check_detail`,
				p.Dir, c.At, c.File, c.OK, c.Problems); err != nil {
				return err
			}
			_, err := s.appendAudit(ctx, tx, a, records.AuditBackup, "database", 0, backupfile.CheckResult(c))
			return err
		})
	}
	// PostgreSQL keeps microseconds: the check's time as it is read back.
	return dumpFormat.CheckNewest(places(st, hasKey), s.now().Truncate(time.Microsecond), now, lastChecked, check, record)
}

// checkBackupFile reads the backup at path back with pg_restore, an
// encrypted one decrypted first into a private temporary folder with the
// identities ids gives; it returns the problems found, or an error when
// the file cannot be opened at all.
func checkBackupFile(ctx context.Context, path string, ids func() ([]age.Identity, error)) ([]string, error) {
	tmp, err := os.MkdirTemp("", backupfile.TempPrefix+"check-")
	if err != nil {
		return nil, records.Internal("could not make a temporary folder", err)
	}
	defer os.RemoveAll(tmp)
	plain, done, err := backupfile.Opened(path, tmp, ids)
	if err != nil {
		return nil, err
	}
	defer done()
	problems, err := checkDump(ctx, plain)
	for i := range problems {
		problems[i] = strings.ReplaceAll(problems[i], plain, path)
	}
	return problems, err
}

// CheckIntegrity verifies the whole audit chain and the seals of movements
// and users, and what PostgreSQL lets the database's owner see of its
// health without superuser rights: that the triggers keeping the audit log
// append-only and the seals whole are enabled, and that no index was left
// invalid. (The pages themselves are PostgreSQL's to check: data checksums
// and amcheck are the server administrator's.) It returns the problems
// found (supervisor).
func (s *Store) CheckIntegrity(ctx context.Context) ([]string, error) {
	if _, err := records.Require(ctx, records.RoleSupervisor, "check the database"); err != nil {
		return nil, err
	}
	problems := []string{}
	err := s.read(ctx, "the database check", func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
			JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = current_schema() AND NOT t.tgisinternal AND t.tgenabled = 'D' ORDER BY 1, 2`)
		if err != nil {
			return err
		}
		disabled, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (string, error) {
			var table, trigger string
			err := r.Scan(&table, &trigger)
			return fmt.Sprintf("%s: the trigger %s is disabled (someone turned off a safeguard; run `chartroom verify`)", table, trigger), err
		})
		if err != nil {
			return err
		}
		problems = append(problems, disabled...)
		rows, err = tx.Query(ctx, `SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
			JOIN pg_namespace n ON n.oid = i.relnamespace
			WHERE n.nspname = current_schema() AND NOT (x.indisvalid AND x.indisready) ORDER BY 1`)
		if err != nil {
			return err
		}
		invalid, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (string, error) {
			var index string
			err := r.Scan(&index)
			return fmt.Sprintf("index %s is invalid: ask the practice's IT to rebuild it (REINDEX INDEX %s)", index, index), err
		})
		if err != nil {
			return err
		}
		problems = append(problems, invalid...)
		problem, _, _, err := verifyChain(ctx, tx, checkpoint{})
		if err != nil {
			return err
		}
		if problem != nil {
			problems = append(problems, "audit log: "+problem.Reason)
			return nil
		}
		cp, err := readCheckpoint(ctx, tx)
		if err != nil {
			return err
		}
		var last records.ID
		if err := tx.QueryRow(ctx, "SELECT coalesce(max(id), 0) FROM audit").Scan(&last); err != nil {
			return err
		}
		if cp.id > last {
			problems = append(problems, fmt.Sprintf("audit log: audit events %d to %d were verified before but are gone (deleted?)", last+1, cp.id))
			return nil
		}
		if problem, err = verifySeals(ctx, tx, true, 0); err != nil {
			return err
		}
		if problem != nil {
			problems = append(problems, problem.Table+": "+problem.Reason)
		}
		return nil
	})
	return problems, err
}
