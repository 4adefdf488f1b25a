package ui

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/chartroom/chartroom/records"
)

// chartLook is what a chart view shows and how its clerk left it: two
// views showing the same chart read the same when their looks are equal.
type chartLook struct {
	Title, Details, Notice, Hold string
	NoticeShown                  bool
	Tabs                         []string
	Tab                          int
	Split, DisclosuresSplit      float64
	Tables                       map[string]tableLook
	Enabled                      map[string]bool
}

// tableLook is a rowTable's rows as shown and the clerk's choices in it.
type tableLook struct {
	Rows                 []string
	SortCol              int
	SortDesc, Resized    bool
	Selected             int
	Marked               int
	Widths, Least, Keep  []float32
	Empty                string
	EmptyShown, RowsShow bool
}

func lookOfTable[T any](t *rowTable[T]) tableLook {
	l := tableLook{SortCol: t.sortCol, SortDesc: t.sortDesc, Resized: t.resized, Selected: t.selected,
		Marked: len(t.marked), Widths: append([]float32(nil), t.widths...), Least: append([]float32(nil), t.least...),
		Keep: append([]float32(nil), t.keep...), Empty: t.empty.Text, EmptyShown: t.empty.Visible(),
		RowsShow: t.table.Visible()}
	for _, r := range t.rows {
		var cells []string
		for _, c := range t.cols {
			cells = append(cells, c.text(r))
		}
		l.Rows = append(l.Rows, strings.Join(cells, " | "))
	}
	return l
}

func lookOfChart(c *chartView) chartLook {
	l := chartLook{Title: c.title.Text, Details: c.details.Text, Notice: c.notice.Text, Hold: c.hold.Text,
		NoticeShown: c.notice.Visible(), Tab: c.tabs.SelectedIndex(),
		Split: c.split.Offset, DisclosuresSplit: c.discl.split.Offset,
		Tables: map[string]tableLook{
			"folders": lookOfTable(c.volumes), "history": lookOfTable(c.history), "requests": lookOfTable(c.requests),
			"loose": lookOfTable(c.loose), "disclosures": lookOfTable(c.discl.list), "accounting": lookOfTable(c.discl.requests),
		},
		Enabled: map[string]bool{}}
	for _, it := range c.tabs.Items {
		l.Tabs = append(l.Tabs, it.Text)
	}
	for name, b := range map[string]interface{ Disabled() bool }{
		"check out": c.checkOut, "check in": c.checkIn, "hand off": c.handOff, "missing": c.missing, "found": c.found,
		"label": c.label, "outguide": c.outguide, "history": c.historyReport, "add folder": c.addVolume, "edit": c.edit,
		"mark answered": c.discl.answer,
	} {
		l.Enabled[name] = !b.Disabled()
	}
	return l
}

// busyChart gives a patient a chart with something in every part of the
// view: three folders (one out), history, a request, loose papers, a
// disclosure, a request for an accounting and a legal hold.
func (f *fixture) busyChart(mrn, last, first string) records.Patient {
	f.t.Helper()
	p, vol := f.patient(mrn, last, first)
	dr := f.borrower("Dr. "+first+" Fictional", "BADGE-"+mrn)
	steps := []error{}
	for range 2 {
		_, err := f.store.AddVolume(f.admin, records.Volume{PatientID: p.ID, RecordTypeID: vol.RecordTypeID})
		steps = append(steps, err)
	}
	_, err := f.store.CheckOut(f.admin, records.CheckOutInput{Barcode: vol.Barcode, BorrowerID: dr.ID, Note: "clinic " + mrn})
	steps = append(steps, err)
	_, err = f.store.CreateRequest(f.admin, records.Request{PatientID: p.ID, BorrowerID: dr.ID, NeededOn: f.s.today().AddDays(3), Reason: "follow-up " + mrn})
	steps = append(steps, err)
	_, err = f.store.AddLooseFiling(f.admin, records.LooseFiling{PatientID: p.ID, Received: f.s.today(), Description: "lab results " + mrn, From: "Example Lab"})
	steps = append(steps, err)
	_, err = f.store.AddDisclosure(f.admin, records.Disclosure{PatientID: p.ID, Date: f.s.today(), Recipient: "Quill & Ink LLP " + mrn,
		Address: "1 Example Plaza", Description: "visit notes", Purpose: "made-up case", Category: records.PurposeLegal})
	steps = append(steps, err)
	_, err = f.store.LogAccountingRequest(f.admin, records.AccountingRequest{PatientID: p.ID, Received: f.s.today(), RequestedBy: first + " " + last})
	steps = append(steps, err)
	_, err = f.store.SetLegalHold(f.admin, p.ID, true, "Case "+mrn+" (fictitious)")
	steps = append(steps, err)
	for i, err := range steps {
		if err != nil {
			f.t.Fatalf("busy chart %s, step %d: %v", mrn, i, err)
		}
	}
	return p
}

// A chart's view, once the clerk leaves the chart, is emptied and shows
// the next chart exactly as a view built for it would: nothing of the
// patient before, nor of how the clerk left the view (sort, column widths,
// marks, tab, splits), and a read for the patient before that answers late
// is dropped.
func TestChartViewLeftShowsTheNextChartAsANewViewWould(t *testing.T) {
	f := newFixture(t, true)
	p := f.busyChart("123456", "Testwell", "Ada")
	q := f.busyChart("654321", "Placeholder", "Bea")
	m := f.mustSignIn(adminName, adminPassword)
	size := fyne.NewSize(1000, 640)

	// A view built for q is what the reused one must read as.
	fresh := newChartView(m.s)
	fresh.view().Resize(size)
	fresh.patientID, fresh.back = q.ID, func() {}
	fresh.load()
	want := lookOfChart(fresh)
	if !strings.Contains(want.Title, "Placeholder") || len(want.Tables["folders"].Rows) != 3 || len(want.Tables["disclosures"].Rows) != 1 {
		t.Fatalf("the chart to compare with is not q's, whole: %+v", want)
	}

	m.openChart(p.ID)
	used := m.chart
	used.view().Resize(size)
	before := used.gen
	// The clerk works in p's chart: sorts, resizes a column, marks,
	// picks a row, another tab, moves the splits.
	used.volumes.sortBy(2)
	used.volumes.sortBy(2)
	used.history.table.SetColumnWidth(1, 333)
	used.history.table.onResize()
	used.history.widths[1] = 333
	used.history.selectRow(0)
	used.discl.requests.selectRow(0)
	used.tabs.SelectIndex(3)
	used.split.SetOffset(0.8)
	used.discl.split.SetOffset(0.2)
	if l := lookOfChart(used); !strings.Contains(l.Title, "Testwell") || l.Tab != 3 || !l.Tables["folders"].SortDesc || !l.Tables["history"].Resized {
		t.Fatalf("the clerk's changes did not take: %+v", l)
	}

	m.show(navFind)
	if m.spare != used || m.chart != nil {
		t.Fatalf("the view left is not the spare (spare %p, view %p, chart %p)", m.spare, used, m.chart)
	}
	// Nothing of p is left in it.
	empty := lookOfChart(used)
	if text := fmt.Sprintf("%+v %+v", empty, used.data); strings.Contains(text, "123456") || strings.Contains(text, "Testwell") || strings.Contains(text, "Ada") {
		t.Errorf("the emptied view still holds the patient before: %s", text)
	}
	if used.patientID != 0 || empty.Title != chartLoading {
		t.Errorf("emptied view: patient %d, title %q", used.patientID, empty.Title)
	}
	if cuts := len(used.volumes.cuts) + len(used.history.cuts) + len(used.discl.list.cuts); cuts != 0 {
		t.Errorf("the emptied view keeps %d of the patient's texts cut to their columns", cuts)
	}
	// The read of p begun before it was left answers now: dropped.
	d, err := readChart(f.admin, f.store, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	used.answer(before, m.s.showError)(d, nil)
	if used.title.Text != chartLoading || len(used.volumes.rows) != 0 {
		t.Fatalf("a late answer for the chart before showed in the emptied view: %q, %d folders", used.title.Text, len(used.volumes.rows))
	}

	m.openChart(q.ID)
	if m.chart != used {
		t.Fatal("the next chart did not take the view left")
	}
	m.putChart(used, before) // the first chart's own late answer: no effect
	if got := lookOfChart(used); !reflect.DeepEqual(got, want) {
		t.Errorf("the reused view reads differently from a new one:\n got %+v\nwant %+v", got, want)
	}
	if len(f.panics) > 0 {
		t.Errorf("panics: %v", f.panics)
	}
}

// A dialog opened in a chart acts on that chart's patient even when the
// view has moved on to another chart before it is saved.
func TestChartDialogKeepsItsPatientWhenTheViewMovesOn(t *testing.T) {
	f := newFixture(t, true)
	p, _ := f.patient("123456", "Testwell", "Ada")
	q, _ := f.patient("654321", "Placeholder", "Bea")
	m := f.mustSignIn(adminName, adminPassword)
	m.openChart(p.ID)
	c := m.chart
	c.discl.add()
	dlg := c.discl.dlg
	m.show(navFind)
	m.openChart(q.ID)
	if m.chart != c {
		t.Fatal("the next chart did not take the view left")
	}
	test.Type(dlg.form.Items[1].Widget.(*activeEntry), "Quill & Ink LLP")
	test.Type(dlg.form.Items[2].Widget.(*activeEntry), "1 Example Plaza")
	test.Type(dlg.form.Items[3].Widget.(*activeEntry), "visit notes")
	test.Type(dlg.form.Items[4].Widget.(*activeEntry), "made-up case")
	test.Tap(dlg.save)
	if msg := dlg.errs.text(); msg != "" {
		t.Fatalf("the dialog refused: %q", msg)
	}
	for _, tc := range []struct {
		who  records.Patient
		want int
	}{{p, 1}, {q, 0}} {
		ds, err := f.store.ListDisclosures(f.admin, records.DisclosureFilter{PatientID: tc.who.ID})
		if err != nil || len(ds) != tc.want {
			t.Errorf("%s has %d disclosures (%v), want %d", tc.who.LastName, len(ds), err, tc.want)
		}
	}
}
