package cli

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/chartroom/chartroom/reports/needtool"
)

// Attacks met from the command line (the store-level cases are in
// records/sqlite/security_test.go).

// TestSecurityCLINoSecretsInOutput runs init, users add, wrong sign-ins
// through the lockout, a password typed at the prompt and users passwd,
// all with --verbose (debug logging on stderr): no password and no hash
// may appear on stdout or stderr.
func TestSecurityCLINoSecretsInOutput(t *testing.T) {
	const (
		clerkPass = "Cl3rk-Secret-Phrase"
		wrongPass = "Wr0ng-Guess-Phrase"
		resetPass = "R3set-Secret-Phrase"
		promptPw  = "Pr0mpt-Typed-Phrase"
	)
	secrets := []string{adminPass, clerkPass, wrongPass, resetPass, promptPw, "$argon2id$", "argon2"}
	var all []result
	h := newHarness(t)
	keep := func(r result) { all = append(all, r) }
	keep(h.run("--verbose", "init", "--admin", adminUser, "--practice", "Testville Clinic (fictitious)"))
	h.env["CHARTROOM_NEW_PASSWORD"] = clerkPass
	keep(h.run("--verbose", "users", "add", "cy", "--role", "clerk"))
	for i := 0; i < 7; i++ { // past the lockout
		keep(h.as("cy", wrongPass).run("--verbose", "where", "Testperson"))
	}
	keep(h.as("nobody", wrongPass).run("--verbose", "where", "Testperson"))
	h.env["CHARTROOM_NEW_PASSWORD"] = resetPass
	keep(h.run("--verbose", "users", "passwd", "cy"))
	keep(h.run("--verbose", "users", "list"))
	prompt := h.as(adminUser, "")
	delete(prompt.env, "CHARTROOM_PASSWORD")
	keep(prompt.runIn(promptPw+"\n", "--verbose", "users", "list")) // a wrong password typed at the prompt
	if all[0].code != ExitOK || all[1].code != ExitOK || all[10].code != ExitOK || all[11].code != ExitOK {
		t.Fatalf("the setup failed: %+v", all)
	}
	if !strings.Contains(all[8].stderr, "locked until") || all[9].code != ExitRefused || all[12].code != ExitRefused {
		t.Fatalf("no lockout, or a wrong password accepted: %q %q %q", all[8].stderr, all[9].stderr, all[12].stderr)
	}
	for i, r := range all {
		for _, s := range secrets {
			if strings.Contains(r.stdout, s) || strings.Contains(r.stderr, s) {
				t.Errorf("run %d shows %q:\nstdout: %s\nstderr: %s", i, s, r.stdout, r.stderr)
			}
		}
	}
}

// runSqlite3 runs the sqlite3 command-line tool on db, as someone with a copy
// of the file and no Chartroom would.
func runSqlite3(t *testing.T, db, sql string) {
	t.Helper()
	needtool.Need(t, "sqlite3")
	if out, err := exec.Command("sqlite3", db, sql).CombinedOutput(); err != nil {
		t.Fatalf("sqlite3 %q: %v\n%s", sql, err, out)
	}
}

// TestSecurityCLITamperWithSqlite3 changes, deletes and inserts movements
// and changes or adds users with the sqlite3 tool (dropping the triggers
// that forbid it first): each time `chartroom verify` exits 1 and names the
// table and the first bad row.
func TestSecurityCLITamperWithSqlite3(t *testing.T) {
	tests := []struct {
		name, sql, want string
	}{
		{"changed movement", "DROP TRIGGER movements_no_update; UPDATE movements SET to_borrower_id = 2 WHERE kind = 'check-out'", `movements: movement (\d+) was changed`},
		{"deleted movement", "DROP TRIGGER movements_no_delete; DELETE FROM movements WHERE kind = 'check-out'", `movements: movement (\d+), recorded by audit event \d+, is gone`},
		{"inserted movement", "INSERT INTO movements (volume_id, kind, at, user_id, note) SELECT volume_id, 'check-in', at, user_id, 'forged' FROM movements WHERE kind = 'check-out'",
			`movements: movement (\d+) was not recorded by Chartroom`},
		{"changed role", "UPDATE users SET role = 'admin' WHERE username = 'cy'", `users: user (\d+) \(cy\) was changed behind Chartroom's back`},
		{"inserted user", "INSERT INTO users (username, display_name, role, password_hash, created_at) SELECT 'mallory', 'Mallory', 'admin', password_hash, created_at FROM users WHERE username = 'cy'",
			`users: user (\d+) \(mallory\) was not created by Chartroom`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newClinic(t)
			h.env["CHARTROOM_NEW_PASSWORD"] = "clerk password 1"
			h.must("users", "add", "cy", "--role", "clerk")
			clerk := h.as("cy", "clerk password 1")
			code := h.barcodeOf("Testperson")
			clerk.must("checkout", "--to", "B100", code)
			clerk.must("checkin", code)
			if out := h.must("verify"); !strings.HasPrefix(out, "ok: ") {
				t.Fatalf("before tampering: %q", out)
			}
			runSqlite3(t, h.db, tc.sql)
			r := h.run("verify")
			m := regexp.MustCompile(`(?m)^problem: ` + tc.want).FindStringSubmatch(r.stdout)
			if r.code != ExitRefused || m == nil || !strings.Contains(r.stderr, "problem(s) found") {
				t.Fatalf("verify after %s: exit %d\nstdout: %s\nstderr: %s", tc.name, r.code, r.stdout, r.stderr)
			}
			if m[1] == "0" {
				t.Errorf("the bad row is not named: %s", m[0])
			}
		})
	}
}
