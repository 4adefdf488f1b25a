package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// minWidth is a layout that gives its objects at least a fixed width, so a
// form in the middle of a big window does not shrink to its labels.
type minWidth struct{ width float32 }

func (m minWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

func (m minWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	s := fyne.NewSize(m.width, 0)
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}

// centeredCard puts a titled card of the given width in the middle of the
// window: sign-in, first run, the open error.
func centeredCard(width float32, title, subtitle string, body fyne.CanvasObject) fyne.CanvasObject {
	card := widget.NewCard(title, subtitle, body)
	return container.NewCenter(container.New(minWidth{width}, card))
}

// heading is a screen's title line.
func heading(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.TextStyle = fyne.TextStyle{Bold: true}
	l.SizeName = theme.SizeNameSubHeadingText
	return l
}

// hint is a muted explanatory line: what a screen is for, what to do next.
func hint(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	l.TextStyle = fyne.TextStyle{Italic: true}
	return l
}

// screenFrame gives every screen the same shape: heading and hint on top,
// toolbar row, then the body filling the rest.
func screenFrame(title, help string, top fyne.CanvasObject, body fyne.CanvasObject) fyne.CanvasObject {
	head := container.NewVBox(heading(title))
	if help != "" {
		head.Add(hint(help))
	}
	if top != nil {
		head.Add(top)
	}
	return container.NewBorder(head, nil, nil, nil, body)
}

// swatch is a small square of a record type's colour.
func swatch(hex string) *canvas.Rectangle {
	r := canvas.NewRectangle(parseHexColor(hex))
	r.SetMinSize(fyne.NewSize(14, 14))
	r.CornerRadius = 3
	return r
}

// parseHexColor reads "#RRGGBB"; anything else is a neutral grey.
func parseHexColor(s string) color.Color {
	if len(s) != 7 || s[0] != '#' {
		return color.NRGBA{R: 0x88, G: 0x88, B: 0x88, A: 0xff}
	}
	v := func(i int) uint8 {
		h := func(c byte) uint8 {
			switch {
			case c >= '0' && c <= '9':
				return c - '0'
			case c >= 'a' && c <= 'f':
				return c - 'a' + 10
			case c >= 'A' && c <= 'F':
				return c - 'A' + 10
			}
			return 8
		}
		return h(s[i])<<4 | h(s[i+1])
	}
	return color.NRGBA{R: v(1), G: v(3), B: v(5), A: 0xff}
}
