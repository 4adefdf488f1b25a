package storetest

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chartroom/chartroom/records"
)

// The MaintenanceService's contract: what a backup is (a checked,
// owner-only copy under a timestamped name, recorded in the audit log), who
// may make one, the backup passphrase, the automatic daily backup and its
// keeping, the check of the backups and of the database. How a store
// copies and checks its database (a SQLite file, a pg_dump) is its own.

// TestPassphrase is the fixtures' backup passphrase.
const TestPassphrase = "a quiet shelf of blue folders"

// backupName is a backup's name made at the fixture clock's now: the
// store's suffix follows (.db, .dump; .age when encrypted).
func backupName(now time.Time) *regexp.Regexp {
	return regexp.MustCompile(`^chartroom-` + now.Format("20060102-150405") + `\.[a-z]+(\.age)?$`)
}

// backupsIn lists the backups in dir (not key files or partial ones).
func backupsIn(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []string
	isBackup := regexp.MustCompile(`^chartroom-\d{8}-\d{6}(-\d+)?\.[a-z]+(\.age)?$`)
	for _, e := range entries {
		if isBackup.MatchString(e.Name()) {
			out = append(out, e.Name())
		}
	}
	return out
}

// A supervisor's backup is a private file under a timestamped name in the
// folder asked for, checked and recorded in the audit log; a clerk may not
// make one, and with no folder at all the clerk is told to choose one.
func testBackupWritesACheckedPrivateCopy(t *testing.T, db NewDatabase) {
	f := newFixture(t, db)
	f.Patient("700001", "Quibble", "Backed")
	_, err := f.S.Backup(f.Clerk, t.TempDir())
	WantCode(t, err, records.EForbidden)
	_, err = f.S.Backup(f.Supervisor, "")
	WantCode(t, err, records.EInvalid)
	dir := filepath.Join(t.TempDir(), "new folder")
	path, err := f.S.Backup(f.Supervisor, dir)
	if err != nil {
		t.Fatalf("Backup: %v", err)
	}
	if filepath.Dir(path) != dir || !backupName(f.Clock.Now()).MatchString(filepath.Base(path)) || strings.HasSuffix(path, ".age") {
		t.Fatalf("backup %s, want a plain chartroom-%s.* in %s", path, f.Clock.Now().Format("20060102-150405"), dir)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 || fi.Size() == 0 {
		t.Fatalf("backup file: %v %v", fi, err)
	}
	if di, err := os.Stat(dir); err != nil || di.Mode().Perm() != 0o700 {
		t.Fatalf("the backup folder it made: %v %v", di, err)
	}
	// A second backup in the same second gets a name of its own.
	again, err := f.S.Backup(f.Supervisor, dir)
	if err != nil || again == path || len(backupsIn(t, dir)) != 2 {
		t.Fatalf("second backup in the same second: %s %v, folder %v", again, err, backupsIn(t, dir))
	}
	evs, err := f.S.ListAudit(f.Supervisor, records.AuditFilter{Entity: "database"})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 || evs[1].Action != records.AuditBackup || evs[1].Username != "sam" || !strings.Contains(evs[1].Detail, path) {
		t.Fatalf("database events %+v, want two backups by sam, the first naming %s", evs, path)
	}
	if problem, _, err := f.S.VerifyAudit(context.Background(), true); problem != nil || err != nil {
		t.Fatalf("audit chain after the backups: %+v %v", problem, err)
	}
}

// The backup passphrase: an admin's, at least records.MinBackupPassphrase
// Length long; changing it needs the current one unless a new key replaces
// a forgotten one. Once it is set, backups are encrypted and the key file
// lies beside them, holding no passphrase in the clear.
func testBackupPassphrase(t *testing.T, db NewDatabase) {
	f := newFixture(t, db)
	tests := []struct {
		name          string
		user          context.Context
		current, next string
		newKey        bool
		code          string // "" succeeds
	}{
		{name: "a clerk", user: f.Clerk, next: TestPassphrase, code: records.EForbidden},
		{name: "a supervisor", user: f.Supervisor, next: TestPassphrase, code: records.EForbidden},
		{name: "too short", user: f.Admin, next: "short one", code: records.EInvalid},
		{name: "first time", user: f.Admin, next: TestPassphrase},
		{name: "change with a wrong current", user: f.Admin, current: "not the passphrase", next: "another long passphrase", code: records.EInvalid},
		{name: "change with the current", user: f.Admin, current: TestPassphrase, next: "another long passphrase"},
		{name: "forgotten: a new key", user: f.Admin, next: "a third long passphrase", newKey: true},
	}
	for _, tc := range tests {
		err := f.S.SetBackupPassphrase(tc.user, tc.current, tc.next, tc.newKey)
		if tc.code != "" {
			WantCode(t, err, tc.code)
		} else if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		st, err := f.S.BackupStatus(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if set := tc.name != "a clerk" && tc.name != "a supervisor" && tc.name != "too short"; st.PassphraseSet != set {
			t.Fatalf("%s: PassphraseSet = %v, want %v", tc.name, st.PassphraseSet, set)
		}
	}
	dir := t.TempDir()
	path, err := f.S.Backup(f.Supervisor, dir)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(path, ".age") || !backupName(f.Clock.Now()).MatchString(filepath.Base(path)) {
		t.Fatalf("backup %s once a passphrase is set, want an encrypted chartroom-….age", path)
	}
	keys, _ := filepath.Glob(filepath.Join(dir, "chartroom-backup-key-*.age"))
	if len(keys) != 1 {
		t.Fatalf("key files beside the backup: %v", keys)
	}
	b, err := os.ReadFile(keys[0])
	if err != nil || bytes.Contains(b, []byte("a third long passphrase")) {
		t.Fatalf("the key file holds the passphrase in the clear (or cannot be read: %v)", err)
	}
	if b, err := os.ReadFile(path); err != nil || !bytes.HasPrefix(b, []byte("age-encryption.org/v1\n")) || bytes.Contains(b, []byte("Testville")) {
		t.Fatalf("the encrypted backup is not an age file, or holds the practice's name in the clear (%v)", err)
	}
}

// CheckIntegrity of a sound practice finds nothing; it is a supervisor's.
func testCheckIntegrityOfASoundPractice(t *testing.T, db NewDatabase) {
	f := newFixture(t, db)
	v := f.FirstVolume(f.Patient("700002", "Quibble", "Sound"))
	if _, err := f.S.CheckOut(f.Clerk, records.CheckOutInput{Barcode: v.Barcode, BorrowerID: f.DrGrey.ID}); err != nil {
		t.Fatal(err)
	}
	_, err := f.S.CheckIntegrity(f.Clerk)
	WantCode(t, err, records.EForbidden)
	problems, err := f.S.CheckIntegrity(f.Supervisor)
	if err != nil || problems == nil || len(problems) != 0 {
		t.Fatalf("CheckIntegrity = %q (nil %v), %v; want an empty list", problems, problems == nil, err)
	}
}

// withBackupFolder sets the settings' backup folder (and the keeping)
// and returns it.
func withBackupFolder(t *testing.T, f *Fixture, keep int) string {
	t.Helper()
	st, err := f.S.Settings(f.Admin)
	if err != nil {
		t.Fatal(err)
	}
	st.BackupDir = filepath.Join(t.TempDir(), "backups")
	st.BackupKeep, st.BackupKeepWeekly, st.BackupKeepMonthly = keep, 0, 0
	if _, err := f.S.UpdateSettings(f.Admin, st); err != nil {
		t.Fatalf("UpdateSettings: %v", err)
	}
	return st.BackupDir
}

// The app's own backup, with no one signed in: once a day by the store's
// clock into the settings' folder, keeping the newest BackupKeep; a backup
// stamped in the future (a clock that was wrong) does not count; the
// status names the newest copy.
func testAutoBackupOncePerDayAndKeeps(t *testing.T, db NewDatabase) {
	f := newFixture(t, db)
	dir := withBackupFolder(t, f, 3)
	ctx := context.Background()
	var made []string
	for day := 0; day < 5; day++ {
		p, ok, err := f.S.AutoBackup(ctx)
		if err != nil || !ok || filepath.Dir(p) != dir || !backupName(f.Clock.Now()).MatchString(filepath.Base(p)) {
			t.Fatalf("day %d: AutoBackup = %q, %v, %v; want a new backup in %s", day, p, ok, err, dir)
		}
		made = append(made, filepath.Base(p))
		f.Clock.Advance(23 * time.Hour)
		if again, ok, err := f.S.AutoBackup(ctx); ok || err != nil || again != p {
			t.Fatalf("day %d: 23 hours later AutoBackup = %q, %v, %v; want none made and %s", day, again, ok, err, p)
		}
		f.Clock.Advance(time.Hour)
	}
	if left := backupsIn(t, dir); strings.Join(left, " ") != strings.Join(made[2:], " ") {
		t.Fatalf("left %v, want the newest three %v", left, made[2:])
	}
	st, err := f.S.BackupStatus(ctx)
	if err != nil || len(st.Places) != 1 || st.Places[0].Dir != dir || filepath.Base(st.Places[0].LastCopy) != made[4] {
		t.Fatalf("BackupStatus = %+v, %v; want %s's newest %s", st, err, dir, made[4])
	}
	evs, err := f.S.ListAudit(f.Supervisor, records.AuditFilter{Entity: "database", Limit: 1})
	if err != nil || len(evs) != 1 || evs[0].Username != "chartroom" || evs[0].UserID != 0 || !strings.Contains(evs[0].Detail, "automatic") {
		t.Fatalf("newest database event %+v, %v; want an automatic backup by chartroom", evs, err)
	}
	// The only backup stamped two days ahead: a new one is made.
	f.Clock.Advance(-48 * time.Hour)
	for _, n := range made[2:4] {
		os.Remove(filepath.Join(dir, n))
	}
	if p, ok, err := f.S.AutoBackup(ctx); !ok || err != nil {
		t.Fatalf("with only a backup from the future, AutoBackup = %q, %v, %v; want one made", p, ok, err)
	}
}

// CheckBackups opens the newest backup of each place and records the
// result: a sound one checks, a damaged one is reported and shown in the
// status; the app's own weekly check leaves a place checked within the
// week alone, a supervisor's request does not.
func testCheckBackupsNoticesADamagedBackup(t *testing.T, db NewDatabase) {
	f := newFixture(t, db)
	dir := withBackupFolder(t, f, 7)
	ctx := context.Background()
	_, err := f.S.CheckBackups(f.Clerk, true)
	WantCode(t, err, records.EForbidden)
	path, err := f.S.Backup(f.Supervisor, "")
	if err != nil {
		t.Fatal(err)
	}
	checked, err := f.S.CheckBackups(ctx, false)
	if err != nil || len(checked) != 1 || !checked[0].Check.OK || checked[0].Check.File != path {
		t.Fatalf("weekly check = %+v, %v; want %s ok", checked, err, path)
	}
	f.Clock.Advance(24 * time.Hour)
	if checked, err := f.S.CheckBackups(ctx, false); err != nil || len(checked) != 0 {
		t.Fatalf("a day later the weekly check checked %+v, %v; want nothing", checked, err)
	}
	// Half the newest backup is lost (a failing disk).
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b[:len(b)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	checked, err = f.S.CheckBackups(f.Supervisor, true)
	if err != nil || len(checked) != 1 || checked[0].Check.OK || checked[0].Check.Problems == "" {
		t.Fatalf("check of a damaged backup = %+v, %v; want it reported", checked, err)
	}
	st, err := f.S.BackupStatus(ctx)
	if err != nil || len(st.Places) != 1 || st.Places[0].Dir != dir || st.Places[0].Check.OK || st.Places[0].Check.File != path {
		t.Fatalf("BackupStatus after the failed check = %+v, %v", st, err)
	}
	evs, err := f.S.ListAudit(f.Supervisor, records.AuditFilter{Entity: "database", Limit: 1})
	if err != nil || len(evs) != 1 || !strings.Contains(evs[0].Detail, "FAILED") || evs[0].Username != "sam" {
		t.Fatalf("newest database event %+v, %v; want sam's failed check", evs, err)
	}
}
