// Package ui is Chartroom's desktop face: the Fyne screens clerks work in all
// day. It talks to the record room only through records.Service, so it never
// knows which store sits behind it; main.go opens the store and wires it in.
package ui

import (
	"context"
	"log/slog"
	"time"

	"fyne.io/fyne/v2"

	"github.com/chartroom/chartroom/records"
)

// AppID is the desktop app's identity: its preferences folder, and the ID
// in FyneApp.toml.
const AppID = "org.chartroom.app"

// Deps is what main.go hands the desktop app.
type Deps struct {
	Service records.Service
	DBPath  string
	Logger  *slog.Logger
	Now     func() time.Time
	// Restore closes the current store, replaces its file with the backup and
	// reopens it; the app signs in again afterwards.
	Restore func(ctx context.Context, backupPath string) (records.Service, error)
	// MakeDemo fills a fresh database with fictitious data and returns the
	// account it created.
	MakeDemo func(ctx context.Context, progress func(done, total int)) (svc records.Service, username, password string, err error)
	// Screen, when set, tells the screen's work area in pixels; it is asked
	// once the app has started, to fit the window to the screen.
	Screen func() (width, height int, ok bool)
	// OpenError is set when the database could not be opened at all.
	OpenError error
	// OnPanic, when set, is told of every panic the UI's guard caught (the
	// window stays alive, so tests need it to see one).
	OnPanic func(where string, recovered any)
	// ConnectServer, when set, makes the practice's PostgreSQL server this
	// computer's database (the first-run screen's "Connect to a practice
	// server"): it returns the server's store and address, or why not,
	// changing nothing then.
	ConnectServer func(ctx context.Context, a ServerAccess) (svc records.Service, address string, err error)
	// UseLocalFile, when set, makes this computer's database file its
	// database again instead of a server; it returns the store and path.
	UseLocalFile func(ctx context.Context) (svc records.Service, path string, err error)
	// TLSModes are the server form's TLS choices (sslmode), the
	// recommended one first.
	TLSModes []string
}

// ServerAccess is what the "Connect to a practice server" form asks.
type ServerAccess struct {
	Host, Port, Database, User string
	SSLMode, CAFile            string
	Password                   string // saved by ConnectServer in the pgpass file
}

// Start builds the window (first run, sign-in or the error that stopped the
// database from opening) and returns it; main calls ShowAndRun.
func Start(a fyne.App, d Deps) fyne.Window {
	w := a.NewWindow("Chartroom")
	s := newShell(a, w, d)
	w.Resize(s.windowSize(nil))
	a.Lifecycle().SetOnStarted(func() {
		defer recoverUI("fitting the window to the screen")
		s.fitScreen()
	})
	s.async = true
	// Report PDFs a crash left behind go after a day; the rest as the app
	// closes.
	s.cleanReportFilesAt(s.now().Add(-reportFilesMaxAge))
	a.Lifecycle().SetOnStopped(func() {
		s.rememberWindowSize()
		s.cleanReportFilesAt(time.Time{})
	})
	s.startIdleWatch()
	s.showStart()
	if d.OpenError == nil && d.Service != nil {
		s.startupChecks()
	}
	return w
}

// shell holds what every screen shares: the window, the service, the
// signed-in user and the practice's settings.
type shell struct {
	app  fyne.App
	win  fyne.Window
	deps Deps
	svc  records.Service
	log  *slog.Logger
	now  func() time.Time

	// async runs service calls on goroutines (the real app); tests turn it
	// off so that every call finishes before the next simulated keystroke.
	async bool

	actor     records.Actor
	signedIn  bool
	settings  records.Settings
	lastInput time.Time

	// alerts are the warnings the status bar keeps showing in red until
	// their cause is gone (a failed automatic backup, a tampered audit
	// log), keyed by what raised them; see setAlert.
	alerts map[string]string
	// signInFailures counts the wrong passwords typed at this desk in a
	// row, by username, to say how many tries are left before the lock.
	signInFailures map[string]int
	// dialogs are the dialogs on show that Escape and Enter act on, by
	// their overlay; see track.
	dialogs   map[fyne.CanvasObject]trackedDialog
	backingUp bool // an automatic backup is running
	ticking   bool // the hourly automatic-backup check is running

	main *mainWindow // nil while signed out
	// parked is the main window a lock put aside: the same user signing
	// in again finds it as they left it.
	parked *mainWindow
	signIn *signInScreen // the sign-in form while it shows
	first  *firstRun     // the first-run form while it shows
}

func newShell(a fyne.App, w fyne.Window, d Deps) *shell {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	s := &shell{app: a, win: w, deps: d, svc: d.Service, log: d.Logger, now: d.Now}
	guardShell.Store(s)
	w.Canvas().SetOnTypedKey(s.windowKey)
	return s
}

// ctx is the context every service call runs in: it carries the signed-in
// user. Building one counts as activity for the idle lock.
func (s *shell) ctx() context.Context {
	s.touch()
	ctx := context.Background()
	if s.signedIn {
		ctx = records.WithActor(ctx, s.actor)
	}
	return ctx
}

// ctxQuiet is ctx for calls the clerk did not ask for (the periodic status
// refresh), which must not keep the idle lock from closing the window.
func (s *shell) ctxQuiet() context.Context {
	if s.signedIn {
		return records.WithActor(context.Background(), s.actor)
	}
	return context.Background()
}

// today is the clerk's calendar day.
func (s *shell) today() records.Date { return records.DateOf(s.now()) }

// mrn shows a stored chart number the way this practice files it.
func (s *shell) mrn(stored string) string { return records.FormatMRN(stored, s.settings.Filing) }

// can reports whether the signed-in user has at least role r; screens use it
// to hide what the service would refuse anyway.
func (s *shell) can(r records.Role) bool { return s.signedIn && s.actor.Role.AtLeast(r) }

// showStart shows the first screen: the open error, the first-run form or
// the sign-in form.
func (s *shell) showStart() {
	if s.deps.OpenError != nil {
		s.win.SetContent(openErrorScreen(s, s.deps.OpenError))
		return
	}
	ok, err := s.svc.Initialized(context.Background())
	if err != nil {
		s.win.SetContent(openErrorScreen(s, err))
		return
	}
	if !ok {
		s.first = newFirstRun(s)
		s.win.SetContent(s.first.content())
		return
	}
	s.showSignIn("")
}

// signedInAs switches to the main window for a user who just signed in.
func (s *shell) signedInAs(a records.Actor) {
	s.actor, s.signedIn = a, true
	s.signIn = nil
	delete(s.signInFailures, a.Username)
	s.touch()
	st, err := s.svc.Settings(s.ctx())
	if err != nil {
		s.log.Error("reading settings", "err", err)
		st = records.DefaultSettings()
	}
	s.settings = st
	// The title names who is signed in, so a clerk at a shared desk (and the
	// window list) can tell whose session is open.
	s.win.SetTitle(windowTitle(st.PracticeName, a.Username))
	parked := s.parked
	s.parked = nil
	if parked != nil && parked.user == a.Username {
		s.main = parked
		s.main.resume()
		return
	}
	s.main = newMainWindow(s)
	s.win.SetContent(s.main.content())
	s.win.SetMainMenu(s.main.menu())
	s.main.show(navFind)
	s.main.offerSetup()
}

// lock hides the work behind the sign-in form (the idle lock, Ctrl+L) with
// the username filled in. The main window is kept: the same user signing in
// again comes back to the page, chart, scan station borrower and log they
// left; anyone else starts afresh.
func (s *shell) lock(message string) { s.leave(message, true) }

// signOut drops the user and their window and shows the sign-in screen;
// message says why or is empty.
func (s *shell) signOut(message string) { s.leave(message, false) }

func (s *shell) leave(message string, keep bool) {
	m, user := s.main, s.actor.Username
	if m != nil {
		m.stop()
	}
	// A dialog left open must not show over the sign-in form.
	for o := s.win.Canvas().Overlays().Top(); o != nil; o = s.win.Canvas().Overlays().Top() {
		s.win.Canvas().Overlays().Remove(o)
	}
	s.main, s.parked = nil, nil
	if keep && m != nil {
		s.parked = m
	} else {
		user = ""
	}
	s.signedIn = false
	s.actor = records.Actor{}
	s.win.SetTitle(windowTitle("", ""))
	s.win.SetMainMenu(nil)
	s.showSignInFor(message, user)
}

// replaceService swaps the store after a restore or a demo is made.
func (s *shell) replaceService(svc records.Service) {
	s.svc = svc
	s.deps.Service = svc
}

// windowTitle is "Chartroom", then the practice and the signed-in user when
// there are any.
func windowTitle(practice, username string) string {
	title := "Chartroom"
	for _, part := range []string{practice, username} {
		if part != "" {
			title += " — " + part
		}
	}
	return title
}
