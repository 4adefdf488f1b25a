package reports

// column is one column of a table. Width is a share of the page width, so
// the same table fills Letter and A4 alike.
//
// Every column identifies something (a name, chart number, volume, place,
// the action to take) or carries a note a clerk needs whole, so no cell is
// ever cut: text too wide for its column is first set smaller, down to the
// column's floor, and then wrapped onto more lines within a taller row.
type column struct {
	Title string
	Width float64
	Align string // "L", "C" or "R"
	// Alert prints a non-empty cell in bold red: days overdue, "not found".
	Alert bool
	// Bold prints the column in bold: the patient's name.
	Bold bool
	// Size overrides the font size (a checkbox reads better larger).
	Size float64
	// Floor is the smallest size the column's text may shrink to before it
	// wraps; zero means cellFloorSize. A chart number shrinks further, since
	// a number split over two lines is easily misread.
	Floor float64
}

const (
	tableFontSize  = 7.5
	titleFontSize  = 7.0
	tableRowHeight = 5.0
	titleRowHeight = 6.0
	groupRowHeight = 6.0
	// cellFloorSize is the smallest type a cell shrinks to before wrapping.
	cellFloorSize = 6.5
	// mrnFloorSize is the floor of chart number columns.
	mrnFloorSize = 5.0
	// cellPadY is the room under the last line of a wrapped cell.
	cellPadY = 0.8
)

// lineHeight is the height of a line of text of size points, in mm.
func lineHeight(size float64) float64 { return size * 0.3528 * 1.18 }

// table is a table being written row by row: the column titles repeat at the
// top of every page, rows are striped, and a row never splits over a page.
type table struct {
	cols   []column
	widths []float64
	rows   int          // rows since the title or the last group, for the stripes
	cells  []cellLayout // the row being written, reused
	titles []cellLayout // the column titles as set; nil until measured
	titleH float64      // height of the titles' band
	// group is the band of the group in progress, drawn again under the
	// titles of a page the group runs onto.
	group []string
}

// cellLayout is how one cell of a row is set: one line, or several when
// the text wraps, in the style and size chosen.
type cellLayout struct {
	lines []string
	style string
	size  float64
	alert bool
}

// startTable begins a table under the current line.
func (d *document) startTable(cols []column) *table {
	total := 0.0
	for _, c := range cols {
		total += c.Width
	}
	t := &table{cols: cols, widths: make([]float64, len(cols))}
	for i, c := range cols {
		t.widths[i] = d.contentWidth() * c.Width / total
	}
	// Titles and at least one row must fit, else the table starts overleaf.
	if d.pdf.PageNo() == 0 || d.pdf.GetY()+t.titleHeight(d)+tableRowHeight > d.bottom() {
		d.tbl = t
		d.newPage() // the header callback draws the titles
		return t
	}
	t.drawTitles(d)
	d.tbl = t
	return t
}

// endTable stops repeating the table's titles on new pages.
func (d *document) endTable() {
	d.tbl = nil
	d.pdf.Ln(2)
}

// drawTitles writes the column titles on a dark band; a title too wide
// for its column wraps, so narrow number columns stay narrow.
func (t *table) drawTitles(d *document) {
	p := d.pdf
	y := p.GetY()
	h := t.titleHeight(d)
	d.stripe(y, h, headFill)
	d.textColor(white)
	x, size := marginSide, 0.0
	for i, c := range t.cols {
		tl := t.titles[i]
		if tl.size != size {
			d.font("B", tl.size)
			size = tl.size
		}
		lh := lineHeight(tl.size)
		top := y + (h-lh*float64(len(tl.lines)))/2
		for k, l := range tl.lines {
			p.SetXY(x, top+float64(k)*lh)
			p.CellFormat(t.widths[i], lh, l, "", 0, c.Align, false, 0, "")
		}
		x += t.widths[i]
	}
	p.SetXY(marginSide, y+h)
	d.textColor(inkDark)
	t.rows = 0
	if t.group != nil {
		d.drawGroup(t.group[0], t.group[1])
	}
}

// titleHeight is the height of the band of column titles, which it sets
// once for every page.
func (t *table) titleHeight(d *document) float64 {
	if t.titles == nil {
		t.titleH = titleRowHeight
		t.titles = make([]cellLayout, len(t.cols))
		for i, c := range t.cols {
			tl := &t.titles[i]
			tl.lines, tl.size = d.setLines(c.Title, "B", titleFontSize, 6, t.widths[i])
			t.titleH = max(t.titleH, lineHeight(tl.size)*float64(len(tl.lines))+2*cellPadY)
		}
	}
	return t.titleH
}

// row writes one row; it starts a new page first when the row would not fit.
func (d *document) row(cells ...string) { d.markedRow(0, cells...) }

// markedRow is row with the cells whose bit is set in alerts (bit i for
// cell i) printed in bold red: a chart that is not where it should be.
func (d *document) markedRow(alerts uint64, cells ...string) {
	t := d.tbl
	p := d.pdf
	height, undrawn := d.layoutRow(t, alerts, cells)
	if p.GetY()+height > d.bottom() {
		d.newPage()
	}
	if undrawn != "" {
		d.noteUndrawable(undrawn) // on the page the row is drawn on
	}
	p.SetX(marginSide)
	y := p.GetY()
	if t.rows%2 == 1 {
		// One stripe under the whole row, not a filled box per cell: half
		// the drawing operators on a 2,000-page report.
		d.stripe(y, height, zebraFill)
	}
	// With the fill colour equal to the ink, gofpdf writes text without
	// wrapping each cell in a colour change.
	if r, g, b := p.GetFillColor(); (rgb{r, g, b}) != inkDark {
		d.fillColor(inkDark)
	}
	x := marginSide
	style, size := "none", 0.0 // no font chosen yet for this row
	for i, c := range t.cols {
		cl := &t.cells[i]
		if cl.style != style || cl.size != size {
			d.font(cl.style, cl.size)
			style, size = cl.style, cl.size
		}
		if cl.alert {
			d.textColor(inkAlert)
		}
		w := t.widths[i]
		if len(cl.lines) == 1 {
			p.CellFormat(w, tableRowHeight, cl.lines[0], "", 0, c.Align, false, 0, "")
		} else {
			// Lines read across the row: the first line of a wrapped
			// cell sits where a one-line cell does.
			lh := lineHeight(cl.size)
			top := y + (tableRowHeight-lh)/2
			for k, l := range cl.lines {
				p.SetXY(x, top+float64(k)*lh)
				p.CellFormat(w, lh, l, "", 0, c.Align, false, 0, "")
			}
			p.SetXY(x+w, y)
		}
		if cl.alert {
			d.textColor(inkDark)
		}
		x += w
	}
	p.SetXY(marginSide, y+height)
	t.rows++
}

// layoutRow decides how each cell of a row is set and returns the row's
// height: a cell that fits at the table's size takes one line; one that
// does not is set smaller, down to its column's floor, and then wrapped.
// It measures with d.measure, whose font changes write nothing into the
// page.
func (d *document) layoutRow(t *table, alerts uint64, cells []string) (height float64, undrawn string) {
	m := d.measurer()
	margin := 2 * d.pdf.GetCellMargin()
	if cap(t.cells) < len(t.cols) {
		t.cells = make([]cellLayout, len(t.cols))
	}
	t.cells = t.cells[:len(t.cols)]
	height = tableRowHeight
	for i, c := range t.cols {
		s, replaced := "", false
		if i < len(cells) {
			s, replaced = sanitize(cells[i])
		}
		if replaced && undrawn == "" {
			undrawn = cells[i]
		}
		cl := &t.cells[i]
		cl.alert = s != "" && (c.Alert || alerts&(1<<i) != 0)
		cl.style = ""
		if c.Bold || cl.alert {
			cl.style = "B"
		}
		cl.size = tableFontSize
		if c.Size != 0 {
			cl.size = c.Size
		}
		cl.lines = append(cl.lines[:0], s)
		room := t.widths[i] - margin
		if s == "" || m.width(s, cl.style, cl.size) <= room {
			continue
		}
		floor := c.Floor
		if floor == 0 {
			floor = cellFloorSize
		}
		for cl.size > floor && m.width(s, cl.style, cl.size) > room {
			cl.size = max(floor, cl.size-0.5)
		}
		if m.width(s, cl.style, cl.size) <= room {
			continue
		}
		cl.lines = append(cl.lines[:0], m.split(s, cl.style, cl.size, room)...)
		lh := lineHeight(cl.size)
		height = max(height, (tableRowHeight-lh)/2+lh*float64(len(cl.lines))+cellPadY)
	}
	return height, undrawn
}

// groupRow writes a band across the table that opens a group of rows (a
// borrower's charts). It keeps at least one row of the group with it, and
// a page that the group runs onto opens with the band again, marked
// "continued", so every page says whose rows they are.
func (d *document) groupRow(left, right string) {
	t := d.tbl
	p := d.pdf
	t.group = nil
	if p.GetY()+d.groupHeight(left, right)+tableRowHeight > d.bottom() {
		d.newPage()
	}
	d.drawGroup(left, right)
	t.group = []string{left + " (continued)", right}
}

// groupHeight is the height of a group band: the left part (a name) is
// never cut; it shrinks and then wraps.
func (d *document) groupHeight(left, right string) float64 {
	w := d.contentWidth()
	lines, size := d.setLines(left, "B", tableFontSize+0.5, cellFloorSize, w*0.65)
	return max(groupRowHeight, lineHeight(size)*float64(len(lines))+2*cellPadY)
}

func (d *document) drawGroup(left, right string) {
	p := d.pdf
	w := d.contentWidth()
	y := p.GetY()
	h := d.groupHeight(left, right)
	d.stripe(y, h, groupFill)
	lines, size := d.setLines(left, "B", tableFontSize+0.5, cellFloorSize, w*0.65)
	lh := lineHeight(size)
	d.drawLines(marginSide, y+(h-lh*float64(len(lines)))/2, w*0.65, lines, "B", size, "L")
	rl, rs := d.setLines(right, "", tableFontSize, cellFloorSize, w*0.35)
	d.drawLines(marginSide+w*0.65, y+(h-lineHeight(rs)*float64(len(rl)))/2, w*0.35, rl, "", rs, "R")
	p.SetXY(marginSide, y+h)
	d.tbl.rows = 0
}

// totalRow writes a closing line under the table's rows: "1,204 volumes".
func (d *document) totalRow(s string) {
	p := d.pdf
	if p.GetY()+tableRowHeight+1 > d.bottom() {
		d.newPage()
	}
	w := d.contentWidth()
	d.drawColor(ruleGrey)
	p.SetLineWidth(0.3)
	p.Line(marginSide, p.GetY(), marginSide+w, p.GetY())
	p.SetX(marginSide)
	d.font("B", tableFontSize)
	d.text(w, tableRowHeight+1, s, "L")
	p.Ln(tableRowHeight + 1)
}

// note writes a line of plain text across the page (an empty report says
// so rather than printing a bare table).
func (d *document) note(s string) {
	d.ensure(7)
	p := d.pdf
	p.SetX(marginSide)
	d.font("", 9)
	d.textColor(inkMuted)
	d.text(d.contentWidth(), 7, s, "L")
	p.Ln(7)
	d.textColor(inkDark)
}

// section writes a heading for a part of a report; it keeps room for the
// table that follows.
func (d *document) section(s string) {
	d.ensure(9 + titleRowHeight + 2*tableRowHeight)
	p := d.pdf
	p.Ln(1)
	p.SetX(marginSide)
	d.font("B", 11)
	d.textColor(inkDark)
	d.text(d.contentWidth(), 7, s, "L")
	p.Ln(8)
}

// subtotal writes a muted, right-aligned line closing a group of rows.
func (d *document) subtotal(s string) {
	p := d.pdf
	if p.GetY()+tableRowHeight > d.bottom() {
		d.newPage()
	}
	w := d.contentWidth()
	p.SetX(marginSide)
	d.font("", tableFontSize-0.5)
	d.textColor(inkMuted)
	d.text(w, tableRowHeight, s, "R")
	d.textColor(inkDark)
	p.Ln(tableRowHeight)
	d.tbl.group = nil // the group is closed
}
