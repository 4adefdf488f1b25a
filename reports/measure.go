package reports

import (
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

// split breaks s into lines no wider than w: at spaces where it can, inside
// a word too long for a line of its own.
func (m *measurer) split(s, style string, size, w float64) []string {
	m.use(style, size)
	return m.pdf.SplitText(s, w)
}
