package cli

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/chartroom/chartroom/records/postgres/pgtest"
)

// newServerHarness is a harness whose --db is a new empty database on the
// throwaway PostgreSQL cluster.
func newServerHarness(t *testing.T) *harness {
	t.Helper()
	h := newHarness(t)
	h.db = pgtest.Database(t)
	return h
}

// runFromEnv runs chartroom without --db: the database comes from
// CHARTROOM_DB in the harness's environment.
func (h *harness) runFromEnv(args ...string) result {
	h.t.Helper()
	var out, errOut bytes.Buffer
	env := func(k string) string { return h.env[k] }
	code := Run(context.Background(), args, Process{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, Getenv: env})
	return result{out.String(), errOut.String(), code}
}

// A practice on a PostgreSQL server: init sets up the empty database, and
// the commands then work on it as on a file, as another workstation sees.
func TestPostgresPracticeFromInitToCommands(t *testing.T) {
	h := newServerHarness(t)
	out := h.must("init", "--admin", adminUser, "--practice", "Harbour Lane Clinic (fictitious)")
	if !strings.Contains(out, "created "+h.db) || !strings.Contains(out, "with admin "+adminUser) {
		t.Errorf("init said %q", out)
	}
	h.env["CHARTROOM_NEW_PASSWORD"] = "clerk password 1"
	h.must("users", "add", "cy", "--role", "clerk", "--name", "Cy Testclerk")
	h.must("borrowers", "add", "Dr. Quill Testdoctor", "--kind", "provider")

	users := h.must("users", "list")
	if !strings.Contains(users, "cy") || !strings.Contains(users, "Cy Testclerk") {
		t.Errorf("users list does not show the clerk: %q", users)
	}
	// Another workstation: the same database named in CHARTROOM_DB with
	// the postgresql:// spelling, the clerk signed in.
	other := h.as("cy", "clerk password 1")
	other.env["CHARTROOM_DB"] = strings.Replace(h.db, "postgres://", "postgresql://", 1)
	r := other.runFromEnv("borrowers", "list")
	if r.code != ExitOK || !strings.Contains(r.stdout, "Dr. Quill Testdoctor") {
		t.Errorf("borrowers list from CHARTROOM_DB: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}

// What a server cannot do, or cannot do yet, is refused with what to do
// instead, and nothing is created where it should not be.
func TestPostgresRefusals(t *testing.T) {
	h := newServerHarness(t)
	t.Chdir(t.TempDir())
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"a command before init", []string{"borrowers", "list"}, []string{"no Chartroom practice yet", "chartroom init --db"}},
		{"the demo", []string{"demo", "--patients", "5"}, []string{"database file, not on a practice server", "--db demo.db"}},
		{"restore of a file that is no backup", []string{"restore", writeFile(t, "old.db", "not a backup")}, []string{"old.db", "not restored"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.run(tt.args...)
			if r.code == ExitOK {
				t.Fatalf("exit 0, want a refusal; stdout %q", r.stdout)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr %q does not say %q", r.stderr, w)
				}
			}
		})
	}
	// The database is still empty: init sets it up now.
	h.must("init", "--admin", adminUser)
	r := h.run("init", "--admin", "bo")
	if r.code == ExitOK || !strings.Contains(r.stderr, "already has a practice") {
		t.Errorf("a second init: exit %d, stderr %q", r.code, r.stderr)
	}
	backup := h.run("backup")
	if backup.code != ExitUsage || !strings.Contains(backup.stderr, "--to DIR") {
		t.Errorf("backup with no folder on a server: exit %d, stderr %q", backup.code, backup.stderr)
	}
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("a command on a server left %s in the working folder", e.Name())
	}
}

// A password in the address is refused before any connection: it would end
// up in a shell's history or a shortcut.
func TestPostgresPasswordInAddressRefused(t *testing.T) {
	h := newHarness(t)
	h.db = "postgres://ann:secret@db.example.org:5432/chartroom?sslmode=verify-full"
	r := h.run("borrowers", "list")
	if r.code == ExitOK || !strings.Contains(r.stderr, "PGPASSWORD or the pgpass file") || strings.Contains(r.stderr, "secret") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
}

// A server's backup, made by `chartroom backup --to DIR`, is restored into
// a new, empty database with `chartroom restore`: the practice is there,
// and a database that holds anything is refused.
func TestPostgresBackupRestoredIntoANewDatabase(t *testing.T) {
	h := newServerHarness(t)
	h.must("init", "--admin", adminUser)
	h.must("borrowers", "add", "Dr. Rhea Testrestore", "--kind", "provider")
	dir := t.TempDir()
	backup := strings.TrimSpace(h.must("backup", "--to", dir))
	if !strings.HasSuffix(backup, ".dump") {
		t.Fatalf("backup printed %q, want a .dump file", backup)
	}

	// Over the practice itself: refused, nothing changed.
	r := h.run("restore", backup)
	if r.code == ExitOK || !strings.Contains(r.stderr, "empty") {
		t.Errorf("restore over the practice: exit %d, stderr %q", r.code, r.stderr)
	}

	fresh := newServerHarness(t)
	fresh.env = h.env
	out := fresh.must("restore", backup)
	if !strings.Contains(out, "restored") {
		t.Errorf("restore printed %q", out)
	}
	if got := fresh.must("borrowers", "list"); !strings.Contains(got, "Dr. Rhea Testrestore") {
		t.Errorf("the restored practice's borrowers: %q", got)
	}
	if got := fresh.must("verify"); !strings.HasPrefix(got, "ok:") {
		t.Errorf("verify after the restore: %q", got)
	}
}
