package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/chartroom/chartroom/records"
)

// oldChart creates a patient last seen on lastVisit and returns its folder
// (the fixture's clock is 2026-03-02).
func (f *fixture) oldChart(mrn, last, dob, lastVisit string) (records.Patient, records.Volume) {
	f.t.Helper()
	p, err := f.store.CreatePatient(f.admin, records.Patient{MRN: mrn, LastName: last, FirstName: "Test",
		DOB: records.MustParseDate(dob), LastVisit: records.MustParseDate(lastVisit)})
	if err != nil {
		f.t.Fatalf("create patient %s: %v", mrn, err)
	}
	vs, err := f.store.VolumesOfPatient(f.admin, p.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return p, vs[0]
}

func TestRetentionScreenRoleGating(t *testing.T) {
	f := newFixture(t, true)
	f.user("cleo", records.RoleClerk, "clerk password 1")
	f.user("sam", records.RoleSupervisor, "super password 1")
	p, _ := f.oldChart("123456", "Oldhouse", "1940-01-01", "2010-01-01")

	m := f.mustSignIn("cleo", "clerk password 1")
	if m.allowed(navRetention) || m.page(navRetention) != nil {
		t.Error("a clerk sees the Retention screen")
	}
	if !m.allowed(navShelfAudit) {
		t.Error("a clerk does not see the Shelf audit screen")
	}
	m.openChart(p.ID)
	if m.chart.hold.Visible() {
		t.Error("a clerk sees the legal hold toggle")
	}
	f.s.signOut("")

	m = f.mustSignIn("sam", "super password 1")
	if !m.allowed(navRetention) {
		t.Fatal("a supervisor does not see the Retention screen")
	}
	m.show(navAdmin)
	for _, title := range m.page(navAdmin).(*adminScreen).tabTitles() {
		if title == retentionTabTitle {
			t.Error("a supervisor sees the admin's Retention tab")
		}
	}
}

func TestRetentionScreenDestructionFlow(t *testing.T) {
	f := newFixture(t, true)
	f.user("sam", records.RoleSupervisor, "super password 1")
	_, old := f.oldChart("111111", "Oldhouse", "1940-01-01", "2012-01-01")
	_, gone := f.oldChart("222222", "Gonebye", "1940-01-01", "2011-01-01")
	_, out := f.oldChart("333333", "Outlaw", "1940-01-01", "2010-01-01")
	_, recent := f.oldChart("444444", "Recentby", "1970-01-01", "2020-01-01")
	dr := f.borrower("Dr. Alpha Fictional", "BADGE-A")
	if _, err := f.store.CheckOut(f.admin, records.CheckOutInput{Barcode: out.Barcode, BorrowerID: dr.ID}); err != nil {
		t.Fatal(err)
	}

	m := f.mustSignIn("sam", "super password 1")
	m.show(navRetention)
	rs := m.page(navRetention).(*retentionScreen)
	if rs.asOf.Text != "2026-03-02" || len(rs.rows) != 3 {
		t.Fatalf("review as of %q: %d rows", rs.asOf.Text, len(rs.rows))
	}
	for _, x := range rs.rows {
		if x.Volume.ID == recent.ID {
			t.Error("the recent chart is listed")
		}
	}
	if !rs.destroy.Disabled() {
		t.Error("Record destruction is enabled with nothing chosen")
	}
	// A folder that is out cannot be chosen; select all takes the two in file.
	rs.toggle(out.ID)
	if rs.chosen[out.ID] || !strings.Contains(rs.summary.Text, "out to Dr. Alpha Fictional") {
		t.Errorf("chose a folder that is out: %q", rs.summary.Text)
	}
	rs.selectAll()
	if len(rs.chosen) != 2 || !rs.chosen[old.ID] || !rs.chosen[gone.ID] || rs.destroy.Disabled() {
		t.Fatalf("select all: %v", rs.chosen)
	}
	// Tapping a row un-chooses it, tapping again chooses it.
	rs.toggle(gone.ID)
	rs.toggle(gone.ID)
	if len(rs.chosen) != 2 {
		t.Fatalf("toggle twice: %v", rs.chosen)
	}

	test.Tap(rs.destroy)
	form := rs.lastForm
	if form == nil {
		t.Fatal("no destruction form")
	}
	test.Type(form.method, "cross-cut shredding")
	test.Type(form.by, "Sam Shredder")
	test.Type(form.witness, "sam shredder")
	test.Tap(form.edit.save)
	if !strings.Contains(form.edit.errs.text(), "Witness") || form.confirm != nil {
		t.Fatalf("same witness: %q", form.edit.errs.text())
	}
	form.witness.SetText("")
	test.Type(form.witness, "Wanda Witness")
	test.Tap(form.edit.save)
	if form.confirm == nil || f.win.Canvas().Overlays().Top() == nil {
		t.Fatal("no confirmation on screen")
	}
	// Going back destroys nothing.
	test.Tap(form.confirmNo)
	if v, _ := f.store.Volume(f.admin, old.ID); v.State != records.StateInFile {
		t.Fatalf("destroyed without confirmation: %s", v.State)
	}
	test.Tap(form.edit.save)
	test.Tap(form.confirmYes)
	if form.resultErr != nil || form.result.Count != 2 {
		t.Fatalf("destruction: %+v %v", form.result, form.resultErr)
	}
	for _, id := range []records.ID{old.ID, gone.ID} {
		if v, _ := f.store.Volume(f.admin, id); v.State != records.StateDestroyed {
			t.Errorf("folder %d is %s", id, v.State)
		}
	}
	if form.doneDialog == nil || form.openCertificate == nil {
		t.Fatal("no offer of the certificate")
	}
	if len(rs.rows) != 1 || len(rs.list) != 1 || !strings.HasPrefix(rs.batches.Selected, "Batch 1") {
		t.Errorf("after the batch: %d rows, batches %q", len(rs.rows), rs.batches.Selected)
	}
}

func TestChartLegalHoldToggle(t *testing.T) {
	f := newFixture(t, true)
	f.user("sam", records.RoleSupervisor, "super password 1")
	p, _ := f.oldChart("123456", "Holdwell", "1940-01-01", "2010-01-01")
	m := f.mustSignIn("sam", "super password 1")
	m.openChart(p.ID)
	c := m.chart
	if !c.hold.Visible() || c.hold.Text != "Legal hold…" {
		t.Fatalf("hold button: visible=%v %q", c.hold.Visible(), c.hold.Text)
	}
	test.Tap(c.hold)
	test.Tap(c.holdDialog.save)
	if !strings.Contains(c.holdDialog.errs.text(), "Reason") {
		t.Errorf("no reason accepted: %q", c.holdDialog.errs.text())
	}
	test.Type(c.holdReason, "Case 26-001 (fictitious)")
	test.Tap(c.holdDialog.save)
	got, err := f.store.Patient(f.admin, p.ID)
	if err != nil || !got.LegalHold {
		t.Fatalf("hold not set: %+v %v", got, err)
	}
	if c.hold.Text != "Release legal hold…" || !strings.Contains(c.notice.Text, "Legal hold") {
		t.Errorf("after the hold: %q %q", c.hold.Text, c.notice.Text)
	}
	test.Tap(c.hold)
	test.Tap(c.holdDialog.save)
	if got, _ := f.store.Patient(f.admin, p.ID); got.LegalHold {
		t.Error("hold not released")
	}
}

func TestRetentionPolicyTab(t *testing.T) {
	f := newFixture(t, true)
	m := f.mustSignIn(adminName, adminPassword)
	m.show(navAdmin)
	admin := m.page(navAdmin).(*adminScreen)
	var tab *retentionTab
	for _, p := range admin.pages {
		if rt, ok := p.(*retentionTab); ok {
			tab = rt
		}
	}
	if tab == nil {
		t.Fatal("no Retention tab for the admin")
	}
	tab.shown()
	if tab.use.Selected != customPolicy || len(tab.presets) < 3 || tab.fields[0].Text != "10" || tab.fields[0].Disabled() {
		t.Fatalf("initial: %q %d %q", tab.use.Selected, len(tab.presets), tab.fields[0].Text)
	}
	// Follow a preset: its numbers show, read-only, and the settings follow it.
	tab.use.SetSelected("Seven years flat")
	if tab.fields[0].Text != "7" || !tab.fields[0].Disabled() {
		t.Errorf("preset numbers: %q disabled=%v", tab.fields[0].Text, tab.fields[0].Disabled())
	}
	tab.save()
	st, _ := f.store.Settings(f.admin)
	if st.RetentionPresetID == 0 || st.Retention.AdultYears != 7 {
		t.Errorf("settings: %+v", st)
	}
	// Custom values, one of them wrong.
	tab.use.SetSelected(customPolicy)
	tab.fields[1].SetText("9")
	tab.save()
	if !strings.Contains(tab.errs.text(), "Age of majority") {
		t.Errorf("bad majority: %q", tab.errs.text())
	}
	tab.fields[1].SetText("18")
	tab.fields[0].SetText("12")
	tab.save()
	if st, _ = f.store.Settings(f.admin); st.RetentionPresetID != 0 || st.Retention.AdultYears != 12 {
		t.Errorf("custom: %+v %q", st.Retention, tab.errs.text())
	}
}
