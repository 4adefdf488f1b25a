package sqlite

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/chartroom/chartroom/records"
)

// oldPatient creates a patient last seen on lastVisit (the fixture's clock
// is 2025-03-10).
func (f *fixture) oldPatient(mrn, last, dob, lastVisit string) (records.Patient, records.Volume) {
	f.t.Helper()
	p, err := f.s.CreatePatient(f.clerk, records.Patient{MRN: mrn, LastName: last, FirstName: "Test", DOB: records.MustParseDate(dob), LastVisit: records.MustParseDate(lastVisit)})
	if err != nil {
		f.t.Fatalf("CreatePatient %s: %v", mrn, err)
	}
	return p, f.firstVolume(p)
}

// review lists the barcodes eligible on asOf with their rules.
func (f *fixture) review(ctx context.Context, asOf string) map[string]records.RetentionCandidate {
	f.t.Helper()
	out := map[string]records.RetentionCandidate{}
	err := f.s.ReviewRetention(ctx, records.MustParseDate(asOf), func(c records.RetentionCandidate) error {
		out[c.Volume.Barcode] = c
		return nil
	})
	if err != nil {
		f.t.Fatalf("ReviewRetention: %v", err)
	}
	return out
}

func TestRetentionPresets(t *testing.T) {
	f := newFixture(t)
	presets, err := f.s.ListRetentionPresets(f.clerk)
	if err != nil || len(presets) < 3 {
		t.Fatalf("seeded presets: %v %v", presets, err)
	}
	_, err = f.s.SaveRetentionPreset(f.supervisor, records.RetentionPreset{Name: "Ours", Policy: records.DefaultSettings().Retention})
	wantCode(t, err, records.EForbidden)

	ours, err := f.s.SaveRetentionPreset(f.admin, records.RetentionPreset{Name: "State of Example", Policy: records.RetentionPolicy{AdultYears: 3, MajorityAge: 18, MinorYears: 2, DeceasedYears: 1, BillingOnlyYears: 3}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.s.SaveRetentionPreset(f.admin, records.RetentionPreset{Name: "state of example", Policy: ours.Policy})
	if records.ErrorField(err) != "Name" {
		t.Errorf("duplicate name: %v", err)
	}
	_, err = f.s.SaveRetentionPreset(f.admin, records.RetentionPreset{Name: "Bad", Policy: records.RetentionPolicy{AdultYears: -1, MajorityAge: 18}})
	if records.ErrorField(err) != "Adult retention years" {
		t.Errorf("negative years: %v", err)
	}

	st, err := f.s.Settings(f.admin)
	if err != nil {
		t.Fatal(err)
	}
	st.RetentionPresetID = ours.ID
	if st, err = f.s.UpdateSettings(f.admin, st); err != nil || st.Retention.AdultYears != 3 {
		t.Fatalf("follow the preset: %+v %v", st.Retention, err)
	}
	// Editing the preset changes the policy the settings follow.
	ours.Policy.AdultYears = 4
	if _, err := f.s.SaveRetentionPreset(f.admin, ours); err != nil {
		t.Fatal(err)
	}
	if st, _ = f.s.Settings(f.clerk); st.Retention.AdultYears != 4 || st.RetentionPresetID != ours.ID {
		t.Errorf("after editing the preset: %+v", st)
	}
	wantCode(t, f.s.DeleteRetentionPreset(f.admin, ours.ID), records.EConflict)
	// Back to custom values: the preset can go.
	st.RetentionPresetID = 0
	st.Retention.AdultYears = 12
	if st, err = f.s.UpdateSettings(f.admin, st); err != nil || st.Retention.AdultYears != 12 {
		t.Fatalf("custom: %+v %v", st, err)
	}
	if err := f.s.DeleteRetentionPreset(f.admin, ours.ID); err != nil {
		t.Fatal(err)
	}
	if st, _ = f.s.Settings(f.clerk); st.Retention.AdultYears != 12 {
		t.Errorf("custom values after delete: %+v", st.Retention)
	}
}

func TestLegalHold(t *testing.T) {
	f := newFixture(t)
	p, _ := f.oldPatient("123456", "Holdwell", "1950-01-01", "2000-01-01")
	_, err := f.s.SetLegalHold(f.clerk, p.ID, true, "Case 24-001")
	wantCode(t, err, records.EForbidden)
	_, err = f.s.SetLegalHold(f.supervisor, p.ID, true, "")
	if records.ErrorField(err) != "Reason" {
		t.Errorf("no reason: %v", err)
	}
	if len(f.review(f.supervisor, "2025-03-10")) != 1 {
		t.Fatal("the old chart should be eligible before the hold")
	}
	held, err := f.s.SetLegalHold(f.supervisor, p.ID, true, "Case 24-001 (fictitious)")
	if err != nil || !held.LegalHold {
		t.Fatalf("hold: %+v %v", held, err)
	}
	_, err = f.s.SetLegalHold(f.supervisor, p.ID, true, "again")
	wantCode(t, err, records.EConflict)
	if got := f.review(f.supervisor, "2025-03-10"); len(got) != 0 {
		t.Errorf("a held chart is listed: %v", got)
	}
	events, err := f.s.ListAudit(f.admin, records.AuditFilter{Entity: "patient", EntityID: p.ID})
	if err != nil || !slices.ContainsFunc(events, func(e records.AuditEvent) bool {
		return e.Action == records.AuditLegalHold && strings.Contains(e.Detail, "Case 24-001") && e.Username == "sam"
	}) {
		t.Errorf("no audit event for the hold: %v %v", events, err)
	}
	if released, err := f.s.SetLegalHold(f.supervisor, p.ID, false, ""); err != nil || released.LegalHold {
		t.Fatalf("release: %+v %v", released, err)
	}
}

func TestReviewRetention(t *testing.T) {
	f := newFixture(t)
	_, adult := f.oldPatient("100001", "Adultson", "1950-01-01", "2015-03-10")    // eligible 2025-03-10
	_, young := f.oldPatient("100002", "Youngdotter", "2000-06-01", "2010-01-01") // minor: eligible 2028-06-01
	_, recent := f.oldPatient("100003", "Recentley", "1960-01-01", "2020-01-01")  // eligible 2030
	billingType, err := f.s.SaveRecordType(f.supervisor, records.RecordType{Name: "Billing", Code: "B", LoanDays: 7, BillingOnly: true})
	if err != nil || !billingType.BillingOnly {
		t.Fatalf("billing type: %+v %v", billingType, err)
	}
	rp, _ := f.oldPatient("100004", "Billman", "1960-01-01", "2018-03-10")
	bill, err := f.s.AddVolume(f.clerk, records.Volume{PatientID: rp.ID, RecordTypeID: billingType.ID})
	if err != nil {
		t.Fatal(err)
	}
	wantCode(t, f.s.ReviewRetention(f.clerk, records.MustParseDate("2025-03-10"), func(records.RetentionCandidate) error { return nil }), records.EForbidden)

	got := f.review(f.supervisor, "2025-03-09")
	if _, ok := got[adult.Barcode]; ok || len(got) != 0 {
		t.Errorf("day before: %v", got)
	}
	got = f.review(f.supervisor, "2025-03-10")
	if c, ok := got[adult.Barcode]; !ok || c.Decision.Rule != records.RuleAdult || c.Decision.EligibleOn.String() != "2025-03-10" {
		t.Errorf("adult on the day: %+v", c)
	}
	if c, ok := got[bill.Barcode]; !ok || c.Decision.Rule != records.RuleBillingOnly {
		t.Errorf("billing folder (7 years): %+v", got)
	}
	if len(got) != 2 {
		t.Errorf("eligible %d, want the adult and the billing folder: %v", len(got), got)
	}
	got = f.review(f.supervisor, "2028-06-01")
	if c, ok := got[young.Barcode]; !ok || c.Decision.Rule != records.RuleMinor {
		t.Errorf("minor turning 28: %+v", got)
	}
	if _, ok := got[recent.Barcode]; ok {
		t.Error("the recent chart is listed")
	}
}

// destroyInput is a valid batch of the given folders on the clock's day.
func destroyInput(ids ...records.ID) records.DestructionInput {
	return records.DestructionInput{Method: "cross-cut shredding on site", DestroyedBy: "Sam Shredder", Witness: "Wanda Witness", VolumeIDs: ids}
}

func TestRecordDestruction(t *testing.T) {
	f := newFixture(t)
	p, v := f.oldPatient("200001", "Oldfield", "1940-01-01", "2010-05-05")
	two, err := f.s.AddVolume(f.clerk, records.Volume{PatientID: p.ID})
	if err != nil {
		t.Fatal(err)
	}
	_, young := f.oldPatient("200002", "Newcombe", "1990-01-01", "2020-01-01")
	heldP, held := f.oldPatient("200003", "Heldman", "1940-01-01", "2000-01-01")
	if _, err := f.s.SetLegalHold(f.supervisor, heldP.ID, true, "Case 25-7 (fictitious)"); err != nil {
		t.Fatal(err)
	}
	_, out := f.oldPatient("200004", "Outway", "1940-01-01", "2000-01-01")
	if _, err := f.s.CheckOut(f.clerk, records.CheckOutInput{Barcode: out.Barcode, BorrowerID: f.drGrey.ID}); err != nil {
		t.Fatal(err)
	}
	_, lost := f.oldPatient("200005", "Lostley", "1940-01-01", "2000-01-01")
	if _, err := f.s.MarkMissing(f.clerk, lost.ID, "not on the shelf"); err != nil {
		t.Fatal(err)
	}

	t.Run("a clerk may not", func(t *testing.T) {
		_, err := f.s.RecordDestruction(f.clerk, destroyInput(v.ID))
		wantCode(t, err, records.EForbidden)
	})
	t.Run("refusals name each folder and save nothing", func(t *testing.T) {
		_, err := f.s.RecordDestruction(f.supervisor, destroyInput(v.ID, young.ID, held.ID, out.ID, lost.ID))
		wantCode(t, err, records.EConflict)
		msg := records.ErrorMessage(err)
		for _, want := range []string{young.Barcode + " ", "not eligible until 2030-01-01", held.Barcode, "legal hold", out.Barcode, "out to Dr. Zed Grey", lost.Barcode, "missing", "4 folder(s) refused"} {
			if !strings.Contains(msg, want) {
				t.Errorf("refusal %q lacks %q", msg, want)
			}
		}
		if strings.Contains(msg, v.Barcode+" ") {
			t.Errorf("the eligible folder is named as refused: %q", msg)
		}
		if got, _ := f.s.Volume(f.supervisor, v.ID); got.State != records.StateInFile {
			t.Errorf("half-saved: %s is %s", v.Barcode, got.State)
		}
		if batches, _ := f.s.ListDestructionBatches(f.supervisor); len(batches) != 0 {
			t.Errorf("a batch was stored: %v", batches)
		}
	})
	t.Run("a batch date before eligibility is refused", func(t *testing.T) {
		in := destroyInput(v.ID)
		in.Date = records.MustParseDate("2020-05-04")
		_, err := f.s.RecordDestruction(f.supervisor, in)
		if err == nil || !strings.Contains(records.ErrorMessage(err), "not eligible until 2020-05-05") {
			t.Errorf("early batch: %v", err)
		}
	})

	in := destroyInput(v.ID)
	in.Note = "yearly review"
	b, err := f.s.RecordDestruction(f.supervisor, in)
	if err != nil {
		t.Fatal(err)
	}
	if b.ID == 0 || b.Count != 1 || len(b.Items) != 1 || b.Date.String() != "2025-03-10" || b.RecordedBy != "sam" || b.Last.String() != "2010-05-05" {
		t.Fatalf("batch: %+v", b)
	}
	got, _ := f.s.Volume(f.supervisor, v.ID)
	if got.State != records.StateDestroyed {
		t.Fatalf("state %s", got.State)
	}
	listed := func(fl records.VolumeFilter) bool {
		found := false
		if err := f.s.ListVolumes(f.clerk, fl, func(x records.Volume) error {
			found = found || x.ID == v.ID
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return found
	}
	for _, c := range []struct {
		name string
		fl   records.VolumeFilter
		want bool
	}{
		{"every folder", records.VolumeFilter{}, true},
		{"folders that exist", records.VolumeFilter{ExcludeDestroyed: true}, false},
		{"destroyed asked for by state", records.VolumeFilter{ExcludeDestroyed: true, States: []records.VolumeState{records.StateDestroyed}}, true},
	} {
		if got := listed(c.fl); got != c.want {
			t.Errorf("%s: destroyed folder listed %v, want %v", c.name, got, c.want)
		}
	}
	if pt, _ := f.s.Patient(f.supervisor, p.ID); pt.Status == records.PatientDestroyed {
		t.Error("the patient is destroyed while volume 2 still exists")
	}
	moves, _ := f.s.History(f.clerk, records.HistoryFilter{VolumeID: v.ID})
	if len(moves) == 0 || moves[0].Kind != records.MoveDestroy || !strings.Contains(moves[0].Note, "cross-cut") {
		t.Errorf("no destroy movement: %+v", moves)
	}

	t.Run("destruction cannot be undone", func(t *testing.T) {
		_, err := f.s.CheckOut(f.clerk, records.CheckOutInput{Barcode: v.Barcode, BorrowerID: f.drGrey.ID})
		wantCode(t, err, records.EConflict)
		_, err = f.s.CheckIn(f.clerk, v.Barcode)
		wantCode(t, err, records.EConflict)
		_, err = f.s.MarkMissing(f.clerk, v.ID, "")
		wantCode(t, err, records.EConflict)
		_, err = f.s.MarkFound(f.clerk, v.ID, "")
		if err == nil || !strings.Contains(records.ErrorMessage(err), "destroyed") {
			t.Errorf("found: %v", err)
		}
		_, err = f.s.Transfer(f.supervisor, v.ID, f.room.ID, "")
		if err == nil || !strings.Contains(records.ErrorMessage(err), "destroyed") {
			t.Errorf("transfer: %v", err)
		}
		_, err = f.s.RecordDestruction(f.supervisor, destroyInput(v.ID))
		if err == nil || !strings.Contains(records.ErrorMessage(err), "already destroyed") {
			t.Errorf("second destruction: %v", err)
		}
		// Even SQL from another program cannot bring it back.
		if _, err := f.s.w.Exec("UPDATE volumes SET state = 'in-file' WHERE id = ?", int64(v.ID)); err == nil {
			t.Error("the database let a destroyed folder back in file")
		}
		if _, err := f.s.w.Exec("DELETE FROM destruction_batches"); err == nil {
			t.Error("the database let a batch be deleted")
		}
	})

	// Destroying the last volume marks the patient destroyed; the index row stays.
	if _, err := f.s.RecordDestruction(f.supervisor, destroyInput(two.ID)); err != nil {
		t.Fatal(err)
	}
	pt, err := f.s.Patient(f.supervisor, p.ID)
	if err != nil || pt.Status != records.PatientDestroyed || pt.MRN != "200001" {
		t.Errorf("patient after the last volume: %+v %v", pt, err)
	}
	if hits, _ := f.s.Search(f.clerk, "200001", 5); len(hits) != 1 {
		t.Errorf("the destroyed chart is no longer found: %v", hits)
	}
	events, err := f.s.ListAudit(f.admin, records.AuditFilter{Entity: "destruction-batch"})
	if err != nil || len(events) < 2 || events[len(events)-1].Action != records.AuditDestroy || !strings.Contains(events[len(events)-1].Detail, "Wanda Witness") {
		t.Errorf("audit: %+v %v", events, err)
	}
	if problem, _, err := f.s.VerifyAudit(context.Background(), true); problem != nil || err != nil {
		t.Errorf("audit chain: %v %v", problem, err)
	}
	batches, err := f.s.ListDestructionBatches(f.supervisor)
	if err != nil || len(batches) != 2 || batches[0].ID <= batches[1].ID {
		t.Errorf("batches: %+v %v", batches, err)
	}
	full, err := f.s.DestructionBatch(f.supervisor, b.ID)
	if err != nil || len(full.Items) != 1 || full.Items[0].Barcode != v.Barcode || full.Items[0].Rule != records.RuleAdult || full.Note != "yearly review" {
		t.Errorf("batch read back: %+v %v", full, err)
	}
}
