package reports

import (
	"io"

	"github.com/chartroom/chartroom/records"
)

// runMissing makes the missing-charts report.
func runMissing(j *job, w io.Writer) error {
	f := j.volumeFilter(records.OrderFiling)
	f.States = []records.VolumeState{records.StateMissing}
	d := newDocument(j.hdr)
	if err := renderMissing(d, j.listVolumes(f)); err != nil {
		return err
	}
	return d.output(w)
}

var missingColumns = []column{
	{Title: "Patient", Width: 44, Bold: true},
	{Title: "MRN", Width: 15, Floor: mrnFloorSize},
	{Title: "Date of birth", Width: 17},
	{Title: "Volume", Width: 16},
	{Title: "Barcode", Width: 18},
	{Title: "Home location", Width: 50},
	{Title: "Missing since", Width: 19},
}

// renderMissing writes the missing volumes src yields. A missing volume's
// last change is the day it was marked missing.
func renderMissing(d *document, src volumeSource) error {
	d.startTable(missingColumns)
	n := 0
	err := src(func(v records.Volume) error {
		if v.State != records.StateMissing {
			return nil
		}
		n++
		d.row(
			v.PatientName,
			records.FormatMRN(v.MRN, d.hdr.Filing),
			dayText(v.DOB),
			v.Label(),
			v.Barcode,
			v.HomePath,
			dayText(d.hdr.localDay(v.UpdatedAt)),
		)
		return nil
	})
	if err != nil {
		return err
	}
	if n == 0 {
		d.note("No charts are missing.")
	} else {
		d.totalRow(count(n, "volume", "volumes") + " missing")
	}
	d.endTable()
	return d.err()
}
