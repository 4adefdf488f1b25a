package sqlite

import (
	"bytes"
	"context"
	"crypto/sha256"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/backupfile"
)

const testPassphrase = "a quiet shelf of blue folders"

// withSecondPlace sets the backup passphrase and a second backup place on
// f, and returns the place.
func withSecondPlace(t *testing.T, f *fixture) string {
	t.Helper()
	if err := f.s.SetBackupPassphrase(f.Admin, "", testPassphrase, false); err != nil {
		t.Fatalf("SetBackupPassphrase: %v", err)
	}
	second := filepath.Join(t.TempDir(), "usb-stick")
	if err := os.Mkdir(second, 0o700); err != nil {
		t.Fatal(err)
	}
	st, err := f.s.Settings(f.Admin)
	if err != nil {
		t.Fatal(err)
	}
	st.SecondBackupDir = second
	if _, err := f.s.UpdateSettings(f.Admin, st); err != nil {
		t.Fatalf("UpdateSettings with a second place: %v", err)
	}
	return second
}

func TestSecondPlaceNeedsAPassphrase(t *testing.T) {
	f := newFixture(t)
	st, _ := f.s.Settings(f.Admin)
	st.SecondBackupDir = t.TempDir()
	_, err := f.s.UpdateSettings(f.Admin, st)
	wantCode(t, err, records.EInvalid)
	if !strings.Contains(records.ErrorMessage(err), "passphrase") {
		t.Errorf("message %q does not say a passphrase is needed", records.ErrorMessage(err))
	}
}

func TestBackupPassphrase(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name             string
		user             context.Context
		current, next    string
		newKey           bool
		code             string // "" succeeds
		opensWith        string // the passphrase that opens the key file after
		sameKeyAsBefore  bool
		firstTimeNoCheck bool
	}{
		{name: "a clerk", user: f.Clerk, next: testPassphrase, code: records.EForbidden},
		{name: "too short", user: f.Admin, next: "short one", code: records.EInvalid},
		{name: "first time", user: f.Admin, next: testPassphrase, opensWith: testPassphrase},
		{name: "change with a wrong current", user: f.Admin, current: "not the passphrase", next: "another long passphrase", code: records.EInvalid, opensWith: testPassphrase},
		{name: "change with the current", user: f.Admin, current: testPassphrase, next: "another long passphrase", opensWith: "another long passphrase", sameKeyAsBefore: true},
		{name: "forgotten: a new key", user: f.Admin, next: "a third long passphrase", newKey: true, opensWith: "a third long passphrase"},
	}
	var before backupfile.Key
	for _, tc := range tests {
		err := f.s.SetBackupPassphrase(tc.user, tc.current, tc.next, tc.newKey)
		if tc.code != "" {
			wantCode(t, err, tc.code)
		} else if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		k, ok, err := loadBackupKey(context.Background(), f.s.r)
		if err != nil || (tc.opensWith != "") != ok {
			t.Fatalf("%s: key stored %v, %v", tc.name, ok, err)
		}
		if !ok {
			continue
		}
		if bytes.Contains(k.Wrapped, []byte(tc.opensWith)) {
			t.Errorf("%s: the passphrase is stored in the clear", tc.name)
		}
		if _, err := backupfile.UnwrapIdentities(k.Wrapped, tc.opensWith); err != nil {
			t.Errorf("%s: %q does not open the key file: %v", tc.name, tc.opensWith, err)
		}
		if tc.code == "" && before.Recipient != nil && (k.Recipient.String() == before.Recipient.String()) != tc.sameKeyAsBefore {
			t.Errorf("%s: same key as before = %v, want %v", tc.name, !tc.sameKeyAsBefore, tc.sameKeyAsBefore)
		}
		before = k
	}
}

// TestAutoBackupToTheSecondPlace: every automatic backup also goes to the
// second place, encrypted, with the key file beside it; its bytes hold no
// patient name, chart number or barcode (the plain one beside the
// database does, which shows the search would find them); while the place
// is unplugged the backup folder still gets its copy, and after the days
// of the setting the status says the second place is overdue.
func TestAutoBackupToTheSecondPlace(t *testing.T) {
	f := newFixture(t)
	p := f.Patient("123456", "Zorblatt", "Quentina")
	barcode := f.FirstVolume(p).Barcode
	second := withSecondPlace(t, f)
	ctx := context.Background()

	local, made, err := f.s.AutoBackup(ctx)
	if err != nil || !made {
		t.Fatalf("AutoBackup = %q, %v, %v", local, made, err)
	}
	onStick := backupsIn(t, second)
	if len(onStick) != 1 || !strings.HasSuffix(onStick[0], ".db.age") {
		t.Fatalf("second place holds %v, want one encrypted backup", onStick)
	}
	keys, _ := filepath.Glob(filepath.Join(second, backupfile.KeyFilePrefix+"*.age"))
	if len(keys) != 1 {
		t.Fatalf("key files in the second place: %v", keys)
	}
	secrets := []string{"Zorblatt", "Quentina", "123456", "12-34-56", barcode, testPassphrase}
	plain, _ := os.ReadFile(local)
	if !bytes.Contains(plain, []byte("Zorblatt")) || !bytes.Contains(plain, []byte(barcode)) {
		t.Fatalf("the plain backup does not hold the patient's name and barcode: the search below would prove nothing")
	}
	for _, file := range []string{filepath.Join(second, onStick[0]), keys[0]} {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range secrets {
			if bytes.Contains(bytes.ToLower(data), bytes.ToLower([]byte(secret))) {
				t.Errorf("%s holds %q in its bytes", filepath.Base(file), secret)
			}
		}
	}
	if problems, err := CheckBackupFile(ctx, filepath.Join(second, onStick[0]), Unlock{Passphrase: testPassphrase}); err != nil || len(problems) > 0 {
		t.Fatalf("the encrypted backup does not check: %v %v", problems, err)
	}

	st, err := f.s.BackupStatus(f.Clerk)
	if err != nil || len(st.Places) != 2 || !st.PassphraseSet {
		t.Fatalf("BackupStatus = %+v, %v", st, err)
	}
	if st.Places[0].LastCopy != local || st.Places[0].Encrypted || st.Places[1].LastCopy != filepath.Join(second, onStick[0]) || !st.Places[1].Encrypted {
		t.Errorf("last copies %+v, want %s and the one on the stick", st.Places, local)
	}
	if _, overdue := st.SecondPlaceOverdue(f.Clock.Now()); overdue {
		t.Errorf("the second place is overdue right after a copy")
	}

	// The stick is unplugged for eight days: the daily copies go on beside
	// the database, and after seven days the status says so.
	if err := os.Rename(second, second+"-away"); err != nil {
		t.Fatal(err)
	}
	for day := 1; day <= 8; day++ {
		f.Clock.Advance(24 * time.Hour)
		if _, made, err := f.s.AutoBackup(ctx); err != nil || !made {
			t.Fatalf("day %d with the stick away: made %v, %v", day, made, err)
		}
		st, _ := f.s.BackupStatus(f.Clerk)
		if _, overdue := st.SecondPlaceOverdue(f.Clock.Now()); overdue != (day > 7) {
			t.Errorf("day %d: second place overdue = %v", day, overdue)
		}
	}
	if _, err := os.Stat(second); !os.IsNotExist(err) {
		t.Errorf("the unplugged second place was created on the PC's disk: %v", err)
	}
	// Plugged in again: the next automatic backup writes there at once,
	// though the backup folder had its copy today.
	if err := os.Rename(second+"-away", second); err != nil {
		t.Fatal(err)
	}
	if _, made, err := f.s.AutoBackup(ctx); err != nil || !made {
		t.Fatalf("after plugging in: made %v, %v", made, err)
	}
	if n := len(backupsIn(t, second)); n != 2 {
		t.Errorf("second place holds %d backups, want 2", n)
	}
	st, _ = f.s.BackupStatus(f.Clerk)
	if _, overdue := st.SecondPlaceOverdue(f.Clock.Now()); overdue {
		t.Errorf("still overdue after a copy")
	}
}

// TestSecondPlaceUnpluggedMidWrite: the drive goes away while the backup is
// written: the app says so, and nothing on the drive counts as a backup.
func TestSecondPlaceUnpluggedMidWrite(t *testing.T) {
	f := newFixture(t)
	f.Patient("123456", "Zorblatt", "Quentina")
	second := withSecondPlace(t, f)
	pulled := false
	backupfile.PlaceWritten = func(partial string) {
		if strings.HasPrefix(partial, second) {
			pulled = true
			if err := os.RemoveAll(second); err != nil {
				t.Error(err)
			}
		}
	}
	t.Cleanup(func() { backupfile.PlaceWritten = nil })

	local, made, err := f.s.AutoBackup(context.Background())
	if !pulled {
		t.Fatal("the backup never wrote to the second place")
	}
	if err == nil || !made || local == "" {
		t.Fatalf("AutoBackup = %q, %v, %v; want the local copy made and an error about the second place", local, made, err)
	}
	if _, err := os.Stat(local); err != nil {
		t.Errorf("the local backup: %v", err)
	}
	if err := os.Mkdir(second, 0o700); err != nil { // plugged in again
		t.Fatal(err)
	}
	if got := backupsIn(t, second); len(got) != 0 {
		t.Errorf("the second place holds %v after the drive was pulled mid-write", got)
	}
	st, _ := f.s.BackupStatus(f.Clerk)
	if st.Places[1].LastCopy != "" {
		t.Errorf("the status counts %s as the second place's last good copy", st.Places[1].LastCopy)
	}
}

// TestRestoreEncrypted: a wrong passphrase, a cut-short file and a file
// with a byte changed are refused with a clear message and change nothing;
// the right passphrase restores.
func TestRestoreEncrypted(t *testing.T) {
	f := newFixture(t)
	f.Patient("123456", "Zorblatt", "Quentina")
	if err := f.s.SetBackupPassphrase(f.Admin, "", testPassphrase, false); err != nil {
		t.Fatal(err)
	}
	away := t.TempDir()
	backup, err := f.s.Backup(f.Supervisor, away)
	if err != nil || !strings.HasSuffix(backup, ".db.age") {
		t.Fatalf("Backup to a folder away from the database = %q, %v; want an encrypted backup", backup, err)
	}
	f.Patient("654321", "Afterwards", "Added")
	if err := f.s.Close(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	whole, _ := os.ReadFile(backup)
	truncated := filepath.Join(away, "chartroom-20250101-000000.db.age")
	if err := os.WriteFile(truncated, whole[:len(whole)*2/3], 0o600); err != nil {
		t.Fatal(err)
	}
	flipped := filepath.Join(away, "chartroom-20250101-000001.db.age")
	changed := bytes.Clone(whole)
	changed[len(changed)/2] ^= 0xff
	if err := os.WriteFile(flipped, changed, 0o600); err != nil {
		t.Fatal(err)
	}
	noKey := filepath.Join(t.TempDir(), filepath.Base(backup))
	if err := os.WriteFile(noKey, whole, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, file, passphrase, want string
	}{
		{"wrong passphrase", backup, "not the practice passphrase", "passphrase is wrong"},
		{"no passphrase", backup, "", "passphrase is needed"},
		{"cut short", truncated, testPassphrase, "damaged"},
		{"a byte changed", flipped, testPassphrase, "damaged"},
		{"no key file beside it", noKey, testPassphrase, "no key file"},
	}
	dbBefore := fileSum(t, f.path)
	for _, tc := range tests {
		kept, err := Restore(ctx, f.path, tc.file, Unlock{Passphrase: tc.passphrase})
		if err == nil || kept != "" || !strings.Contains(records.ErrorMessage(err), tc.want) {
			t.Errorf("%s: Restore = %q, %v; want a refusal saying %q", tc.name, kept, err, tc.want)
		}
		if got := fileSum(t, f.path); got != dbBefore {
			t.Errorf("%s: the database changed", tc.name)
		}
		if left, _ := filepath.Glob(filepath.Join(filepath.Dir(f.path), "*")); len(left) != 1 {
			t.Errorf("%s: files beside the database: %v", tc.name, left)
		}
	}
	if _, err := Restore(ctx, f.path, backup, Unlock{Passphrase: testPassphrase}); err != nil {
		t.Fatalf("Restore with the passphrase: %v", err)
	}
	s := openTestStore(t, f.path, f.Clock)
	clerk, err := s.SignIn(ctx, "cleo", testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if found, err := s.Search(records.WithActor(ctx, clerk), "Afterwards", 10); err != nil || len(found) != 0 {
		t.Errorf("after the restore, the patient added after the backup: %v, %v", found, err)
	}
}

func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// TestWeeklyCheckNoticesCorruption: the app's weekly check opens the newest
// backup in each place; a backup damaged on the second place shows there,
// with its date, while the backup folder's checks ok.
func TestWeeklyCheckNoticesCorruption(t *testing.T) {
	f := newFixture(t)
	f.Patient("123456", "Zorblatt", "Quentina")
	second := withSecondPlace(t, f)
	ctx := context.Background()
	if _, _, err := f.s.AutoBackup(ctx); err != nil {
		t.Fatal(err)
	}
	checked, err := f.s.CheckBackups(ctx, false)
	if err != nil || len(checked) != 2 || !checked[0].Check.OK || !checked[1].Check.OK {
		t.Fatalf("first weekly check = %+v, %v; want both places ok", checked, err)
	}
	if again, err := f.s.CheckBackups(ctx, false); err != nil || len(again) != 0 {
		t.Fatalf("a second check the same week checked %+v, %v", again, err)
	}

	onStick := filepath.Join(second, backupsIn(t, second)[0])
	data, _ := os.ReadFile(onStick)
	data[len(data)/2] ^= 0x01
	if err := os.WriteFile(onStick, data, 0o600); err != nil {
		t.Fatal(err)
	}
	f.Clock.Advance(records.BackupCheckEvery)
	checked, err = f.s.CheckBackups(ctx, false)
	if err != nil || len(checked) != 2 {
		t.Fatalf("the next week's check = %+v, %v", checked, err)
	}
	if !checked[0].Check.OK {
		t.Errorf("the backup folder's backup fails: %s", checked[0].Check.Problems)
	}
	if c := checked[1].Check; c.OK || c.File != onStick || !strings.Contains(c.Problems, "damaged") {
		t.Errorf("the damaged backup on the second place checked %+v", c)
	}
	st, err := f.s.BackupStatus(f.Clerk)
	if err != nil {
		t.Fatal(err)
	}
	if c := st.Places[1].Check; c.OK || !c.At.Equal(f.Clock.Now()) || c.File != onStick {
		t.Errorf("the status shows the second place's check as %+v, want failed at %v", c, f.Clock.Now())
	}
	if problem, _, err := f.s.VerifyAudit(ctx, true); problem != nil || err != nil {
		t.Errorf("audit chain after the checks: %v %v", problem, err)
	}
}

// TestPruneByPeriod keeps the newest N backups, the newest of each of the
// last W weeks and of each of the last M months.
func TestPruneByPeriod(t *testing.T) {
	start := time.Date(2026, time.January, 1, 7, 0, 0, 0, time.Local)
	tests := []struct {
		name                  string
		days                  int // one backup a day from start
		keep, weekly, monthly int
		want                  []string // dates kept, newest first
	}{
		{"count only", 10, 3, 0, 0, []string{"2026-01-10", "2026-01-09", "2026-01-08"}},
		{"weeks", 21, 2, 3, 0, []string{"2026-01-21", "2026-01-20", "2026-01-18", "2026-01-11"}},
		{"months", 95, 1, 0, 3, []string{"2026-04-05", "2026-03-31", "2026-02-28"}},
		{"all three", 95, 2, 2, 2, []string{"2026-04-05", "2026-04-04", "2026-03-29", "2026-03-31"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			var newest string
			for d := 0; d < tc.days; d++ {
				newest = filepath.Join(dir, BackupFileName(start.AddDate(0, 0, d)))
				if err := os.WriteFile(newest, nil, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			st := records.Settings{BackupKeep: tc.keep, BackupKeepWeekly: tc.weekly, BackupKeepMonthly: tc.monthly}
			if err := dbFormat.Prune(dir, st, newest); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, n := range backupsIn(t, dir) {
				at, _ := dbFormat.Time(n, time.Local)
				got = append(got, at.Format("2006-01-02"))
			}
			sort.Sort(sort.Reverse(sort.StringSlice(got)))
			want := append([]string(nil), tc.want...)
			sort.Sort(sort.Reverse(sort.StringSlice(want)))
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("kept %v, want %v", got, want)
			}
		})
	}
}
