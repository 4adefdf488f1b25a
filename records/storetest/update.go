package storetest

import (
	"slices"
	"strings"
	"testing"

	"github.com/chartroom/chartroom/records"
)

// testUpdatePatient: a supervisor's edit is saved, re-filed under a new
// chart number and audited by the names of the fields changed; a chart
// number another chart has, merging by editing, and a clerk are refused,
// saving nothing.
func testUpdatePatient(t *testing.T, db NewDatabase) {
	f := newFixture(t, db)
	p := f.Patient("000100", "Quux", "Ann")
	other := f.Patient("000200", "Zorp", "Ben")

	edit := p
	edit.MRN, edit.FirstName, edit.Phone = "3-00", "Anna", "555-0100"
	_, err := f.S.UpdatePatient(f.Clerk, edit)
	WantCode(t, err, records.EForbidden)
	got, err := f.S.UpdatePatient(f.Supervisor, edit)
	if err != nil || got.MRN != "000300" || got.FirstName != "Anna" || got.Phone != "555-0100" {
		t.Fatalf("UpdatePatient = %+v, %v", got, err)
	}
	if vs, err := f.S.Where(f.Clerk, "300"); err != nil || len(vs) != 1 || vs[0].PatientID != p.ID {
		t.Fatalf("Where(300) after the new chart number: %+v %v", vs, err)
	}
	events, err := f.S.ListAudit(f.Admin, records.AuditFilter{Entity: "patient", EntityID: p.ID})
	if err != nil || !slices.ContainsFunc(events, func(e records.AuditEvent) bool {
		return e.Action == records.AuditUpdate && e.Detail == "chart 000300 changed: MRN 000100 -> 000300, name, phone" && e.Username == "sam"
	}) {
		t.Fatalf("no audit event naming the changes: %+v %v", events, err)
	}

	taken := got
	taken.MRN, taken.LastName = other.MRN, "Renamed"
	_, err = f.S.UpdatePatient(f.Supervisor, taken)
	WantCode(t, err, records.EConflict)
	if err == nil || !strings.Contains(err.Error(), "a patient with MRN 00-02-00 already exists") {
		t.Errorf("a taken chart number: %v", err)
	}
	merged := got
	merged.Status, merged.LastName = records.PatientMerged, "Renamed"
	_, err = f.S.UpdatePatient(f.Supervisor, merged)
	if records.ErrorField(err) != "Status" {
		t.Errorf("merging by editing: %v", err)
	}
	_, err = f.S.UpdatePatient(f.Supervisor, records.Patient{ID: 999999, MRN: "400", LastName: "Nobody"})
	WantCode(t, err, records.ENotFound)
	if now, err := f.S.Patient(f.Clerk, p.ID); err != nil || now.LastName != "Quux" || now.MRN != "000300" {
		t.Errorf("a refused edit was saved: %+v %v", now, err)
	}
}
