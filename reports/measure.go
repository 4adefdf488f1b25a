package reports

import (
	"strings"

	"github.com/jung-kurt/gofpdf"

	"github.com/chartroom/chartroom/assets"
)

// measurer sizes text in the report font without drawing it: gofpdf
// documents with no page, so choosing a font to measure in writes nothing
// into the page being drawn (the document's own SetFont would). A width is
// proportional to the type size, so width measures in a document per style
// set once at 1 pt, and a row of cells in two styles costs no font
// switching at all.
type measurer struct {
	regular, bold *gofpdf.Fpdf
}

// measurer returns the document's measurer, made on first use.
func (d *document) measurer() *measurer {
	if d.measure == nil {
		at := func(style string, font []byte) *gofpdf.Fpdf {
			pdf := gofpdf.New("P", "mm", "Letter", "")
			pdf.AddUTF8FontFromBytes(fontFamily, style, font)
			pdf.SetFont(fontFamily, style, 1)
			return pdf
		}
		d.measure = &measurer{regular: at("", assets.ReportFont), bold: at("B", assets.ReportFontBold)}
	}
	return d.measure
}

// width is the width of s, in millimetres, in the given style and size.
func (m *measurer) width(s, style string, size float64) float64 {
	if style == "B" {
		return m.bold.GetStringWidth(s) * size
	}
	return m.regular.GetStringWidth(s) * size
}

// split breaks s into lines no wider than w: at spaces where it can, after
// a hyphen inside a word too long for a line ("Fitzgerald-|Worthington"),
// and only then inside a word, so no character is lost.
func (m *measurer) split(s, style string, size, w float64) []string {
	fits := func(t string) bool { return m.width(t, style, size) <= w }
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		switch {
		case line == "":
		case fits(line + " " + word):
			line += " " + word
			continue
		default:
			lines = append(lines, line)
		}
		line = ""
		for !fits(word) {
			head, rest := breakWord(word, fits)
			lines = append(lines, head)
			word = rest
		}
		line = word
	}
	return append(lines, line)
}

// breakWord cuts the longest head off word that fits: after its last
// fitting hyphen if it has one, else at the last fitting character (at
// least one).
func breakWord(word string, fits func(string) bool) (head, rest string) {
	runes := []rune(word)
	n := 1
	for n < len(runes) && fits(string(runes[:n+1])) {
		n++
	}
	for i := n; i > 0; i-- {
		if runes[i-1] == '-' && i < len(runes) {
			return string(runes[:i]), string(runes[i:])
		}
	}
	return string(runes[:n]), string(runes[n:])
}
