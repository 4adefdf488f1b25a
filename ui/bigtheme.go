package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
)

// bigTextTheme enlarges text for the scan station's box and banner, which a
// clerk reads from a step away; colours and fonts stay the app's, so light and
// dark still follow the system.
type bigTextTheme struct {
	app  fyne.App
	size float32
}

func (t bigTextTheme) base() fyne.Theme { return t.app.Settings().Theme() }

func (t bigTextTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	return t.base().Color(n, v)
}

func (t bigTextTheme) Font(s fyne.TextStyle) fyne.Resource { return t.base().Font(s) }

func (t bigTextTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return t.base().Icon(n) }

func (t bigTextTheme) Size(n fyne.ThemeSizeName) float32 {
	if n == "text" {
		return t.size
	}
	return t.base().Size(n)
}
