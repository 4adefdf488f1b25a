package cli

import (
	"database/sql"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestBackupRestoreRoundTrip(t *testing.T) {
	h := newClinic(t)
	ana := h.barcodeOf("Testperson")
	backups := t.TempDir()

	out := h.must("backup", "--to", backups)
	backup := strings.TrimSpace(out)
	if filepath.Dir(backup) != backups {
		t.Fatalf("backup printed %q, not a file in %s", out, backups)
	}
	if fi, err := os.Stat(backup); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v, mode %v", err, fi.Mode())
	}

	// A change after the backup is undone by the restore.
	h.must("checkout", "--to", "B100", ana)

	clerkEnv := map[string]string{"CHARTROOM_NEW_PASSWORD": "clerk password 1"}
	for k, v := range clerkEnv {
		h.env[k] = v
	}
	h.must("users", "add", "cy", "--role", "clerk")
	if r := h.as("cy", "clerk password 1").run("restore", backup); r.code != ExitRefused || !strings.Contains(r.stderr, "admin") {
		t.Errorf("a clerk restoring: exit %d %q", r.code, r.stderr)
	}

	r := h.run("restore", backup)
	if r.code != ExitOK {
		t.Fatalf("restore: exit %d: %s", r.code, r.stderr)
	}
	m := regexp.MustCompile(`kept as (.+)\n`).FindStringSubmatch(r.stdout)
	if m == nil {
		t.Fatalf("restore does not say where the old database is: %q", r.stdout)
	}
	if _, err := os.Stat(m[1]); err != nil {
		t.Errorf("the kept copy: %v", err)
	}
	if f := tsv(h.must("where", ana))[0]; f[4] != "in-file" {
		t.Errorf("after restore the folder is %s, want in-file as in the backup", f[4])
	}
	if r := h.run("users", "disable", "cy"); r.code != ExitRefused {
		t.Errorf("cy, added after the backup, still exists after the restore")
	}
	// The kept copy is the whole database as it was, check-out included.
	if f := tsv(h.must("where", "--db", m[1], ana))[0]; f[4] != "checked-out" {
		t.Errorf("in the kept copy the folder is %s", f[4])
	}
}

func TestRestoreRefusesNonDatabase(t *testing.T) {
	h := newClinic(t)
	bogus := writeFile(t, "notes.txt", "these are not a database\n")
	r := h.run("restore", bogus)
	if r.code != ExitRefused || !strings.Contains(r.stderr, "not a Chartroom database") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
	if r := h.run("where", "Testperson"); r.code != ExitOK {
		t.Errorf("the database is not usable after a refused restore: %s", r.stderr)
	}
}

func TestBackupDefaultFolder(t *testing.T) {
	h := newPractice(t)
	out := strings.TrimSpace(h.must("backup"))
	if filepath.Dir(out) != filepath.Join(filepath.Dir(h.db), "backups") {
		t.Errorf("default backup went to %s", out)
	}
}

func TestVerify(t *testing.T) {
	h := newClinic(t)
	out := h.must("verify")
	if !regexp.MustCompile(`^ok: [1-9][0-9]* audit events verified, integrity ok\n$`).MatchString(out) {
		t.Fatalf("verify said %q", out)
	}

	// Someone edits an audit event behind the store's back.
	db, err := sql.Open("sqlite", h.db)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"DROP TRIGGER audit_no_update",
		"UPDATE audit SET detail = 'nothing to see here' WHERE id = 3",
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()

	r := h.run("verify")
	if r.code != ExitRefused || !strings.Contains(r.stdout, "problem: ") || !strings.Contains(r.stdout, "audit event 3") {
		t.Errorf("verify of a tampered log: exit %d\nstdout %q\nstderr %q", r.code, r.stdout, r.stderr)
	}
	if strings.Count(r.stdout, "problem: ") != 1 {
		t.Errorf("the problem is not named once:\n%s", r.stdout)
	}
}

func TestDemo(t *testing.T) {
	h := newHarness(t)
	r := h.run("demo", "--patients", "40", "--seed", "7")
	if r.code != ExitOK {
		t.Fatalf("demo: exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"40 patients", "admin", "clerk", "password"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("demo output lacks %q:\n%s", want, r.stdout)
		}
	}
	m := regexp.MustCompile(`(?m)^\s+clerk\s+(\S+)\s+password (\S+)$`).FindStringSubmatch(r.stdout)
	if m == nil {
		t.Fatalf("no clerk account in %q", r.stdout)
	}
	clerk := h.as(m[1], m[2])
	a := regexp.MustCompile(`(?m)^\s+admin\s+(\S+)\s+password (\S+)$`).FindStringSubmatch(r.stdout)
	if a == nil {
		t.Fatalf("no admin account in %q", r.stdout)
	}
	if out := h.as(a[1], a[2]).must("verify"); !strings.HasPrefix(out, "ok: ") {
		t.Errorf("verify of the demo: %q", out)
	}
	if r := clerk.run("borrowers", "list"); r.code != ExitOK || strings.Count(r.stdout, "\n") < 5 {
		t.Errorf("demo borrowers: %q %q", r.stdout, r.stderr)
	}

	r = h.run("demo")
	if r.code != ExitRefused || !strings.Contains(r.stderr, "already has a practice") {
		t.Errorf("demo over a practice: exit %d %q", r.code, r.stderr)
	}
}

func TestRestoreWithoutADatabase(t *testing.T) {
	h := newClinic(t)
	backup := strings.TrimSpace(h.must("backup", "--to", t.TempDir()))

	// A new computer: no database yet, nobody to sign in.
	fresh := &harness{t: t, db: filepath.Join(t.TempDir(), "new", "chartroom.db"), env: map[string]string{}}
	if err := os.MkdirAll(filepath.Dir(fresh.db), 0o700); err != nil {
		t.Fatal(err)
	}
	r := fresh.run("restore", backup)
	if r.code != ExitOK || strings.Contains(r.stdout, "kept as") || !strings.Contains(r.stderr, "no database at") {
		t.Fatalf("restore onto a new computer: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
	if rows := tsv(fresh.as(adminUser, adminPass).must("where", "Testperson")); len(rows) != 1 {
		t.Errorf("the restored database: %q", rows)
	}

	// A database that is not one any more.
	if err := os.WriteFile(h.db, []byte("garbage where a database was"), 0o600); err != nil {
		t.Fatal(err)
	}
	os.Remove(h.db + "-wal")
	os.Remove(h.db + "-shm")
	r = (&harness{t: t, db: h.db, env: map[string]string{}}).run("restore", backup)
	if r.code != ExitOK || !strings.Contains(r.stderr, "cannot be opened") || !strings.Contains(r.stdout, "kept as") {
		t.Fatalf("restore over a damaged database: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
	if rows := tsv(h.must("where", "Testperson")); len(rows) != 1 {
		t.Errorf("after restoring over a damaged database: %q", rows)
	}
}

// TestRestoreOntoANewPC follows the README's "Restore onto a new PC", step
// by step: a practice with a chart out backs up, encrypted, to a second
// folder; on a new, empty computer the backup is checked, restored and
// verified, and `where` answers as it did on the old one.
func TestRestoreOntoANewPC(t *testing.T) {
	const passphrase = "seven blue folders on the top shelf"
	old := newClinic(t)
	old.must("checkout", "--to", "B100", old.barcodeOf("Testperson"))
	stick := t.TempDir()

	// Old PC: the admin sets the passphrase and the second place once.
	old.env["CHARTROOM_NEW_BACKUP_PASSPHRASE"] = passphrase
	if out := old.must("backup", "--set-passphrase"); !strings.Contains(out, "passphrase set") {
		t.Fatalf("backup --set-passphrase printed %q", out)
	}
	delete(old.env, "CHARTROOM_NEW_BACKUP_PASSPHRASE")
	old.must("backup", "--second-place", stick)
	backup := strings.TrimSpace(old.must("backup", "--to", stick))
	if !strings.HasSuffix(backup, ".db.age") || filepath.Dir(backup) != stick {
		t.Fatalf("backup --to the second place wrote %q, want an encrypted backup in %s", backup, stick)
	}
	if status := old.must("backup", "--status"); !strings.Contains(status, "second place: "+stick+" (encrypted)") || !strings.Contains(status, backup) {
		t.Errorf("backup --status does not name the second place and its copy:\n%s", status)
	}
	queries := [][]string{{"Testperson"}, {"12-34-56"}, {"Núñez"}, {"001234"}}
	var before []string
	for _, q := range queries {
		before = append(before, old.must(append([]string{"where"}, q...)...))
	}

	// New PC: an empty place, the stick plugged in, nothing else.
	newPC := newHarness(t)
	newPC.env = map[string]string{"CHARTROOM_USER": adminUser, "CHARTROOM_PASSWORD": adminPass}

	// A wrong passphrase changes nothing: no database appears.
	newPC.env["CHARTROOM_BACKUP_PASSPHRASE"] = "not the practice's passphrase"
	if r := newPC.run("restore", backup); r.code != ExitRefused || !strings.Contains(r.stderr, "passphrase is wrong") {
		t.Errorf("restore with a wrong passphrase: exit %d, %q", r.code, r.stderr)
	}
	if _, err := os.Stat(newPC.db); !os.IsNotExist(err) {
		t.Fatalf("a refused restore left a database: %v", err)
	}

	// Step 1: check the backup; step 2: restore it; step 3: verify.
	newPC.env["CHARTROOM_BACKUP_PASSPHRASE"] = passphrase
	if out := newPC.must("backup", "--check", backup); !strings.HasPrefix(out, "ok: ") {
		t.Errorf("backup --check printed %q", out)
	}
	if _, err := os.Stat(newPC.db); !os.IsNotExist(err) {
		t.Fatalf("backup --check made a database: %v", err)
	}
	r := newPC.run("restore", backup)
	if r.code != ExitOK || !strings.Contains(r.stderr, "no database") {
		t.Fatalf("restore on the new PC: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if out := newPC.must("verify"); !strings.HasPrefix(out, "ok: ") {
		t.Errorf("verify on the new PC: %q", out)
	}
	for i, q := range queries {
		if got := newPC.must(append([]string{"where"}, q...)...); got != before[i] {
			t.Errorf("where %s on the new PC:\n%s\nwant, as on the old one:\n%s", strings.Join(q, " "), got, before[i])
		}
	}
}

// TestBackupCheckRefusesBadFiles: --check names what is wrong and exits 1.
func TestBackupCheckRefusesBadFiles(t *testing.T) {
	h := newClinic(t)
	h.env["CHARTROOM_NEW_BACKUP_PASSPHRASE"] = "seven blue folders on the top shelf"
	h.must("backup", "--set-passphrase")
	away := t.TempDir()
	backup := strings.TrimSpace(h.must("backup", "--to", away))
	whole, err := os.ReadFile(backup)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(away, "chartroom-20260101-000000.db.age")
	if err := os.WriteFile(cut, whole[:len(whole)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, file, passphrase, want string
	}{
		{"cut short", cut, "seven blue folders on the top shelf", "damaged"},
		{"wrong passphrase", backup, "a wrong passphrase", "passphrase is wrong"},
		{"not a backup", writeFile(t, "notes.txt", "not a database\n"), "", "not a Chartroom database"},
	}
	for _, tc := range tests {
		h.env["CHARTROOM_BACKUP_PASSPHRASE"] = tc.passphrase
		if r := h.run("backup", "--check", tc.file); r.code != ExitRefused || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want 1 and %q", tc.name, r.code, r.stderr, tc.want)
		}
	}
}

func TestBackupKeep(t *testing.T) {
	h := newPractice(t)
	tests := []struct {
		keep string
		code int
		want string // on stdout, or stderr when refused
	}{
		{"7,4,6", ExitOK, "newest 7 backups, the newest of each of the last 4 weeks and of each of the last 6 months"},
		{"7,0,0", ExitOK, "last 0 weeks and of each of the last 0 months"},
		{"0,4,6", ExitRefused, "Backups kept"},
		{"7,-1,6", ExitRefused, "Weekly backups kept"},
		{"7,4", ExitUsage, "three numbers"},
		{"seven,4,6", ExitUsage, "whole numbers"},
	}
	for _, tc := range tests {
		r := h.run("backup", "--keep", tc.keep)
		out := r.stdout
		if tc.code != ExitOK {
			out = r.stderr
		}
		if r.code != tc.code || !strings.Contains(out, tc.want) {
			t.Errorf("backup --keep %s: exit %d, %q; want %d and %q", tc.keep, r.code, out, tc.code, tc.want)
		}
	}
	if status := h.must("backup", "--status"); !strings.Contains(status, "newest 7 backups") {
		t.Errorf("backup --status after the refusals:\n%s", status)
	}
}
