package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/chartroom/chartroom/records"
)

// editDialog is a form in a dialog that stays open while the service refuses
// what was typed, showing the refusal under the form with the field marked.
type editDialog struct {
	d      *dialog.CustomDialog
	form   *widget.Form
	errs   *formErrors
	save   *widget.Button
	cancel *widget.Button
}

// formWrite is a form's save in two steps: write runs off the UI goroutine,
// since any write may wait seconds for another process's lock; after runs
// back on it once the write succeeded (reload the page, say what was done).
type formWrite struct {
	write  func() error
	after  func()
	failed func(error) // optional: the write was refused; the form stays open
}

// serviceWrite is the usual formWrite: one call to the service with the
// signed-in user's context, then after (may be nil).
func (s *shell) serviceWrite(call func(ctx context.Context, svc records.Service) error, after func()) formWrite {
	ctx, svc := s.ctx(), s.svc
	return formWrite{write: func() error { return call(ctx, svc) }, after: after}
}

// showEditDialog opens a form whose Save runs onSave on the UI goroutine:
// for forms whose save calls no service; those that do use showWriteDialog.
func showEditDialog(s *shell, title, confirm string, items []*widget.FormItem, errs *formErrors, onSave func() error) *editDialog {
	return showWriteDialog(s, title, confirm, items, errs, func() (formWrite, error) {
		return formWrite{}, onSave()
	})
}

// showWriteDialog opens the form. Save reads and checks the form on the UI
// goroutine (read), then runs its write in the background with Save
// disabled, so a double click cannot save twice; the dialog closes when the
// write succeeds and otherwise shows the refusal under the form.
func showWriteDialog(s *shell, title, confirm string, items []*widget.FormItem, errs *formErrors, read func() (formWrite, error)) *editDialog {
	ed := &editDialog{form: widget.NewForm(items...), errs: errs}
	ed.save = widget.NewButtonWithIcon(confirm, theme.ConfirmIcon(), nil)
	ed.save.Importance = widget.HighImportance
	ed.cancel = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), nil)
	body := container.NewVBox(ed.form, errs.label,
		container.NewHBox(layout.NewSpacer(), ed.cancel, ed.save))
	ed.d = dialog.NewCustomWithoutButtons(title, container.New(minWidth{520}, body), s.win)
	ed.cancel.OnTapped = guarded(ed.d.Hide)
	submit := func() {
		if ed.save.Disabled() {
			return // a write is under way
		}
		w, err := read()
		if err != nil {
			errs.show(s.win, err)
			return
		}
		if w.write == nil {
			ed.d.Hide()
			return
		}
		ed.save.Disable()
		inBackground(s, func() (struct{}, error) { return struct{}{}, w.write() }, func(_ struct{}, err error) {
			ed.save.Enable()
			if err != nil {
				errs.show(s.win, err)
				if w.failed != nil {
					w.failed(err)
				}
				return
			}
			errs.show(s.win, nil)
			ed.d.Hide()
			if w.after != nil {
				w.after()
			}
		})
	}
	ed.save.OnTapped = guarded(submit)
	for _, it := range items {
		if e, ok := it.Widget.(*activeEntry); ok && !e.MultiLine {
			e.OnSubmitted = guarded1(func(string) { submit() })
		}
	}
	ed.d.Show()
	if len(items) > 0 {
		if f, ok := items[0].Widget.(fyne.Focusable); ok {
			s.win.Canvas().Focus(f)
		}
	}
	return ed
}
