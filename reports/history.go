package reports

import (
	"cmp"
	"io"
	"slices"

	"github.com/chartroom/chartroom/records"
)

// runHistory makes the chart history report.
func runHistory(j *job, w io.Writer) error {
	moves, err := j.svc.History(j.ctx, records.HistoryFilter{
		VolumeID: j.p.VolumeID, PatientID: j.p.PatientID, From: j.p.From, To: j.p.To,
	})
	if err != nil {
		return err
	}
	// Oldest first, whatever order the store keeps: a history reads down.
	slices.SortStableFunc(moves, func(a, b records.Movement) int {
		return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.ID, b.ID))
	})
	d := newDocumentOriented(j.hdr, "L")
	if err := renderHistory(d, moves); err != nil {
		return err
	}
	return d.output(w)
}

// The history is printed sideways (Letter: 255 mm of content), room for
// location paths on both sides of a move.
var historyColumns = []column{
	{Title: "When", Width: 28},
	{Title: "Volume", Width: 24},
	{Title: "Event", Width: 22, Bold: true},
	{Title: "From", Width: 50},
	{Title: "To", Width: 50},
	{Title: "Due", Width: 18},
	{Title: "By", Width: 24},
	{Title: "Note", Width: 40},
}

// renderHistory writes the movements in the order given (oldest first):
// every check-out, return, hand-off and transfer.
func renderHistory(d *document, moves []records.Movement) error {
	d.startTable(historyColumns)
	for _, m := range moves {
		d.row(
			d.hdr.clock(m.At),
			firstNonEmpty(m.VolumeLabel, m.Barcode),
			m.Kind.Label(),
			firstNonEmpty(m.FromBorrower, m.FromLocation),
			firstNonEmpty(m.ToBorrower, m.ToLocation),
			dayText(m.Due),
			m.Username,
			m.Note,
		)
	}
	if len(moves) == 0 {
		d.note("No movements in this range.")
	} else {
		d.totalRow(count(len(moves), "movement", "movements"))
	}
	d.endTable()
	return d.err()
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
