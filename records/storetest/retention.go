package storetest

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/chartroom/chartroom/records"
)

// OldPatient creates a patient last seen on lastVisit (the fixture's clock
// is 2025-03-10).
func (f *Fixture) OldPatient(mrn, last, dob, lastVisit string) (records.Patient, records.Volume) {
	f.T.Helper()
	p, err := f.S.CreatePatient(f.Clerk, records.Patient{MRN: mrn, LastName: last, FirstName: "Test", DOB: records.MustParseDate(dob), LastVisit: records.MustParseDate(lastVisit)})
	if err != nil {
		f.T.Fatalf("CreatePatient %s: %v", mrn, err)
	}
	return p, f.FirstVolume(p)
}

// Review lists the barcodes eligible on asOf with their rules.
func (f *Fixture) Review(ctx context.Context, asOf string) map[string]records.RetentionCandidate {
	f.T.Helper()
	out := map[string]records.RetentionCandidate{}
	err := f.S.ReviewRetention(ctx, records.MustParseDate(asOf), func(c records.RetentionCandidate) error {
		out[c.Volume.Barcode] = c
		return nil
	})
	if err != nil {
		f.T.Fatalf("ReviewRetention: %v", err)
	}
	return out
}

func testRetentionPresets(t *testing.T, db NewDatabase) {
	f := newFixture(t, db)
	presets, err := f.S.ListRetentionPresets(f.Clerk)
	if err != nil || len(presets) < 3 {
		t.Fatalf("seeded presets: %v %v", presets, err)
	}
	_, err = f.S.SaveRetentionPreset(f.Supervisor, records.RetentionPreset{Name: "Ours", Policy: records.DefaultSettings().Retention})
	WantCode(t, err, records.EForbidden)

	ours, err := f.S.SaveRetentionPreset(f.Admin, records.RetentionPreset{Name: "State of Example", Policy: records.RetentionPolicy{AdultYears: 3, MajorityAge: 18, MinorYears: 2, DeceasedYears: 1, BillingOnlyYears: 3}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.S.SaveRetentionPreset(f.Admin, records.RetentionPreset{Name: "state of example", Policy: ours.Policy})
	if records.ErrorField(err) != "Name" {
		t.Errorf("duplicate name: %v", err)
	}
	_, err = f.S.SaveRetentionPreset(f.Admin, records.RetentionPreset{Name: "Bad", Policy: records.RetentionPolicy{AdultYears: -1, MajorityAge: 18}})
	if records.ErrorField(err) != "Adult retention years" {
		t.Errorf("negative years: %v", err)
	}

	st, err := f.S.Settings(f.Admin)
	if err != nil {
		t.Fatal(err)
	}
	st.RetentionPresetID = ours.ID
	if st, err = f.S.UpdateSettings(f.Admin, st); err != nil || st.Retention.AdultYears != 3 {
		t.Fatalf("follow the preset: %+v %v", st.Retention, err)
	}
	// Editing the preset changes the policy the settings follow.
	ours.Policy.AdultYears = 4
	if _, err := f.S.SaveRetentionPreset(f.Admin, ours); err != nil {
		t.Fatal(err)
	}
	if st, _ = f.S.Settings(f.Clerk); st.Retention.AdultYears != 4 || st.RetentionPresetID != ours.ID {
		t.Errorf("after editing the preset: %+v", st)
	}
	WantCode(t, f.S.DeleteRetentionPreset(f.Admin, ours.ID), records.EConflict)
	// Back to custom values: the preset can go.
	st.RetentionPresetID = 0
	st.Retention.AdultYears = 12
	if st, err = f.S.UpdateSettings(f.Admin, st); err != nil || st.Retention.AdultYears != 12 {
		t.Fatalf("custom: %+v %v", st, err)
	}
	if err := f.S.DeleteRetentionPreset(f.Admin, ours.ID); err != nil {
		t.Fatal(err)
	}
	if st, _ = f.S.Settings(f.Clerk); st.Retention.AdultYears != 12 {
		t.Errorf("custom values after delete: %+v", st.Retention)
	}
}

func testLegalHold(t *testing.T, db NewDatabase) {
	f := newFixture(t, db)
	p, _ := f.OldPatient("123456", "Holdwell", "1950-01-01", "2000-01-01")
	_, err := f.S.SetLegalHold(f.Clerk, p.ID, true, "Case 24-001")
	WantCode(t, err, records.EForbidden)
	_, err = f.S.SetLegalHold(f.Supervisor, p.ID, true, "")
	if records.ErrorField(err) != "Reason" {
		t.Errorf("no reason: %v", err)
	}
	if len(f.Review(f.Supervisor, "2025-03-10")) != 1 {
		t.Fatal("the old chart should be eligible before the hold")
	}
	held, err := f.S.SetLegalHold(f.Supervisor, p.ID, true, "Case 24-001 (fictitious)")
	if err != nil || !held.LegalHold {
		t.Fatalf("hold: %+v %v", held, err)
	}
	_, err = f.S.SetLegalHold(f.Supervisor, p.ID, true, "again")
	WantCode(t, err, records.EConflict)
	if got := f.Review(f.Supervisor, "2025-03-10"); len(got) != 0 {
		t.Errorf("a held chart is listed: %v", got)
	}
	events, err := f.S.ListAudit(f.Admin, records.AuditFilter{Entity: "patient", EntityID: p.ID})
	if err != nil || !slices.ContainsFunc(events, func(e records.AuditEvent) bool {
		return e.Action == records.AuditLegalHold && strings.Contains(e.Detail, "Case 24-001") && e.Username == "sam"
	}) {
		t.Errorf("no audit event for the hold: %v %v", events, err)
	}
	if released, err := f.S.SetLegalHold(f.Supervisor, p.ID, false, ""); err != nil || released.LegalHold {
		t.Fatalf("release: %+v %v", released, err)
	}
}

func testReviewRetention(t *testing.T, db NewDatabase) {
	f := newFixture(t, db)
	_, adult := f.OldPatient("100001", "Adultson", "1950-01-01", "2015-03-10")    // eligible 2025-03-10
	_, young := f.OldPatient("100002", "Youngdotter", "2000-06-01", "2010-01-01") // minor: eligible 2028-06-01
	_, recent := f.OldPatient("100003", "Recentley", "1960-01-01", "2020-01-01")  // eligible 2030
	billingType, err := f.S.SaveRecordType(f.Supervisor, records.RecordType{Name: "Billing", Code: "B", LoanDays: 7, BillingOnly: true})
	if err != nil || !billingType.BillingOnly {
		t.Fatalf("billing type: %+v %v", billingType, err)
	}
	rp, _ := f.OldPatient("100004", "Billman", "1960-01-01", "2018-03-10")
	bill, err := f.S.AddVolume(f.Clerk, records.Volume{PatientID: rp.ID, RecordTypeID: billingType.ID})
	if err != nil {
		t.Fatal(err)
	}
	WantCode(t, f.S.ReviewRetention(f.Clerk, records.MustParseDate("2025-03-10"), func(records.RetentionCandidate) error { return nil }), records.EForbidden)

	got := f.Review(f.Supervisor, "2025-03-09")
	if _, ok := got[adult.Barcode]; ok || len(got) != 0 {
		t.Errorf("day before: %v", got)
	}
	got = f.Review(f.Supervisor, "2025-03-10")
	if c, ok := got[adult.Barcode]; !ok || c.Decision.Rule != records.RuleAdult || c.Decision.EligibleOn.String() != "2025-03-10" {
		t.Errorf("adult on the day: %+v", c)
	}
	if c, ok := got[bill.Barcode]; !ok || c.Decision.Rule != records.RuleBillingOnly {
		t.Errorf("billing folder (7 years): %+v", got)
	}
	if len(got) != 2 {
		t.Errorf("eligible %d, want the adult and the billing folder: %v", len(got), got)
	}
	got = f.Review(f.Supervisor, "2028-06-01")
	if c, ok := got[young.Barcode]; !ok || c.Decision.Rule != records.RuleMinor {
		t.Errorf("minor turning 28: %+v", got)
	}
	if _, ok := got[recent.Barcode]; ok {
		t.Error("the recent chart is listed")
	}
}

// DestroyInput is a valid batch of the given folders on the clock's day.
func DestroyInput(ids ...records.ID) records.DestructionInput {
	return records.DestructionInput{Method: "cross-cut shredding on site", DestroyedBy: "Sam Shredder", Witness: "Wanda Witness", VolumeIDs: ids}
}
