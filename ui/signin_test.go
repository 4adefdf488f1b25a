package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/chartroom/chartroom/records"
)

func TestSignIn(t *testing.T) {
	cases := []struct {
		name     string
		attempts []string // passwords tried in order, the last one decides
		wantIn   bool
		wantMsg  string // part of the message on the sign-in screen
	}{
		{"right password", []string{adminPassword}, true, ""},
		{"wrong password", []string{"not the password"}, false, "password"},
		{"locked after repeated failures", append(repeat("wrong-password", records.MaxFailedSignIns), adminPassword), false, "locked"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, true)
			for _, pw := range c.attempts {
				f.signIn(adminName, pw)
			}
			if got := f.s.main != nil; got != c.wantIn {
				t.Fatalf("signed in = %v, want %v", got, c.wantIn)
			}
			if c.wantIn {
				if got := f.s.main.status.user.Text; got != "Ada Admin · Administrator" {
					t.Errorf("status bar user = %q, want the display name and role", got)
				}
				if got := f.win.Title(); !strings.Contains(got, adminName) {
					t.Errorf("window title = %q, want it to name %s", got, adminName)
				}
				return
			}
			msg := f.s.signIn.message.Text
			if !f.s.signIn.message.Visible() || !strings.Contains(strings.ToLower(msg), c.wantMsg) {
				t.Errorf("message = %q (visible %v), want it to mention %q", msg, f.s.signIn.message.Visible(), c.wantMsg)
			}
			if f.s.signIn.password.Text != "" {
				t.Errorf("the password box still holds the failed password")
			}
		})
	}
}

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

func TestFirstRunCreatesPracticeAndAdmin(t *testing.T) {
	f := newFixture(t, false)
	if f.s.signIn != nil {
		t.Fatal("an empty database showed the sign-in screen, want the first-run form")
	}
	fr := f.s.first
	if fr == nil {
		t.Fatal("first-run form not showing")
	}
	test.Type(fr.practice, "Testwell Family Practice")
	test.Type(fr.username, "boss")
	test.Type(fr.name, "Bo Boss")
	test.Type(fr.password, "long enough pw")
	test.Type(fr.password2, "different pw!!")
	test.Tap(fr.create)
	if got := fr.errs.text(); !strings.Contains(got, "Password again") {
		t.Fatalf("mismatched passwords: error %q, want it to name the field Password again", got)
	}
	fr.password2.SetText("")
	test.Type(fr.password2, "long enough pw")
	test.Tap(fr.create)
	if f.s.signIn == nil {
		t.Fatalf("after creating the practice the sign-in screen should show; form error %q", fr.errs.text())
	}
	if f.s.signIn.username.Text != "boss" {
		t.Errorf("sign-in username = %q, want it filled with boss", f.s.signIn.username.Text)
	}
	f.mustSignIn("boss", "long enough pw")
	if f.s.settings.PracticeName != "Testwell Family Practice" {
		t.Errorf("practice name = %q", f.s.settings.PracticeName)
	}
}

func TestIdleLockReturnsToSignIn(t *testing.T) {
	f := newFixture(t, true)
	f.mustSignIn(adminName, adminPassword)
	idle := time.Duration(f.s.settings.IdleLockMinutes) * time.Minute
	if idle <= 0 {
		t.Fatalf("default idle lock is %v, want a positive time", idle)
	}

	f.clock.Advance(idle - time.Minute)
	f.s.checkIdle()
	if f.s.main == nil {
		t.Fatal("locked before the idle time passed")
	}
	// Typing counts as use and restarts the wait.
	test.Type(f.s.main.page(navFind).(*findScreen).box, "x")
	f.clock.Advance(idle - time.Minute)
	f.s.checkIdle()
	if f.s.main == nil {
		t.Fatal("locked although the clerk typed a minute ago")
	}

	f.clock.Advance(time.Minute)
	f.s.checkIdle()
	if f.s.main != nil || f.s.signIn == nil {
		t.Fatal("still signed in after the idle time")
	}
	if msg := f.s.signIn.message.Text; !strings.Contains(msg, "Locked") {
		t.Errorf("sign-in message = %q, want it to say the window locked", msg)
	}
}

// A lock keeps the clerk's place: the same user signing in again (the
// username already filled in) finds the scan station with its borrower and
// log; another user starts afresh.
func TestLockKeepsTheScanStationForTheSameUser(t *testing.T) {
	f := newFixture(t, true)
	_, vol := f.patient("123456", "Testwell", "Ada")
	f.borrower("Dr. Alpha Fictional", "BADGE-A")
	f.user("casey", records.RoleClerk, "clerk password 1")
	m := f.mustSignIn(adminName, adminPassword)
	m.show(navScan)
	sc := m.page(navScan).(*scanScreen)
	typeEnter(sc.box, "BADGE-A")
	typeEnter(sc.box, vol.Barcode)

	f.s.lock("Locked. Sign in again to continue.")
	if f.s.main != nil || f.s.signIn == nil {
		t.Fatal("the window did not lock")
	}
	if got := f.s.signIn.username.Text; got != adminName {
		t.Errorf("username box holds %q, want %q", got, adminName)
	}
	test.Type(f.s.signIn.password, adminPassword)
	test.Tap(f.s.signIn.button)
	back := f.s.main
	if back == nil || back.current != navScan {
		t.Fatal("after signing in again the clerk is not back at the scan station")
	}
	again := back.page(navScan).(*scanScreen)
	if b, ok := again.borrower.selected(); !ok || b.Name != "Dr. Alpha Fictional" {
		t.Errorf("the scan station lost its borrower (%+v)", b)
	}
	if len(again.results) != 2 {
		t.Errorf("the scan log has %d lines, want the 2 scans made before the lock", len(again.results))
	}

	f.s.lock("Locked.")
	f.signIn("casey", "clerk password 1")
	if f.s.main == nil || f.s.main == back {
		t.Fatal("another user got the locked user's window")
	}
	if f.s.main.current != navFind {
		t.Errorf("another user starts on page %d, want Find", f.s.main.current)
	}
}
