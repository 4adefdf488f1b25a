package reports

import (
	"io"

	"github.com/chartroom/chartroom/records"
)

// dayRequests are the open requests for the report's day, in filing order
// (the store's order within a day); pulled ones stay on the list, ticked.
func (j *job) dayRequests() ([]records.Request, error) {
	return j.svc.ListRequests(j.ctx, records.RequestFilter{
		From: j.today, To: j.today,
		States: []records.RequestState{records.RequestPending, records.RequestPulled},
	})
}

// runPullList makes the pull list.
func runPullList(j *job, w io.Writer) error {
	reqs, err := j.dayRequests()
	if err != nil {
		return err
	}
	d := newDocument(j.hdr)
	if err := renderPullList(d, reqs); err != nil {
		return err
	}
	return d.output(w)
}

var pullListColumns = []column{
	{Title: "", Width: 6, Align: "C", Size: 11},
	{Title: "Time", Width: 10},
	{Title: "Patient", Width: 40, Bold: true},
	{Title: "MRN", Width: 15, Floor: mrnFloorSize},
	{Title: "Volume", Width: 15},
	{Title: "Current location", Width: 58},
	{Title: "For", Width: 42},
}

// renderPullList writes one line per request, in the order given (filing
// order), with a box to tick: ticked already when the chart was pulled. A
// chart that is not in file is flagged in red with where it is instead.
func renderPullList(d *document, reqs []records.Request) error {
	d.startTable(pullListColumns)
	pulled, away := 0, 0
	for _, r := range reqs {
		box := "☐"
		if r.State == records.RequestPulled {
			box = "☑"
			pulled++
		}
		var flag uint64
		if r.VolumeState != records.StateInFile && r.VolumeState != "" {
			flag = 1 << 5
			away++
		}
		d.markedRow(flag, box, r.NeededAt, r.PatientName, records.FormatMRN(r.MRN, d.hdr.Filing), r.VolumeLabel,
			placeText(r.VolumeState, r.Where), r.BorrowerName)
	}
	if len(reqs) == 0 {
		d.note("No charts are requested for this day.")
	} else {
		s := count(len(reqs), "chart", "charts") + " requested"
		if pulled > 0 {
			s += ", " + thousands(pulled) + " already pulled"
		}
		if away > 0 {
			s += ", " + thousands(away) + " not in file"
		}
		d.totalRow(s)
	}
	d.endTable()
	return d.err()
}
