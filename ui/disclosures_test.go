package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/chartroom/chartroom/records"
)

func (f *fixture) outsideParty(name, badge string) records.Borrower {
	f.t.Helper()
	b, err := f.store.SaveBorrower(f.admin, records.Borrower{Name: name, Kind: records.BorrowerExternal, Badge: badge, Address: "1 Example Plaza", Active: true})
	if err != nil {
		f.t.Fatal(err)
	}
	return b
}

func TestScanStationAsksThePurposeOfAnOutsideCheckOut(t *testing.T) {
	f := newFixture(t, true)
	p, vol := f.patient("123456", "Testwell", "Ada")
	f.outsideParty("Quill & Ink LLP", "BADGE-Q")
	m := f.mustSignIn(adminName, adminPassword)
	m.show(navScan)
	sc := m.page(navScan).(*scanScreen)

	typeEnter(sc.box, "BADGE-Q")
	if sc.purposeDlg == nil || !sc.purposeBtn.Visible() {
		t.Fatal("choosing an outside party did not ask for the purpose")
	}
	// A scan before the purpose is given is refused, naming it.
	typeEnter(sc.box, vol.Barcode)
	if r := sc.results[0]; r.OK || !strings.Contains(r.Message, "Purpose") {
		t.Fatalf("scan without purpose: ok=%v %q", r.OK, r.Message)
	}
	// The dialog refuses an empty purpose and keeps asking.
	dlg := sc.purposeDlg
	test.Tap(dlg.save)
	if !strings.Contains(dlg.errs.label.Text, "Purpose") || sc.purposeFor != 0 {
		t.Fatalf("empty purpose accepted: %q", dlg.errs.label.Text)
	}
	test.Type(dlg.form.Items[0].Widget.(*activeEntry), "subpoena, made-up case")
	dlg.form.Items[1].Widget.(*selectBox).SetSelected(records.PurposeLegal.Label())
	test.Tap(dlg.save)
	if !strings.Contains(sc.banner.Text, "purpose: subpoena, made-up case") {
		t.Fatalf("banner %q", sc.banner.Text)
	}
	typeEnter(sc.box, vol.Barcode)
	if r := sc.results[0]; !r.OK || !strings.Contains(r.Message, "disclosure recorded") {
		t.Fatalf("scan with purpose: ok=%v %q", r.OK, r.Message)
	}
	ds, err := f.store.ListDisclosures(f.admin, records.DisclosureFilter{PatientID: p.ID})
	if err != nil || len(ds) != 1 || ds[0].Purpose != "subpoena, made-up case" || ds[0].Category != records.PurposeLegal || ds[0].Recipient != "Quill & Ink LLP" {
		t.Fatalf("disclosures %+v %v", ds, err)
	}

	// The chart view lists it, and a patient's request shows on the status bar.
	if _, err := f.store.LogAccountingRequest(f.admin, records.AccountingRequest{PatientID: p.ID, Received: f.s.today().AddDays(-61)}); err != nil {
		t.Fatal(err)
	}
	m.openChart(p.ID)
	c := m.chart
	if len(c.discl.list.rows) != 1 || len(c.discl.requests.rows) != 1 || !strings.HasPrefix(c.tabs.Items[3].Text, "Disclosures (1)") {
		t.Fatalf("chart disclosures tab: %d disclosures, %d requests, tab %q", len(c.discl.list.rows), len(c.discl.requests.rows), c.tabs.Items[3].Text)
	}
	m.changed()
	if !m.status.accounting.Visible() || !strings.Contains(m.status.accounting.Text, "1 overdue") {
		t.Fatalf("status bar: %q visible=%v", m.status.accounting.Text, m.status.accounting.Visible())
	}
	// Mark it answered from the chart view.
	c.discl.requests.selectRow(0)
	c.discl.markAnswered()
	test.Tap(c.discl.dlg.save)
	f.clock.Advance(time.Minute)
	m.changed()
	if m.status.accounting.Visible() {
		t.Fatalf("an answered request still shows: %q", m.status.accounting.Text)
	}
}

func TestChartViewCheckOutToOutsidePartyAsksPurpose(t *testing.T) {
	f := newFixture(t, true)
	p, vol := f.patient("123456", "Testwell", "Ada")
	lawyer := f.outsideParty("Quill & Ink LLP", "")
	m := f.mustSignIn(adminName, adminPassword)
	m.openChart(p.ID)
	c := m.chart
	c.volumes.selectRow(0)
	dlg := c.moveOut(false)
	pick := dlg.form.Items[0].Widget.(*selectBox)
	category := dlg.form.Items[3].Widget.(*selectBox)
	if category.Visible() {
		t.Fatal("the category shows before an outside party is chosen")
	}
	pick.SetSelected(borrowerOption(lawyer))
	if !category.Visible() {
		t.Fatal("choosing an outside party does not show the category")
	}
	test.Tap(dlg.save)
	if !strings.Contains(dlg.errs.label.Text, "Purpose: is required") {
		t.Fatalf("no purpose: %q", dlg.errs.label.Text)
	}
	test.Type(dlg.form.Items[2].Widget.(*activeEntry), "insurer's claim review")
	category.SetSelected(records.PurposePayment.Label())
	test.Tap(dlg.save)
	v, _ := f.store.VolumeByBarcode(f.admin, vol.Barcode)
	ds, _ := f.store.ListDisclosures(f.admin, records.DisclosureFilter{PatientID: p.ID})
	if v.State != records.StateCheckedOut || len(ds) != 1 || ds[0].Category != records.PurposePayment || ds[0].Reportable() {
		t.Fatalf("folder %s, disclosures %+v", v.State, ds)
	}
}

func TestMissingFolderScannedAnywhereIsFound(t *testing.T) {
	f := newFixture(t, true)
	p, vol := f.patient("123456", "Testwell", "Ada")
	f.borrower("Dr. Alpha Fictional", "BADGE-A")
	if _, err := f.store.CreateRequest(f.admin, records.Request{PatientID: p.ID, BorrowerID: 1, NeededOn: f.s.today()}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.MarkMissing(f.admin, vol.ID, "not on the shelf"); err != nil {
		t.Fatal(err)
	}
	m := f.mustSignIn(adminName, adminPassword)

	// The requests list flags the request.
	m.show(navRequests)
	rs := m.page(navRequests).(*requestsScreen)
	if len(rs.list.rows) != 1 || !strings.HasPrefix(requestWhere(rs.list.rows[0]), "FOLDER MISSING") {
		t.Fatalf("request not flagged: %+v", rs.list.rows)
	}

	// Find: Enter on the barcode announces it and records it found.
	m.show(navFind)
	fs := m.page(navFind).(*findScreen)
	typeEnter(fs.box, vol.Barcode)
	if fs.foundDlg == nil {
		t.Fatal("scanning a missing folder at Find said nothing")
	}
	fs.foundAnswer(true)
	v, _ := f.store.VolumeByBarcode(f.admin, vol.Barcode)
	if v.State != records.StateInFile {
		t.Fatalf("after Find: %s", v.State)
	}

	// Scan station check-out: found and out in one scan, announced.
	if _, err := f.store.MarkMissing(f.admin, vol.ID, ""); err != nil {
		t.Fatal(err)
	}
	m.show(navScan)
	sc := m.page(navScan).(*scanScreen)
	typeEnter(sc.box, "BADGE-A")
	typeEnter(sc.box, vol.Barcode)
	if r := sc.results[0]; !r.OK || !r.Attention || !strings.HasPrefix(r.Message, "FOUND") || sc.tone != toneAttention {
		t.Fatalf("check-out scan of a missing folder: %+v", r)
	}
	h, _ := f.store.History(f.admin, records.HistoryFilter{VolumeID: vol.ID, Limit: 2})
	if h[1].Kind != records.MoveFound || h[0].Kind != records.MoveCheckOut {
		t.Fatalf("history %+v", h)
	}
}

func TestMergeScreenFlow(t *testing.T) {
	f := newFixture(t, true)
	retired, _ := f.patient("100001", "Doe", "Jan")
	// Registered twice with the given name spelt two ways: what a merge
	// repairs (an exact second registration is refused at the desk).
	survivor, _ := f.patient("200002", "Doe", "Janne")
	f.user("sam", records.RoleSupervisor, "super password 1")

	m := f.mustSignIn("sam", "super password 1")
	m.show(navAdmin)
	a := m.page(navAdmin).(*adminScreen)
	var mt *mergeTab
	for _, p := range a.pages {
		if x, ok := p.(*mergeTab); ok {
			mt = x
		}
	}
	if mt == nil {
		t.Fatal("no Merge tab for a supervisor")
	}
	if mt.undo.Visible() {
		t.Error("a supervisor sees Undo merge")
	}
	// Both the same: refused, nothing to merge.
	test.Type(mt.retiredBox, "10-00-01")
	test.Type(mt.survivorBox, "10-00-01")
	mt.compare()
	if mt.ready || !strings.Contains(mt.plan.Text, "Cannot merge") {
		t.Fatalf("same chart: ready=%v %q", mt.ready, mt.plan.Text)
	}
	// Pick them the wrong way round, then swap.
	mt.retiredBox.SetText("200002")
	mt.survivorBox.SetText("100001")
	mt.swap()
	if !mt.ready || mt.preview.Retired.Patient.ID != retired.ID || !strings.Contains(mt.survivor.title.Text, "20-00-02") ||
		!strings.Contains(mt.plan.Text, "1 folder") || !strings.Contains(mt.plan.Text, "becomes volume 2") {
		t.Fatalf("preview: ready=%v %q / %q", mt.ready, mt.survivor.title.Text, mt.plan.Text)
	}
	mt.askMerge()
	test.Type(mt.mergeDlg.form.Items[1].Widget.(*activeEntry), "registered twice")
	test.Tap(mt.mergeDlg.save)
	p, err := f.store.Patient(f.admin, retired.ID)
	if err != nil || p.Status != records.PatientMerged || p.MergedInto != survivor.MRN {
		t.Fatalf("after merge: %+v %v", p, err)
	}
	if len(mt.merges.rows) != 1 || !strings.Contains(mt.plan.Text, "Merge #1 done") {
		t.Fatalf("merges %d, plan %q", len(mt.merges.rows), mt.plan.Text)
	}
	// Find with the retired number opens the survivor.
	m.show(navFind)
	fs := m.page(navFind).(*findScreen)
	test.Type(fs.box, "100001")
	if len(fs.results.rows) == 0 || fs.results.rows[0].ID != survivor.ID || !strings.Contains(hitStatus(fs.results.rows[0]), "retired") {
		t.Fatalf("find retired: %+v", fs.results.rows)
	}
	f.s.signOut("")

	// The admin undoes it.
	m = f.mustSignIn(adminName, adminPassword)
	m.show(navAdmin)
	a = m.page(navAdmin).(*adminScreen)
	for _, p := range a.pages {
		if x, ok := p.(*mergeTab); ok {
			mt = x
		}
	}
	mt.shown()
	mt.merges.selectRow(0)
	if !mt.undo.Visible() || mt.undo.Disabled() {
		t.Fatal("the admin cannot undo")
	}
	mt.askUndo()
	test.Tap(mt.mergeDlg.save)
	if p, _ := f.store.Patient(f.admin, retired.ID); p.Status != records.PatientActive {
		t.Fatalf("after undo: %+v", p)
	}
	if !strings.HasPrefix(mergeStatus(mt.merges.rows[0]), "Undone") {
		t.Fatalf("list after undo: %+v", mt.merges.rows[0])
	}
}
