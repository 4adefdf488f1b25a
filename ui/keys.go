package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// trackedDialog is what Escape and Enter do to a dialog on show.
type trackedDialog struct {
	d     dialog.Dialog
	enter func() // nil: Enter does nothing (a question must be answered with a button)
}

// track registers the dialog just shown (d.Show must have run) so Escape
// closes it as its Cancel or OK button would and Enter runs enter. Every
// dialog of the app answers Escape; only those tracked here run their own
// close (with its callback), the others are taken off the screen.
func (s *shell) track(d dialog.Dialog, enter func()) {
	top := s.win.Canvas().Overlays().Top()
	if top == nil {
		return
	}
	if s.dialogs == nil {
		s.dialogs = map[fyne.CanvasObject]trackedDialog{}
	}
	// Forget the dialogs that have gone.
	live := map[fyne.CanvasObject]bool{}
	for _, o := range s.win.Canvas().Overlays().List() {
		live[o] = true
	}
	for o := range s.dialogs {
		if !live[o] {
			delete(s.dialogs, o)
		}
	}
	s.dialogs[top] = trackedDialog{d: d, enter: enter}
}

// dismissTopDialog closes the dialog (or pop-up menu) on top, as Escape
// does; it reports whether there was one.
func (s *shell) dismissTopDialog() bool {
	top := s.win.Canvas().Overlays().Top()
	if top == nil {
		return false
	}
	if t, ok := s.dialogs[top]; ok {
		delete(s.dialogs, top)
		t.d.Hide()
		return true
	}
	top.Hide()
	s.win.Canvas().Overlays().Remove(top)
	return true
}

// enterTopDialog runs the top dialog's Enter action; it reports whether it
// had one.
func (s *shell) enterTopDialog() bool {
	top := s.win.Canvas().Overlays().Top()
	if top == nil {
		return false
	}
	t, ok := s.dialogs[top]
	if !ok || t.enter == nil {
		return false
	}
	delete(s.dialogs, top)
	t.enter()
	return true
}

// windowKey handles the keys typed while no widget has the focus (a
// notice on show, say): Escape closes the dialog on top, Enter confirms a
// notice.
func (s *shell) windowKey(k *fyne.KeyEvent) {
	defer recoverUI("a key")
	switch k.Name {
	case fyne.KeyEscape:
		s.dismissTopDialog()
	case fyne.KeyReturn, fyne.KeyEnter:
		s.enterTopDialog()
	}
}

// showNoticeDialog shows d, a notice with one button, so that Enter and
// Escape both close it.
func (s *shell) showNoticeDialog(d dialog.Dialog) {
	d.Show()
	s.track(d, d.Hide)
	// Nothing in the notice has the focus, so Enter reaches windowKey.
	s.win.Canvas().Unfocus()
}

// selectBox is a drop-down that also answers Escape: in a dialog it
// cancels the dialog, like every other box of the app.
type selectBox struct {
	widget.Select
}

func newSelect(options []string, changed func(string)) *selectBox {
	s := &selectBox{}
	s.Options = options
	s.OnChanged = changed
	s.PlaceHolder = "(Select one)"
	s.ExtendBaseWidget(s)
	return s
}

func (s *selectBox) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape {
		if sh := guardShell.Load(); sh != nil && sh.dismissTopDialog() {
			return
		}
	}
	s.Select.TypedKey(k)
}
