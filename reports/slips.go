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
// order given (filing order: the order the charts are pulled in).
func renderRequestSlips(d *document, reqs []records.Request) error {
	height := (d.bottom() - headerBottom) / slipsPerPage
	for i, r := range reqs {
		slot := i % slipsPerPage
		if slot == 0 {
			d.newPage()
		}
		top := headerBottom + float64(slot)*height
		if slot > 0 {
			d.cutLine(top - 1)
		}
		d.slip(r, top+1, height-4)
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

// slip draws one request slip in the box starting at top.
func (d *document) slip(r records.Request, top, height float64) {
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

	p.SetXY(x, top+7)
	d.textShrink(w*0.64, 8, r.PatientName, "L", "B", 16, 11)
	p.SetXY(x+w*0.64, top+6)
	d.textShrink(w*0.36, 9, records.FormatMRN(r.MRN, d.hdr.Filing), "R", "B", 20, 12)

	p.SetXY(x, top+16)
	d.font("", 10)
	vol := r.VolumeLabel
	if r.Barcode != "" {
		vol += "   ·   " + r.Barcode
	}
	d.text(w, 5, vol, "L")

	y := top + 24
	rows := [][2]string{
		{"Requested by", joinNonEmpty(r.BorrowerName, r.BorrowerTel, "  ·  ")},
		{"Reason", r.Reason},
		{"Current location", placeText(r.VolumeState, r.Where)},
		{"Source", sourceText(r.Source)},
	}
	for _, kv := range rows {
		p.SetXY(x, y)
		d.font("", 9)
		d.textColor(inkMuted)
		d.text(32, 5.5, kv[0], "L")
		d.textColor(inkDark)
		d.font("B", 10)
		d.text(w-32, 5.5, kv[1], "L")
		y += 6
	}
	if bottom := top + height - 10; y < bottom {
		y = bottom
	}
	d.signatureAt(x, y-2, w, []string{"Pulled by", "Date"})
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
