package main

import (
	"github.com/go-gl/glfw/v3.4/glfw"
)

// screenWorkArea is the primary screen's work area (the screen less the
// task bar) in pixels. Fyne has no call for it; the window toolkit it runs
// on has, and the app asks once it has started, on the main thread.
func screenWorkArea() (width, height int, ok bool) {
	m := glfw.GetPrimaryMonitor()
	if m == nil {
		return 0, 0, false
	}
	_, _, w, h := m.GetWorkarea()
	if w <= 0 || h <= 0 {
		return 0, 0, false
	}
	return w, h, true
}
