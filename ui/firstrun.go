package ui

import (
	"context"
	"fmt"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/chartroom/chartroom/records"
)

// firstRun creates a practice and its first admin in an empty database, or
// fills it with a demo practice.
type firstRun struct {
	s         *shell
	practice  *activeEntry
	width     *selectBox
	filing    *selectBox
	username  *activeEntry
	name      *activeEntry
	password  *activeEntry
	password2 *activeEntry
	errs      *formErrors
	create    *widget.Button
	demo      *widget.Button
	server    *widget.Button
	progress  *widget.ProgressBar
	status    *widget.Label
}

func newFirstRun(s *shell) *firstRun {
	f := &firstRun{s: s, errs: newFormErrors()}
	f.practice = f.errs.field("Practice name", newEntry(s, "e.g. Maple Street Family Practice"))
	widths := []string{}
	for w := records.MinMRNWidth; w <= records.MaxMRNWidth; w++ {
		widths = append(widths, strconv.Itoa(w))
	}
	f.width = newSelect(widths, nil)
	f.width.SetSelected(strconv.Itoa(records.DefaultSettings().MRNWidth))
	f.filing = newSelect(filingLabels(), nil)
	f.filing.SetSelected(records.FilingTerminalDigit.Label())
	f.username = f.errs.field("Username", newEntry(s, "e.g. admin"))
	f.name = f.errs.field("Display name", newEntry(s, "your name"))
	f.password = f.errs.field("Password", newPasswordEntry(s, fmt.Sprintf("at least %d characters", records.MinPasswordLength)))
	f.password2 = f.errs.field("Password again", newPasswordEntry(s, "the same password"))
	f.password2.OnSubmitted = guarded1(func(string) { f.submit() })
	f.create = widget.NewButtonWithIcon("Create the practice", theme.ConfirmIcon(), guarded(f.submit))
	f.create.Importance = widget.HighImportance
	f.demo = widget.NewButtonWithIcon("Open a demo practice", theme.ComputerIcon(), guarded(f.makeDemo))
	f.progress = widget.NewProgressBar()
	f.progress.Hide()
	f.status = widget.NewLabel("")
	f.status.Wrapping = fyne.TextWrapWord
	f.status.Hide()
	if s.deps.MakeDemo == nil {
		f.demo.Hide()
	}
	f.server = widget.NewButtonWithIcon("Connect to a practice server…", theme.StorageIcon(), guarded(func() {
		_ = s.showServerForm(func() {
			s.win.SetContent(f.content())
		})
	}))
	if s.deps.ConnectServer == nil {
		f.server.Hide()
	}
	return f
}

func (f *firstRun) content() fyne.CanvasObject {
	form := widget.NewForm(
		widget.NewFormItem("Practice name", f.practice),
		widget.NewFormItem("MRN width (digits)", f.width),
		widget.NewFormItem("Filing system", f.filing),
		widget.NewFormItem("Admin username", f.username),
		widget.NewFormItem("Display name", f.name),
		widget.NewFormItem("Password", f.password),
		widget.NewFormItem("Password again", f.password2),
	)
	body := container.NewVBox(
		hint("This database is empty. Describe the practice and create the first administrator, who can then add the other users."),
		form, f.errs.label, f.create,
		widget.NewSeparator(),
		hint("Just looking? A demo practice is filled with made-up patients and borrowers."),
		f.demo, f.progress, f.status,
		widget.NewSeparator(),
		hint("Several workstations sharing the practice's PostgreSQL server? Connect this one to it."),
		f.server,
		hint("Database: "+f.s.deps.DBPath),
	)
	return centeredCard(560, "Welcome to Chartroom", "Set up a new practice", body)
}

// filingLabels lists the filing systems as a clerk reads them.
func filingLabels() []string {
	out := make([]string, len(records.FilingSystems))
	for i, f := range records.FilingSystems {
		out[i] = f.Label()
	}
	return out
}

// filingFromLabel maps a label back to the filing system.
func filingFromLabel(l string) records.FilingSystem {
	for _, f := range records.FilingSystems {
		if f.Label() == l {
			return f
		}
	}
	return records.FilingTerminalDigit
}

func (f *firstRun) submit() {
	if f.password.Text != f.password2.Text {
		f.errs.show(f.s.win, records.FieldError("Password again", "does not match the password"))
		return
	}
	st := records.DefaultSettings()
	st.PracticeName = f.practice.Text
	st.MRNWidth, _ = strconv.Atoi(f.width.Selected)
	st.Filing = filingFromLabel(f.filing.Selected)
	in := records.InitInput{Settings: st, AdminUsername: f.username.Text, AdminName: f.name.Text, AdminPassword: f.password.Text}
	f.create.Disable()
	svc := f.s.svc
	inBackground(f.s, func() (records.User, error) {
		return svc.Initialize(context.Background(), in)
	}, func(u records.User, err error) {
		f.create.Enable()
		if err != nil {
			f.errs.show(f.s.win, err)
			return
		}
		f.s.log.Info("practice created", "admin", u.Username)
		f.s.showSignInFor("The practice is ready. Sign in as "+u.Username+" with the password you chose.", u.Username)
	})
}

// demoAccount is what MakeDemo returns.
type demoAccount struct {
	svc                records.Service
	username, password string
}

func (f *firstRun) makeDemo() {
	f.demo.Disable()
	f.create.Disable()
	f.progress.SetValue(0)
	f.progress.Show()
	f.status.SetText("Making the demo practice…")
	f.status.Show()
	progress := func(done, total int) {
		if total <= 0 {
			return
		}
		v := float64(done) / float64(total)
		f.s.later(func() { f.progress.SetValue(v) })
	}
	inBackground(f.s, func() (demoAccount, error) {
		svc, u, p, err := f.s.deps.MakeDemo(context.Background(), progress)
		return demoAccount{svc, u, p}, err
	}, func(d demoAccount, err error) {
		f.progress.Hide()
		if d.svc != nil {
			f.s.replaceService(d.svc) // also after a failure: main reopened the file
		}
		if err != nil {
			f.demo.Enable()
			f.create.Enable()
			f.status.Importance = widget.DangerImportance
			f.status.SetText(records.ErrorMessage(err))
			return
		}
		f.s.showSignInFor(fmt.Sprintf("The demo practice is ready. Its account: username %s, password %s", d.username, d.password), d.username)
	})
}
