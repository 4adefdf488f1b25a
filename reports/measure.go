package reports

import (
	"strings"

	"github.com/jung-kurt/gofpdf"

	"github.com/chartroom/chartroom/assets"
)

// measurer sizes text in the report font without drawing it: a gofpdf
// document with no page, so choosing a font to measure in writes nothing
// into the page being drawn (the document's own SetFont would).
type measurer struct {
	pdf   *gofpdf.Fpdf
	style string
	size  float64
}

// measurer returns the document's measurer, made on first use.
func (d *document) measurer() *measurer {
	if d.measure == nil {
		pdf := gofpdf.New("P", "mm", "Letter", "")
		pdf.AddUTF8FontFromBytes(fontFamily, "", assets.ReportFont)
		pdf.AddUTF8FontFromBytes(fontFamily, "B", assets.ReportFontBold)
		pdf.SetCellMargin(0)
		d.measure = &measurer{pdf: pdf, style: "none"}
	}
	return d.measure
}

func (m *measurer) use(style string, size float64) {
	if style != m.style || size != m.size {
		m.pdf.SetFont(fontFamily, style, size)
		m.style, m.size = style, size
	}
}

// width is the width of s, in millimetres, in the given style and size.
func (m *measurer) width(s, style string, size float64) float64 {
	m.use(style, size)
	return m.pdf.GetStringWidth(s)
}

// split breaks s into lines no wider than w: at spaces where it can, after
// a hyphen inside a word too long for a line ("Fitzgerald-|Worthington"),
// and only then inside a word, so no character is lost.
func (m *measurer) split(s, style string, size, w float64) []string {
	m.use(style, size)
	fits := func(t string) bool { return m.pdf.GetStringWidth(t) <= w }
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
