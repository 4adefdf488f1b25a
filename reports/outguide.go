package reports

import (
	"cmp"
	"io"
	"slices"

	"github.com/chartroom/chartroom/records"
)

// outguide is what one outguide says: the chart that left the shelf and
// where it went. Empty fields get a line to write on.
type outguide struct {
	PatientName string
	MRN         string // stored form
	Volume      string // "Medical 1"
	Barcode     string
	DateOut     records.Date
	Borrower    string
	Where       string // the borrower's phone or room
	Due         records.Date
	Reason      string
	filingKey   string
}

// runOutguides makes an outguide per chosen volume, or per request on the
// day's pull list.
func runOutguides(j *job, w io.Writer) error {
	var guides []outguide
	var err error
	if len(j.p.VolumeIDs) > 0 {
		guides, err = j.volumeOutguides()
	} else {
		guides, err = j.requestOutguides()
	}
	if err != nil {
		return err
	}
	d := newDocument(j.hdr)
	if err := renderOutguides(d, guides); err != nil {
		return err
	}
	return d.output(w)
}

// volumeOutguides describes chosen volumes as they are now: a volume that
// is out shows its borrower and due date; one in file leaves them to fill
// in by hand. They come in filing order, so a walk along the shelves
// places them all.
func (j *job) volumeOutguides() ([]outguide, error) {
	guides := make([]outguide, 0, len(j.p.VolumeIDs))
	for _, id := range j.p.VolumeIDs {
		v, err := j.svc.Volume(j.ctx, id)
		if err != nil {
			return nil, err
		}
		g := outguide{PatientName: v.PatientName, MRN: v.MRN, Volume: v.Label(), Barcode: v.Barcode, filingKey: v.FilingKey}
		if v.State.Out() {
			g.DateOut = j.hdr.localDay(v.OutSince)
			g.Borrower, g.Where, g.Due = v.BorrowerName, v.BorrowerTel, v.Due
		}
		guides = append(guides, g)
	}
	slices.SortStableFunc(guides, func(a, b outguide) int { return cmp.Compare(a.filingKey, b.filingKey) })
	return guides, nil
}

// requestOutguides describes the day's requests: the chart goes out that
// day to the requester, due by the loan rule (records.DueDate).
func (j *job) requestOutguides() ([]outguide, error) {
	reqs, err := j.dayRequests()
	if err != nil {
		return nil, err
	}
	bs, err := j.svc.ListBorrowers(j.ctx, true)
	if err != nil {
		return nil, err
	}
	rts, err := j.svc.ListRecordTypes(j.ctx)
	if err != nil {
		return nil, err
	}
	borrowers := borrowerIndex(bs)
	guides := make([]outguide, 0, len(reqs))
	for _, r := range reqs {
		g := outguide{
			PatientName: r.PatientName, MRN: r.MRN, Volume: r.VolumeLabel, Barcode: r.Barcode,
			DateOut: j.today, Borrower: r.BorrowerName, Where: r.BorrowerTel, Reason: r.Reason,
		}
		if rt, ok := j.requestRecordType(r, rts); ok {
			g.Due = records.DueDate(j.hdr.middayOf(j.today), borrowers[r.BorrowerID], rt)
		}
		guides = append(guides, g)
	}
	return guides, nil
}

// requestRecordType finds the record type of the volume a request names,
// which decides its loan period.
func (j *job) requestRecordType(r records.Request, rts []records.RecordType) (records.RecordType, bool) {
	var v records.Volume
	var err error
	switch {
	case r.VolumeID != 0:
		v, err = j.svc.Volume(j.ctx, r.VolumeID)
	case r.Barcode != "":
		v, err = j.svc.VolumeByBarcode(j.ctx, r.Barcode)
	default:
		return records.RecordType{}, false
	}
	if err != nil {
		return records.RecordType{}, false
	}
	i := slices.IndexFunc(rts, func(rt records.RecordType) bool { return rt.ID == v.RecordTypeID })
	if i < 0 {
		return records.RecordType{}, false
	}
	return rts[i], true
}

// renderOutguides writes one outguide per page.
func renderOutguides(d *document, guides []outguide) error {
	for _, g := range guides {
		d.newPage()
		d.outguidePage(g)
	}
	if len(guides) == 0 {
		d.newPage()
		d.note("No charts are requested for this day: there are no outguides to print.")
	}
	return d.err()
}

// outguidePage draws one outguide in a frame: the chart in large type, then
// where it went, then a line for the borrower's signature.
func (d *document) outguidePage(g outguide) {
	p := d.pdf
	w := d.contentWidth()
	top := p.GetY()
	x := marginSide
	inner := w - 16

	p.SetXY(x+8, top+8)
	d.font("B", 10)
	d.textColor(inkMuted)
	d.text(inner, 5, "OUTGUIDE: THIS CHART HAS LEFT THE SHELF", "L")

	p.SetXY(x+8, top+16)
	d.textColor(inkDark)
	d.textShrink(inner, 11, g.PatientName, "L", "B", 24, 14)

	p.SetXY(x+8, top+29)
	d.textShrink(inner*0.62, 17, records.FormatMRN(g.MRN, d.hdr.Filing), "L", "B", 40, 20)
	p.SetXY(x+8+inner*0.62, top+30)
	d.font("B", 14)
	d.text(inner*0.38, 7, g.Volume, "R")
	p.SetXY(x+8+inner*0.62, top+38)
	d.font("", 10)
	d.textColor(inkMuted)
	d.text(inner*0.38, 6, g.Barcode, "R")
	d.textColor(inkDark)

	y := top + 54
	d.drawColor(ruleGrey)
	p.SetLineWidth(0.3)
	p.Line(x+8, y, x+8+inner, y)
	y += 6
	half := (inner - 10) / 2
	d.outguideField(x+8, y, half, "Date out", dayText(g.DateOut))
	d.outguideField(x+18+half, y, half, "Due back", dayText(g.Due))
	y += 22
	d.outguideField(x+8, y, half, "Borrower", g.Borrower)
	d.outguideField(x+18+half, y, half, "Phone / room", g.Where)
	y += 22
	d.outguideField(x+8, y, inner, "Reason", g.Reason)
	y += 34

	d.signatureAt(x+8, y, inner, []string{"Signature of borrower", "Date"})
	y += 14

	d.drawColor(inkDark)
	p.SetLineWidth(0.6)
	p.Rect(x, top, w, y-top, "D")
	p.SetXY(marginSide, y+4)
}

// outguideField writes a caption and its value, or a line to write the
// value on by hand when it is empty.
func (d *document) outguideField(x, y, w float64, caption, value string) {
	p := d.pdf
	p.SetXY(x, y)
	d.font("", 9)
	d.textColor(inkMuted)
	d.text(w, 5, caption, "L")
	p.SetXY(x, y+6)
	d.textColor(inkDark)
	if value == "" {
		d.drawColor(inkMuted)
		p.SetLineWidth(0.3)
		p.Line(x+1, y+14, x+w, y+14)
		return
	}
	d.textShrink(w, 8, value, "L", "B", 16, 10)
}

// signatureAt draws signing lines side by side within [x, x+w] at y, the
// first twice as long as the others.
func (d *document) signatureAt(x, y, w float64, captions []string) {
	p := d.pdf
	gap := 10.0
	units := float64(len(captions) + 1)
	unit := (w - gap*float64(len(captions)-1)) / units
	d.drawColor(inkDark)
	p.SetLineWidth(0.3)
	cx := x
	for i, c := range captions {
		lw := unit
		if i == 0 {
			lw = 2 * unit
		}
		p.Line(cx, y+8, cx+lw, y+8)
		p.SetXY(cx, y+8.5)
		d.font("", 8)
		d.textColor(inkMuted)
		d.text(lw, 4, c, "L")
		cx += lw + gap
	}
	d.textColor(inkDark)
}
