package reports

import (
	"io"

	"github.com/chartroom/chartroom/records"
)

// outStates are the states of a volume that is with a borrower.
var outStates = []records.VolumeState{records.StateCheckedOut, records.StateInTransit, records.StateOffsite}

// runOutByBorrower makes the charts-out-by-borrower report.
func runOutByBorrower(j *job, w io.Writer) error {
	f := j.volumeFilter(records.OrderBorrower)
	f.States = outStates
	d := newDocument(j.hdr)
	if err := renderOutByBorrower(d, j.today, j.listVolumes(f)); err != nil {
		return err
	}
	return d.output(w)
}

var outByBorrowerColumns = []column{
	{Title: "Patient", Width: 48, Bold: true},
	{Title: "MRN", Width: 15, Floor: mrnFloorSize},
	{Title: "Volume", Width: 18},
	{Title: "State", Width: 18},
	{Title: "Out since", Width: 17},
	{Title: "Due", Width: 17},
	{Title: "Days out", Width: 14, Align: "R"},
	{Title: "Days overdue", Width: 20, Align: "R", Alert: true},
}

// renderOutByBorrower writes the volumes src yields (borrower order) under
// a band per borrower, with days out on day today and a count per borrower.
func renderOutByBorrower(d *document, today records.Date, src volumeSource) error {
	d.startTable(outByBorrowerColumns)
	var cur records.ID
	inGroup, groupN, groupLate := false, 0, 0
	total, late, borrowers := 0, 0, 0
	closeGroup := func() {
		if inGroup {
			d.subtotal(count(groupN, "chart", "charts") + overdueSuffix(groupLate))
		}
	}
	asOf := d.hdr.middayOf(today)
	err := src(func(v records.Volume) error {
		if !inGroup || v.BorrowerID != cur {
			closeGroup()
			cur, inGroup, groupN, groupLate = v.BorrowerID, true, 0, 0
			borrowers++
			d.groupRow(borrowerTitle(v.BorrowerName, v.BorrowerKind), v.BorrowerTel)
		}
		days := records.DaysOverdue(v, today)
		if days > 0 {
			groupLate++
			late++
		}
		groupN++
		total++
		d.row(
			v.PatientName,
			records.FormatMRN(v.MRN, d.hdr.Filing),
			v.Label(),
			stateLabel(v.State),
			dayText(d.hdr.localDay(v.OutSince)),
			dayText(v.Due),
			itoa(records.DaysOut(v, asOf)),
			intOrBlank(days),
		)
		return nil
	})
	if err != nil {
		return err
	}
	closeGroup()
	if total == 0 {
		d.note("No charts are out.")
	} else {
		d.totalRow(count(total, "chart", "charts") + " out to " + count(borrowers, "borrower", "borrowers") + overdueSuffix(late))
	}
	d.endTable()
	return d.err()
}

func overdueSuffix(n int) string {
	if n == 0 {
		return ""
	}
	return ", " + thousands(n) + " overdue"
}

// borrowerTitle is "Dr. Ada Quill (provider)".
func borrowerTitle(name string, kind records.BorrowerKind) string {
	if name == "" {
		name = "Unknown borrower"
	}
	if kind == "" {
		return name
	}
	return name + " (" + string(kind) + ")"
}
