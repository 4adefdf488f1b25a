package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/chartroom/chartroom/records"
)

// raceOnce runs op on every store at once and checks that exactly one
// call succeeds and every other is refused as a conflict: what the stores'
// row locks are for. It returns the winner's index.
func raceOnce(t *testing.T, what string, stores []records.Service, op func(s records.Service) error) int {
	t.Helper()
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make([]error, len(stores))
	for i, s := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = op(s)
		}()
	}
	close(start)
	wg.Wait()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Fatalf("%s: workstations %d and %d both succeeded", what, winner, i)
		case err == nil:
			winner = i
		case records.ErrorCode(err) != records.EConflict:
			t.Fatalf("%s: workstation %d: want a conflict, got %v", what, i, err)
		}
	}
	if winner < 0 {
		t.Fatalf("%s: nobody succeeded: %v", what, errs)
	}
	return winner
}

// Several workstations at once merge the same chart, undo the same merge,
// destroy the same folder and file the same papers: each happens once,
// the others are told why not, and the audit chain stays whole.
func testWorkstationsRaceForOneChart(t *testing.T, db NewDatabase) {
	f := newFixture(t, db)
	stores := []records.Service{f.S, f.db.Open(t, f.Clock.Now), f.db.Open(t, f.Clock.Now), f.db.Open(t, f.Clock.Now)}
	const rounds = 5
	for round := range rounds {
		survivor := f.Patient(fmt.Sprintf("5000%02d", round), "Racer", fmt.Sprintf("Quinn %c", 'A'+round))
		retired := f.DuplicatePatient(fmt.Sprintf("6000%02d", round), survivor)
		if _, err := f.S.AddLooseFiling(f.Clerk, records.LooseFiling{PatientID: retired.ID, Description: "Lab results"}); err != nil {
			t.Fatal(err)
		}
		raceOnce(t, "merge", stores, func(s records.Service) error {
			_, err := s.MergePatients(f.Supervisor, retired.MRN, survivor.MRN, "")
			return err
		})
		ms, err := f.S.ListMerges(f.Supervisor)
		if err != nil || len(ms) != round+1 {
			t.Fatalf("round %d: %d merges, want %d: %v", round, len(ms), round+1, err)
		}
		raceOnce(t, "undo", stores, func(s records.Service) error {
			_, err := s.UndoMerge(f.Admin, ms[0].ID, "")
			return err
		})
		vs, err := f.S.VolumesOfPatient(f.Clerk, retired.ID)
		if err != nil || len(vs) != 1 {
			t.Fatalf("round %d: the retired chart has %d folders after the undo: %v", round, len(vs), err)
		}
		waiting, err := f.S.ListLooseFiling(f.Clerk, retired.ID, records.LooseWaiting)
		if err != nil || len(waiting) != 1 {
			t.Fatalf("round %d: waiting papers %+v %v", round, waiting, err)
		}
		raceOnce(t, "filing", stores, func(s records.Service) error {
			_, err := s.MarkFiled(f.Clerk, waiting[0].ID)
			return err
		})
	}
	p, v := f.OldPatient("900001", "Oldcastle", "1940-01-01", "2000-01-01")
	raceOnce(t, "destruction", stores, func(s records.Service) error {
		_, err := s.RecordDestruction(f.Supervisor, DestroyInput(v.ID))
		return err
	})
	if batches, err := f.S.ListDestructionBatches(f.Supervisor); err != nil || len(batches) != 1 || batches[0].Count != 1 {
		t.Fatalf("batches %+v %v", batches, err)
	}
	if got, err := f.S.Patient(f.Clerk, p.ID); err != nil || got.Status != records.PatientDestroyed {
		t.Fatalf("patient %+v %v", got, err)
	}
	if problem, _, err := f.S.VerifyAudit(context.Background(), true); problem != nil || err != nil {
		t.Fatalf("audit chain after the races: %v %v", problem, err)
	}
}
