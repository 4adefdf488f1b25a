package storetest

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/chartroom/chartroom/records"
)

// Two processes (here: two stores, each with its own connections) scan the
// same folder at once: exactly one wins each round, the other is told who
// has it, and nobody sees "database is locked".
func testTwoStoresRaceForOneFolder(t *testing.T, db NewDatabase) {
	f := newFixture(t, db)
	p := f.Patient("999999", "Quux", "Contested")
	v := f.FirstVolume(p)
	other := f.db.Open(t, f.Clock.Now)
	stores := []records.Service{f.S, other}
	borrowers := []records.Borrower{f.DrGrey, f.DrStone}
	const rounds = 40
	for round := 0; round < rounds; round++ {
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make([]error, 2)
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
		wins := 0
		for i, err := range errs {
			if err == nil {
				wins++
				continue
			}
			WantCode(t, err, records.EConflict)
			msg := err.Error()
			if !strings.Contains(msg, "already out to "+borrowers[1-i].Name+" since") || strings.Contains(msg, "locked") || strings.Contains(msg, "busy") {
				t.Fatalf("round %d: loser told %q", round, msg)
			}
		}
		if wins != 1 {
			t.Fatalf("round %d: %d winners (%v)", round, wins, errs)
		}
		if _, err := stores[round%2].CheckIn(f.Clerk, v.Barcode); err != nil {
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
