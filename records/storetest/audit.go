package storetest

import (
	"context"
	"strings"
	"testing"

	"github.com/chartroom/chartroom/records"
)

func testAuditChainVerifies(t *testing.T, db NewDatabase) {
	f := newFixture(t, db)
	f.Patient("100001", "Quux", "Audrey")
	problem, n, err := f.S.VerifyAudit(context.Background(), true)
	if err != nil || problem != nil || n < 5 {
		t.Fatalf("VerifyAudit(full) = %v, %d, %v", problem, n, err)
	}
	// Incremental: only what is new since the checkpoint.
	problem, n, err = f.S.VerifyAudit(context.Background(), false)
	if err != nil || problem != nil || n != 0 {
		t.Fatalf("VerifyAudit(incremental, nothing new) = %v, %d, %v", problem, n, err)
	}
	f.Patient("100002", "Quux", "Bert")
	problem, n, err = f.S.VerifyAudit(context.Background(), false)
	if err != nil || problem != nil || n != 1 {
		t.Fatalf("VerifyAudit(incremental, one new) = %v, %d, %v", problem, n, err)
	}
}

func testAuditOfViewsAndChanges(t *testing.T, db NewDatabase) {
	f := newFixture(t, db)
	p := f.Patient("100001", "Quux", "Viewed")
	v := f.FirstVolume(p)
	before := countAudit(t, f, p.ID)
	calls := []func() error{
		func() error { _, err := f.S.Patient(f.Clerk, p.ID); return err },
		func() error { _, err := f.S.PatientByMRN(f.Clerk, "10-00-01"); return err },
		func() error { _, err := f.S.VolumesOfPatient(f.Clerk, p.ID); return err },
		func() error { _, err := f.S.Where(f.Clerk, "100001"); return err },
	}
	for i, call := range calls {
		if err := call(); err != nil {
			t.Fatal(err)
		}
		if got := countAudit(t, f, p.ID); got != before+i+1 {
			t.Fatalf("call %d: %d patient audit events, want %d", i, got, before+i+1)
		}
	}
	if _, err := f.S.CheckOut(f.Clerk, records.CheckOutInput{Barcode: v.Barcode, BorrowerID: f.DrGrey.ID}); err != nil {
		t.Fatal(err)
	}
	evs, err := f.S.ListAudit(f.Supervisor, records.AuditFilter{Entity: "volume", EntityID: v.ID})
	if err != nil || len(evs) == 0 || evs[0].Action != records.AuditMove || !strings.Contains(evs[0].Detail, f.DrGrey.Name) {
		t.Fatalf("check-out audit: %+v %v", evs, err)
	}
	_, err = f.S.ListAudit(f.Clerk, records.AuditFilter{})
	WantCode(t, err, records.EForbidden)
}

func countAudit(t *testing.T, f *Fixture, patientID records.ID) int {
	t.Helper()
	evs, err := f.S.ListAudit(f.Supervisor, records.AuditFilter{Entity: "patient", EntityID: patientID})
	if err != nil {
		t.Fatal(err)
	}
	return len(evs)
}
