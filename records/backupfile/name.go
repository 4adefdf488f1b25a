// Package backupfile is what both stores' backups share and no database
// knows about: the backup files' names and the time in them, writing a
// checked copy into a backup place whole or not at all, keeping backups by
// day, week and month, and the practice's backup key that encrypts the
// copies leaving the PC (key.go). Each store makes the copy itself (SQLite
// VACUUM INTO, PostgreSQL pg_dump) and checks it in its own way.
package backupfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/privatefile"
)

// Prefix starts every backup's name: chartroom-YYYYMMDD-HHMMSS then the
// format's suffix (.db for SQLite, .dump for PostgreSQL), and .age when
// encrypted.
const Prefix = "chartroom-"

// stamp is the time in a backup's name: it sorts by age.
const stamp = "20060102-150405"

// PartialSuffix marks a backup still being written. A backup cut short
// (the app killed during the start-up backup of a large practice, a full
// disk, a drive pulled out) must not count: under its final name it did,
// and the next start made none.
const PartialSuffix = ".partial"

// StalePartial is how old a partial backup's last write must be before a
// later backup removes it as left behind; a backup being written or
// checked by another process is younger.
const StalePartial = time.Hour

// TempPrefix names the working files a backup keeps beside the database
// or in a temporary folder (the fresh copy, a decrypted backup being
// checked).
const TempPrefix = ".chartroom-"

// Format is one store's kind of backup file, named by its suffix.
type Format struct{ Suffix string }

// Name is the name of a (plain) backup made at t.
func (f Format) Name(t time.Time) string { return Prefix + t.Format(stamp) + f.Suffix }

// IsEncryptedName reports whether path names an encrypted backup of f.
func (f Format) IsEncryptedName(path string) bool {
	return strings.HasSuffix(path, f.Suffix+EncryptedSuffix)
}

// Time reads the time in a backup's name (chartroom-YYYYMMDD-HHMMSS,
// perhaps with -N, then the suffix, perhaps .age), written in loc.
func (f Format) Time(name string, loc *time.Location) (time.Time, bool) {
	rest, ok := strings.CutPrefix(name, Prefix)
	if !ok || !(strings.HasSuffix(rest, f.Suffix) || strings.HasSuffix(rest, f.Suffix+EncryptedSuffix)) || len(rest) < len(stamp)+len(f.Suffix) {
		return time.Time{}, false
	}
	t, err := time.ParseInLocation(stamp, rest[:len(stamp)], loc)
	return t, err == nil
}

// Newest finds the most recent backup in dir by the time in its name,
// ignoring names stamped after now; a missing folder has none.
func (f Format) Newest(dir string, now time.Time) (string, time.Time, error) {
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
		t, ok := f.Time(e.Name(), now.Location())
		if !ok || e.IsDir() || t.After(now) || !t.After(at) {
			continue
		}
		newest, at = filepath.Join(dir, e.Name()), t
	}
	return newest, at, nil
}

// Reserve picks the name of a new backup in dir made at now (encrypted:
// ending .age), adding -2, -3... when two backups fall in the same second,
// and creates the empty, owner-only partial file the backup is written
// into.
func (f Format) Reserve(dir string, now time.Time, encrypted bool) (final, partial string, err error) {
	suffix := f.Suffix
	if encrypted {
		suffix += EncryptedSuffix
	}
	base := Prefix + now.Format(stamp)
	for i := 1; i < 100; i++ {
		name := base + suffix
		if i > 1 {
			name = fmt.Sprintf("%s-%d%s", base, i, suffix)
		}
		final = filepath.Join(dir, name)
		if _, err := os.Lstat(final); err == nil {
			continue
		}
		partial = final + PartialSuffix
		file, err := os.OpenFile(partial, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil {
			if err := file.Close(); err != nil {
				return "", "", records.Internal("could not create the backup file "+partial, err)
			}
			// The second place may be a shared folder: the backup keeps
			// its own access list there (renaming it keeps the list).
			if err := privatefile.Protect(partial); err != nil {
				RemovePartial(partial)
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

// RemovePartial removes a partial backup and the journal SQLite kept
// beside it while writing.
func RemovePartial(partial string) {
	os.Remove(partial)
	os.Remove(partial + "-journal")
}

// ClearStale removes the files in dir whose names start with prefix and
// end in .partial (or its journal) that were last written longer than an
// hour ago: left behind by a backup that never finished.
func ClearStale(dir, prefix string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var errs []error
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasPrefix(n, prefix) || !(strings.HasSuffix(n, PartialSuffix) || strings.HasSuffix(n, PartialSuffix+"-journal")) {
			continue
		}
		if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > StalePartial {
			errs = append(errs, os.Remove(filepath.Join(dir, n)))
		}
	}
	return errors.Join(errs...)
}

// Prune keeps, in dir, the newest BackupKeep backups (the app makes one a
// day: the last days), the newest backup of each of the last
// BackupKeepWeekly ISO weeks and of each of the last BackupKeepMonthly
// months, and newest (the backup just made); it removes the other backups
// of f, and partial files left behind by a backup that never finished.
func (f Format) Prune(dir string, st records.Settings, newest string) error {
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
		if t, ok := f.Time(e.Name(), time.Local); ok && !e.IsDir() {
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
	errs := []error{ClearStale(dir, Prefix)}
	for _, b := range all {
		if !keep[b.name] {
			errs = append(errs, os.Remove(filepath.Join(dir, b.name)))
		}
	}
	return errors.Join(errs...)
}
