package ui

import (
	"context"
	"fmt"
	"runtime/debug"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/chartroom/chartroom/records"
)

// signInScreen asks for a username and password.
type signInScreen struct {
	s        *shell
	username *activeEntry
	password *activeEntry
	button   *widget.Button
	message  *widget.Label
}

// showSignIn shows the sign-in form; note is shown above it (why the window
// locked, the demo account) when not empty.
func (s *shell) showSignIn(note string) { s.showSignInFor(note, "") }

// showSignInFor is showSignIn with the username already filled in.
func (s *shell) showSignInFor(note, username string) {
	si := newSignIn(s, note)
	si.username.SetText(username)
	s.signIn, s.first = si, nil
	s.win.SetContent(si.content())
	s.win.Canvas().Focus(si.username)
	if si.username.Text != "" {
		s.win.Canvas().Focus(si.password)
	}
}

func newSignIn(s *shell, note string) *signInScreen {
	si := &signInScreen{s: s}
	si.username = newEntry(s, "username")
	si.password = newPasswordEntry(s, "password")
	si.message = widget.NewLabel(note)
	si.message.Wrapping = fyne.TextWrapWord
	if note == "" {
		si.message.Hide()
	}
	si.button = widget.NewButtonWithIcon("Sign in", theme.LoginIcon(), guarded(si.submit))
	si.button.Importance = widget.HighImportance
	si.username.OnSubmitted = guarded1(func(string) { s.win.Canvas().Focus(si.password) })
	si.password.OnSubmitted = guarded1(func(string) { si.submit() })
	return si
}

func (si *signInScreen) content() fyne.CanvasObject {
	form := widget.NewForm(
		widget.NewFormItem("Username", si.username),
		widget.NewFormItem("Password", si.password),
	)
	// The database's path is for administrators (the status bar shows it
	// to them once signed in), not for whoever walks up to the desk.
	body := container.NewVBox(si.message, form, si.button)
	return centeredCard(420, "Chartroom", "Sign in to the record room", body)
}

func (si *signInScreen) fail(msg string) {
	si.message.Importance = widget.DangerImportance
	si.message.SetText(msg)
	si.message.Show()
}

func (si *signInScreen) submit() {
	user, pw := si.username.Text, si.password.Text
	if user == "" {
		si.fail("Username: type your user name.")
		si.s.win.Canvas().Focus(si.username)
		return
	}
	si.button.Disable()
	si.message.Importance = widget.MediumImportance
	si.message.SetText("Checking password…")
	si.message.Show()
	svc := si.s.svc
	inBackground(si.s, func() (records.Actor, error) {
		a, err := svc.SignIn(context.Background(), user, pw)
		// The password check (argon2id) used its memory cost for a moment;
		// hand it back to the system now rather than keep it resident while
		// the clerk works.
		debug.FreeOSMemory()
		return a, err
	}, func(a records.Actor, err error) {
		si.button.Enable()
		if err != nil {
			si.password.SetText("")
			si.fail(si.s.signInRefusal(user, err))
			si.s.win.Canvas().Focus(si.password)
			return
		}
		si.s.signedInAs(a)
	})
}

// signInRefusal says why a sign-in was refused and, for a wrong password,
// that the account locks after MaxFailedSignIns in a row and how many tries
// this desk has seen left. (Failures typed at another desk are not counted
// here; the lock itself is the store's.)
func (s *shell) signInRefusal(username string, err error) string {
	msg := capitalized(records.ErrorMessage(err))
	if records.ErrorCode(err) != records.EUnauthorized || strings.Contains(msg, "locked") || strings.Contains(msg, "disabled") {
		delete(s.signInFailures, username)
		return msg
	}
	if s.signInFailures == nil {
		s.signInFailures = map[string]int{}
	}
	s.signInFailures[username]++
	left := max(1, records.MaxFailedSignIns-s.signInFailures[username])
	tries := "1 try"
	if left > 1 {
		tries = fmt.Sprintf("%d tries", left)
	}
	return fmt.Sprintf("%s. Check the username and type the password again: after %d wrong passwords in a row the account locks for %d minutes (%s left).",
		strings.TrimSuffix(msg, "."), records.MaxFailedSignIns, int(records.LockoutDuration.Minutes()), tries)
}

// openErrorScreen explains that the database could not be opened and what to
// do about it; there is nothing else the app can do without one.
func openErrorScreen(s *shell, err error) fyne.CanvasObject {
	msg := widget.NewLabel(records.ErrorMessage(err))
	msg.Wrapping = fyne.TextWrapWord
	msg.Importance = widget.DangerImportance
	// A damaged file (or one that is not Chartroom's) has no admin to ask:
	// as with `chartroom restore`, whoever may write it may replace it.
	offerRestore := s.deps.Restore != nil && records.ErrorCode(err) == records.EInvalid
	how := "with the command chartroom restore FILE"
	if offerRestore {
		how = "below, or with the command chartroom restore FILE"
	}
	what := hint("Check that the file exists and that this user may read and write it, " +
		"or start Chartroom with --db pointing to another file. If the file is damaged, " +
		"restore the latest backup (" + how + ").")
	quit := widget.NewButtonWithIcon("Quit", theme.LogoutIcon(), guarded(func() { s.app.Quit() }))
	buttons := container.NewHBox(quit)
	if onServer := isServerLocation(s.deps.DBPath); onServer || s.deps.ConnectServer != nil {
		if onServer {
			what = hint("Check that the practice server is running and that this PC is on the practice network, then start Chartroom again; " +
				"or correct the server's details, or go back to a database file on this computer.")
		}
		for _, b := range serverButtons(s, err, onServer) {
			buttons.Add(b)
		}
	}
	body := container.NewVBox(msg, hint("Database: "+s.deps.DBPath), what)
	if offerRestore {
		status := widget.NewLabel("")
		status.Wrapping = fyne.TextWrapWord
		var restore *widget.Button
		restore = widget.NewButtonWithIcon("Restore a backup…", theme.HistoryIcon(), guarded(func() {
			s.chooseBackup(func(path string) {
				restore.Disable()
				status.SetText("Restoring " + path + "…")
				s.restoreDamaged(path, func(err error) {
					restore.Enable()
					status.SetText("")
					if err != nil {
						s.showError(err)
					}
				})
			})
		}))
		restore.Importance = widget.HighImportance
		buttons.Add(restore)
		body.Add(status)
	}
	body.Add(buttons)
	return centeredCard(560, "The database could not be opened", "", body)
}

// restoreDamaged puts the backup at path in place of a database that could
// not be opened and, when that works, starts again at sign-in; done hears
// of a failure.
func (s *shell) restoreDamaged(path string, done func(error)) {
	ctx := context.Background()
	inBackground(s, func() (records.Service, error) { return s.deps.Restore(ctx, path) },
		func(svc records.Service, err error) {
			if err != nil {
				done(err)
				return
			}
			s.replaceService(svc)
			s.deps.OpenError = nil
			s.showStart()
			s.startupChecks()
		})
}
