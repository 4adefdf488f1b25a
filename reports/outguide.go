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
	// Warning says the folder is not on its shelf, in red at the top.
	Warning   string
	filingKey string
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
	for _, g := range guides {
		if g.Warning != "" {
			j.warn("the outguide of " + g.PatientName + " (" + records.FormatMRN(g.MRN, j.set.Filing) + "), " + g.Volume + ": " + g.Warning)
		}
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
// day to the requester, due by the loan rule (records.DueDate). A chart
// that is not on its shelf cannot go: its outguide says where it is now,
// warns in red, and names the requester only in the warning.
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
		g := outguide{PatientName: r.PatientName, MRN: r.MRN, Volume: r.VolumeLabel, Barcode: r.Barcode, Reason: r.Reason}
		v, err := j.requestVolume(r)
		if err != nil {
			return nil, err
		}
		if v.ID != 0 && v.State != records.StateInFile {
			g.Warning = notOnShelf(v, r, j.hdr)
			if v.State.Out() {
				g.DateOut = j.hdr.localDay(v.OutSince)
				g.Borrower, g.Where, g.Due = v.BorrowerName, v.BorrowerTel, v.Due
			}
			guides = append(guides, g)
			continue
		}
		g.DateOut, g.Borrower, g.Where = j.today, r.BorrowerName, r.BorrowerTel
		if i := slices.IndexFunc(rts, func(rt records.RecordType) bool { return rt.ID == v.RecordTypeID }); v.ID != 0 && i >= 0 {
			g.Due = records.DueDate(j.hdr.middayOf(j.today), borrowers[r.BorrowerID], rts[i])
		}
		guides = append(guides, g)
	}
	return guides, nil
}

// requestVolume is the folder a request names as it is now; the zero
// Volume when the request names a patient whose folder the store did not
// choose.
func (j *job) requestVolume(r records.Request) (records.Volume, error) {
	switch {
	case r.VolumeID != 0:
		return j.svc.Volume(j.ctx, r.VolumeID)
	case r.Barcode != "":
		return j.svc.VolumeByBarcode(j.ctx, r.Barcode)
	}
	return records.Volume{}, nil
}

// notOnShelf is the warning of an outguide whose folder cannot be pulled:
// where it is now and who asked for it.
func notOnShelf(v records.Volume, r records.Request, h header) string {
	var where string
	switch v.State {
	case records.StateCheckedOut, records.StateInTransit, records.StateOffsite:
		where = "out to " + v.BorrowerName + " since " + h.localDay(v.OutSince).String()
		if !v.Due.IsZero() {
			where += ", due " + v.Due.String()
		}
		if v.State == records.StateOffsite {
			where = "in offsite storage at " + v.BorrowerName + " since " + h.localDay(v.OutSince).String()
		}
	case records.StateMissing:
		where = "marked missing (home: " + v.HomePath + ")"
	case records.StateDestroyed:
		where = "destroyed"
	default:
		where = stateLabel(v.State)
	}
	return "NOT ON THE SHELF: this folder is " + where + ". " + r.BorrowerName + " asked for it for " + r.NeededOn.String() +
		": get it back or hand it off before it goes; until then this outguide shows where it is."
}

// renderOutguides writes one outguide per page.
func renderOutguides(d *document, guides []outguide) error {
	for _, g := range guides {
		d.newPage()
		if err := d.outguidePage(g); err != nil {
			return err
		}
	}
	if len(guides) == 0 {
		d.newPage()
		d.note("No charts are requested for this day: there are no outguides to print.")
	}
	return d.err()
}

// outguidePage draws one outguide in a frame: the chart in large type with
// its barcode as a Code 128 symbol (the returned outguide is scanned at the
// desk), then where it went, then a line for the borrower's signature. A
// folder that is not on its shelf says so in red above everything else.
func (d *document) outguidePage(g outguide) error {
	p := d.pdf
	w := d.contentWidth()
	top := p.GetY()
	x := marginSide + 8
	inner := w - 16

	p.SetXY(x, top+8)
	d.font("B", 10)
	d.textColor(inkMuted)
	d.text(inner, 5, "OUTGUIDE: THIS CHART HAS LEFT THE SHELF", "L")
	y := top + 15
	if g.Warning != "" {
		d.textColor(inkAlert)
		y += d.textWhole(x, y, inner, g.Warning, "B", 11, 9, "L") + 2
	}

	d.textColor(inkDark)
	y += d.textWhole(x, y, inner, g.PatientName, "B", 24, 12, "L") + 2

	p.SetXY(x, y)
	d.textShrink(inner*0.55, 17, records.FormatMRN(g.MRN, d.hdr.Filing), "L", "B", 40, 20)
	volH := d.textWhole(x+inner*0.55, y+1, inner*0.45, g.Volume, "B", 14, 9, "R")
	y += max(18, volH+2)
	if g.Barcode != "" {
		if err := d.barcodeWithText(g.Barcode, x, y, inner, 12); err != nil {
			return err
		}
		y += 17
	}

	d.drawColor(ruleGrey)
	p.SetLineWidth(0.3)
	p.Line(x, y, x+inner, y)
	y += 5
	half := (inner - 10) / 2
	y += max(d.outguideField(x, y, half, "Date out", dayText(g.DateOut)), d.outguideField(x+10+half, y, half, "Due back", dayText(g.Due))) + 4
	y += max(d.outguideField(x, y, half, "Borrower", g.Borrower), d.outguideField(x+10+half, y, half, "Phone / room", g.Where)) + 4
	y += d.outguideField(x, y, inner, "Reason", g.Reason) + 8

	d.signatureAt(x, y, inner, []string{"Signature of borrower", "Date"})
	y += 14

	d.drawColor(inkDark)
	p.SetLineWidth(0.6)
	p.Rect(marginSide, top, w, y-top, "D")
	p.SetXY(marginSide, y+4)
	return nil
}

// barcodeWithText draws s as a Code 128 symbol h high at (x, y), no wider
// than maxW, with its characters under it.
func (d *document) barcodeWithText(s string, x, y, maxW, h float64) error {
	bw, err := d.barcode(s, x, y, maxW, h)
	if err != nil {
		return err
	}
	p := d.pdf
	p.SetXY(x, y+h+0.3)
	d.font("", 8)
	d.textColor(inkDark)
	p.CellFormat(bw, 3.5, d.printable(s), "", 0, "C", false, 0, "")
	return nil
}

// outguideField writes a caption and its value, or a line to write the
// value on by hand when it is empty, and returns the height it took.
func (d *document) outguideField(x, y, w float64, caption, value string) float64 {
	p := d.pdf
	p.SetXY(x, y)
	d.font("", 9)
	d.textColor(inkMuted)
	d.text(w, 5, caption, "L")
	d.textColor(inkDark)
	if value == "" {
		d.drawColor(inkMuted)
		p.SetLineWidth(0.3)
		p.Line(x+1, y+14, x+w, y+14)
		return 15
	}
	return 6 + d.textWhole(x, y+6, w, value, "B", 16, 9, "L")
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
