package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// idleCheckEvery is how often the idle lock looks at the clock.
const idleCheckEvery = 20 * time.Second

// touch records that the clerk did something: typed, clicked a control that
// calls the service, moved through the screens.
func (s *shell) touch() { s.lastInput = s.now() }

// idleExpired reports whether the window has been left alone longer than the
// practice allows (IdleLockMinutes; 0 never locks).
func (s *shell) idleExpired() bool {
	if !s.signedIn || s.settings.IdleLockMinutes <= 0 {
		return false
	}
	return s.now().Sub(s.lastInput) >= time.Duration(s.settings.IdleLockMinutes)*time.Minute
}

// checkIdle locks the window back to sign-in when it has been idle too long.
// A ticker calls it in the real app; tests call it after moving the clock.
func (s *shell) checkIdle() {
	if s.idleExpired() {
		s.log.Info("idle lock", "user", s.actor.Username)
		s.lock("Locked after " + plural(s.settings.IdleLockMinutes, "minute") + " without use. Sign in again to continue.")
	}
}

func (s *shell) startIdleWatch() {
	go func() {
		t := time.NewTicker(idleCheckEvery)
		defer t.Stop()
		for range t.C {
			fyne.Do(s.checkIdle)
		}
	}()
}

// activeEntry is an Entry that counts typing as activity for the idle lock;
// every text box of the app is one.
type activeEntry struct {
	widget.Entry
	s *shell
	// onKey sees special keys first (arrows in the find box); true means
	// it handled the key.
	onKey func(*fyne.KeyEvent) bool
}

func newEntry(s *shell, placeholder string) *activeEntry {
	e := &activeEntry{s: s}
	e.PlaceHolder = placeholder
	e.ExtendBaseWidget(e)
	return e
}

func newPasswordEntry(s *shell, placeholder string) *activeEntry {
	e := newEntry(s, placeholder)
	e.Password = true
	return e
}

func (e *activeEntry) TypedRune(r rune) {
	e.s.touch()
	e.Entry.TypedRune(r)
}

func (e *activeEntry) TypedKey(k *fyne.KeyEvent) {
	defer recoverUI("a key")
	e.s.touch()
	if e.onKey != nil && e.onKey(k) {
		return
	}
	if k.Name == fyne.KeyEscape && e.s.dismissTopDialog() {
		return
	}
	e.Entry.TypedKey(k)
}
