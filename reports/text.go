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
	s = d.printable(s)
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
// and characters the report font cannot draw become U+FFFD (see drawable).
func printable(s string) string {
	out, _ := sanitize(s)
	return out
}

// sanitize is printable, also saying whether a character the font cannot
// draw was replaced.
func sanitize(s string) (string, bool) {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c == 0x7f || c >= utf8.RuneSelf {
			clean = false
			break
		}
	}
	if clean {
		return s, false
	}
	replaced := false
	return strings.Map(func(r rune) rune {
		switch {
		case r == utf8.RuneError:
			return '\uFFFD'
		case unicode.IsControl(r):
			return ' '
		case r >= utf8.RuneSelf && !drawable(r):
			replaced = true
			return '\uFFFD'
		}
		return r
	}, s), replaced
}

// printable is the package's printable that also notes, for the page
// being drawn, that it had to replace characters the font cannot draw: the
// page says so and the caller is told (glyphs.go).
func (d *document) printable(s string) string {
	out, replaced := sanitize(s)
	if replaced {
		d.noteUndrawable(s)
	}
	return out
}

// textShrink writes s in a cell of width w in the given style, at size
// unless it needs a smaller one (down to least) to fit; only then is it cut.
func (d *document) textShrink(w, h float64, s, align, style string, size, least float64) {
	room := w - 2*d.pdf.GetCellMargin()
	d.font(style, size)
	for size > least && d.pdf.GetStringWidth(d.printable(s)) > room {
		size -= 0.5
		d.font(style, size)
	}
	d.text(w, h, s, align)
}

// setLines chooses how s is set in width w (millimetres, cell margins
// included): on one line at size if it fits, else on one line at a smaller
// size down to floor, else wrapped onto several lines at floor. Nothing is
// cut.
func (d *document) setLines(s, style string, size, floor, w float64) ([]string, float64) {
	m := d.measurer()
	s = d.printable(s)
	room := w - 2*d.pdf.GetCellMargin()
	for size > floor && m.width(s, style, size) > room {
		size = max(floor, size-0.5)
	}
	if s == "" || m.width(s, style, size) <= room {
		return []string{s}, size
	}
	return m.split(s, style, size, room), size
}

// drawLines writes lines one under the other from (x, y) in a column of
// width w and returns the height they took.
func (d *document) drawLines(x, y, w float64, lines []string, style string, size float64, align string) float64 {
	p := d.pdf
	lh := lineHeight(size)
	d.font(style, size)
	for i, l := range lines {
		p.SetXY(x, y+float64(i)*lh)
		p.CellFormat(w, lh, l, "", 0, align, false, 0, "")
	}
	return lh * float64(len(lines))
}

// textWhole writes s at (x, y) in width w, shrinking it down to floor and
// then wrapping it, never cutting it; it returns the height taken, at least
// the height of one line at size.
func (d *document) textWhole(x, y, w float64, s, style string, size, floor float64, align string) float64 {
	lines, sz := d.setLines(s, style, size, floor, w)
	h := d.drawLines(x, y, w, lines, style, sz, align)
	return max(h, lineHeight(size))
}

// setLinesWithin is setLines for a box that holds at most most lines: the
// text shrinks, from size down to floor, until it wraps onto that many.
// ok is false when even at floor it needs more; the lines are then those
// at floor.
func (d *document) setLinesWithin(s, style string, size, floor, w float64, most int) (lines []string, sz float64, ok bool) {
	m := d.measurer()
	s = d.printable(s)
	room := w - 2*d.pdf.GetCellMargin()
	for sz = size; ; sz = max(floor, sz-0.5) {
		if m.width(s, style, sz) <= room {
			return []string{s}, sz, true
		}
		lines = m.split(s, style, sz, room)
		if len(lines) <= most {
			return lines, sz, true
		}
		if sz == floor {
			return lines, sz, false
		}
	}
}

// setLinesInBox is setLines for a box w wide and h high: the fewest lines,
// in the largest type from size down to floor, that fit both ways. ok is
// false when the text does not fit at floor; the lines are then those at
// floor.
func (d *document) setLinesInBox(s, style string, size, floor, w, h float64) (lines []string, sz float64, ok bool) {
	for most := 1; float64(most)*lineHeight(floor) <= h+1e-9; most++ {
		lines, sz, ok = d.setLinesWithin(s, style, size, floor, w, most)
		for ok && lineHeight(sz)*float64(len(lines)) > h+1e-9 && sz > floor {
			// Fewer lines than allowed, but too tall: smaller type.
			lines, sz, ok = d.setLinesWithin(s, style, sz-0.5, floor, w, most)
		}
		if ok && lineHeight(sz)*float64(len(lines)) <= h+1e-9 {
			return lines, sz, true
		}
	}
	lines, sz = d.setLines(s, style, floor, floor, w)
	return lines, sz, false
}
