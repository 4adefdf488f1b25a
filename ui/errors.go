package ui

import (
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/chartroom/chartroom/records"
)

// errorTitle names the kind of failure in words a clerk reads.
func errorTitle(err error) string {
	switch records.ErrorCode(err) {
	case records.EInvalid:
		return "Please check the form"
	case records.ENotFound:
		return "Not found"
	case records.EConflict:
		return "Not possible right now"
	case records.EForbidden:
		return "Not allowed"
	case records.EUnauthorized:
		return "Sign-in needed"
	}
	return "Something went wrong"
}

// showError shows a refused or failed operation in a dialog. Internal faults
// are logged with their cause; the clerk sees the summary.
func (s *shell) showError(err error) {
	if err == nil {
		return
	}
	if records.ErrorCode(err) == records.EInternal {
		s.log.Error("operation failed", "err", err)
	}
	if records.ErrorCode(err) == records.EUnauthorized && s.signedIn {
		// The account was disabled or the session lost: back to sign-in.
		s.signOut(records.ErrorMessage(err))
		return
	}
	s.showNoticeDialog(dialog.NewInformation(errorTitle(err), capitalized(records.ErrorMessage(err)), s.win))
}

// formErrors shows a form's error under it and marks the field it names, so
// "Last name: is required" points at the Last name box.
type formErrors struct {
	label  *widget.Label
	fields map[string]*activeEntry
	marked *activeEntry
}

func newFormErrors() *formErrors {
	l := widget.NewLabel("")
	l.Importance = widget.DangerImportance
	l.Wrapping = fyne.TextWrapWord
	l.Hide()
	return &formErrors{label: l, fields: map[string]*activeEntry{}}
}

// field registers an entry under the name the service uses in its errors.
func (f *formErrors) field(name string, e *activeEntry) *activeEntry {
	f.fields[strings.ToLower(name)] = e
	return e
}

// show displays err (nil clears) and marks and focuses the named field.
func (f *formErrors) show(win fyne.Window, err error) {
	if f.marked != nil {
		f.marked.SetValidationError(nil)
		f.marked.AlwaysShowValidationError = false
		f.marked = nil
	}
	if err == nil {
		f.label.SetText("")
		f.label.Hide()
		return
	}
	f.label.SetText(capitalized(records.ErrorMessage(err)))
	f.label.Show()
	if e, ok := f.fields[strings.ToLower(records.ErrorField(err))]; ok {
		e.AlwaysShowValidationError = true
		e.SetValidationError(errors.New(records.ErrorMessage(err)))
		f.marked = e
		if win != nil {
			win.Canvas().Focus(e)
		}
	}
}

// text returns the message shown, for tests.
func (f *formErrors) text() string {
	if !f.label.Visible() {
		return ""
	}
	return f.label.Text
}
