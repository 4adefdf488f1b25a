package reports

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/jung-kurt/gofpdf"

	"github.com/chartroom/chartroom/assets"
	"github.com/chartroom/chartroom/records"
)

// header is what every page of a report says about itself.
type header struct {
	Practice  string
	Title     string
	Filters   []string // "Location: Record room", shown under the title
	About     string   // the day or range the report is about, top right
	PrintedAt time.Time
	PrintedBy string
	Paper     records.PaperSize
	Filing    records.FilingSystem
	// warnings collects what the person printing must be told (Generate
	// returns them); nil in tests that render a document directly.
	warnings *[]string
}

// Page geometry in millimetres.
const (
	marginSide = 12.0
	marginTop  = 9.0
	// headerBottom is where content starts under a page header whose
	// practice name and filters take a line each; longer ones wrap and
	// push it down (document.top).
	headerBottom = 30.0
	footerHeight = 14.0 // room kept free at the bottom for the footer
	fontFamily   = "dejavu"
)

// Shades used across reports: dark ink for text, a muted grey for page
// furniture, the table header colour and the zebra stripe.
var (
	inkDark   = rgb{33, 37, 41}
	inkMuted  = rgb{108, 117, 125}
	inkAlert  = rgb{176, 0, 32}
	ruleGrey  = rgb{173, 181, 189}
	headFill  = rgb{44, 62, 80}
	zebraFill = rgb{242, 244, 247}
	groupFill = rgb{222, 230, 239}
	white     = rgb{255, 255, 255}
)

type rgb struct{ r, g, b int }

// furniture is the header and footer a page carries.
type furniture int

const (
	// furnitureFull: the practice, title, filters and day at the top,
	// who printed it, the confidentiality notice and the page at the bottom.
	furnitureFull furniture = iota
	// furnitureCompact: the same in one small line each, in the margins of
	// a label sheet.
	furnitureCompact
	// furnitureNone: the page is the product itself (a roll label).
	furnitureNone
)

// document is one PDF being written: gofpdf with Chartroom's page furniture
// (header, footer, embedded UTF-8 font) and the helpers the reports share.
type document struct {
	pdf *gofpdf.Fpdf
	hdr header
	// tbl is the table in progress; its column titles repeat at the top of
	// every new page.
	tbl *table
	// furniture is what surrounds the content of each page.
	furniture furniture
	pageW     float64
	pageH     float64
	raw       []byte // stripe's operator buffer, reused
	measure   *measurer
	head      headLayout
	undrawn   undrawable // where characters the font cannot draw were replaced
	// parts are the first pages of the parts numbered on their own (one
	// overdue notice per borrower), in order; empty: the document is one.
	parts []int
}

// startPart makes the next page the first of a part whose pages are
// numbered on their own ("Page 1 of 2" of one letter).
func (d *document) startPart() { d.parts = append(d.parts, d.pdf.PageNo()+1) }

// headLayout is how the page header is set; every page has the same.
type headLayout struct {
	practice, filters         []string
	practiceSize, filtersSize float64
	aboutW                    float64
	top                       float64 // where content starts under it
}

// newDocument starts a report on the practice's paper size, upright.
func newDocument(h header) *document { return newDocumentOriented(h, "P") }

// newDocumentOriented starts a report on the practice's paper size, upright
// ("P") or sideways ("L") for tables too wide to stand.
func newDocumentOriented(h header, orientation string) *document {
	size := "Letter"
	if h.Paper == records.PaperA4 {
		size = "A4"
	}
	return newDocumentSized(h, &gofpdf.InitType{OrientationStr: orientation, UnitStr: "mm", SizeStr: size}, furnitureFull)
}

// newDocumentSized starts a document on a given page (label sheets and rolls
// have their own) with the given header and footer.
func newDocumentSized(h header, init *gofpdf.InitType, f furniture) *document {
	pdf := gofpdf.NewCustom(init)
	d := &document{pdf: pdf, hdr: h, furniture: f}
	d.pageW, d.pageH = pdf.GetPageSize()

	// Same data and clock give the same bytes: fixed dates, sorted catalogs,
	// and metadata that does not depend on the machine.
	pdf.SetCatalogSort(true)
	pdf.SetCreationDate(h.PrintedAt)
	pdf.SetModificationDate(h.PrintedAt)
	pdf.SetCompression(true)
	pdf.SetProducer("Chartroom", true)
	pdf.SetCreator("Chartroom", true)
	pdf.SetTitle(h.Title, true)
	pdf.SetAuthor(h.Practice, true)

	pdf.AddUTF8FontFromBytes(fontFamily, "", assets.ReportFont)
	pdf.AddUTF8FontFromBytes(fontFamily, "B", assets.ReportFontBold)

	pdf.SetMargins(marginSide, marginTop, marginSide)
	// Page breaks are decided by the reports (a table row never splits, a
	// heading never sits alone at the bottom), so gofpdf's own are off.
	pdf.SetAutoPageBreak(false, 0)
	switch f {
	case furnitureFull:
		pdf.SetHeaderFunc(d.drawHeader)
		pdf.SetFooterFunc(d.drawFooter)
	case furnitureCompact:
		pdf.SetHeaderFunc(d.drawCompactHeader)
		pdf.SetFooterFunc(d.footerLine) // one small line at the bottom edge
	}
	return d
}

// newPage starts a page. The header callback draws the page header (and
// the column titles of a table in progress) and leaves the cursor under it.
func (d *document) newPage() {
	d.pdf.AddPage()
}

// bottom is the lowest y content may reach on a page.
func (d *document) bottom() float64 {
	if d.furniture != furnitureFull {
		return d.pageH
	}
	return d.pageH - footerHeight - 2
}

// contentWidth is the width between the side margins.
func (d *document) contentWidth() float64 { return d.pageW - 2*marginSide }

// ensure starts a new page unless h millimetres fit below the current line.
func (d *document) ensure(h float64) {
	if d.pdf.PageNo() == 0 || d.pdf.GetY()+h > d.bottom() {
		d.newPage()
	}
}

func (d *document) font(style string, size float64) { d.pdf.SetFont(fontFamily, style, size) }

// stripe fills the band from y, h high, across the content width in c,
// leaving gofpdf's fill colour alone: q and Q save and restore the
// graphics state around one rectangle. With SetFillColor and Rect a zebra
// stripe cost three formatted operators, and the fill colour switching
// back and forth made gofpdf wrap every cell's text in a colour change;
// pprof had them at an eighth of drawing a 100,000-row table.
func (d *document) stripe(y, h float64, c rgb) {
	k := d.pdf.GetConversionRatio()
	b := d.raw[:0]
	b = append(b, "q "...)
	for _, v := range []int{c.r, c.g, c.b} {
		b = strconv.AppendFloat(b, float64(v)/255, 'f', 3, 64)
		b = append(b, ' ')
	}
	b = append(b, "rg "...)
	for _, v := range []float64{marginSide * k, (d.pageH - y) * k, d.contentWidth() * k, -h * k} {
		b = strconv.AppendFloat(b, v, 'f', 2, 64)
		b = append(b, ' ')
	}
	b = append(b, "re f Q"...)
	d.raw = b
	d.pdf.RawWriteStr(string(b))
}

func (d *document) textColor(c rgb) { d.pdf.SetTextColor(c.r, c.g, c.b) }
func (d *document) fillColor(c rgb) { d.pdf.SetFillColor(c.r, c.g, c.b) }
func (d *document) drawColor(c rgb) { d.pdf.SetDrawColor(c.r, c.g, c.b) }

// text writes s in a cell of width w, cut with an ellipsis if it does not fit.
func (d *document) text(w, h float64, s, align string) {
	d.pdf.CellFormat(w, h, d.fit(s, w-2*d.pdf.GetCellMargin()), "", 0, align, false, 0, "")
}

// drawHeader is gofpdf's header callback: practice, title, what the report
// is about and its filters, then a rule; a table in progress repeats its
// column titles under it.
func (d *document) drawHeader() {
	p := d.pdf
	w := d.contentWidth()
	h := d.headLayout()
	d.textColor(inkMuted)
	y := marginTop + d.drawLines(marginSide, marginTop, w-h.aboutW, h.practice, "B", h.practiceSize, "L")
	d.font("", 9)
	p.SetXY(marginSide+w-h.aboutW, marginTop)
	d.text(h.aboutW, 4.5, d.hdr.About, "R")

	y = max(y, marginTop+4.5) + 0.5
	p.SetXY(marginSide, y)
	d.textColor(inkDark)
	d.font("B", 15)
	d.text(w, 8, d.hdr.Title, "L")

	d.textColor(inkMuted)
	d.drawLines(marginSide, y+8.5, w, h.filters, "", h.filtersSize, "L")

	d.drawColor(ruleGrey)
	p.SetLineWidth(0.3)
	p.Line(marginSide, h.top-2.5, marginSide+w, h.top-2.5)
	d.textColor(inkDark)
	p.SetXY(marginSide, h.top)
	if d.tbl != nil {
		d.tbl.drawTitles(d)
	}
}

// headLayout sets the page header once: the practice name beside the day
// the report is about, then the title, then the filters. A long practice
// name or long filters are set smaller and then wrapped, never cut; the
// content starts under them.
func (d *document) headLayout() headLayout {
	if d.head.top != 0 {
		return d.head
	}
	w := d.contentWidth()
	h := &d.head
	h.aboutW = d.measurer().width(d.hdr.About, "", 9) + 2*d.pdf.GetCellMargin() + 4
	h.practice, h.practiceSize = d.setLines(d.hdr.Practice, "B", 9, 6.5, w-h.aboutW)
	h.filters, h.filtersSize = d.setLines(joinFilters(d.hdr.Filters), "", 8, 6.5, w)
	practiceH := max(4.5, lineHeight(h.practiceSize)*float64(len(h.practice)))
	filtersH := max(4, lineHeight(h.filtersSize)*float64(len(h.filters)))
	h.top = max(headerBottom, marginTop+practiceH+0.5+8.5+filtersH+3.5)
	return *h
}

// top is where a page's content starts under its header.
func (d *document) top() float64 {
	if d.furniture != furnitureFull {
		return marginTop
	}
	return d.headLayout().top
}

// drawFooter is gofpdf's footer callback: who printed it and when, and the
// confidentiality notice (numberPages adds "Page x of y" between them).
func (d *document) drawFooter() {
	p := d.pdf
	w := d.contentWidth()
	y := d.pageH - footerHeight + 2
	d.drawColor(ruleGrey)
	p.SetLineWidth(0.2)
	p.Line(marginSide, y, marginSide+w, y)
	d.footerLine()
}

// drawCompactHeader writes the header in two small lines at the top edge:
// the practice and the title, then the filters, each shrunk to fit rather
// than cut.
func (d *document) drawCompactHeader() {
	p := d.pdf
	w := d.pageW - 2*compactMargin
	aboutW := 0.0
	if d.hdr.About != "" {
		aboutW = d.measurer().width(d.hdr.About, "", 6.5) + 2*p.GetCellMargin() + 2
	}
	left := d.hdr.Practice
	if left != "" {
		left += "  ·  "
	}
	d.textColor(inkMuted)
	p.SetXY(compactMargin, 2.5)
	d.textShrink(w-aboutW, 3, left+d.hdr.Title, "L", "B", 6.5, 4.5)
	if aboutW > 0 {
		d.font("", 6.5)
		d.text(aboutW, 3, d.hdr.About, "R")
	}
	p.SetXY(compactMargin, 5.5)
	d.textShrink(w, 3, joinFilters(d.hdr.Filters), "L", "", 6, 4.5)
	d.textColor(inkDark)
}

// footerBox is the line the footer is written on: its left edge, top, width
// and height, and the font size.
type footerBox struct{ x, y, w, h, size float64 }

// footer is where this document's footer line goes; ok is false when its
// pages have none (a roll label).
func (d *document) footer() (b footerBox, ok bool) {
	switch d.furniture {
	case furnitureFull:
		return footerBox{marginSide, d.pageH - footerHeight + 3, d.contentWidth(), 4, 7}, true
	case furnitureCompact:
		return footerBox{compactMargin, d.pageH - 8, d.pageW - 2*compactMargin, 3.5, 6.5}, true
	}
	return footerBox{}, false
}

// side is the width of the footer's left and right parts; the page
// number is centred between them, so its digits cannot push them out of
// line.
func (b footerBox) side() float64 { return b.w * 0.37 }

// footerLine writes who printed the page and when, and the confidentiality
// notice.
func (d *document) footerLine() {
	b, ok := d.footer()
	if !ok {
		return
	}
	p := d.pdf
	d.textColor(inkMuted)
	d.font("", b.size)
	p.SetXY(b.x, b.y)
	d.text(b.side(), b.h, printedLine(d.hdr), "L")
	p.SetX(b.x + b.w - b.side())
	d.font("B", b.size)
	d.text(b.side(), b.h, confidential, "R")
	d.textColor(inkDark)
}

// numberPages writes "Page x of y" in the footer of every page, once the
// number of pages is known. gofpdf's alias for it ({nb}) rewrites the text
// of every page as the document closes: a twelfth of the time of a
// 2,000-page report.
func (d *document) numberPages() {
	b, ok := d.footer()
	if !ok {
		return
	}
	p := d.pdf
	last, n := p.PageNo(), p.PageCount()
	part := 0 // index in d.parts of the part page i belongs to
	for i := 1; i <= n; i++ {
		first, end := 1, n // the pages of the part page i is in
		for part+1 < len(d.parts) && d.parts[part+1] <= i {
			part++
		}
		switch {
		case len(d.parts) == 0:
		case i < d.parts[0]:
			end = d.parts[0] - 1
		default:
			first = d.parts[part]
			if part+1 < len(d.parts) {
				end = d.parts[part+1] - 1
			}
		}
		p.SetPage(i)
		// The page's drawing ended in some other colour and font: set
		// both again, the fill too (gofpdf writes text in the fill colour
		// when the two agree).
		d.fillColor(inkMuted)
		d.textColor(inkMuted)
		d.font("", b.size)
		p.SetXY(b.x+b.side(), b.y)
		d.text(b.w-2*b.side(), b.h, fmt.Sprintf("Page %d of %d", i-first+1, end-first+1), "C")
	}
	p.SetPage(last)
	d.textColor(inkDark)
}

// compactMargin is the side margin of the compact header and footer.
const compactMargin = 6.0

// confidential is printed on every page of every report.
const confidential = "Confidential: contains protected health information"

func printedLine(h header) string {
	s := "Printed " + h.PrintedAt.Format("2006-01-02 15:04")
	if h.PrintedBy != "" {
		s += " by " + h.PrintedBy
	}
	return s
}

func joinFilters(f []string) string {
	s := ""
	for i, x := range f {
		if i > 0 {
			s += "   ·   "
		}
		s += x
	}
	return s
}

// output closes the document and writes it to w.
func (d *document) output(w io.Writer) error {
	if d.pdf.PageNo() == 0 {
		d.newPage()
	}
	d.numberPages()
	if warning := d.markUndrawablePages(); warning != "" && d.hdr.warnings != nil {
		*d.hdr.warnings = append(*d.hdr.warnings, warning)
	}
	if err := d.pdf.Output(w); err != nil {
		return records.Internal("the PDF could not be written", err)
	}
	return nil
}

// err reports a failure gofpdf recorded while drawing.
func (d *document) err() error {
	if err := d.pdf.Error(); err != nil {
		return records.Internal("the PDF could not be drawn", err)
	}
	return nil
}
