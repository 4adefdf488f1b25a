package main

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
	if r := h.as("cy", "clerk password 1").run("restore", backup); r.code != exitRefused || !strings.Contains(r.stderr, "admin") {
		t.Errorf("a clerk restoring: exit %d %q", r.code, r.stderr)
	}

	r := h.run("restore", backup)
	if r.code != exitOK {
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
	if r := h.run("users", "disable", "cy"); r.code != exitRefused {
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
	if r.code != exitRefused || !strings.Contains(r.stderr, "not a Chartroom database") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
	if r := h.run("where", "Testperson"); r.code != exitOK {
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
	if r.code != exitRefused || !strings.Contains(r.stdout, "problem: ") || !strings.Contains(r.stdout, "audit event 3") {
		t.Errorf("verify of a tampered log: exit %d\nstdout %q\nstderr %q", r.code, r.stdout, r.stderr)
	}
	if strings.Count(r.stdout, "problem: ") != 1 {
		t.Errorf("the problem is not named once:\n%s", r.stdout)
	}
}

func TestDemo(t *testing.T) {
	h := newHarness(t)
	r := h.run("demo", "--patients", "40", "--seed", "7")
	if r.code != exitOK {
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
	if r := clerk.run("borrowers", "list"); r.code != exitOK || strings.Count(r.stdout, "\n") < 5 {
		t.Errorf("demo borrowers: %q %q", r.stdout, r.stderr)
	}

	r = h.run("demo")
	if r.code != exitRefused || !strings.Contains(r.stderr, "already has a practice") {
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
	if r.code != exitOK || strings.Contains(r.stdout, "kept as") || !strings.Contains(r.stderr, "no database at") {
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
	if r.code != exitOK || !strings.Contains(r.stderr, "cannot be opened") || !strings.Contains(r.stdout, "kept as") {
		t.Fatalf("restore over a damaged database: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
	if rows := tsv(h.must("where", "Testperson")); len(rows) != 1 {
		t.Errorf("after restoring over a damaged database: %q", rows)
	}
}
