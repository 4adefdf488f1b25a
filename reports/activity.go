package reports

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/chartroom/chartroom/records"
)

// runActivity makes the activity statistics for the date range.
func runActivity(j *job, w io.Writer) error {
	moves, err := j.svc.History(j.ctx, records.HistoryFilter{From: j.p.From, To: j.p.To})
	if err != nil {
		return err
	}
	reqs, err := j.svc.ListRequests(j.ctx, records.RequestFilter{From: j.p.From, To: j.p.To})
	if err != nil {
		return err
	}
	d := newDocument(j.hdr)
	if err := renderActivity(d, summarizeActivity(moves, reqs, j.hdr.PrintedAt.Location())); err != nil {
		return err
	}
	return d.output(w)
}

// activity is what the statistics count.
type activity struct {
	Days      []dayCount   // days with any movement, in date order
	Borrowers []namedCount // by check-outs, most first
	Clerks    []clerkCount // by moves, most first
	Totals    map[records.MovementKind]int
	// Request to check-out of the same chart by the same borrower.
	Manual, Appointment waitStats
	Requests            int // requests needed in the range
}

type dayCount struct {
	Day               records.Date
	CheckOuts, Return int
}

type namedCount struct {
	Name string
	N    int
}

type clerkCount struct {
	Name                    string
	CheckOuts, Returns, All int
}

// waitStats is the median wait over the requests that could be matched.
type waitStats struct {
	Median  time.Duration
	Matched int
	Of      int
}

// summarizeActivity counts movements per day (in loc), borrower and clerk,
// and measures how long requests waited: from the request being entered to
// the first check-out (or hand-off) of the same volume to the requester.
func summarizeActivity(moves []records.Movement, reqs []records.Request, loc *time.Location) activity {
	a := activity{Totals: map[records.MovementKind]int{}}
	days := map[records.Date]*dayCount{}
	borrowers := map[string]int{}
	clerks := map[string]*clerkCount{}
	for _, m := range moves {
		a.Totals[m.Kind]++
		day := records.DateOf(m.At.In(loc))
		dc := days[day]
		if dc == nil {
			dc = &dayCount{Day: day}
			days[day] = dc
		}
		c := clerks[m.Username]
		if c == nil {
			c = &clerkCount{Name: m.Username}
			clerks[m.Username] = c
		}
		c.All++
		switch {
		case isCheckOut(m.Kind):
			dc.CheckOuts++
			c.CheckOuts++
			borrowers[m.ToBorrower]++
		case m.Kind == records.MoveCheckIn:
			dc.Return++
			c.Returns++
		}
	}
	for _, dc := range days {
		a.Days = append(a.Days, *dc)
	}
	slices.SortFunc(a.Days, func(x, y dayCount) int { return x.Day.Time().Compare(y.Day.Time()) })
	for name, n := range borrowers {
		a.Borrowers = append(a.Borrowers, namedCount{Name: name, N: n})
	}
	slices.SortFunc(a.Borrowers, func(x, y namedCount) int {
		return cmp.Or(cmp.Compare(y.N, x.N), cmp.Compare(x.Name, y.Name))
	})
	for _, c := range clerks {
		a.Clerks = append(a.Clerks, *c)
	}
	slices.SortFunc(a.Clerks, func(x, y clerkCount) int {
		return cmp.Or(cmp.Compare(y.All, x.All), cmp.Compare(x.Name, y.Name))
	})
	a.Requests = len(reqs)
	a.Manual, a.Appointment = requestWaits(moves, reqs)
	return a
}

// isCheckOut is the one definition of a check-out every table of the
// statistics counts: a folder given to a borrower, taken from the shelf or
// handed off from another borrower (checkOutDefinition says it on the page).
func isCheckOut(k records.MovementKind) bool {
	return k == records.MoveCheckOut || k == records.MoveHandOff
}

// checkOutDefinition states isCheckOut under the summary.
const checkOutDefinition = "A check-out is a folder given to a borrower: taken from the shelf or handed off from another " +
	"borrower. The summary, the check-outs per day, per borrower and per clerk, and the request waits all count the same."

// requestWaits matches each request to the first check-out of its volume
// to its borrower at or after the request was entered.
func requestWaits(moves []records.Movement, reqs []records.Request) (manual, appointment waitStats) {
	outs := map[string][]records.Movement{} // by barcode, oldest first
	for _, m := range moves {
		if isCheckOut(m.Kind) {
			outs[m.Barcode] = append(outs[m.Barcode], m)
		}
	}
	for _, ms := range outs {
		slices.SortStableFunc(ms, func(x, y records.Movement) int { return x.At.Compare(y.At) })
	}
	var manualWaits, apptWaits []time.Duration
	for _, r := range reqs {
		st, waits := &manual, &manualWaits
		if r.Source == "appointment" {
			st, waits = &appointment, &apptWaits
		}
		st.Of++
		for _, m := range outs[r.Barcode] {
			if r.Barcode == "" || m.ToBorrowerID != r.BorrowerID || m.At.Before(r.CreatedAt) {
				continue
			}
			if r.VolumeID != 0 && m.VolumeID != r.VolumeID {
				continue
			}
			*waits = append(*waits, m.At.Sub(r.CreatedAt))
			break
		}
	}
	manual.Matched, manual.Median = len(manualWaits), median(manualWaits)
	appointment.Matched, appointment.Median = len(apptWaits), median(apptWaits)
	return manual, appointment
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	n := len(ds)
	if n%2 == 1 {
		return ds[n/2]
	}
	return (ds[n/2-1] + ds[n/2]) / 2
}

// renderActivity writes the statistics: totals, then check-outs per day,
// per borrower and per clerk, then the request waits.
func renderActivity(d *document, a activity) error {
	d.newPage()
	d.section("Summary")
	d.startTable([]column{{Title: "Movement", Width: 40}, {Title: "Count", Width: 12, Align: "R"}, {Title: "", Width: 48}})
	d.row("Check-outs", thousands(a.Totals[records.MoveCheckOut]+a.Totals[records.MoveHandOff]))
	d.row("    from the shelf", thousands(a.Totals[records.MoveCheckOut]))
	d.row("    handed off from another borrower", thousands(a.Totals[records.MoveHandOff]))
	for _, k := range []records.MovementKind{records.MoveCheckIn, records.MoveTransfer, records.MoveMissing, records.MoveFound, records.MoveDestroy} {
		d.row(k.Label(), thousands(a.Totals[k]))
	}
	d.endTable()
	d.paragraph(checkOutDefinition)

	d.section("Check-outs per day")
	if len(a.Days) == 0 {
		d.note("No movements in this range.")
	} else {
		most := 0
		for _, dc := range a.Days {
			most = max(most, dc.CheckOuts)
		}
		t := d.startTable([]column{
			{Title: "Day", Width: 14}, {Title: "Weekday", Width: 12},
			{Title: "Check-outs", Width: 11, Align: "R"}, {Title: "Returns", Width: 11, Align: "R"}, {Title: "", Width: 52},
		})
		for _, dc := range a.Days {
			y := d.pdf.GetY()
			d.row(dc.Day.String(), dc.Day.Time().Weekday().String(), itoa(dc.CheckOuts), itoa(dc.Return), "")
			d.bar(t, y, dc.CheckOuts, most)
		}
		d.endTable()
	}

	d.section("Check-outs per borrower")
	if len(a.Borrowers) == 0 {
		d.note("No check-outs in this range.")
	} else {
		d.startTable([]column{{Title: "Borrower", Width: 60}, {Title: "Check-outs", Width: 14, Align: "R"}, {Title: "", Width: 26}})
		for _, b := range a.Borrowers {
			d.row(firstNonEmpty(b.Name, "(unknown)"), thousands(b.N))
		}
		d.endTable()
	}

	d.section("Work per clerk")
	if len(a.Clerks) == 0 {
		d.note("No movements in this range.")
	} else {
		d.startTable([]column{
			{Title: "Clerk", Width: 40}, {Title: "Check-outs", Width: 14, Align: "R"},
			{Title: "Returns", Width: 14, Align: "R"}, {Title: "All movements", Width: 14, Align: "R"}, {Title: "", Width: 18},
		})
		for _, c := range a.Clerks {
			d.row(firstNonEmpty(c.Name, "(unknown)"), thousands(c.CheckOuts), thousands(c.Returns), thousands(c.All))
		}
		d.endTable()
	}

	d.section("Time from request to check-out")
	d.startTable([]column{{Title: "Requests", Width: 40}, {Title: "Median wait", Width: 16, Align: "R"}, {Title: "Matched", Width: 20, Align: "R"}, {Title: "", Width: 24}})
	d.row("Entered by the record room", waitText(a.Manual), fmt.Sprintf("%s of %s", thousands(a.Manual.Matched), thousands(a.Manual.Of)))
	d.row("From appointment imports", waitText(a.Appointment), fmt.Sprintf("%s of %s", thousands(a.Appointment.Matched), thousands(a.Appointment.Of)))
	d.endTable()
	d.paragraph("The wait runs from the moment a request was entered to the first check-out of the same volume to the " +
		"requesting borrower in this range; requests for a patient with no volume named, and requests whose chart was " +
		"not checked out to the requester, are not matched. Appointment requests are usually imported days ahead of the " +
		"visit, so their wait measures that lead time as much as the record room's speed. Pulling a chart is not recorded " +
		"as a movement, so the check-out stands in for it.")
	return d.err()
}

func waitText(w waitStats) string {
	if w.Matched == 0 {
		return "—"
	}
	return durationText(w.Median)
}

// durationText is a wait in the units a clerk thinks in.
func durationText(d time.Duration) string {
	d = d.Round(time.Minute)
	switch {
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h %02d min", int(d/time.Hour), int(d%time.Hour/time.Minute))
	}
	d = d.Round(time.Hour)
	return fmt.Sprintf("%d d %d h", int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour))
}

// bar draws a horizontal bar in the last column of the row just written at
// y, its length n of most.
func (d *document) bar(t *table, y float64, n, most int) {
	if n == 0 || most == 0 {
		return
	}
	p := d.pdf
	last := len(t.widths) - 1
	x := marginSide
	for _, w := range t.widths[:last] {
		x += w
	}
	if p.GetY() < y { // the row went onto a new page
		y = p.GetY() - tableRowHeight
	}
	full := t.widths[last] - 4
	d.fillColor(headFill)
	p.Rect(x+2, y+1.2, full*float64(n)/float64(most), tableRowHeight-2.4, "F")
}

// paragraph writes wrapped text across the page.
func (d *document) paragraph(s string) {
	p := d.pdf
	d.font("", 8)
	d.textColor(inkMuted)
	lines := p.SplitText(d.printable(s), d.contentWidth())
	d.ensure(float64(len(lines)) * 4)
	for _, l := range lines {
		p.SetX(marginSide)
		p.CellFormat(d.contentWidth(), 4, l, "", 1, "L", false, 0, "")
	}
	d.textColor(inkDark)
}
