package sqlite

import (
	"bytes"
	"context"
	"crypto/sha256"
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

	"filippo.io/age"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/privatefile"
)

// backupPrefix and backupSuffix frame a backup's file name:
// chartroom-YYYYMMDD-HHMMSS.db, encrypted chartroom-YYYYMMDD-HHMMSS.db.age.
const (
	backupPrefix = "chartroom-"
	backupSuffix = ".db"
)

// backupStamp is the time in a backup's name: it sorts by age.
const backupStamp = "20060102-150405"

// BackupFileName is the name of a (plain) backup made at t, as it lies in
// the backup folder.
func BackupFileName(t time.Time) string { return backupPrefix + t.Format(backupStamp) + backupSuffix }

// partialSuffix marks a backup still being written. A backup cut short
// (the app killed during the start-up backup of a large practice, a full
// disk, a drive pulled out) must not count: under its final name it did,
// and the next start made none.
const partialSuffix = ".partial"

// stalePartial is how old a partial backup's last write must be before a
// later backup removes it as left behind; a backup being written or
// checked by another process is younger.
const stalePartial = time.Hour

// tempPrefix names the working files a backup keeps in the database's
// folder (the fresh copy, a decrypted backup being checked): the plain
// database never leaves that folder but as a backup in a plain place.
const tempPrefix = ".chartroom-"

// place is one folder backups are written into.
type place struct {
	dir     string
	second  bool // the second place: never created, only found
	encrypt bool
}

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
	p := place{dir: dir, encrypt: hasKey && !s.inDatabaseFolder(dir)}
	paths, err := s.backupInto(ctx, a, st, key, []place{p}, "backup written to %s")
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
	var due []place
	newestFirst := ""
	for i, p := range s.places(st, hasKey) {
		if p.second && !reachable(p.dir) {
			s.log.Info("the second backup place cannot be reached", "dir", p.dir)
			continue
		}
		newest, at, err := newestBackup(p.dir, now)
		if err != nil {
			return "", false, records.Internal("could not read the backup folder "+p.dir, err)
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
	if len(paths) > 0 && !due[0].second {
		newestFirst = paths[0]
	}
	return newestFirst, len(paths) > 0, err
}

// places are the backup places of the settings: the backup folder, then
// the second place if one is set.
func (s *Store) places(st records.Settings, hasKey bool) []place {
	dir := st.BackupFolder(s.path)
	ps := []place{{dir: dir, encrypt: hasKey && !s.inDatabaseFolder(dir)}}
	if second := strings.TrimSpace(st.SecondBackupDir); second != "" {
		ps = append(ps, place{dir: second, second: true, encrypt: hasKey})
	}
	return ps
}

// reachable reports whether a second place is there (an existing folder).
func reachable(dir string) bool { return records.BackupPlaceReachable(dir) }

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
func IsEncryptedBackupName(path string) bool {
	return strings.HasSuffix(path, backupSuffix+encryptedSuffix)
}

// backupSettings reads the settings and the backup key a backup needs.
func (s *Store) backupSettings(ctx context.Context) (st records.Settings, key backupKey, hasKey bool, err error) {
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
func (s *Store) backupInto(ctx context.Context, a records.Actor, st records.Settings, key backupKey, places []place, detail string) ([]string, error) {
	clearStale(filepath.Dir(s.path), tempPrefix+"backup-")
	src, err := s.freshCopy(ctx)
	if err != nil {
		return nil, err
	}
	defer removePartial(src)
	var paths []string
	var firstErr error
	for _, p := range places {
		path, err := s.writeInto(p, src, key)
		if err == nil {
			err = s.write(ctx, "record the backup", func(tx *sql.Tx) error {
				if err := s.notePlace(ctx, tx, p.dir, path); err != nil {
					return err
				}
				return s.auditor(tx, a).add(ctx, records.AuditBackup, "database", 0, detail, path)
			})
		}
		if err != nil {
			s.log.Warn("backup not written", "dir", p.dir, "err", err)
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		paths = append(paths, path)
		if err := pruneBackups(p.dir, st, path); err != nil {
			s.log.Warn("could not remove old backups", "dir", p.dir, "err", err)
		}
	}
	return paths, firstErr
}

// freshCopy writes a consistent copy of the database into a new owner-only
// file in the database's folder and checks it (integrity, audit chain,
// seals); the caller removes it.
func (s *Store) freshCopy(ctx context.Context) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(s.path), tempPrefix+"backup-*"+partialSuffix)
	if err != nil {
		return "", records.Internal("could not make the backup's working copy beside the database", err)
	}
	path := f.Name()
	f.Close()
	// VACUUM INTO writes into the empty owner-only file.
	if err := s.vacuumInto(ctx, path); err != nil {
		removePartial(path)
		return "", mapErr(err, "copy the database for the backup")
	}
	if err := privatefile.Protect(path); err != nil {
		removePartial(path)
		return "", records.Internal("could not protect the backup's working copy", err)
	}
	if problems, err := checkFile(ctx, path); err != nil || len(problems) > 0 {
		removePartial(path)
		if err == nil {
			err = records.Errorf(records.EInternal, "the backup failed its check: %s", strings.Join(problems, "; "))
		}
		return "", err
	}
	return path, nil
}

// writeInto puts the checked copy src into a place under a new backup name:
// written as a partial file, checked (an encrypted one is decrypted again
// and compared with src), flushed, and only then given its name, so a
// drive pulled out or a full disk leaves nothing that counts as a backup.
func (s *Store) writeInto(p place, src string, key backupKey) (string, error) {
	if p.second {
		if !reachable(p.dir) {
			return "", records.Errorf(records.ENotFound, "the second backup place %s cannot be reached (is the drive plugged in, the network folder there?)", p.dir)
		}
	} else if err := privatefile.MkdirAll(p.dir); err != nil {
		return "", records.Internal("could not create the backup folder "+p.dir, err)
	}
	suffix := backupSuffix
	if p.encrypt {
		suffix += encryptedSuffix
	}
	final, partial, err := reserveBackupFile(p.dir, s.now(), suffix)
	if err != nil {
		return "", err
	}
	if p.encrypt {
		err = encryptFile(src, partial, key.recipient)
		if err == nil {
			err = sameAfterDecrypting(partial, src, key.identity)
		}
	} else {
		err = linkOrCopy(src, partial)
	}
	if err == nil && placeWritten != nil {
		placeWritten(partial)
	}
	if err != nil {
		removePartial(partial)
		return "", records.Internal("could not write the backup "+final, err)
	}
	if p.encrypt {
		if err := writeKeyFile(p.dir, key); err != nil {
			removePartial(partial)
			return "", records.Internal("could not write the backup key file into "+p.dir, err)
		}
	}
	if err := os.Rename(partial, final); err != nil {
		removePartial(partial)
		return "", records.Internal("could not name the backup "+final, err)
	}
	syncDir(p.dir)
	return final, nil
}

// placeWritten, when set, is called once a backup's bytes are in its
// partial file, before it is named: tests pull the drive out there.
var placeWritten func(partial string)

// linkOrCopy puts src at the new name dst: a hard link when both are on
// one disk (the backup folder beside the database), else a flushed copy.
func linkOrCopy(src, dst string) error {
	if err := os.Remove(dst); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.Link(src, dst); err == nil {
		return nil
	}
	return copyFileSync(src, dst)
}

// sameAfterDecrypting decrypts the encrypted file enc with id and reports
// an error unless it reads back as plain, byte for byte.
func sameAfterDecrypting(enc, plain string, id age.Identity) error {
	want, err := fileHash(plain, nil)
	if err != nil {
		return err
	}
	got, err := fileHash(enc, id)
	if err != nil {
		return fmt.Errorf("reading the encrypted backup back: %w", err)
	}
	if !bytes.Equal(got, want) {
		return errors.New("the encrypted backup does not read back as the database")
	}
	return nil
}

// fileHash is the SHA-256 of the file at path, decrypted with id when id is
// not nil.
func fileHash(path string, id age.Identity) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	if id != nil {
		if r, err = age.Decrypt(f, id); err != nil {
			return nil, err
		}
	}
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return nil, err
	}
	return h.Sum(nil), nil
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

// backupTime reads the time in a backup's name (chartroom-YYYYMMDD-HHMMSS,
// perhaps with -N, then .db or .db.age), written in the clock's location.
func backupTime(name string, loc *time.Location) (time.Time, bool) {
	rest, ok := strings.CutPrefix(name, backupPrefix)
	if !ok || !(strings.HasSuffix(rest, backupSuffix) || strings.HasSuffix(rest, backupSuffix+encryptedSuffix)) || len(rest) < len(backupStamp)+len(backupSuffix) {
		return time.Time{}, false
	}
	t, err := time.ParseInLocation(backupStamp, rest[:len(backupStamp)], loc)
	return t, err == nil
}

// reserveBackupFile picks the name of a new backup ending in suffix, adding
// -2, -3... when two backups fall in the same second, and creates the
// empty, owner-only partial file the backup is written into.
func reserveBackupFile(dir string, now time.Time, suffix string) (final, partial string, err error) {
	base := backupPrefix + now.Format(backupStamp)
	for i := 1; i < 100; i++ {
		name := base + suffix
		if i > 1 {
			name = fmt.Sprintf("%s-%d%s", base, i, suffix)
		}
		final = filepath.Join(dir, name)
		if _, err := os.Lstat(final); err == nil {
			continue
		}
		partial = final + partialSuffix
		f, err := os.OpenFile(partial, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil {
			if err := f.Close(); err != nil {
				return "", "", records.Internal("could not create the backup file "+partial, err)
			}
			// The second place may be a shared folder: the backup keeps
			// its own access list there (renaming it keeps the list).
			if err := privatefile.Protect(partial); err != nil {
				removePartial(partial)
				return "", "", records.Internal("could not make the backup file "+partial+" private", err)
			}
			return final, partial, nil
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

// clearStale removes the files in dir whose names start with prefix and
// end in .partial (or its journal) that were last written longer than
// stalePartial ago: left behind by a backup that never finished.
func clearStale(dir, prefix string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var errs []error
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasPrefix(n, prefix) || !(strings.HasSuffix(n, partialSuffix) || strings.HasSuffix(n, partialSuffix+"-journal")) {
			continue
		}
		if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > stalePartial {
			errs = append(errs, os.Remove(filepath.Join(dir, n)))
		}
	}
	return errors.Join(errs...)
}

// pruneBackups keeps, in dir, the newest BackupKeep backups (the app makes
// one a day: the last days), the newest backup of each of the last
// BackupKeepWeekly ISO weeks and of each of the last BackupKeepMonthly
// months, and newest (the backup just made); it removes the other backups,
// and partial files left behind by a backup that never finished.
func pruneBackups(dir string, st records.Settings, newest string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	type backup struct {
		name string
		at   time.Time
	}
	var all []backup
	for _, e := range entries {
		if t, ok := backupTime(e.Name(), time.Local); ok && !e.IsDir() {
			all = append(all, backup{e.Name(), t})
		}
	}
	// Newest first; the name breaks ties (-2 after the first of a second).
	sort.Slice(all, func(i, j int) bool { return all[i].name > all[j].name })
	keep := map[string]bool{filepath.Base(newest): true}
	for i, b := range all {
		if i < st.BackupKeep {
			keep[b.name] = true
		}
	}
	for _, rule := range []struct {
		n      int
		period func(time.Time) string
	}{
		{st.BackupKeepWeekly, func(t time.Time) string { y, w := t.ISOWeek(); return fmt.Sprintf("%d-W%02d", y, w) }},
		{st.BackupKeepMonthly, func(t time.Time) string { return t.Format("2006-01") }},
	} {
		seen := map[string]bool{}
		for _, b := range all {
			if p := rule.period(b.at); !seen[p] && len(seen) < rule.n {
				seen[p] = true
				keep[b.name] = true
			}
		}
	}
	errs := []error{clearStale(dir, backupPrefix)}
	for _, b := range all {
		if !keep[b.name] {
			errs = append(errs, os.Remove(filepath.Join(dir, b.name)))
		}
	}
	return errors.Join(errs...)
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
			bp := records.BackupPlace{Dir: p.dir, Second: p.second, Encrypted: p.encrypt}
			err := tx.QueryRowContext(ctx, `SELECT last_copy, last_copy_at, checked_at, checked_file, check_ok, check_detail
				FROM backup_places WHERE dir = ?`, p.dir).Scan(&bp.LastCopy, timeCol{&bp.LastCopyAt},
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
	var checked []records.BackupPlace
	clearStale(filepath.Dir(s.path), tempPrefix+"decrypted-")
	for _, p := range s.places(st, hasKey) {
		var last time.Time
		err := s.read(ctx, "read the backups", func(tx *sql.Tx) error {
			err := tx.QueryRowContext(ctx, "SELECT checked_at FROM backup_places WHERE dir = ?", p.dir).Scan(timeCol{&last})
			if errors.Is(err, sql.ErrNoRows) {
				return nil
			}
			return err
		})
		if err != nil {
			return checked, err
		}
		if !now && !last.IsZero() && s.now().Sub(last) < records.BackupCheckEvery {
			continue
		}
		if !reachable(p.dir) {
			continue
		}
		newest, _, err := newestBackup(p.dir, s.now())
		if err != nil || newest == "" {
			continue
		}
		c := records.BackupCheck{At: storedTime(s.now()), File: newest}
		problems, err := s.checkBackup(ctx, newest, key, hasKey)
		if err != nil {
			problems = append(problems, records.ErrorMessage(err))
		}
		c.OK = len(problems) == 0
		c.Problems = strings.Join(problems, "; ")
		err = s.write(ctx, "record the backup check", func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO backup_places (dir, checked_at, checked_file, check_ok, check_detail) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (dir) DO UPDATE SET checked_at = excluded.checked_at, checked_file = excluded.checked_file,
				check_ok = excluded.check_ok, check_detail = excluded.check_detail`,
				p.dir, tval(c.At), c.File, bval(c.OK), c.Problems)
			if err != nil {
				return err
			}
			result := "opens and checks ok"
			if !c.OK {
				result = "FAILED: " + c.Problems
			}
			return s.auditor(tx, a).add(ctx, records.AuditBackup, "database", 0, "backup check of %s: %s", newest, result)
		})
		if err != nil {
			return checked, err
		}
		checked = append(checked, records.BackupPlace{Dir: p.dir, Second: p.second, Encrypted: p.encrypt, Check: c})
	}
	return checked, nil
}

// checkBackup checks one backup file in full; an encrypted one is opened
// with the practice's key, decrypted into the database's folder.
func (s *Store) checkBackup(ctx context.Context, path string, key backupKey, hasKey bool) ([]string, error) {
	return checkBackupIn(ctx, path, filepath.Dir(s.path), func() ([]age.Identity, error) {
		if !hasKey {
			return nil, records.Errorf(records.EInvalid, "%s is encrypted, and this database has no backup key to open it", path)
		}
		return []age.Identity{key.identity}, nil
	})
}
