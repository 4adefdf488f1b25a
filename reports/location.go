package reports

import (
	"io"

	"github.com/chartroom/chartroom/records"
)

// runLocation makes the chart location report.
func runLocation(j *job, w io.Writer) error {
	d := newDocument(j.hdr)
	if err := renderLocation(d, j.today, j.listVolumes(j.volumeFilter(j.p.Order))); err != nil {
		return err
	}
	return d.output(w)
}

// Column widths are in millimetres of a Letter page's 192 mm of content;
// on A4 they shrink in proportion.
var locationColumns = []column{
	{Title: "Patient", Width: 40, Bold: true},
	{Title: "MRN", Width: 17, Floor: mrnFloorSize},
	{Title: "Volume", Width: 22},
	{Title: "Location or borrower", Width: 47},
	{Title: "Phone / room", Width: 19},
	{Title: "Out since", Width: 16},
	{Title: "Due", Width: 16},
	{Title: "Days overdue", Width: 11, Align: "R", Alert: true},
}

// renderLocation writes one row per volume, in the order src yields them:
// where it is, and for a volume that is out, since when, until when and how
// late it is on day today.
func renderLocation(d *document, today records.Date, src volumeSource) error {
	d.startTable(locationColumns)
	n, out, overdue := 0, 0, 0
	err := src(func(v records.Volume) error {
		n++
		tel, since := "", ""
		if v.State.Out() {
			out++
			tel = v.BorrowerTel
			since = dayText(d.hdr.localDay(v.OutSince))
		}
		late := records.DaysOverdue(v, today)
		if late > 0 {
			overdue++
		}
		d.row(
			v.PatientName,
			records.FormatMRN(v.MRN, d.hdr.Filing),
			v.Label(),
			volumePlace(v),
			tel,
			since,
			dayText(v.Due),
			intOrBlank(late),
		)
		return nil
	})
	if err != nil {
		return err
	}
	if n == 0 {
		d.note("No volumes match these filters.")
	} else {
		d.totalRow(count(n, "volume", "volumes") + ", " + thousands(out) + " out, " + thousands(overdue) + " overdue")
	}
	d.endTable()
	return d.err()
}
