package ui

import (
	"runtime/debug"

	"fyne.io/fyne/v2"
)

// inBackground runs work off the UI goroutine and hands its result to done on
// the UI goroutine (fyne.Do), so a slow query never freezes the window. In
// tests (s.async false) both run at once, in order.
// A panic in either is caught by the guard: in work it becomes the error
// done is given.
func inBackground[T any](s *shell, work func() (T, error), done func(T, error)) {
	run := func() (v T, err error) {
		defer func() {
			if r := recover(); r != nil {
				s.caught("background work", r, debug.Stack())
				err = panicError(r)
			}
		}()
		return work()
	}
	finish := func(v T, err error) {
		defer recoverUI("the end of background work")
		done(v, err)
	}
	if !s.async {
		finish(run())
		return
	}
	go func() {
		v, err := run()
		fyne.Do(func() { finish(v, err) })
	}()
}

// later runs fn on the UI goroutine; from a goroutine that is fyne.Do, in
// tests a plain call.
func (s *shell) later(fn func()) {
	guardedFn := func() {
		defer recoverUI("an update from the background")
		fn()
	}
	if !s.async {
		guardedFn()
		return
	}
	fyne.Do(guardedFn)
}
