package postgres

import (
	"strings"
	"testing"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/storetest"
)

// Looking a patient or its folders up returns the stored rows and leaves a
// view in the audit log; a new patient's folder 1 is in file at the
// default location with its create movement. (This store's own check of
// look-ups the contract suite reaches only in passing.)
func TestPatientLookUpsAreAudited(t *testing.T) {
	f, s := newFixture(t)
	clock := f.Clock
	p := f.Patient("4321", "Quuxley", "Zed")
	byID, err := s.Patient(f.Clerk, p.ID)
	if err != nil || byID.MRN != "004321" || byID.LastName != "Quuxley" || !byID.DOB.Equal(records.MustParseDate("1970-01-02")) || byID.MergedInto != "" {
		t.Fatalf("Patient = %+v, %v", byID, err)
	}
	byMRN, err := s.PatientByMRN(f.Clerk, "43-21")
	if err != nil || byMRN.ID != p.ID {
		t.Fatalf("PatientByMRN = %+v, %v", byMRN, err)
	}
	_, err = s.PatientByMRN(f.Clerk, "999999")
	storetest.WantCode(t, err, records.ENotFound)
	vs, err := s.VolumesOfPatient(f.Clerk, p.ID)
	if err != nil || len(vs) != 1 {
		t.Fatalf("VolumesOfPatient = %+v, %v", vs, err)
	}
	v := vs[0]
	if v.Number != 1 || v.Barcode != records.GeneratedBarcode(v.ID) || v.State != records.StateInFile || v.HomePath != "Record room" ||
		v.TypeName != "Medical" || v.PatientName == "" || v.BorrowerID != 0 || !v.OutSince.IsZero() || v.Opened.IsZero() {
		t.Fatalf("folder 1: %+v", v)
	}
	byCode, err := s.VolumeByBarcode(f.Clerk, strings.ToLower(v.Barcode))
	if err != nil || byCode.ID != v.ID {
		t.Fatalf("VolumeByBarcode = %+v, %v", byCode, err)
	}
	hist, err := s.History(f.Clerk, records.HistoryFilter{PatientID: p.ID, From: records.DateOf(clock.Now()), To: records.DateOf(clock.Now())})
	if err != nil || len(hist) != 1 || hist[0].Kind != records.MoveCreate || hist[0].Username != "cleo" || hist[0].ToLocation != "Record room" {
		t.Fatalf("History = %+v, %v", hist, err)
	}
	evs, err := s.ListAudit(f.Supervisor, records.AuditFilter{Entity: "patient", EntityID: p.ID})
	if err != nil {
		t.Fatal(err)
	}
	views := 0
	for _, e := range evs {
		if e.Action == records.AuditView {
			views++
		}
	}
	if views != 3 {
		t.Fatalf("%d views audited, want 3: %+v", views, evs)
	}
}
