package ui

import (
	"context"
	"net/url"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/chartroom/chartroom/records"
)

// serverForm is "Connect to a practice server": where the practice's
// PostgreSQL database is and how to reach it. The password goes to
// PostgreSQL's own pgpass file for this computer (ConnectServer saves it
// there, once it worked), never to Chartroom's settings.
type serverForm struct {
	s        *shell
	host     *activeEntry
	port     *activeEntry
	database *activeEntry
	user     *activeEntry
	tls      *selectBox
	caFile   *activeEntry
	password *activeEntry
	errs     *formErrors
	connect  *widget.Button
	status   *widget.Label
	back     func() // the screen the form was opened from
}

// newServerForm builds the form, filled from the address of the server
// last tried (an unreachable remembered one), if any; back returns to the
// screen it was opened from.
func newServerForm(s *shell, back func()) *serverForm {
	f := &serverForm{s: s, errs: newFormErrors(), back: back}
	f.host = f.errs.field("Server", newEntry(s, "e.g. db.example.org or 192.168.1.20"))
	f.port = f.errs.field("Port", newEntry(s, "5432"))
	f.database = f.errs.field("Database", newEntry(s, "e.g. chartroom"))
	f.user = f.errs.field("Database user", newEntry(s, "e.g. chartroom_app"))
	f.tls = newSelect(s.deps.TLSModes, nil)
	if len(s.deps.TLSModes) > 0 {
		f.tls.SetSelected(s.deps.TLSModes[0])
	}
	f.caFile = f.errs.field("CA certificate", newEntry(s, "the practice's CA file, e.g. practice-ca.crt"))
	f.password = f.errs.field("Database password", newPasswordEntry(s, "saved for this computer in the pgpass file"))
	f.password.OnSubmitted = guarded1(func(string) { f.submit() })
	f.connect = widget.NewButtonWithIcon("Connect", theme.ConfirmIcon(), guarded(f.submit))
	f.connect.Importance = widget.HighImportance
	f.status = widget.NewLabel("")
	f.status.Wrapping = fyne.TextWrapWord
	f.status.Hide()
	f.fillFrom(s.deps.DBPath)
	return f
}

// fillFrom fills the fields from a postgres:// address (not a file path).
func (f *serverForm) fillFrom(address string) {
	u, err := url.Parse(address)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return
	}
	f.host.SetText(u.Hostname())
	f.port.SetText(u.Port())
	f.database.SetText(strings.TrimPrefix(u.Path, "/"))
	f.user.SetText(u.User.Username())
	if m := u.Query().Get("sslmode"); m != "" {
		f.tls.SetSelected(m)
	}
	f.caFile.SetText(u.Query().Get("sslrootcert"))
}

func (f *serverForm) content() fyne.CanvasObject {
	browse := widget.NewButtonWithIcon("", theme.FolderOpenIcon(), guarded(f.chooseCA))
	form := widget.NewForm(
		widget.NewFormItem("Server", f.host),
		widget.NewFormItem("Port", f.port),
		widget.NewFormItem("Database", f.database),
		widget.NewFormItem("Database user", f.user),
		widget.NewFormItem("TLS (sslmode)", f.tls),
		widget.NewFormItem("CA certificate", container.NewBorder(nil, nil, nil, browse, f.caFile)),
		widget.NewFormItem("Database password", f.password),
	)
	local := widget.NewButtonWithIcon("Use a database file on this computer", theme.NavigateBackIcon(), guarded(f.useLocalFile))
	body := container.NewVBox(
		hint("For a practice whose workstations share one PostgreSQL server. The practice's IT gives you these details; the practice is set up once, from one PC, with chartroom init."),
		form, f.errs.label,
		container.NewHBox(f.connect, local),
		f.status,
	)
	return centeredCard(600, "Connect to a practice server", "This computer will open it from now on", body)
}

// chooseCA picks the CA certificate file.
func (f *serverForm) chooseCA() {
	d := dialog.NewFileOpen(guarded2(func(rc fyne.URIReadCloser, err error) {
		if err != nil || rc == nil {
			return
		}
		f.caFile.SetText(rc.URI().Path())
		rc.Close()
	}), f.s.win)
	showFileDialog(f.s.win, d)
}

func (f *serverForm) access() ServerAccess {
	return ServerAccess{
		Host: f.host.Text, Port: f.port.Text, Database: f.database.Text, User: f.user.Text,
		SSLMode: f.tls.Selected, CAFile: f.caFile.Text, Password: f.password.Text,
	}
}

// connectResult is what ConnectServer returns.
type connectResult struct {
	svc     records.Service
	address string
}

// submit connects; on a refusal the form stays as it was typed, with the
// reason under it.
func (f *serverForm) submit() {
	a := f.access()
	f.errs.show(f.s.win, nil)
	f.connect.Disable()
	f.status.Importance = widget.MediumImportance
	f.status.SetText("Connecting to " + strings.TrimSpace(a.Host) + "…")
	f.status.Show()
	inBackground(f.s, func() (connectResult, error) {
		svc, address, err := f.s.deps.ConnectServer(context.Background(), a)
		return connectResult{svc, address}, err
	}, func(r connectResult, err error) {
		f.connect.Enable()
		f.status.Hide()
		if err != nil {
			f.s.log.Warn("connecting to the practice server failed", "err", err)
			f.errs.show(f.s.win, err)
			return
		}
		f.s.switchDatabase(r.svc, r.address)
	})
}

// useLocalFile goes back to a database file on this computer: to the
// screen the form came from, or, when that was the error of a server that
// could not be opened, to this computer's own file.
func (f *serverForm) useLocalFile() {
	if f.back != nil {
		f.back()
		return
	}
	f.s.useLocalFile(func(err error) { f.errs.show(f.s.win, err) })
}

// useLocalFile makes this computer's database file the app's database
// again; failed hears why not.
func (s *shell) useLocalFile(failed func(error)) {
	inBackground(s, func() (connectResult, error) {
		svc, path, err := s.deps.UseLocalFile(context.Background())
		return connectResult{svc, path}, err
	}, func(r connectResult, err error) {
		if err != nil {
			failed(err)
			return
		}
		s.switchDatabase(r.svc, r.address)
	})
}

// showServerForm shows the connect form and returns it; back (nil from
// the open-error screen) returns to where it was opened.
func (s *shell) showServerForm(back func()) *serverForm {
	f := newServerForm(s, back)
	s.win.SetContent(f.content())
	s.win.Canvas().Focus(f.host)
	return f
}

// switchDatabase makes svc at location the app's database and starts again
// from the first screen (sign-in, or the first run of an empty file).
func (s *shell) switchDatabase(svc records.Service, location string) {
	s.replaceService(svc)
	s.deps.DBPath = location
	s.deps.OpenError = nil
	s.log.Info("database changed", "location", location)
	s.showStart()
	s.startupChecks()
}

// isServerLocation reports whether the database location is a practice
// server's address rather than a file.
func isServerLocation(loc string) bool {
	return strings.HasPrefix(loc, "postgres://") || strings.HasPrefix(loc, "postgresql://")
}

// serverButtons are the open-error screen's ways on: the server form
// (filled from the server that failed), and, when that was a server, back
// to this computer's database file.
func serverButtons(s *shell, openErr error, onServer bool) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	if s.deps.ConnectServer != nil {
		var back func()
		if !onServer {
			back = func() { s.win.SetContent(openErrorScreen(s, openErr)) }
		}
		out = append(out, widget.NewButtonWithIcon("Connect to a practice server…", theme.StorageIcon(), guarded(func() { _ = s.showServerForm(back) })))
	}
	if onServer && s.deps.UseLocalFile != nil {
		out = append(out, widget.NewButtonWithIcon("Use a database file on this computer", theme.NavigateBackIcon(), guarded(func() {
			s.useLocalFile(s.showError)
		})))
	}
	return out
}
