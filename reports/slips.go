package reports

import (
	"io"

	"github.com/chartroom/chartroom/records"
)

// slipsPerPage is how many request slips share a page, with cut lines
// between them.
const slipsPerPage = 3

// runRequestSlips makes a slip per open request of the day.
func runRequestSlips(j *job, w io.Writer) error {
	reqs, err := j.dayRequests()
	if err != nil {
		return err
	}
	d := newDocument(j.hdr)
	if err := renderRequestSlips(d, reqs); err != nil {
		return err
	}
	return d.output(w)
}

// renderRequestSlips writes the requests as slips, three to a page, in the
// order given (filing order: the order the charts are pulled in). A slip
// whose names, reason or location need more lines takes the room it needs,
// and the next slip moves down or overleaf.
func renderRequestSlips(d *document, reqs []records.Request) error {
	y := 0.0
	for i, r := range reqs {
		if i == 0 {
			d.newPage()
			y = d.top()
		}
		third := (d.bottom() - d.top()) / slipsPerPage
		l := d.layoutSlip(r)
		h := max(third, l.height+4)
		if y+h > d.bottom()+0.01 {
			d.newPage()
			y = d.top()
		}
		if y > d.top() {
			d.cutLine(y - 1)
		}
		if err := d.slip(r, l, y+1, h-4); err != nil {
			return err
		}
		y += h
	}
	if len(reqs) == 0 {
		d.newPage()
		d.note("No charts are requested for this day: there are no slips to print.")
	}
	return d.err()
}

// cutLine draws a dashed line across the page to cut along.
func (d *document) cutLine(y float64) {
	p := d.pdf
	d.drawColor(ruleGrey)
	p.SetLineWidth(0.2)
	p.SetDashPattern([]float64{2, 1.5}, 0)
	p.Line(4, y, d.pageW-4, y)
	p.SetDashPattern([]float64{}, 0)
}

// slipLayout is how a slip's text is set: a name, borrower, reason or
// location too long for its line shrinks and then wraps, never cut.
type slipLayout struct {
	name     []string
	nameSize float64
	volume   []string
	volSize  float64
	rows     []slipRow
	height   float64 // from the top of the slip to under the signature line
}

type slipRow struct {
	caption string
	lines   []string
	size    float64
}

const (
	slipCaptionW = 32.0
	slipBarcodeH = 10.0
)

func (d *document) layoutSlip(r records.Request) slipLayout {
	w := d.contentWidth()
	var l slipLayout
	l.name, l.nameSize = d.setLines(r.PatientName, "B", 16, 10, w*0.64)
	l.volume, l.volSize = d.setLines(r.VolumeLabel, "B", 11, 8, w*0.45)
	h := 7 + max(9, lineHeight(l.nameSize)*float64(len(l.name))) + 1
	h += max(lineHeight(l.volSize)*float64(len(l.volume)), slipBarcodeH+4) + 2
	for _, kv := range [][2]string{
		{"Requested by", joinNonEmpty(r.BorrowerName, r.BorrowerTel, "  ·  ")},
		{"Reason", r.Reason},
		{"Current location", placeText(r.VolumeState, r.Where)},
		{"Source", sourceText(r.Source)},
	} {
		lines, size := d.setLines(kv[1], "B", 10, 8, w-slipCaptionW)
		l.rows = append(l.rows, slipRow{kv[0], lines, size})
		h += max(6, lineHeight(size)*float64(len(lines))+1)
	}
	l.height = h + 14
	return l
}

// slip draws one request slip laid out as l in the box from top, height
// high: the chart, its barcode as a Code 128 symbol (the slip is scanned
// when the chart comes back), who asked for it and why, where it is now.
func (d *document) slip(r records.Request, l slipLayout, top, height float64) error {
	p := d.pdf
	w := d.contentWidth()
	x := marginSide
	half := w / 2

	p.SetXY(x, top)
	d.font("B", 9)
	d.textColor(inkMuted)
	d.text(half, 5, "CHART REQUEST", "L")
	p.SetXY(x+half, top)
	d.font("B", 10)
	d.textColor(inkDark)
	needed := "Needed " + r.NeededOn.String()
	if r.NeededAt != "" {
		needed += " at " + r.NeededAt
	}
	d.text(half, 5, needed, "R")

	y := top + 7
	nameH := d.drawLines(x, y, w*0.64, l.name, "B", l.nameSize, "L")
	p.SetXY(x+w*0.64, y-1)
	d.textShrink(w*0.36, 9, records.FormatMRN(r.MRN, d.hdr.Filing), "R", "B", 20, 12)
	y += max(9, nameH) + 1

	volH := d.drawLines(x, y, w*0.45, l.volume, "B", l.volSize, "L")
	if r.Barcode != "" {
		if err := d.barcodeWithText(r.Barcode, x+w*0.45, y, w*0.55, slipBarcodeH); err != nil {
			return err
		}
	}
	y += max(volH, slipBarcodeH+4) + 2

	for _, row := range l.rows {
		p.SetXY(x, y)
		d.font("", 9)
		d.textColor(inkMuted)
		d.text(slipCaptionW, 5.5, row.caption, "L")
		d.textColor(inkDark)
		rh := d.drawLines(x+slipCaptionW, y+(5.5-lineHeight(row.size))/2, w-slipCaptionW, row.lines, "B", row.size, "L")
		y += max(6, rh+1)
	}
	if bottom := top + height - 10; y < bottom {
		y = bottom
	}
	d.signatureAt(x, y-2, w, []string{"Pulled by", "Date"})
	return nil
}

func joinNonEmpty(a, b, sep string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + sep + b
}

func sourceText(s string) string {
	switch s {
	case "appointment":
		return "Appointment import"
	case "manual", "":
		return "Entered by the record room"
	}
	return s
}
