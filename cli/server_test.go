package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/postgres/pgtest"
)

func TestServerAccessAddress(t *testing.T) {
	ca := writeFile(t, "practice-ca.crt", "-----BEGIN CERTIFICATE-----\n")
	t.Setenv("HOME", t.TempDir()) // no ~/.postgresql/root.crt
	t.Setenv("APPDATA", t.TempDir())
	full := ServerAccess{Host: "db.example.org", Port: "5433", Database: "chartroom", User: "chartroom_app", SSLMode: "verify-full", CAFile: ca}
	tests := []struct {
		name  string
		edit  func(a *ServerAccess)
		want  string // the address, or
		field string // the field refused
	}{
		{"everything", func(*ServerAccess) {}, "postgres://chartroom_app@db.example.org:5433/chartroom?sslmode=verify-full&sslrootcert=" + strings.ReplaceAll(ca, "/", "%2F"), ""},
		{"default port, TLS without checking", func(a *ServerAccess) { a.Port, a.SSLMode, a.CAFile = " ", "require", "" }, "postgres://chartroom_app@db.example.org:5432/chartroom?sslmode=require", ""},
		{"an IPv6 address", func(a *ServerAccess) { a.Host, a.SSLMode, a.CAFile = "fd00::20", "disable", "" }, "postgres://chartroom_app@[fd00::20]:5433/chartroom?sslmode=disable", ""},
		{"no server", func(a *ServerAccess) { a.Host = " " }, "", "Server"},
		{"a URL as the server", func(a *ServerAccess) { a.Host = "postgres://db.example.org" }, "", "Server"},
		{"a port that is not a number", func(a *ServerAccess) { a.Port = "54x" }, "", "Port"},
		{"a port out of range", func(a *ServerAccess) { a.Port = "70000" }, "", "Port"},
		{"no database", func(a *ServerAccess) { a.Database = "" }, "", "Database"},
		{"no user", func(a *ServerAccess) { a.User = "" }, "", "Database user"},
		{"an unknown TLS mode", func(a *ServerAccess) { a.SSLMode = "sometimes" }, "", "TLS"},
		{"a CA file that is missing", func(a *ServerAccess) { a.CAFile = ca + ".missing" }, "", "CA certificate"},
		{"verify-full without any CA", func(a *ServerAccess) { a.CAFile = "" }, "", "CA certificate"},
		{"a CA without TLS", func(a *ServerAccess) { a.SSLMode = "disable" }, "", "CA certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := full
			tt.edit(&a)
			got, err := a.Address()
			if tt.field != "" {
				if records.ErrorField(err) != tt.field {
					t.Fatalf("Address() = %q, %v; want a refusal of %s", got, err, tt.field)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Address() = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestSavePasswordReplacesItsLineAndKeepsTheOthers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "postgresql", "pgpass.conf")
	a := ServerAccess{Host: "db.example.org", Database: "chartroom", User: "chartroom_app", Password: "first"}
	if err := savePassword(path, a); err != nil {
		t.Fatal(err)
	}
	other := "otherhost:5432:*:someone:kept\n# a comment IT wrote\n"
	b, _ := os.ReadFile(path)
	if err := os.WriteFile(path, []byte(other+string(b)), 0o600); err != nil {
		t.Fatal(err)
	}
	a.Password = `new:pass\word`
	if err := savePassword(path, a); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := other + `db.example.org:5432:chartroom:chartroom_app:new\:pass\\word` + "\n"
	if string(b) != want {
		t.Errorf("pgpass file:\n%s\nwant:\n%s", b, want)
	}
	if runtime.GOOS != "windows" {
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != 0o600 {
			t.Errorf("pgpass file mode %v, want 0600", info.Mode().Perm())
		}
	}
}

// serverRole makes a login role with a password that the server asks for,
// and an empty database it owns, as the practice's IT does; it returns the
// database's name.
func serverRole(t *testing.T, role, password string) string {
	t.Helper()
	ctx := context.Background()
	c := pgtest.Server(t)
	for _, sql := range []string{
		fmt.Sprintf("CREATE ROLE %s LOGIN PASSWORD '%s'", role, password),
		fmt.Sprintf("CREATE DATABASE %s OWNER %s", role, role),
	} {
		if err := c.Exec(ctx, "postgres", sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	if err := c.Exec(ctx, role, "ALTER SCHEMA public OWNER TO "+role); err != nil {
		t.Fatal(err)
	}
	if err := c.RequirePassword(ctx, role); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx := context.Background()
		if err := c.RequirePassword(ctx); err != nil {
			t.Error(err)
		}
		if err := c.Exec(ctx, "postgres", "DROP DATABASE IF EXISTS "+role+" WITH (FORCE)"); err != nil {
			t.Error(err)
		}
		if err := c.Exec(ctx, "postgres", "DROP ROLE IF EXISTS "+role); err != nil {
			t.Error(err)
		}
	})
	return role
}

// isolatedHome points this user's folders (configuration, pgpass) at a
// temporary one, so a test neither reads nor writes the real ones.
func isolatedHome(t *testing.T) string {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	t.Setenv("APPDATA", filepath.Join(home, "AppData"))
	t.Setenv("PGPASSFILE", "")
	t.Setenv("PGPASSWORD", "")
	return home
}

// The app's "Connect to a practice server": refused for a server that is
// not there, a wrong password and a database without a practice, changing
// nothing; then connected, the password in the pgpass file and the address
// remembered, so the command line (and the app) open the server next time
// with no --db and no password given.
func TestConnectServer(t *testing.T) {
	home := isolatedHome(t)
	ctx := context.Background()
	c := pgtest.Server(t)
	const role, password = "clinic_connect", "db password 1"
	db := serverRole(t, role, password)

	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	g := NewDatabase(defaultDBPath(), log)
	if _, err := g.Open(ctx); err != nil {
		t.Fatal(err)
	}
	defer g.Close()

	access := ServerAccess{Host: "127.0.0.1", Port: fmt.Sprint(c.Port()), Database: db, User: role, SSLMode: "disable", Password: password}
	refusals := []struct {
		name string
		edit func(a *ServerAccess)
		says string
	}{
		{"no server on that port", func(a *ServerAccess) { a.Port = "1" }, "cannot reach the practice server 127.0.0.1"},
		{"a wrong password", func(a *ServerAccess) { a.Password = "not it" }, "password authentication failed"},
		{"a database without a practice", func(*ServerAccess) {}, "has no Chartroom practice yet"},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			a := access
			tt.edit(&a)
			svc, _, err := g.ConnectServer(ctx, a)
			if err == nil || svc != nil || !strings.Contains(records.ErrorMessage(err), tt.says) {
				t.Fatalf("ConnectServer: %v, %v; want a refusal saying %q", svc, err, tt.says)
			}
			if strings.Contains(records.ErrorMessage(err), a.Password) {
				t.Errorf("the refusal shows the password: %s", records.ErrorMessage(err))
			}
			for _, p := range []string{filepath.Join(home, ".pgpass"), filepath.Join(home, ".config", "chartroom", "server.txt")} {
				if _, err := os.Stat(p); err == nil {
					t.Errorf("a refused connection wrote %s", p)
				}
			}
		})
	}

	// The practice is set up from one PC, the password in PGPASSWORD.
	h := newHarness(t)
	h.db = "postgres://" + role + "@127.0.0.1:" + fmt.Sprint(c.Port()) + "/" + db + "?sslmode=disable"
	t.Setenv("PGPASSWORD", password)
	h.must("init", "--admin", adminUser, "--practice", "Quay Street Clinic (fictitious)")
	t.Setenv("PGPASSWORD", "")

	svc, address, err := g.ConnectServer(ctx, access)
	if err != nil {
		t.Fatalf("ConnectServer: %v", err)
	}
	if address != h.db {
		t.Errorf("address %q, want %q", address, h.db)
	}
	if _, err := svc.SignIn(ctx, adminUser, adminPass); err != nil {
		t.Errorf("signing in on the server: %v", err)
	}
	pgpass, err := os.ReadFile(filepath.Join(home, ".pgpass"))
	if err != nil || !strings.Contains(string(pgpass), ":"+db+":"+role+":"+password) {
		t.Errorf("pgpass file: %q, %v", pgpass, err)
	}

	// Next time: no --db, no CHARTROOM_DB, no PGPASSWORD.
	var out, errOut strings.Builder
	code := Run(ctx, []string{"users", "list"}, Process{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut,
		Getenv: func(k string) string { return h.env[k] }})
	if code != ExitOK || !strings.Contains(out.String(), adminUser) {
		t.Errorf("users list on the remembered server: exit %d, stdout %q, stderr %q", code, out.String(), errOut.String())
	}

	// Back to a file on this computer: the server is forgotten.
	if _, path, err := g.UseLocalFile(ctx); err != nil || path != defaultDBPath() {
		t.Fatalf("UseLocalFile: %q, %v", path, err)
	}
	if rememberedServer() != "" {
		t.Errorf("the server is still remembered")
	}
}
