package cli

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/postgres/pgtest"
	"github.com/chartroom/chartroom/records/sqlite"
)

// testNow is the fixed "now" of the command-line tests, so due dates and
// file names are known in advance.
var testNow = time.Date(2026, time.March, 10, 10, 30, 0, 0, time.Local)

func TestMain(m *testing.M) {
	// Cheap argon2id costs: the tests sign in a few hundred times.
	passwordParams = &records.PasswordParams{Memory: 64, Time: 1, Threads: 1}
	// A cheap scrypt cost for the backup key files, for the same reason.
	sqlite.BackupKeyWorkFactor = 10
	clockNow = func() time.Time { return testNow }
	// A throwaway PostgreSQL cluster for the tests of a practice on a
	// server (postgres_test.go); they skip without one, off CI.
	pgtest.Main(m)
}

// harness runs the command line in-process against one temporary database.
type harness struct {
	t   *testing.T
	db  string
	env map[string]string
}

const (
	adminUser = "ada"
	adminPass = "correct horse battery"
)

func newHarness(t *testing.T) *harness {
	t.Helper()
	return &harness{
		t:  t,
		db: filepath.Join(t.TempDir(), "chartroom.db"),
		env: map[string]string{
			"CHARTROOM_USER":     adminUser,
			"CHARTROOM_PASSWORD": adminPass,
		},
	}
}

// newPractice returns a harness on an initialized database with admin ada.
func newPractice(t *testing.T, extra ...string) *harness {
	t.Helper()
	h := newHarness(t)
	h.must(append([]string{"init", "--admin", adminUser, "--practice", "Testville Clinic (fictitious)"}, extra...)...)
	return h
}

type result struct {
	stdout, stderr string
	code           int
}

// run runs chartroom with --db pointing at the harness's database, the
// harness's environment and stdin.
func (h *harness) runIn(stdin string, args ...string) result {
	h.t.Helper()
	var out, errOut bytes.Buffer
	env := func(k string) string { return h.env[k] }
	full := append([]string{"--db", h.db}, args...)
	code := Run(context.Background(), full, Process{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut, Getenv: env,
		OpenApp: func(context.Context, string, *slog.Logger) int {
			h.t.Fatal("a test started the desktop app")
			return ExitRefused
		}})
	return result{out.String(), errOut.String(), code}
}

func (h *harness) run(args ...string) result {
	h.t.Helper()
	return h.runIn("", args...)
}

// must runs a command that has to succeed and returns its stdout.
func (h *harness) must(args ...string) string {
	h.t.Helper()
	r := h.run(args...)
	if r.code != ExitOK {
		h.t.Fatalf("chartroom %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r.stdout
}

// as returns a copy of h acting as another user.
func (h *harness) as(user, password string) *harness {
	env := map[string]string{}
	for k, v := range h.env {
		env[k] = v
	}
	env["CHARTROOM_USER"] = user
	env["CHARTROOM_PASSWORD"] = password
	return &harness{t: h.t, db: h.db, env: env}
}

// tsv splits output into lines of tab-separated fields.
func tsv(out string) [][]string {
	var rows [][]string
	for _, line := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		if line != "" {
			rows = append(rows, strings.Split(line, "\t"))
		}
	}
	return rows
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
