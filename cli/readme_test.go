package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chartroom/chartroom/records/postgres/pgtest"
)

// readmeSection returns the README's section under the heading title, up
// to the next heading of the same level.
func readmeSection(t *testing.T, title string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	start := strings.Index(text, "\n## "+title+"\n")
	if start < 0 {
		t.Fatalf("the README has no section %q", title)
	}
	rest := text[start+1:]
	if end := strings.Index(rest[3:], "\n## "); end >= 0 {
		rest = rest[:end+3]
	}
	return rest
}

// psqlLine is one `sudo -u postgres psql [-d DB] -c "SQL"` of the README.
var psqlLine = regexp.MustCompile(`(?m)^sudo -u postgres psql (?:-d (\w+) )?-c "([^"]+)"$`)

// pgpassExample is the README's pgpass line: server:port:database:role:password.
var pgpassExample = regexp.MustCompile(`(?m)^db\.example\.org:5432:(\w+):(\w+):(\S+)$`)

// The README's multi-workstation procedure, as the practice's IT and the
// first PC follow it: the role and database made by the README's own SQL
// (as the server's superuser, as psql does), the password asked for by the
// server and given through the pgpass line, then init and a command
// through the command line, on the role's rights alone.
func TestREADMEMultiWorkstationProcedure(t *testing.T) {
	section := readmeSection(t, "Several workstations: a practice server (PostgreSQL)")
	ctx := context.Background()
	c := pgtest.Server(t)
	statements := psqlLine.FindAllStringSubmatch(section, -1)
	if len(statements) < 3 {
		t.Fatalf("the README gives %d psql statements, want the role, the database and the schema's owner", len(statements))
	}
	var role, dbName string
	for _, st := range statements {
		db, sql := st[1], st[2]
		if db == "" {
			db = "postgres"
		}
		if strings.Contains(strings.ToUpper(sql), " SUPERUSER") {
			t.Errorf("the README's role has superuser rights: %s", sql)
		}
		if err := c.Exec(ctx, db, sql); err != nil {
			t.Fatalf("the README's SQL %q on %s: %v", sql, db, err)
		}
		if m := regexp.MustCompile(`^CREATE ROLE (\w+)`).FindStringSubmatch(sql); m != nil {
			role = m[1]
		}
		if m := regexp.MustCompile(`^CREATE DATABASE (\w+)`).FindStringSubmatch(sql); m != nil {
			dbName = m[1]
		}
	}
	t.Cleanup(func() {
		ctx := context.Background()
		if err := c.RequirePassword(ctx); err != nil {
			t.Error(err)
		}
		for _, sql := range []string{"DROP DATABASE IF EXISTS " + dbName + " WITH (FORCE)", "DROP ROLE IF EXISTS " + role} {
			if err := c.Exec(ctx, "postgres", sql); err != nil {
				t.Error(err)
			}
		}
	})
	if role == "" || dbName == "" {
		t.Fatalf("the README's SQL creates role %q and database %q", role, dbName)
	}
	if err := c.RequirePassword(ctx, role); err != nil {
		t.Fatal(err)
	}

	m := pgpassExample.FindStringSubmatch(section)
	if m == nil || m[1] != dbName || m[2] != role {
		t.Fatalf("the README's pgpass line %q does not name database %s and role %s", m, dbName, role)
	}
	home := isolatedHome(t)
	pgpass := filepath.Join(home, ".pgpass")
	line := fmt.Sprintf("127.0.0.1:%d:%s:%s:%s\n", c.Port(), dbName, role, m[3])
	if err := os.WriteFile(pgpass, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}

	h := newHarness(t)
	h.db = fmt.Sprintf("postgres://%s@127.0.0.1:%d/%s?sslmode=disable", role, c.Port(), dbName)
	if !strings.Contains(section, "chartroom init --db \"postgres://"+role+"@") {
		t.Errorf("the README's init names another role than %s", role)
	}
	h.must("init", "--admin", adminUser, "--practice", "Maple Street Family Practice (fictitious)")
	h.env["CHARTROOM_NEW_PASSWORD"] = "clerk password 1"
	h.must("users", "add", "cy", "--role", "clerk")
	if out := h.must("users", "list"); !strings.Contains(out, "cy") {
		t.Errorf("users list after init on the README's database: %q", out)
	}
	// Without the pgpass line the server refuses.
	if err := os.Remove(pgpass); err != nil {
		t.Fatal(err)
	}
	if r := h.run("users", "list"); r.code == ExitOK || !strings.Contains(r.stderr, "did not let the database user in") {
		t.Errorf("without the password: exit %d, stderr %q", r.code, r.stderr)
	}
}
