package ui

import "fyne.io/fyne/v2"

// The window's size is kept in the app's preferences under these keys, so
// it opens as the clerk left it.
const (
	prefWindowWidth  = "window.width"
	prefWindowHeight = "window.height"
)

var (
	// defaultWindowSize is the size of the first start: every page fits.
	defaultWindowSize = fyne.NewSize(1280, 800)
	// smallestWindowSize is the least a remembered size is taken as: every
	// page is laid out to work at 1024x768.
	smallestWindowSize = fyne.NewSize(800, 560)
	// windowFrame is room left for the window's title bar and borders.
	windowFrame = fyne.NewSize(16, 48)
)

// windowSize is the size to open at: the remembered one, else the default,
// no larger than screen (the work area in the window's units) when known.
func (s *shell) windowSize(screen *fyne.Size) fyne.Size {
	size := defaultWindowSize
	p := s.app.Preferences()
	if w, h := float32(p.Float(prefWindowWidth)), float32(p.Float(prefWindowHeight)); w >= smallestWindowSize.Width && h >= smallestWindowSize.Height {
		size = fyne.NewSize(w, h)
	}
	if screen != nil {
		size = size.Min(screen.Subtract(windowFrame))
	}
	return size
}

// fitScreen shrinks the window to the screen it opens on (a 1366x768
// laptop must show the status bar) and centres it there.
func (s *shell) fitScreen() {
	if s.deps.Screen == nil {
		return
	}
	w, h, ok := s.deps.Screen()
	if !ok {
		return
	}
	scale := s.win.Canvas().Scale()
	if scale <= 0 {
		scale = 1
	}
	screen := fyne.NewSize(float32(w)/scale, float32(h)/scale)
	s.win.Resize(s.windowSize(&screen))
	s.win.CenterOnScreen()
}

// rememberWindowSize keeps the window's size for the next start.
func (s *shell) rememberWindowSize() {
	size := s.win.Canvas().Size()
	if size.Width < smallestWindowSize.Width || size.Height < smallestWindowSize.Height {
		return
	}
	p := s.app.Preferences()
	p.SetFloat(prefWindowWidth, float64(size.Width))
	p.SetFloat(prefWindowHeight, float64(size.Height))
}
