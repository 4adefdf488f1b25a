package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/chartroom/chartroom/records"
)

func TestSetupChecklistGuidesANewPracticeUntilDone(t *testing.T) {
	f := newFixture(t, true)
	m := f.mustSignIn(adminName, adminPassword)
	if m.current != navSetup {
		t.Fatalf("a new practice's admin lands on page %d, want the checklist", m.current)
	}
	c := m.page(navSetup).(*setupScreen)
	done := func() map[records.SetupStep]bool {
		c.load()
		out := map[records.SetupStep]bool{}
		for _, it := range c.items {
			out[it.Step] = it.Done
		}
		return out
	}
	if d := done(); len(d) != 5 || d[records.SetupLocations] || d[records.SetupPatients] {
		t.Fatalf("a new practice's checklist = %v", d)
	}
	// Each step's button opens the page that does it.
	test.Tap(c.opens[records.SetupPatients])
	a := m.page(navAdmin).(*adminScreen)
	if m.current != navAdmin || a.tabs.Selected().Text != importTabTitle {
		t.Errorf("Open Import showed page %d tab %q", m.current, a.tabs.Selected().Text)
	}
	test.Tap(c.opens[records.SetupBorrowers])
	if m.current != navBorrowers {
		t.Errorf("Open Borrowers showed page %d", m.current)
	}

	// The steps are done as the data shows them done, not by a tick.
	if _, err := f.store.SaveLocation(f.admin, records.Location{Name: "Cabinet A", Kind: records.LocationCabinet, ParentID: 1, Active: true}); err != nil {
		t.Fatal(err)
	}
	f.borrower("Dr. Alder Testwood", "BADGE-0001")
	f.patient("400001", "Setupperson", "Ima")
	d := done()
	if !d[records.SetupLocations] || !d[records.SetupBorrowers] || !d[records.SetupPatients] || d[records.SetupUsers] || d[records.SetupRecordTypes] {
		t.Errorf("checklist after a cabinet, a badge and a patient = %v", d)
	}
	if f.s.setupHidden() {
		t.Error("the checklist is hidden with steps left")
	}

	// Hidden by the admin: gone from the navigation and not offered again.
	test.Tap(findButton(c.root, "Hide this checklist"))
	if m.allowed(navSetup) || m.current != navFind {
		t.Errorf("after Hide: in the navigation %v, page %d", m.allowed(navSetup), m.current)
	}
	f.s.signOut("")
	m = f.mustSignIn(adminName, adminPassword)
	if m.allowed(navSetup) || m.current != navFind {
		t.Errorf("a hidden checklist came back at the next sign-in")
	}
}

func TestSetupChecklistIsForTheAdminOfAPracticeNotSetUp(t *testing.T) {
	f := newFixture(t, true)
	f.user("sam", records.RoleSupervisor, "sam's password")
	m := f.mustSignIn("sam", "sam's password")
	if m.allowed(navSetup) || m.current != navFind {
		t.Errorf("a supervisor is offered the checklist")
	}
	f.s.signOut("")

	// Everything set up: the admin lands on Find and the checklist is not
	// asked for again.
	if _, err := f.store.SaveLocation(f.admin, records.Location{Name: "Cabinet A", Kind: records.LocationCabinet, ParentID: 1, Active: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.SaveRecordType(f.admin, records.RecordType{Name: "X-ray films", Code: "X", LoanDays: 14, Color: "#3366CC", Active: true}); err != nil {
		t.Fatal(err)
	}
	f.borrower("Dr. Alder Testwood", "BADGE-0001")
	f.patient("400001", "Setupperson", "Ima")
	m = f.mustSignIn(adminName, adminPassword)
	if m.allowed(navSetup) || m.current != navFind {
		t.Errorf("a set-up practice's admin is offered the checklist")
	}
	if !f.s.setupHidden() {
		t.Error("a done checklist is asked for again at every sign-in")
	}
}
