package reports

import (
	"io"

	"github.com/chartroom/chartroom/records"
)

// runShelfAudit makes the shelf audit report: the store compares the scans
// with the records (the rule is records.AuditShelf).
func runShelfAudit(j *job, w io.Writer) error {
	res, err := j.svc.ShelfAudit(j.ctx, records.ShelfSection{LocationID: j.p.LocationID, Digits: j.p.Digits}, j.p.Scans)
	if err != nil {
		return err
	}
	d := newDocument(j.hdr)
	if err := renderShelfAudit(d, res); err != nil {
		return err
	}
	return d.output(w)
}

var (
	shelfOrderColumns = []column{
		{Title: "#", Width: 8, Align: "R"},
		{Title: "Patient", Width: 38, Bold: true},
		{Title: "MRN", Width: 15, Floor: mrnFloorSize},
		{Title: "Volume", Width: 16},
		{Title: "Barcode", Width: 17},
		{Title: "Where it belongs", Width: 66, Alert: true},
	}
	shelfRecordColumns = []column{
		{Title: "#", Width: 8, Align: "R"},
		{Title: "Patient", Width: 38, Bold: true},
		{Title: "MRN", Width: 15, Floor: mrnFloorSize},
		{Title: "Volume", Width: 16},
		{Title: "Barcode", Width: 17},
		{Title: "The record says", Width: 66, Alert: true},
	}
	shelfUnknownColumns = []column{
		{Title: "#", Width: 8, Align: "R"},
		{Title: "Scanned", Width: 40, Bold: true},
		{Title: "Finding", Width: 112},
	}
	shelfNotSeenColumns = []column{
		{Title: "Patient", Width: 44, Bold: true},
		{Title: "MRN", Width: 15, Floor: mrnFloorSize},
		{Title: "Volume", Width: 16},
		{Title: "Barcode", Width: 17},
		{Title: "Home location", Width: 68},
	}
)

// renderShelfAudit writes the summary counts, then a section per kind of
// finding, each in the order the clerk meets it on the shelf.
func renderShelfAudit(d *document, res records.ShelfAuditResult) error {
	c := res.Counts()
	d.ensure(60)
	d.facts([][2]string{
		{"Location", res.LocationPath},
		{"Sections", res.Digits.String()},
		{"Folders recorded in file here", thousands(res.Expected)},
		{"Barcodes scanned", thousands(c.Scanned)},
		{"In order and recorded here", thousands(c.InOrder)},
		{"Out of filing order", thousands(c.OutOfOrder)},
		{"Recorded elsewhere, out or missing", thousands(c.Misrecorded)},
		{"Unknown or scanned twice", thousands(c.Unknown + c.Repeats)},
		{"Recorded here but not seen", thousands(c.NotSeen)},
	})
	fs := d.hdr.Filing
	name := func(v records.Volume) []string {
		return []string{v.PatientName, records.FormatMRN(v.MRN, fs), v.Label(), v.Barcode}
	}

	var order, record, stray []records.ShelfScanResult
	for _, s := range res.Scans {
		switch {
		case s.Unknown || s.RepeatOf != 0:
			stray = append(stray, s)
		default:
			if s.OutOfOrder {
				order = append(order, s)
			}
			if s.Problem != "" {
				record = append(record, s)
			}
		}
	}
	if d.section("Out of filing order"); len(order) == 0 {
		d.note("Every folder scanned is in filing order.")
	} else {
		d.startTable(shelfOrderColumns)
		for _, s := range order {
			d.row(append(append([]string{itoa(s.Position)}, name(s.Volume)...), s.Placement(fs))...)
		}
		closeSection(d, len(order), "folder", "folders")
	}
	if d.section("Recorded elsewhere, out or missing"); len(record) == 0 {
		d.note("Every folder scanned is recorded in file here.")
	} else {
		d.startTable(shelfRecordColumns)
		for _, s := range record {
			s.OutOfOrder = false // the section above says where it belongs
			d.row(append(append([]string{itoa(s.Position)}, name(s.Volume)...), s.Describe(fs))...)
		}
		closeSection(d, len(record), "folder", "folders")
	}
	if d.section("Unknown barcodes and repeated scans"); len(stray) == 0 {
		d.note("No unknown barcodes, nothing scanned twice.")
	} else {
		d.startTable(shelfUnknownColumns)
		for _, s := range stray {
			d.row(itoa(s.Position), s.Barcode, s.Describe(fs))
		}
		closeSection(d, len(stray), "scan", "scans")
	}
	if d.section("Recorded here but not seen"); len(res.NotSeen) == 0 {
		d.note("Every folder recorded here was scanned.")
	} else {
		d.startTable(shelfNotSeenColumns)
		for _, v := range res.NotSeen {
			d.row(append(name(v), v.HomePath)...)
		}
		closeSection(d, len(res.NotSeen), "folder", "folders")
	}
	return d.err()
}

// closeSection ends a section's table with its count.
func closeSection(d *document, n int, one, many string) {
	d.totalRow(count(n, one, many))
	d.endTable()
}
