package storetest

import (
	"context"
	"strings"
	"testing"

	"github.com/chartroom/chartroom/records"
)

func testRecordDestruction(t *testing.T, db NewDatabase) {
	f := newFixture(t, db)
	p, v := f.OldPatient("200001", "Oldfield", "1940-01-01", "2010-05-05")
	two, err := f.S.AddVolume(f.Clerk, records.Volume{PatientID: p.ID})
	if err != nil {
		t.Fatal(err)
	}
	_, young := f.OldPatient("200002", "Newcombe", "1990-01-01", "2020-01-01")
	heldP, held := f.OldPatient("200003", "Heldman", "1940-01-01", "2000-01-01")
	if _, err := f.S.SetLegalHold(f.Supervisor, heldP.ID, true, "Case 25-7 (fictitious)"); err != nil {
		t.Fatal(err)
	}
	_, out := f.OldPatient("200004", "Outway", "1940-01-01", "2000-01-01")
	if _, err := f.S.CheckOut(f.Clerk, records.CheckOutInput{Barcode: out.Barcode, BorrowerID: f.DrGrey.ID}); err != nil {
		t.Fatal(err)
	}
	_, lost := f.OldPatient("200005", "Lostley", "1940-01-01", "2000-01-01")
	if _, err := f.S.MarkMissing(f.Clerk, lost.ID, "not on the shelf"); err != nil {
		t.Fatal(err)
	}

	t.Run("a clerk may not", func(t *testing.T) {
		_, err := f.S.RecordDestruction(f.Clerk, DestroyInput(v.ID))
		WantCode(t, err, records.EForbidden)
	})
	t.Run("refusals name each folder and save nothing", func(t *testing.T) {
		_, err := f.S.RecordDestruction(f.Supervisor, DestroyInput(v.ID, young.ID, held.ID, out.ID, lost.ID))
		WantCode(t, err, records.EConflict)
		msg := records.ErrorMessage(err)
		for _, want := range []string{young.Barcode + " ", "not eligible until 2030-01-01", held.Barcode, "legal hold", out.Barcode, "out to Dr. Zed Grey", lost.Barcode, "missing", "4 folder(s) refused"} {
			if !strings.Contains(msg, want) {
				t.Errorf("refusal %q lacks %q", msg, want)
			}
		}
		if strings.Contains(msg, v.Barcode+" ") {
			t.Errorf("the eligible folder is named as refused: %q", msg)
		}
		if got, _ := f.S.Volume(f.Supervisor, v.ID); got.State != records.StateInFile {
			t.Errorf("half-saved: %s is %s", v.Barcode, got.State)
		}
		if batches, _ := f.S.ListDestructionBatches(f.Supervisor); len(batches) != 0 {
			t.Errorf("a batch was stored: %v", batches)
		}
	})
	t.Run("a batch date before eligibility is refused", func(t *testing.T) {
		in := DestroyInput(v.ID)
		in.Date = records.MustParseDate("2020-05-04")
		_, err := f.S.RecordDestruction(f.Supervisor, in)
		if err == nil || !strings.Contains(records.ErrorMessage(err), "not eligible until 2020-05-05") {
			t.Errorf("early batch: %v", err)
		}
	})

	in := DestroyInput(v.ID)
	in.Note = "yearly review"
	b, err := f.S.RecordDestruction(f.Supervisor, in)
	if err != nil {
		t.Fatal(err)
	}
	if b.ID == 0 || b.Count != 1 || len(b.Items) != 1 || b.Date.String() != "2025-03-10" || b.RecordedBy != "sam" || b.Last.String() != "2010-05-05" {
		t.Fatalf("batch: %+v", b)
	}
	got, _ := f.S.Volume(f.Supervisor, v.ID)
	if got.State != records.StateDestroyed {
		t.Fatalf("state %s", got.State)
	}
	listed := func(fl records.VolumeFilter) bool {
		found := false
		if err := f.S.ListVolumes(f.Clerk, fl, func(x records.Volume) error {
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
	if pt, _ := f.S.Patient(f.Supervisor, p.ID); pt.Status == records.PatientDestroyed {
		t.Error("the patient is destroyed while volume 2 still exists")
	}
	moves, _ := f.S.History(f.Clerk, records.HistoryFilter{VolumeID: v.ID})
	if len(moves) == 0 || moves[0].Kind != records.MoveDestroy || !strings.Contains(moves[0].Note, "cross-cut") {
		t.Errorf("no destroy movement: %+v", moves)
	}

	t.Run("destruction cannot be undone", func(t *testing.T) {
		_, err := f.S.CheckOut(f.Clerk, records.CheckOutInput{Barcode: v.Barcode, BorrowerID: f.DrGrey.ID})
		WantCode(t, err, records.EConflict)
		_, err = f.S.CheckIn(f.Clerk, v.Barcode)
		WantCode(t, err, records.EConflict)
		_, err = f.S.MarkMissing(f.Clerk, v.ID, "")
		WantCode(t, err, records.EConflict)
		_, err = f.S.MarkFound(f.Clerk, v.ID, "")
		if err == nil || !strings.Contains(records.ErrorMessage(err), "destroyed") {
			t.Errorf("found: %v", err)
		}
		_, err = f.S.Transfer(f.Supervisor, v.ID, f.Room.ID, "")
		if err == nil || !strings.Contains(records.ErrorMessage(err), "destroyed") {
			t.Errorf("transfer: %v", err)
		}
		_, err = f.S.RecordDestruction(f.Supervisor, DestroyInput(v.ID))
		if err == nil || !strings.Contains(records.ErrorMessage(err), "already destroyed") {
			t.Errorf("second destruction: %v", err)
		}
	})

	// Destroying the last volume marks the patient destroyed; the index row stays.
	if _, err := f.S.RecordDestruction(f.Supervisor, DestroyInput(two.ID)); err != nil {
		t.Fatal(err)
	}
	pt, err := f.S.Patient(f.Supervisor, p.ID)
	if err != nil || pt.Status != records.PatientDestroyed || pt.MRN != "200001" {
		t.Errorf("patient after the last volume: %+v %v", pt, err)
	}
	if hits, _ := f.S.Search(f.Clerk, "200001", 5); len(hits) != 1 {
		t.Errorf("the destroyed chart is no longer found: %v", hits)
	}
	events, err := f.S.ListAudit(f.Admin, records.AuditFilter{Entity: "destruction-batch"})
	if err != nil || len(events) < 2 || events[len(events)-1].Action != records.AuditDestroy || !strings.Contains(events[len(events)-1].Detail, "Wanda Witness") {
		t.Errorf("audit: %+v %v", events, err)
	}
	if problem, _, err := f.S.VerifyAudit(context.Background(), true); problem != nil || err != nil {
		t.Errorf("audit chain: %v %v", problem, err)
	}
	batches, err := f.S.ListDestructionBatches(f.Supervisor)
	if err != nil || len(batches) != 2 || batches[0].ID <= batches[1].ID {
		t.Errorf("batches: %+v %v", batches, err)
	}
	full, err := f.S.DestructionBatch(f.Supervisor, b.ID)
	if err != nil || len(full.Items) != 1 || full.Items[0].Barcode != v.Barcode || full.Items[0].Rule != records.RuleAdult || full.Note != "yearly review" {
		t.Errorf("batch read back: %+v %v", full, err)
	}
}

// DestroyedFolder records the destruction of the folder of a chart last
// seen long ago and returns the folder and its batch: for a store's own
// test that its database refuses to bring either back whatever program
// asks.
func (f *Fixture) DestroyedFolder() (records.Volume, records.DestructionBatch) {
	f.T.Helper()
	_, v := f.OldPatient("800001", "Shredwell", "1940-01-01", "2000-01-01")
	b, err := f.S.RecordDestruction(f.Supervisor, DestroyInput(v.ID))
	if err != nil {
		f.T.Fatalf("RecordDestruction: %v", err)
	}
	return v, b
}
