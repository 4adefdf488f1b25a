package ui

import (
	"context"
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/chartroom/chartroom/records"
)

// columnText is the text a rowTable shows in column title of row i.
func columnText[T any](t *testing.T, tb *rowTable[T], i int, title string) string {
	t.Helper()
	for _, c := range tb.cols {
		if c.title == title {
			return c.text(tb.rows[i])
		}
	}
	t.Fatalf("no column %q", title)
	return ""
}

// Another workstation checks the second folder of the chart on show out:
// the status bar counts it and the chart shows it out, and the folder the
// clerk selected stays selected.
func TestChangeElsewhereRefreshesTheChartAndTheCounts(t *testing.T) {
	f := newFixture(t, true)
	p, first := f.patient("123456", "Testwell", "Ada")
	second, err := f.store.AddVolume(f.admin, records.Volume{PatientID: p.ID, RecordTypeID: first.RecordTypeID})
	if err != nil {
		t.Fatal(err)
	}
	dr := f.borrower("Dr. Alpha Fictional", "BADGE-A")
	m := f.mustSignIn(adminName, adminPassword)
	m.openChart(p.ID)
	c := m.chart
	c.volumes.selectRow(0)
	if v, _ := c.volumes.current(); v.ID != first.ID {
		t.Fatalf("the first row is %+v, want folder 1", v)
	}
	if got := m.status.counts.Text; !strings.HasPrefix(got, "Out: 0") {
		t.Fatalf("counts before: %q", got)
	}

	if _, err := f.store.CheckOut(f.admin, records.CheckOutInput{Barcode: second.Barcode, BorrowerID: dr.ID}); err != nil {
		t.Fatal(err)
	}
	m.heard(records.Change{What: records.ChangedFolders})

	if got := m.status.counts.Text; !strings.HasPrefix(got, "Out: 1") {
		t.Errorf("counts after a check-out elsewhere: %q, want Out: 1", got)
	}
	if v, ok := c.volumes.current(); !ok || v.ID != first.ID {
		t.Errorf("selected after the reload: %+v, want folder 1 still", v)
	}
	found := false
	for i, v := range c.volumes.rows {
		if v.ID == second.ID {
			found = true
			if got := columnText(t, c.volumes, i, "Location or borrower"); got != dr.Name {
				t.Errorf("folder 2 shows %q, want it out to %s", got, dr.Name)
			}
		}
	}
	if !found {
		t.Fatal("folder 2 is not on the chart")
	}
	if len(c.history.rows) == 0 || c.history.rows[0].Kind != records.MoveCheckOut {
		t.Errorf("history after the check-out elsewhere: %+v", c.history.rows)
	}
}

// A request made elsewhere appears on the requests page on show; the
// requests the clerk marked stay marked.
func TestChangeElsewhereKeepsTheMarkedRequests(t *testing.T) {
	f := newFixture(t, true)
	dr := f.borrower("Dr. Alpha Fictional", "BADGE-A")
	var patients []records.Patient
	for _, mrn := range []string{"111111", "222222", "333333"} {
		p, _ := f.patient(mrn, "Testwell", "Mrn"+mrn)
		patients = append(patients, p)
	}
	today := records.DateOf(f.clock.Now())
	for _, p := range patients[:2] {
		if _, err := f.store.CreateRequest(f.admin, records.Request{PatientID: p.ID, BorrowerID: dr.ID, NeededOn: today}); err != nil {
			t.Fatal(err)
		}
	}
	m := f.mustSignIn(adminName, adminPassword)
	m.show(navRequests)
	r := m.page(navRequests).(*requestsScreen)
	if len(r.list.rows) != 2 {
		t.Fatalf("%d requests listed, want 2", len(r.list.rows))
	}
	r.list.toggleMark(0)
	r.list.toggleMark(1)
	if _, err := f.store.CreateRequest(f.admin, records.Request{PatientID: patients[2].ID, BorrowerID: dr.ID, NeededOn: today}); err != nil {
		t.Fatal(err)
	}
	m.heard(records.Change{What: records.ChangedRequests})
	if len(r.list.rows) != 3 {
		t.Fatalf("%d requests listed after one was made elsewhere, want 3", len(r.list.rows))
	}
	if got := len(r.list.chosen()); got != 2 || len(r.list.marked) != 2 {
		t.Errorf("%d requests chosen after the reload, want the 2 marked", got)
	}
}

// At the scan station another workstation checks a folder of the log back
// in: the log's Now column says so, while what the clerk is typing in the
// scan box stays there with the keyboard.
func TestChangeElsewhereUpdatesTheScanLogAndKeepsTheTyping(t *testing.T) {
	f := newFixture(t, true)
	_, vol := f.patient("123456", "Testwell", "Ada")
	f.borrower("Dr. Alpha Fictional", "BADGE-A")
	m := f.mustSignIn(adminName, adminPassword)
	m.show(navScan)
	sc := m.page(navScan).(*scanScreen)
	typeEnter(sc.box, "BADGE-A")
	typeEnter(sc.box, vol.Barcode)
	if got := columnText(t, sc.log, 0, "Now"); got != "Dr. Alpha Fictional" {
		t.Fatalf("Now after the check-out: %q", got)
	}
	if _, err := f.store.CheckIn(f.admin, vol.Barcode); err != nil {
		t.Fatal(err)
	}
	test.Type(sc.box, "12-3")
	m.heard(records.Change{What: records.ChangedFolders})
	if got := columnText(t, sc.log, 0, "Now"); got == "Dr. Alpha Fictional" || got == "" {
		t.Errorf("Now after a check-in elsewhere: %q, want the folder's home", got)
	}
	if sc.box.Text != "12-3" {
		t.Errorf("the scan box holds %q after the reload, want what the clerk typed", sc.box.Text)
	}
	if f.win.Canvas().Focused() != sc.box {
		t.Error("the reload took the keyboard from the scan box")
	}
}

// While the server cannot be reached the status bar says so in red; when
// it is back the line goes and the counts are read again.
func TestServerUnreachableIsSaidAndCleared(t *testing.T) {
	f := newFixture(t, true)
	m := f.mustSignIn(adminName, adminPassword)
	m.heard(records.Change{Unreachable: errors.New("dial tcp 127.0.0.1:5432: connection refused")})
	if got := m.status.alert.Text; got != serverUnreachableText || m.status.alert.Hidden {
		t.Fatalf("status bar alert while unreachable: %q (hidden %v)", got, m.status.alert.Hidden)
	}
	if !strings.Contains(serverUnreachableText, "The practice server cannot be reached; retrying...") {
		t.Fatalf("the alert %q does not say plainly what is wrong", serverUnreachableText)
	}
	m.heard(records.Change{What: records.ChangedEverything})
	if got := m.status.alert.Text; got != "" || !m.status.alert.Hidden {
		t.Errorf("status bar alert after the server came back: %q", got)
	}
}

// A chart takes the page's place once its data is in, and not at all when
// the clerk has moved on meanwhile (Back, another page, another chart).
func TestChartGoesOnShowOnceUnlessTheClerkMovedOn(t *testing.T) {
	f := newFixture(t, true)
	p, _ := f.patient("123456", "Testwell", "Ada")
	q, _ := f.patient("654321", "Placeholder", "Bea")
	m := f.mustSignIn(adminName, adminPassword)
	m.openChart(p.ID)
	first := m.chart
	if m.body.Objects[0] != first.view() || !first.onShow {
		t.Fatal("the chart read in the foreground is not on show")
	}
	// A chart whose read has not answered yet when another is opened.
	pending := newChartView(m.s)
	pending.patientID, pending.back = p.ID, func() {}
	m.chart = pending
	late := pending.gen
	m.openChart(q.ID)
	second := m.chart
	m.putChart(pending, late) // its late answer
	if m.body.Objects[0] != second.view() || second == pending || pending.onShow {
		t.Error("a late answer for the chart before put it on show in place of the one opened after it")
	}
	if m.spare != pending || pending.patientID != 0 {
		t.Error("the view of the chart not yet read did not become the spare, emptied")
	}
	m.putChart(second, second.gen)
	if m.body.Objects[0] != second.view() {
		t.Error("a second answer for the chart on show moved it")
	}
	m.show(navFind)
	m.putChart(second, second.gen)
	if m.body.Objects[0] == second.view() || m.chart != nil {
		t.Error("a chart's answer after the clerk went to Find put the chart on show")
	}
}

// The spare chart view, built ahead, shows the chart asked for next, and
// Back from it returns to the page the clerk came from; the chart after
// that is shown in the same view, emptied in between.
func TestSpareChartViewShowsTheChartAskedFor(t *testing.T) {
	f := newFixture(t, true)
	p, first := f.patient("123456", "Testwell", "Ada")
	q, second := f.patient("654321", "Placeholder", "Bea")
	m := f.mustSignIn(adminName, adminPassword)
	m.show(navScan)
	m.buildSpare()
	spare := m.spare
	if spare == nil {
		t.Fatal("no spare chart view was built")
	}
	m.openChart(p.ID)
	if m.chart != spare || m.spare != nil {
		t.Fatalf("the chart did not take the spare view (chart %p, spare %p)", m.chart, spare)
	}
	if m.body.Objects[0] != spare.view() || len(spare.volumes.rows) != 1 || spare.volumes.rows[0].ID != first.ID {
		t.Fatalf("the spare view does not show the chart's folder: %+v", spare.volumes.rows)
	}
	if !strings.Contains(spare.title.Text, "Testwell") {
		t.Errorf("title %q, want the patient's name", spare.title.Text)
	}
	spare.back()
	if m.current != navScan || m.chart != nil {
		t.Errorf("Back went to page %v (chart %p), want the scan station", m.current, m.chart)
	}
	if m.spare != spare || spare.title.Text != chartLoading || len(spare.volumes.rows) != 0 {
		t.Fatalf("the view left is not the spare, emptied: spare %p, title %q, %d folders", m.spare, spare.title.Text, len(spare.volumes.rows))
	}
	m.openChart(q.ID)
	if m.chart != spare || len(spare.volumes.rows) != 1 || spare.volumes.rows[0].ID != second.ID || !strings.Contains(spare.title.Text, "Placeholder") {
		t.Errorf("the next chart is not shown in the view left: chart %p, title %q, folders %+v", m.chart, spare.title.Text, spare.volumes.rows)
	}
}

// countsFailing is a store whose Counts fails while fail is set.
type countsFailing struct {
	records.Service
	fail bool
}

func (c *countsFailing) Counts(ctx context.Context) (records.Counts, error) {
	if c.fail {
		return records.Counts{}, errors.New("the disk is unreadable")
	}
	return c.Service.Counts(ctx)
}

// Counts read again unchanged leave the status bar alone, but never leave
// it saying the counts are unavailable once they are back.
func TestStatusBarShowsCountsAgainAfterAFailure(t *testing.T) {
	f := newFixture(t, true)
	_, first := f.patient("123456", "Testwell", "Ada")
	dr := f.borrower("Dr. Alpha Fictional", "BADGE-A")
	m := f.mustSignIn(adminName, adminPassword)
	store := &countsFailing{Service: f.s.svc}
	f.s.svc = store
	steps := []struct {
		name string
		fail bool
		do   func()
		want string
	}{
		{"at first", false, nil, "Out: 0"},
		{"read again, unchanged", false, nil, "Out: 0"},
		{"while Counts fails", true, nil, "Counts unavailable"},
		{"back, the same counts as before", false, nil, "Out: 0"},
		{"after a check-out", false, func() {
			if _, err := f.store.CheckOut(f.admin, records.CheckOutInput{Barcode: first.Barcode, BorrowerID: dr.ID}); err != nil {
				t.Fatal(err)
			}
		}, "Out: 1"},
	}
	for _, st := range steps {
		store.fail = st.fail
		if st.do != nil {
			st.do()
		}
		m.status.refresh()
		if got := m.status.counts.Text; !strings.HasPrefix(got, st.want) {
			t.Errorf("%s: the status bar says %q, want %q", st.name, got, st.want)
		}
	}
}
