package reports

import (
	"io"

	"github.com/chartroom/chartroom/records"
)

// overdueFilter lists the volumes overdue on the report's day.
func (j *job) overdueFilter(order records.VolumeOrder) records.VolumeFilter {
	f := j.volumeFilter(order)
	f.OverdueOn = j.today
	return f
}

// runOverdue makes the overdue list.
func runOverdue(j *job, w io.Writer) error {
	d := newDocument(j.hdr)
	if err := renderOverdue(d, j.today, j.listVolumes(j.overdueFilter(j.p.Order))); err != nil {
		return err
	}
	return d.output(w)
}

var overdueColumns = []column{
	{Title: "Patient", Width: 38, Bold: true},
	{Title: "MRN", Width: 15, Floor: mrnFloorSize},
	{Title: "Volume", Width: 16},
	{Title: "Borrower", Width: 38},
	{Title: "Phone / room", Width: 19},
	{Title: "Out since", Width: 16},
	{Title: "Due", Width: 16},
	{Title: "Days overdue", Width: 19, Align: "R", Alert: true},
}

// renderOverdue writes the overdue volumes src yields. A volume that is not
// overdue on today by records.Overdue is left out, whatever src sent.
func renderOverdue(d *document, today records.Date, src volumeSource) error {
	d.startTable(overdueColumns)
	n := 0
	err := src(func(v records.Volume) error {
		if !records.Overdue(v, today) {
			return nil
		}
		n++
		d.row(
			v.PatientName,
			records.FormatMRN(v.MRN, d.hdr.Filing),
			v.Label(),
			v.BorrowerName,
			v.BorrowerTel,
			dayText(d.hdr.localDay(v.OutSince)),
			dayText(v.Due),
			itoa(records.DaysOverdue(v, today)),
		)
		return nil
	})
	if err != nil {
		return err
	}
	if n == 0 {
		d.note("No charts are overdue.")
	} else {
		d.totalRow(count(n, "chart", "charts") + " overdue")
	}
	d.endTable()
	return d.err()
}

// runOverdueNotices makes one notice per borrower with overdue charts.
func runOverdueNotices(j *job, w io.Writer) error {
	bs, err := j.svc.ListBorrowers(j.ctx, true)
	if err != nil {
		return err
	}
	d := newDocument(j.hdr)
	err = renderOverdueNotices(d, j.today, noticeContact{Practice: j.set.PracticeName, Address: j.set.PracticeAddress}, borrowerIndex(bs), j.listVolumes(j.overdueFilter(records.OrderBorrower)))
	if err != nil {
		return err
	}
	return d.output(w)
}

// noticeContact is where a notice asks the charts to go back to.
type noticeContact struct{ Practice, Address string }

func borrowerIndex(bs []records.Borrower) map[records.ID]records.Borrower {
	m := make(map[records.ID]records.Borrower, len(bs))
	for _, b := range bs {
		m[b.ID] = b
	}
	return m
}

var noticeColumns = []column{
	{Title: "Patient", Width: 50, Bold: true},
	{Title: "MRN", Width: 15, Floor: mrnFloorSize},
	{Title: "Volume", Width: 18},
	{Title: "Out since", Width: 17},
	{Title: "Due", Width: 17},
	{Title: "Days overdue", Width: 20, Align: "R", Alert: true},
	{Title: "Returned", Width: 14, Align: "C", Size: 11},
}

// renderOverdueNotices writes a notice per borrower, each starting on a new
// page, from the overdue volumes src yields in borrower order. borrowers
// gives the address and phone of each borrower.
func renderOverdueNotices(d *document, today records.Date, c noticeContact, borrowers map[records.ID]records.Borrower, src volumeSource) error {
	var cur records.ID
	open, n, notices := false, 0, 0
	closeNotice := func() {
		if !open {
			return
		}
		d.totalRow(count(n, "chart", "charts") + " overdue")
		d.endTable()
		d.noticeClosing(c)
	}
	err := src(func(v records.Volume) error {
		if !records.Overdue(v, today) {
			return nil
		}
		if !open || v.BorrowerID != cur {
			closeNotice()
			cur, open, n = v.BorrowerID, true, 0
			notices++
			b, ok := borrowers[v.BorrowerID]
			if !ok {
				b = records.Borrower{ID: v.BorrowerID, Name: v.BorrowerName, Kind: v.BorrowerKind}
			}
			d.tbl = nil
			d.startPart() // each notice is numbered on its own: page 1 of 2 of this letter
			d.newPage()
			d.noticeOpening(b, today)
			d.startTable(noticeColumns)
		}
		n++
		d.row(
			v.PatientName,
			records.FormatMRN(v.MRN, d.hdr.Filing),
			v.Label(),
			dayText(d.hdr.localDay(v.OutSince)),
			dayText(v.Due),
			itoa(records.DaysOverdue(v, today)),
			"☐",
		)
		return nil
	})
	if err != nil {
		return err
	}
	closeNotice()
	if notices == 0 {
		d.newPage()
		d.note("No charts are overdue: there are no notices to send.")
	}
	return d.err()
}

// noticeOpening addresses the notice and says what it asks.
func (d *document) noticeOpening(b records.Borrower, today records.Date) {
	p := d.pdf
	w := d.contentWidth()
	p.SetX(marginSide)
	d.font("", 9)
	d.textColor(inkMuted)
	d.text(w, 5, "To", "L")
	p.Ln(5)
	p.SetX(marginSide)
	d.textColor(inkDark)
	p.SetY(p.GetY() + d.textWhole(marginSide, p.GetY(), w, b.Name, "B", 14, 9, "L") + 0.5)
	d.font("", 10)
	for _, line := range []string{b.Room, b.Phone, b.Address} {
		if line != "" {
			p.SetY(p.GetY() + d.textWhole(marginSide, p.GetY(), w, line, "", 10, 10, "L"))
		}
	}
	p.Ln(4)
	p.SetX(marginSide)
	d.font("", 10)
	p.MultiCell(w, 5, d.printable("Our records show that the charts below were checked out to you and are past their due date as of "+
		today.String()+". Please return them to the record room, or call us if you need them longer. "+
		"Tick each chart you return."), "", "L", false)
	p.Ln(4)
}

// noticeClosing ends a notice with where to return the charts and room to
// sign.
func (d *document) noticeClosing(c noticeContact) {
	d.ensure(32)
	p := d.pdf
	w := d.contentWidth()
	p.Ln(4)
	p.SetX(marginSide)
	d.font("", 10)
	ret := "Please return the charts to the record room"
	if c.Practice != "" {
		ret += " of " + c.Practice
	}
	if c.Address != "" {
		ret += ", " + c.Address
	}
	p.MultiCell(w, 5, d.printable(ret+"."), "", "L", false)
	p.Ln(8)
	y := p.GetY()
	d.signatureAt(marginSide, y, w, []string{"Returned by", "Received by (record room)", "Date"})
	p.SetXY(marginSide, y+14)
}
