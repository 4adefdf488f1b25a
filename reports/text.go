package reports

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

const ellipsis = "…"

// fit returns s cut to width w (millimetres, in the current font) with an
// ellipsis, so a long name stays inside its column instead of running into
// the next one.
func (d *document) fit(s string, w float64) string {
	s = printable(s)
	if s == "" || d.pdf.GetStringWidth(s) <= w {
		return s
	}
	runes := []rune(s)
	// The longest prefix that fits together with the ellipsis.
	lo, hi := 0, len(runes)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if d.pdf.GetStringWidth(string(runes[:mid])+ellipsis) <= w {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	if lo == 0 {
		return ""
	}
	return strings.TrimRightFunc(string(runes[:lo]), unicode.IsSpace) + ellipsis
}

// printable makes text safe for the PDF: control characters (which the
// records layer refuses, but imports of old data may carry) become spaces,
// and characters beyond the font's 16-bit range become U+FFFD.
func printable(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c == 0x7f || c >= utf8.RuneSelf {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == utf8.RuneError, r > 0xFFFF:
			return '\uFFFD'
		case unicode.IsControl(r):
			return ' '
		}
		return r
	}, s)
}

// textShrink writes s in a cell of width w in the given style, at size
// unless it needs a smaller one (down to least) to fit; only then is it cut.
func (d *document) textShrink(w, h float64, s, align, style string, size, least float64) {
	room := w - 2*d.pdf.GetCellMargin()
	d.font(style, size)
	for size > least && d.pdf.GetStringWidth(printable(s)) > room {
		size -= 0.5
		d.font(style, size)
	}
	d.text(w, h, s, align)
}
