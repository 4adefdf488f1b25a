package ui

import (
	"fmt"
	"runtime/debug"
	"sync/atomic"

	"fyne.io/fyne/v2/dialog"

	"github.com/chartroom/chartroom/records"
)

// guardShell is the shell the guard reports to. Fyne calls a callback with
// nothing but its own arguments, so the guard cannot be handed the shell;
// the process runs one app window, and newShell sets it.
var guardShell atomic.Pointer[shell]

// recoverUI is deferred at every boundary where Fyne or a goroutine of ours
// calls into the app: a panic there would end the process and the clerk's
// work with it. It writes the stack to the log, tells the hook (tests fail
// on it), and tells the clerk in plain words, leaving the window alive.
func recoverUI(where string) {
	r := recover()
	if r == nil {
		return
	}
	s := guardShell.Load()
	if s == nil {
		panic(r)
	}
	s.caught(where, r, debug.Stack())
	s.later(func() {
		s.showNoticeDialog(dialog.NewInformation("That did not work",
			"Chartroom ran into a fault of its own and stopped that action. What was saved before is safe, and the window keeps working.\n\n"+
				"Try again; if it happens again, tell your administrator (the details are in Chartroom's log).", s.win))
	})
}

// caught logs a panic the guard stopped and reports it to the hook.
func (s *shell) caught(where string, r any, stack []byte) {
	s.log.Error("panic caught in the app", "where", where, "panic", fmt.Sprint(r), "stack", string(stack))
	if s.deps.OnPanic != nil {
		s.deps.OnPanic(where, r)
	}
}

// panicError turns a panic in background work into the error its done
// callback shows, after the guard has logged it.
func panicError(r any) error {
	return records.Internal("the action stopped on a fault in Chartroom; what was saved before is safe", fmt.Errorf("panic: %v", r))
}

// guarded wraps a button's or menu item's callback in the guard.
func guarded(fn func()) func() {
	if fn == nil {
		return nil
	}
	return func() {
		defer recoverUI("a button or menu item")
		fn()
	}
}

// guarded1 wraps a one-argument callback (a choice, a dialog's answer).
func guarded1[A any](fn func(A)) func(A) {
	if fn == nil {
		return nil
	}
	return func(a A) {
		defer recoverUI("a choice or a dialog")
		fn(a)
	}
}

// guarded2 wraps a two-argument callback (a file dialog's answer).
func guarded2[A, B any](fn func(A, B)) func(A, B) {
	if fn == nil {
		return nil
	}
	return func(a A, b B) {
		defer recoverUI("a file dialog")
		fn(a, b)
	}
}
