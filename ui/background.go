package ui

import "fyne.io/fyne/v2"

// inBackground runs work off the UI goroutine and hands its result to done on
// the UI goroutine (fyne.Do), so a slow query never freezes the window. In
// tests (s.async false) both run at once, in order.
func inBackground[T any](s *shell, work func() (T, error), done func(T, error)) {
	if !s.async {
		v, err := work()
		done(v, err)
		return
	}
	go func() {
		v, err := work()
		fyne.Do(func() { done(v, err) })
	}()
}

// later runs fn on the UI goroutine; from a goroutine that is fyne.Do, in
// tests a plain call.
func (s *shell) later(fn func()) {
	if !s.async {
		fn()
		return
	}
	fyne.Do(fn)
}
