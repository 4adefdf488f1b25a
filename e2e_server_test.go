//go:build e2e && linux

package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/chartroom/chartroom/cli"
	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/postgres/pgtest"
)

// The practice server of scenarioConnectPracticeServer: a database role
// with a password the server asks for, as the practice's IT sets it up.
const (
	e2eServerRole     = "chartroom_desk"
	e2eServerPassword = "Quay-desk-2026"
	e2eServerAdmin    = "quayadmin"
	e2eServerAdminPw  = "quay admin pass 1"
)

// scenarioConnectPracticeServer: on a throwaway PostgreSQL server whose
// practice was set up by `chartroom init --db postgres://...`, a new
// computer's first-run screen connects to it by keyboard. A wrong password
// is refused with the form kept filled and nothing saved; the right one
// leads to sign-in on the server. Outside the window: the password is in
// the pgpass file (private), the app's sign-in is in the server's audit
// log, the command line with no --db and no password opens the server, and
// the app started again opens the server by itself.
func scenarioConnectPracticeServer(c *e2eCase) {
	ctx := context.Background()
	cluster, err := pgtest.Start(ctx)
	if err != nil {
		c.t.Fatalf("starting a throwaway PostgreSQL server: %v", err)
	}
	c.t.Cleanup(func() {
		if err := cluster.Stop(); err != nil {
			c.t.Errorf("stopping the PostgreSQL server: %v", err)
		}
	})
	for _, sql := range []string{
		fmt.Sprintf("CREATE ROLE %s LOGIN PASSWORD '%s'", e2eServerRole, e2eServerPassword),
		fmt.Sprintf("CREATE DATABASE chartroom OWNER %s", e2eServerRole),
	} {
		if err := cluster.Exec(ctx, "postgres", sql); err != nil {
			c.t.Fatalf("%s: %v", sql, err)
		}
	}
	if err := cluster.Exec(ctx, "chartroom", "ALTER SCHEMA public OWNER TO "+e2eServerRole); err != nil {
		c.t.Fatal(err)
	}
	if err := cluster.RequirePassword(ctx, e2eServerRole); err != nil {
		c.t.Fatal(err)
	}
	port := strconv.Itoa(cluster.Port())
	address := "postgres://" + e2eServerRole + "@127.0.0.1:" + port + "/chartroom?sslmode=disable"

	s := c.session("empty")
	s.db = "" // the computer's own default: the file, then the server it remembers
	init := exec.Command(s.run.bin, "init", "--db", address, "--admin", e2eServerAdmin, "--practice", "Quay Street Clinic (fictitious)")
	init.Env = append(s.env(), "PGPASSWORD="+e2eServerPassword, "CHARTROOM_PASSWORD="+e2eServerAdminPw)
	if out, err := init.CombinedOutput(); err != nil {
		c.t.Fatalf("chartroom init --db %s: %v\n%s", address, err, out)
	}

	s.launch()
	s.waitText("Set up a new practice")
	s.clickText("Connect to a practice server")
	s.waitText("Database password")
	// By keyboard: the Server box has the focus.
	s.typeText("127.0.0.1")
	s.key("Tab")
	s.typeText(port)
	s.key("Tab")
	s.typeText("chartroom")
	s.key("Tab")
	s.typeText(e2eServerRole)
	s.key("Tab")
	s.key("space") // TLS: the list opens; disable is the last choice
	s.waitText("verify-ca")
	s.key("Down", "Down", "Down", "Down", "Return")
	s.waitGone("verify-ca")
	s.key("Tab", "Tab", "Tab") // past the CA file and its folder button
	s.typeText("not the password")
	s.key("Return")
	// The refusal shows in red under the form, which OCR reads poorly: the
	// app's log says the same.
	s.waitFor("the refusal of the wrong password", func() bool {
		b, _ := os.ReadFile(s.logPath)
		return strings.Contains(string(b), "did not let the database user in")
	})
	pgpass := filepath.Join(s.home, ".pgpass")
	remembered := filepath.Join(s.home, ".config", "chartroom", "server.txt")
	for _, p := range []string{pgpass, remembered} {
		if _, err := os.Stat(p); err == nil {
			s.t.Errorf("a refused connection wrote %s", p)
		}
	}
	s.shot("wrong password, the form kept")
	s.key("ctrl+a")
	s.typeText(e2eServerPassword)
	s.key("Return")
	s.signInTo(e2eServerAdmin, e2eServerAdminPw, "Getting started")

	// The password is in the pgpass file, readable by this user alone.
	info, err := os.Stat(pgpass)
	if err != nil {
		s.t.Fatalf("the pgpass file: %v", err)
	}
	if info.Mode().Perm() != 0o600 {
		s.t.Errorf("the pgpass file's mode is %v, want 0600", info.Mode().Perm())
	}
	if b, _ := os.ReadFile(pgpass); string(b) != "127.0.0.1:"+port+":chartroom:"+e2eServerRole+":"+e2eServerPassword+"\n" {
		s.t.Errorf("the pgpass file holds %q", b)
	}
	// The command line on this computer, with no --db and no password
	// given, opens the remembered server.
	out, errOut, err := s.cliAs([2]string{e2eServerAdmin, e2eServerAdminPw}, "users", "list")
	if err != nil || !strings.Contains(out, e2eServerAdmin) {
		s.t.Errorf("chartroom users list on the remembered server: %v\n%s%s", err, out, errOut)
	}
	// The app's sign-in went to the server.
	s.t.Setenv("PGPASSFILE", pgpass) // the password the app saved
	db := cli.NewDatabase(address, slog.New(slog.NewTextHandler(io.Discard, nil)))
	svc, err := db.Open(ctx)
	if err != nil {
		s.t.Fatalf("opening the server's database: %v", err)
	}
	actor, err := svc.SignIn(ctx, e2eServerAdmin, e2eServerAdminPw)
	if err != nil {
		s.t.Fatal(err)
	}
	events, err := svc.ListAudit(records.WithActor(ctx, actor), records.AuditFilter{})
	db.Close()
	if err != nil {
		s.t.Fatal(err)
	}
	signIns := 0
	for _, e := range events {
		if e.Action == records.AuditSignIn && e.Username == e2eServerAdmin {
			signIns++
		}
	}
	if signIns < 2 { // the app's, and this check's own
		s.t.Errorf("the server's audit log has %d sign-ins of %s, want the app's too", signIns, e2eServerAdmin)
	}
	// Started again, the app opens the server: sign-in, where this
	// computer's own file, empty, would show the first-run form; the
	// practice's admin gets in (the window title names them).
	s.stopApp()
	s.launch()
	s.waitText("Sign in to the record room")
	s.clickRightOf("Username", 60)
	s.typeText(e2eServerAdmin)
	s.key("Tab")
	s.typeText(e2eServerAdminPw)
	s.key("Return")
	s.waitTitle(e2eServerAdmin)
}
