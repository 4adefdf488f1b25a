package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/backupfile"
)

// backupsIn lists the names in dir that count as backups (plain or
// encrypted), oldest first.
func backupsIn(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if _, ok := dbFormat.Time(e.Name(), time.Local); ok {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names
}

func TestAutoBackupOncePerDay(t *testing.T) {
	tests := []struct {
		name     string
		previous bool          // an automatic backup was made before
		after    time.Duration // clock moved after it
		made     bool
	}{
		{"no backup yet", false, 0, true},
		{"newest is 23 hours old", true, 23 * time.Hour, false},
		{"newest is 25 hours old", true, 25 * time.Hour, true},
		{"newest is exactly a day old", true, 24 * time.Hour, true},
		{"only backup is stamped in the future", true, -48 * time.Hour, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			// No one signed in: the app backs up on its own.
			ctx := context.Background()
			dir := filepath.Join(filepath.Dir(f.path), "backups")
			var before string
			if tc.previous {
				p, made, err := f.s.AutoBackup(ctx)
				if err != nil || !made {
					t.Fatalf("first AutoBackup = %q, %v, %v", p, made, err)
				}
				before = p
				f.Clock.Advance(tc.after)
			}
			path, made, err := f.s.AutoBackup(ctx)
			if err != nil {
				t.Fatalf("AutoBackup: %v", err)
			}
			if made != tc.made {
				t.Fatalf("made = %v, want %v (files %v)", made, tc.made, backupsIn(t, dir))
			}
			if filepath.Dir(path) != dir {
				t.Fatalf("backup %s is not in the default folder %s", path, dir)
			}
			if !made {
				if path != before {
					t.Fatalf("not made: path %s, want the newest %s", path, before)
				}
				if n := len(backupsIn(t, dir)); n != 1 {
					t.Fatalf("%d backups, want 1", n)
				}
				return
			}
			if want := "chartroom-" + f.Clock.Now().Format("20060102-150405") + ".db"; filepath.Base(path) != want {
				t.Fatalf("backup name %s, want %s", filepath.Base(path), want)
			}
			fi, err := os.Stat(path)
			if err != nil || fi.Mode().Perm() != 0o600 {
				t.Fatalf("backup mode: %v %v", fi, err)
			}
			if di, err := os.Stat(dir); err != nil || di.Mode().Perm() != 0o700 {
				t.Fatalf("backup folder mode: %v %v", di, err)
			}
			if problems, err := checkFile(ctx, path); err != nil || len(problems) > 0 {
				t.Fatalf("the backup does not check: %v %v", problems, err)
			}
			// The audit log says Chartroom made it, and where.
			evs, err := f.s.ListAudit(f.Supervisor, records.AuditFilter{Entity: "database"})
			if err != nil {
				t.Fatal(err)
			}
			if len(evs) == 0 || evs[0].Action != records.AuditBackup || evs[0].Username != "chartroom" || evs[0].UserID != 0 ||
				!strings.Contains(evs[0].Detail, "automatic") || !strings.Contains(evs[0].Detail, path) {
				t.Fatalf("newest database event %+v, want an automatic backup by chartroom naming %s", evs, path)
			}
			if problem, _, err := f.s.VerifyAudit(ctx, true); problem != nil || err != nil {
				t.Fatalf("audit chain after the backup: %v %v", problem, err)
			}
		})
	}
}

func TestAutoBackupKeepsTheLastN(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	st, _ := f.s.Settings(f.Admin)
	st.BackupKeep = 3
	st.BackupKeepWeekly, st.BackupKeepMonthly = 0, 0 // the count alone: TestPruneByPeriod has the rest
	st.BackupDir = filepath.Join(t.TempDir(), "elsewhere")
	if _, err := f.s.UpdateSettings(f.Admin, st); err != nil {
		t.Fatal(err)
	}
	var made []string
	for day := 0; day < 6; day++ {
		p, ok, err := f.s.AutoBackup(ctx)
		if err != nil || !ok {
			t.Fatalf("day %d: AutoBackup = %q, %v, %v", day, p, ok, err)
		}
		if filepath.Dir(p) != st.BackupDir {
			t.Fatalf("backup %s is not in the settings' folder %s", p, st.BackupDir)
		}
		made = append(made, filepath.Base(p))
		// Exits during the day make nothing more.
		f.Clock.Advance(time.Hour)
		if _, ok, err := f.s.AutoBackup(ctx); ok || err != nil {
			t.Fatalf("day %d: a second backup within the day: %v %v", day, ok, err)
		}
		f.Clock.Advance(24 * time.Hour)
	}
	if left := backupsIn(t, st.BackupDir); strings.Join(left, " ") != strings.Join(made[3:], " ") {
		t.Fatalf("left %v, want the last three %v", left, made[3:])
	}
	for _, n := range made[3:] {
		if fi, err := os.Stat(filepath.Join(st.BackupDir, n)); err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("%s mode: %v %v", n, fi, err)
		}
	}
}

func TestAutoBackupNothingToBackUp(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.db")
	s := openTestStore(t, path, newClock())
	p, made, err := s.AutoBackup(context.Background())
	if p != "" || made || err != nil {
		t.Fatalf("AutoBackup before the practice exists = %q, %v, %v", p, made, err)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(path), "backups")); !os.IsNotExist(err) {
		t.Fatalf("a backup folder was made for an empty database: %v", err)
	}
}

func TestBackupFolderDefault(t *testing.T) {
	tests := []struct{ setting, db, want string }{
		{"", "/data/chartroom.db", "/data/backups"},
		{"  ", "/data/chartroom.db", "/data/backups"},
		{"/mnt/usb/chartroom", "/data/chartroom.db", "/mnt/usb/chartroom"},
	}
	for _, tc := range tests {
		if got := (records.Settings{BackupDir: tc.setting}).BackupFolder(tc.db); got != filepath.FromSlash(tc.want) {
			t.Errorf("BackupFolder(%q, %q) = %q, want %q", tc.setting, tc.db, got, tc.want)
		}
	}
}

// TestBackupCutShortDoesNotCount: a backup the app was killed in the middle
// of (a large practice's start-up backup) leaves a partial file; it is not
// the day's backup, the next start makes one, and a partial file left long
// ago is cleared away while one still being written is not.
func TestBackupCutShortDoesNotCount(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	dir := filepath.Join(filepath.Dir(f.path), "backups")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	stamp := f.Clock.Now().Format("20060102-150405")
	cutShort := filepath.Join(dir, backupfile.Prefix+stamp+backupSuffix+backupfile.PartialSuffix)
	old := filepath.Join(dir, backupfile.Prefix+"20200101-000000"+backupSuffix+backupfile.PartialSuffix)
	for _, p := range []string{cutShort, cutShort + "-journal", old, old + "-journal"} {
		if err := os.WriteFile(p, []byte("half a database"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	longAgo := time.Now().Add(-2 * backupfile.StalePartial)
	for _, p := range []string{old, old + "-journal"} {
		if err := os.Chtimes(p, longAgo, longAgo); err != nil {
			t.Fatal(err)
		}
	}

	path, made, err := f.s.AutoBackup(ctx)
	if err != nil || !made {
		t.Fatalf("AutoBackup with only a cut-short backup in the folder = %q, %v, %v; want a new backup", path, made, err)
	}
	if got := backupsIn(t, dir); len(got) != 1 || filepath.Join(dir, got[0]) != path {
		t.Errorf("backups = %v, want just %s", got, filepath.Base(path))
	}
	if _, err := os.Stat(path + backupfile.PartialSuffix); !os.IsNotExist(err) {
		t.Errorf("the finished backup's partial file is still there (%v)", err)
	}
	for p, want := range map[string]bool{cutShort: true, cutShort + "-journal": true, old: false, old + "-journal": false} {
		_, err := os.Stat(p)
		if exists := err == nil; exists != want {
			t.Errorf("%s exists = %v, want %v", filepath.Base(p), exists, want)
		}
	}
	if problems, err := checkFile(ctx, path); err != nil || len(problems) > 0 {
		t.Errorf("the backup does not check: %v %v", problems, err)
	}
}
