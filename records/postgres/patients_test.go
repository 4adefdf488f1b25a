package postgres

import (
	"testing"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/postgres/pgtest"
	"github.com/chartroom/chartroom/records/storetest"
)

// Looking a patient up by id or by chart number returns the stored row and
// leaves a view in the audit log; the contract's Search and Where tests
// cover these once this store passes them, and this test can go then.
func TestPatientLookUpsAreAudited(t *testing.T) {
	clock := storetest.NewClock()
	s, err := Open(t.Context(), pgtest.Database(t), Options{Now: clock.Now, PasswordParams: cheapParams})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	f := storetest.NewFixture(t, partialStore{Store: s}, clock)
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
	if views != 2 {
		t.Fatalf("%d views audited, want 2: %+v", views, evs)
	}
}
