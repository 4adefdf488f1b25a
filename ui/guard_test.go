package ui

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// A panic in a callback or in background work is caught at the UI's
// boundary: logged with its stack, told to the hook, shown to the clerk as
// a plain message, and the window goes on working.
func TestGuardKeepsTheWindowAlive(t *testing.T) {
	f := newFixture(t, true)
	var logged bytes.Buffer
	f.s.log = slog.New(slog.NewTextHandler(&logged, nil))
	m := f.mustSignIn(adminName, adminPassword)
	f.panicExpected = true

	cases := []struct {
		name    string
		trigger func()
	}{
		{"a button", func() {
			test.Tap(widget.NewButton("Boom", guarded(func() { panic("button fault") })))
		}},
		{"a dialog's answer", func() { guarded1(func(bool) { panic("answer fault") })(true) }},
		{"background work", func() {
			var got error
			inBackground(f.s, func() (int, error) { panic("work fault") }, func(_ int, err error) { got = err; f.s.showError(err) })
			if got == nil || !strings.Contains(got.Error(), "work fault") {
				t.Errorf("done was given %v, want the fault as an error", got)
			}
		}},
		{"the end of background work", func() {
			inBackground(f.s, func() (int, error) { return 1, nil }, func(int, error) { panic("done fault") })
		}},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.trigger()
			if len(f.panics) != i+1 {
				t.Fatalf("the hook was told of %d panics, want %d", len(f.panics), i+1)
			}
			top := f.win.Canvas().Overlays().Top()
			if top == nil {
				t.Fatal("the clerk was told nothing")
			}
			top.Hide()
			f.win.Canvas().Overlays().Remove(top)
		})
	}
	if !strings.Contains(logged.String(), "panic caught in the app") || !strings.Contains(logged.String(), "guard_test.go") {
		t.Errorf("the log has no panic with its stack:\n%s", logged.String())
	}
	// The window still works.
	m.show(navFind)
	find := m.page(navFind).(*findScreen)
	test.Type(find.box, "nobody")
	if find.answered != "nobody" {
		t.Errorf("Find no longer answers after the faults")
	}
}
