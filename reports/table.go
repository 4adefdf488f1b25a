package reports

// column is one column of a table. Width is a share of the page width, so
// the same table fills Letter and A4 alike.
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
	// Shrink prints text that is too wide in a smaller size rather than cut
	// it: a chart number must never lose digits.
	Shrink bool
}

const (
	tableFontSize  = 7.5
	titleFontSize  = 7.0
	tableRowHeight = 5.0
	titleRowHeight = 6.0
	groupRowHeight = 6.0
)

// table is a table being written row by row: the column titles repeat at the
// top of every page, rows are striped, and a row never splits over a page.
type table struct {
	cols   []column
	widths []float64
	rows   int // rows since the title or the last group, for the stripes
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
	if d.pdf.PageNo() == 0 || d.pdf.GetY()+titleRowHeight+tableRowHeight > d.bottom() {
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

// drawTitles writes the column titles on a dark band.
func (t *table) drawTitles(d *document) {
	p := d.pdf
	p.SetX(marginSide)
	d.fillColor(headFill)
	d.textColor(white)
	d.font("B", titleFontSize)
	for i, c := range t.cols {
		p.CellFormat(t.widths[i], titleRowHeight, d.fit(c.Title, t.widths[i]-2*p.GetCellMargin()), "", 0, c.Align, true, 0, "")
	}
	p.Ln(titleRowHeight)
	d.textColor(inkDark)
	t.rows = 0
}

// row writes one row; it starts a new page first when the row would not fit.
func (d *document) row(cells ...string) { d.markedRow(0, cells...) }

// markedRow is row with the cells whose bit is set in alerts (bit i for
// cell i) printed in bold red: a chart that is not where it should be.
func (d *document) markedRow(alerts uint64, cells ...string) {
	t := d.tbl
	p := d.pdf
	if p.GetY()+tableRowHeight > d.bottom() {
		d.newPage()
	}
	p.SetX(marginSide)
	if t.rows%2 == 1 {
		// One stripe under the whole row, not a filled box per cell: half
		// the drawing operators on a 2,000-page report.
		d.stripe(p.GetY(), tableRowHeight, zebraFill)
	}
	// With the fill colour equal to the ink, gofpdf writes text without
	// wrapping each cell in a colour change.
	if r, g, b := p.GetFillColor(); (rgb{r, g, b}) != inkDark {
		d.fillColor(inkDark)
	}
	style := "none" // no font chosen yet for this row
	for i, c := range t.cols {
		s := ""
		if i < len(cells) {
			s = cells[i]
		}
		alert := s != "" && (c.Alert || alerts&(1<<i) != 0)
		want := ""
		if c.Bold || alert {
			want = "B"
		}
		if c.Size != 0 {
			d.font(want, c.Size)
			style = "none"
		} else if want != style {
			d.font(want, tableFontSize)
			style = want
		}
		room := t.widths[i] - 2*p.GetCellMargin()
		if c.Shrink {
			for size := tableFontSize - 0.5; size >= 5 && p.GetStringWidth(s) > room; size -= 0.5 {
				d.font(want, size)
				style = "none"
			}
		}
		if alert {
			d.textColor(inkAlert)
		}
		p.CellFormat(t.widths[i], tableRowHeight, d.fit(s, room), "", 0, c.Align, false, 0, "")
		if alert {
			d.textColor(inkDark)
		}
	}
	p.Ln(tableRowHeight)
	t.rows++
}

// groupRow writes a band across the table that opens a group of rows (a
// borrower's charts). It keeps at least one row of the group with it.
func (d *document) groupRow(left, right string) {
	t := d.tbl
	p := d.pdf
	if p.GetY()+groupRowHeight+tableRowHeight > d.bottom() {
		d.newPage()
	}
	w := d.contentWidth()
	p.SetX(marginSide)
	d.fillColor(groupFill)
	d.font("B", tableFontSize+0.5)
	p.CellFormat(w*0.65, groupRowHeight, d.fit(left, w*0.65-2*p.GetCellMargin()), "", 0, "L", true, 0, "")
	d.font("", tableFontSize)
	p.CellFormat(w*0.35, groupRowHeight, d.fit(right, w*0.35-2*p.GetCellMargin()), "", 0, "R", true, 0, "")
	p.Ln(groupRowHeight)
	t.rows = 0
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
}
