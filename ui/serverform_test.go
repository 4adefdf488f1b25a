package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/sqlite/sqlitetest"
)

// The first-run screen's "Connect to a practice server": a refusal keeps
// every field as typed and marks the field it names; "Use a database file
// on this computer" goes back to the first-run form; a connection switches
// the app to the server's practice, at sign-in, its address shown.
func TestServerFormFromFirstRun(t *testing.T) {
	f := newFixture(t, false)
	server, _ := sqlitetest.Open(t, f.clock.Now, records.Settings{PracticeName: "Harbour Lane Clinic (fictitious)"})
	const address = "postgres://chartroom@db.example.org:5432/chartroom?sslmode=require"
	var tried []ServerAccess
	f.s.deps.TLSModes = []string{"verify-full", "require", "disable"}
	f.s.deps.ConnectServer = func(_ context.Context, a ServerAccess) (records.Service, string, error) {
		tried = append(tried, a)
		if a.Port != "5432" {
			return nil, "", records.FieldError("Port", "%q is not a port number", a.Port)
		}
		return server, address, nil
	}
	f.s.showStart() // the first-run form again, now with a server to offer
	fr := f.s.first
	if fr == nil || !fr.server.Visible() {
		t.Fatal("the first-run form offers no way to a practice server")
	}
	form := f.s.showServerForm(func() { f.s.win.SetContent(fr.content()) })
	test.Type(form.host, "db.example.org")
	test.Type(form.port, "54x")
	test.Type(form.database, "chartroom")
	test.Type(form.user, "chartroom")
	form.tls.SetSelected("require")
	test.Type(form.password, "db password")
	test.Tap(form.connect)
	if len(tried) != 1 || tried[0] != (ServerAccess{Host: "db.example.org", Port: "54x", Database: "chartroom", User: "chartroom", SSLMode: "require", Password: "db password"}) {
		t.Fatalf("ConnectServer was given %+v", tried)
	}
	if got := form.errs.text(); !strings.Contains(got, "Port") {
		t.Errorf("the refusal says %q, want it to name the Port", got)
	}
	if form.errs.marked != form.port {
		t.Error("the Port box is not marked")
	}
	if form.host.Text != "db.example.org" || form.password.Text != "db password" || form.tls.Selected != "require" {
		t.Error("the refusal emptied the form")
	}
	if f.s.signIn != nil {
		t.Fatal("a refused connection left the form")
	}

	form.port.SetText("5432")
	test.Tap(form.connect)
	if f.s.signIn == nil {
		t.Fatalf("connected, the sign-in screen should show; the form says %q", form.errs.text())
	}
	if f.s.deps.DBPath != address || f.s.svc != records.Service(server) {
		t.Errorf("the app is on %q, want the server %s", f.s.deps.DBPath, address)
	}
	f.mustSignIn(adminName, adminPassword)
	if f.s.settings.PracticeName != "Harbour Lane Clinic (fictitious)" {
		t.Errorf("signed in to %q, want the server's practice", f.s.settings.PracticeName)
	}
}

// The form filled from a server that could not be opened, and the way back
// to this computer's file from there.
func TestServerFormFromAnUnreachableServer(t *testing.T) {
	f := newFixture(t, false)
	local := f.s.svc
	f.s.deps.DBPath = "postgres://chartroom@db.example.org:5433/clinic?sslmode=verify-full&sslrootcert=%2Fetc%2Fpractice-ca.crt"
	f.s.deps.TLSModes = []string{"verify-full", "require", "disable"}
	f.s.deps.ConnectServer = func(context.Context, ServerAccess) (records.Service, string, error) {
		return nil, "", records.Errorf(records.EInternal, "cannot reach the practice server")
	}
	f.s.deps.UseLocalFile = func(context.Context) (records.Service, string, error) {
		return local, "/home/clerk/.config/chartroom/chartroom.db", nil
	}
	form := f.s.showServerForm(nil)
	want := ServerAccess{Host: "db.example.org", Port: "5433", Database: "clinic", User: "chartroom", SSLMode: "verify-full", CAFile: "/etc/practice-ca.crt"}
	if got := form.access(); got != want {
		t.Errorf("the form was filled with %+v, want %+v", got, want)
	}
	test.Tap(form.connect)
	if !strings.Contains(form.errs.text(), "annot reach the practice server") {
		t.Errorf("the form says %q", form.errs.text())
	}
	form.useLocalFile()
	if f.s.first == nil || f.s.deps.DBPath != "/home/clerk/.config/chartroom/chartroom.db" {
		t.Errorf("back on %q, first-run showing: %v", f.s.deps.DBPath, f.s.first != nil)
	}
}
