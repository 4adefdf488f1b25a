package cli

import (
	"strings"
	"testing"
)

func TestInitCreatesPracticeOnce(t *testing.T) {
	h := newHarness(t)
	out := h.must("init", "--admin", adminUser, "--practice", "Testville Clinic (fictitious)", "--mrn-width", "7", "--filing", "numeric")
	if !strings.Contains(out, h.db) || !strings.Contains(out, "admin ada") {
		t.Errorf("init said %q", out)
	}
	r := h.run("init", "--admin", "bo")
	if r.code != ExitRefused || !strings.Contains(r.stderr, "already has a practice") {
		t.Errorf("second init: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestInitPasswordFromStdin(t *testing.T) {
	h := newHarness(t)
	delete(h.env, "CHARTROOM_PASSWORD")
	r := h.runIn("stdin secret pw\n", "init", "--admin", adminUser)
	if r.code != ExitOK {
		t.Fatalf("init: exit %d: %s", r.code, r.stderr)
	}
	// The password typed is the one that signs in; another one is refused.
	if r := h.runIn("stdin secret pw\n", "users", "list"); r.code != ExitOK {
		t.Errorf("sign-in with the stdin password: exit %d: %s", r.code, r.stderr)
	}
	if r := h.runIn("wrong password\n", "users", "list"); r.code != ExitRefused || r.stdout != "" {
		t.Errorf("wrong password: exit %d, stdout %q", r.code, r.stdout)
	}
}

func TestInitRefusesShortPassword(t *testing.T) {
	h := newHarness(t)
	h.env["CHARTROOM_PASSWORD"] = "short"
	r := h.run("init", "--admin", adminUser)
	if r.code != ExitRefused || !strings.Contains(r.stderr, "Password") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestSignInProblems(t *testing.T) {
	h := newPractice(t)
	tests := []struct {
		name string
		env  map[string]string
		db   string
		code int
		want string
	}{
		{"no user", map[string]string{"CHARTROOM_PASSWORD": adminPass}, "", ExitUsage, "--user NAME or CHARTROOM_USER"},
		{"wrong password", map[string]string{"CHARTROOM_USER": adminUser, "CHARTROOM_PASSWORD": "not the password"}, "", ExitRefused, "chartroom users list:"},
		{"unknown user", map[string]string{"CHARTROOM_USER": "nobody", "CHARTROOM_PASSWORD": adminPass}, "", ExitRefused, "chartroom users list:"},
		{"no password anywhere", map[string]string{"CHARTROOM_USER": adminUser}, "", ExitUsage, "no password given"},
		{"missing database", map[string]string{"CHARTROOM_USER": adminUser, "CHARTROOM_PASSWORD": adminPass}, h.db + ".typo", ExitRefused, "there is no database at"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := &harness{t: t, db: h.db, env: tt.env}
			if tt.db != "" {
				x.db = tt.db
			}
			r := x.run("users", "list")
			if r.code != tt.code || !strings.Contains(r.stderr, tt.want) || r.stdout != "" {
				t.Errorf("exit %d (want %d), stdout %q, stderr %q (want %q)", r.code, tt.code, r.stdout, r.stderr, tt.want)
			}
		})
	}
}

func TestUsersLifecycle(t *testing.T) {
	h := newPractice(t)
	h.env["CHARTROOM_NEW_PASSWORD"] = "clerk password 1"
	out := h.must("users", "add", "cy", "--role", "clerk", "--name", "Cy Testclerk")
	if !strings.Contains(out, "added cy (Cy Testclerk), clerk") {
		t.Errorf("users add said %q", out)
	}
	list := h.must("users", "list")
	for _, want := range []string{"ada", "admin", "cy", "Cy Testclerk", "clerk", "active"} {
		if !strings.Contains(list, want) {
			t.Errorf("users list lacks %q:\n%s", want, list)
		}
	}

	clerk := h.as("cy", "clerk password 1")
	r := clerk.run("users", "add", "dee", "--role", "admin")
	if r.code != ExitRefused || !strings.Contains(r.stderr, "admin role") {
		t.Errorf("a clerk adding a user: exit %d, stderr %q", r.code, r.stderr)
	}

	// A user changes their own password; the new line comes after the
	// acting password on stdin.
	delete(clerk.env, "CHARTROOM_PASSWORD")
	delete(clerk.env, "CHARTROOM_NEW_PASSWORD")
	r = clerk.runIn("clerk password 1\nclerk password 2\n", "users", "passwd", "cy")
	if r.code != ExitOK || !strings.Contains(r.stdout, "password of cy changed") {
		t.Fatalf("passwd: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
	if r := h.as("cy", "clerk password 2").run("borrowers", "list"); r.code != ExitOK {
		t.Errorf("the new password does not sign in: %s", r.stderr)
	}

	h.must("users", "disable", "cy")
	if r := h.as("cy", "clerk password 2").run("borrowers", "list"); r.code != ExitRefused {
		t.Errorf("a disabled user signed in: exit %d", r.code)
	}
	if list := h.must("users", "list"); !strings.Contains(list, "disabled") {
		t.Errorf("users list does not show cy disabled:\n%s", list)
	}
	h.must("users", "enable", "cy")
	if r := h.as("cy", "clerk password 2").run("borrowers", "list"); r.code != ExitOK {
		t.Errorf("an enabled user cannot sign in: %s", r.stderr)
	}
	if r := h.run("users", "disable", "nobody"); r.code != ExitRefused {
		t.Errorf("disabling an unknown user: exit %d", r.code)
	}
}

func TestBorrowers(t *testing.T) {
	h := newPractice(t)
	out := h.must("borrowers", "add", "Dr. Quill Testwright", "--kind", "provider", "--loan-days", "3", "--phone", "555-0100", "--room", "Exam 2", "--badge", "b100")
	if !strings.Contains(out, "added Dr. Quill Testwright (provider), badge B100") {
		t.Errorf("borrowers add said %q", out)
	}
	h.must("borrowers", "add", "Iron Mountain Box 7 (fictitious)", "--kind", "offsite")
	r := h.run("borrowers", "add", "Someone", "--badge", "B100")
	if r.code != ExitRefused {
		t.Errorf("a second borrower with badge B100: exit %d %s", r.code, r.stderr)
	}
	list := h.must("borrowers", "list")
	for _, want := range []string{"Dr. Quill Testwright", "provider", "3", "555-0100", "Exam 2", "B100", "Iron Mountain Box 7", "offsite"} {
		if !strings.Contains(list, want) {
			t.Errorf("borrowers list lacks %q:\n%s", want, list)
		}
	}
}
