package storetest

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/chartroom/chartroom/records"
)

// Four workstations (here: four stores, each with its own connections)
// scan the same folder at once: exactly one wins each round, each other is
// told who has it, and nobody sees "database is locked".
func testWorkstationsRaceForOneFolder(t *testing.T, db NewDatabase) {
	f := newFixture(t, db)
	p := f.Patient("999999", "Quux", "Contested")
	v := f.FirstVolume(p)
	stores := []records.Service{f.S, f.db.Open(t, f.Clock.Now), f.db.Open(t, f.Clock.Now), f.db.Open(t, f.Clock.Now)}
	borrowers := []records.Borrower{f.DrGrey, f.DrStone,
		f.Borrower(records.Borrower{Name: "Dr. Nia Third", Kind: records.BorrowerProvider}),
		f.Borrower(records.Borrower{Name: "Dr. Odo Fourth", Kind: records.BorrowerProvider})}
	const rounds = 40
	for round := 0; round < rounds; round++ {
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make([]error, len(stores))
		for i := range stores {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				<-start
				_, errs[i] = stores[i].CheckOut(f.Clerk, records.CheckOutInput{Barcode: v.Barcode, BorrowerID: borrowers[i].ID})
			}(i)
		}
		close(start)
		wg.Wait()
		winner := -1
		for i, err := range errs {
			if err == nil {
				if winner >= 0 {
					t.Fatalf("round %d: workstations %d and %d both checked the folder out", round, winner, i)
				}
				winner = i
			}
		}
		if winner < 0 {
			t.Fatalf("round %d: nobody won (%v)", round, errs)
		}
		for i, err := range errs {
			if i == winner {
				continue
			}
			WantCode(t, err, records.EConflict)
			msg := err.Error()
			if !strings.Contains(msg, "already out to "+borrowers[winner].Name+" since") || strings.Contains(msg, "locked") || strings.Contains(msg, "busy") {
				t.Fatalf("round %d: loser told %q", round, msg)
			}
		}
		if _, err := stores[round%len(stores)].CheckIn(f.Clerk, v.Barcode); err != nil {
			t.Fatalf("round %d: check-in: %v", round, err)
		}
	}
	hist, err := f.S.History(f.Clerk, records.HistoryFilter{VolumeID: v.ID})
	if err != nil || len(hist) != 2*rounds+1 {
		t.Fatalf("history has %d movements, want %d: %v", len(hist), 2*rounds+1, err)
	}
	if problem, _, err := f.S.VerifyAudit(context.Background(), true); problem != nil || err != nil {
		t.Fatalf("audit chain after the race: %v %v", problem, err)
	}
}
