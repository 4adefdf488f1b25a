package ui

import (
	"context"
	"fmt"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/sqlite"
	"github.com/chartroom/chartroom/records/sqlite/sqlitetest"
)

const (
	adminName     = sqlitetest.AdminUsername
	adminPassword = sqlitetest.AdminPassword
)

// fixture is the desktop app on a real database in a temp folder, run with
// the test driver (no display) and with service calls made in line.
type fixture struct {
	t     *testing.T
	store *sqlite.Store
	clock *records.ManualClock // shared by the store and the UI
	app   fyne.App
	win   fyne.Window
	s     *shell
	admin context.Context // the admin's context, for setting up data

	panics        []string // what the UI's guard caught
	panicExpected bool     // the guard's own test panics on purpose
}

// newFixture opens an empty database; initialized sets up the practice.
func newFixture(t *testing.T, initialized bool) *fixture {
	t.Helper()
	f := &fixture{t: t, clock: records.NewManualClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.Local))}
	f.app = test.NewTempApp(t)
	if initialized {
		f.store, f.admin = sqlitetest.Open(t, f.clock.Now, records.Settings{PracticeName: "Testwell Family Practice"})
	} else {
		f.store = sqlitetest.OpenEmpty(t, f.clock.Now, false)
	}
	st, path := f.store, f.store.Path()
	f.win = f.app.NewWindow("Chartroom")
	f.win.Resize(fyne.NewSize(1280, 800))
	f.s = newShell(f.app, f.win, Deps{Service: st, DBPath: path, Now: f.clock.Now, OnPanic: func(where string, r any) {
		// The guard keeps the window alive; a test must still fail.
		f.panics = append(f.panics, fmt.Sprint(r))
		if !f.panicExpected {
			t.Errorf("panic caught in %s: %v", where, r)
		}
	}})
	f.s.showStart()
	return f
}

// signIn types a username and password into the sign-in screen.
func (f *fixture) signIn(username, password string) {
	f.t.Helper()
	si := f.s.signIn
	if si == nil {
		f.t.Fatalf("the sign-in screen is not showing")
	}
	si.username.SetText("")
	test.Type(si.username, username)
	test.Type(si.password, password)
	test.Tap(si.button)
}

// mustSignIn signs in and fails the test unless the main window shows.
func (f *fixture) mustSignIn(username, password string) *mainWindow {
	f.t.Helper()
	f.signIn(username, password)
	if f.s.main == nil {
		msg := ""
		if f.s.signIn != nil {
			msg = f.s.signIn.message.Text
		}
		f.t.Fatalf("sign-in as %s failed: %q", username, msg)
	}
	return f.s.main
}

// patient creates a patient (with folder 1) and returns it and the folder.
func (f *fixture) patient(mrn, last, first string) (records.Patient, records.Volume) {
	f.t.Helper()
	p, err := f.store.CreatePatient(f.admin, records.Patient{MRN: mrn, LastName: last, FirstName: first, DOB: records.MustParseDate("1970-05-17"), Sex: "F"})
	if err != nil {
		f.t.Fatalf("create patient %s: %v", mrn, err)
	}
	vs, err := f.store.VolumesOfPatient(f.admin, p.ID)
	if err != nil || len(vs) == 0 {
		f.t.Fatalf("volumes of %s: %v %v", mrn, vs, err)
	}
	return p, vs[0]
}

// borrower creates an active borrower.
func (f *fixture) borrower(name, badge string) records.Borrower {
	f.t.Helper()
	b, err := f.store.SaveBorrower(f.admin, records.Borrower{Name: name, Kind: records.BorrowerProvider, Badge: badge, Active: true})
	if err != nil {
		f.t.Fatalf("save borrower %s: %v", name, err)
	}
	return b
}

// user creates a user with a role.
func (f *fixture) user(name string, role records.Role, password string) {
	f.t.Helper()
	if _, err := f.store.CreateUser(f.admin, records.User{Username: name, DisplayName: name, Role: role, Active: true}, password); err != nil {
		f.t.Fatalf("create user %s: %v", name, err)
	}
}

// typeEnter types text into an entry and presses Enter.
func typeEnter(e *activeEntry, text string) {
	test.Type(e, text)
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
}
