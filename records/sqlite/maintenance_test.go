package sqlite

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/backupfile"
)

func TestBackupRestoreRoundTrip(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	keep := f.Patient("111111", "Quux", "Kept")
	dir := filepath.Join(t.TempDir(), "backups")
	backup, err := f.s.Backup(f.Supervisor, dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := "chartroom-" + f.Clock.Now().Format("20060102-150405") + ".db"; filepath.Base(backup) != want {
		t.Fatalf("backup name %s, want %s", filepath.Base(backup), want)
	}
	if fi, err := os.Stat(backup); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup mode: %v %v", fi.Mode(), err)
	}
	// A second backup in the same second gets its own name.
	second, err := f.s.Backup(f.Supervisor, dir)
	if err != nil || second == backup {
		t.Fatalf("second backup %s: %v", second, err)
	}

	// Changes after the backup are gone after the restore.
	f.Patient("222222", "Quux", "Lost")
	if problems, err := f.s.CheckIntegrity(f.Supervisor); err != nil || len(problems) != 0 {
		t.Fatalf("CheckIntegrity = %v %v", problems, err)
	}
	f.s.Close()
	kept, err := Restore(ctx, f.path, backup, Unlock{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(kept, f.path+".before-restore-") {
		t.Fatalf("kept copy %s", kept)
	}
	// The kept copy holds the state before the restore.
	old := openTestStore(t, kept, f.Clock)
	a, _ := old.SignIn(ctx, "cleo", testPassword)
	if hits, _ := old.Search(records.WithActor(ctx, a), "222222", 5); len(hits) != 1 {
		t.Fatalf("kept copy lacks the later patient: %v", hits)
	}
	old.Close()

	s := openTestStore(t, f.path, f.Clock)
	a, err = s.SignIn(ctx, "cleo", testPassword)
	if err != nil {
		t.Fatal(err)
	}
	clerk := records.WithActor(ctx, a)
	if hits, _ := s.Search(clerk, "222222", 5); len(hits) != 0 {
		t.Fatalf("restored database has a patient added after the backup: %v", hits)
	}
	if p, err := s.PatientByMRN(clerk, "111111"); err != nil || p.ID != keep.ID {
		t.Fatalf("restored database lost a patient: %v %v", p, err)
	}
	if problem, _, err := s.VerifyAudit(ctx, true); problem != nil || err != nil {
		t.Fatalf("restored audit chain: %v %v", problem, err)
	}
	evs, _ := s.ListAudit(records.WithActor(ctx, records.Actor{UserID: 2, Username: "sam", Role: records.RoleSupervisor}), records.AuditFilter{})
	found := false
	for _, e := range evs {
		found = found || e.Action == records.AuditRestore
	}
	if !found {
		t.Fatal("the restore is not in the audit log")
	}
}

func TestRestoreRefuses(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.txt")
	os.WriteFile(text, []byte("not a database at all, just words\n"), 0o600)
	empty := filepath.Join(dir, "empty.db")
	os.WriteFile(empty, nil, 0o600)

	other := filepath.Join(dir, "other.db")
	db, _ := sql.Open("sqlite", other)
	db.Exec("CREATE TABLE recipes (name TEXT)")
	db.Close()

	backup, err := f.s.Backup(f.Supervisor, dir)
	if err != nil {
		t.Fatal(err)
	}
	newer := filepath.Join(dir, "newer.db")
	backupfile.CopyFileSync(backup, newer)
	db, _ = sql.Open("sqlite", newer)
	db.Exec("PRAGMA user_version = 99")
	db.Close()

	tampered := filepath.Join(dir, "tampered.db")
	backupfile.CopyFileSync(backup, tampered)
	db, _ = sql.Open("sqlite", tampered)
	for _, q := range []string{"DROP TRIGGER audit_no_update", "UPDATE audit SET detail = 'edited' WHERE id = 2"} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	f.s.Close()
	before, _ := os.ReadFile(f.path)
	tests := []struct {
		name, path, msg string
	}{
		{"text file", text, "not a Chartroom database"},
		{"empty file", empty, "not a Chartroom database"},
		{"another program's database", other, "not a Chartroom database"},
		{"newer schema", newer, "newer version of Chartroom"},
		{"failing its checks", tampered, "audit"},
		{"missing file", filepath.Join(dir, "nope.db"), "nope.db"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			kept, err := Restore(ctx, f.path, tc.path, Unlock{})
			if err == nil || !strings.Contains(err.Error(), tc.msg) || kept != "" {
				t.Fatalf("Restore(%s) = %q, %v", tc.name, kept, err)
			}
			if after, _ := os.ReadFile(f.path); string(after) != string(before) {
				t.Fatal("a refused restore changed the database")
			}
		})
	}
}

func TestBackupPrunesOld(t *testing.T) {
	f := newFixture(t)
	st, _ := f.s.Settings(f.Admin)
	st.BackupKeep = 2
	if _, err := f.s.UpdateSettings(f.Admin, st); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var made []string
	for i := 0; i < 4; i++ {
		p, err := f.s.Backup(f.Supervisor, dir)
		if err != nil {
			t.Fatal(err)
		}
		made = append(made, filepath.Base(p))
		f.Clock.Advance(time.Hour)
	}
	entries, _ := os.ReadDir(dir)
	var left []string
	for _, e := range entries {
		left = append(left, e.Name())
	}
	if strings.Join(left, " ") != strings.Join(made[2:], " ") {
		t.Fatalf("left %v, want %v", left, made[2:])
	}
	_, err := f.s.Backup(f.Supervisor, "")
	wantCode(t, err, records.EInvalid)
}

func TestRestoreOverDamagedDatabase(t *testing.T) {
	f := newFixture(t)
	backup, err := f.s.Backup(f.Supervisor, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	f.s.Close()
	os.Remove(f.path + "-wal")
	os.Remove(f.path + "-shm")
	if err := os.WriteFile(f.path, []byte("garbage garbage garbage garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	kept, err := Restore(context.Background(), f.path, backup, Unlock{})
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(kept); string(b) != "garbage garbage garbage garbage" {
		t.Fatalf("the damaged database was not kept as it was: %q", b)
	}
	s := openTestStore(t, f.path, f.Clock)
	if ok, err := s.Initialized(context.Background()); !ok || err != nil {
		t.Fatalf("restored database: %v %v", ok, err)
	}
}
