package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
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

// showEditDialog opens the form; onSave runs on the UI goroutine (form calls
// are short single-row transactions) and closes the dialog when it returns nil.
func showEditDialog(s *shell, title, confirm string, items []*widget.FormItem, errs *formErrors, onSave func() error) *editDialog {
	ed := &editDialog{form: widget.NewForm(items...), errs: errs}
	ed.save = widget.NewButtonWithIcon(confirm, theme.ConfirmIcon(), nil)
	ed.save.Importance = widget.HighImportance
	ed.cancel = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), nil)
	body := container.NewVBox(ed.form, errs.label,
		container.NewHBox(layout.NewSpacer(), ed.cancel, ed.save))
	ed.d = dialog.NewCustomWithoutButtons(title, container.New(minWidth{520}, body), s.win)
	ed.cancel.OnTapped = ed.d.Hide
	submit := func() {
		if err := onSave(); err != nil {
			errs.show(s.win, err)
			return
		}
		ed.d.Hide()
	}
	ed.save.OnTapped = submit
	for _, it := range items {
		if e, ok := it.Widget.(*activeEntry); ok && !e.MultiLine {
			e.OnSubmitted = func(string) { submit() }
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
