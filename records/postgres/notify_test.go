package postgres

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/postgres/pgtest"
	"github.com/chartroom/chartroom/records/storetest"
)

// The server restarts under a workstation that listens for changes: a
// check-out while it is down is refused plainly and saves nothing, the
// listener says the server cannot be reached, and once the server is back
// the listener says so (everything may have changed) and the same store
// checks the folder out without being reopened.
func TestServerRestartUnderAListeningWorkstation(t *testing.T) {
	address := pgtest.Database(t)
	cluster := pgtest.Server(t)
	clock := storetest.NewClock()
	s, err := Open(context.Background(), address, Options{Now: clock.Now, PasswordParams: cheapParams})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	f := storetest.NewFixture(t, s, clock)
	p := f.Patient("515151", "Restart", "Ivy")
	v := f.FirstVolume(p)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	changes := s.Changes(ctx)

	if err := cluster.StopServer(ctx); err != nil {
		t.Fatal(err)
	}
	restarted := false
	defer func() {
		if !restarted {
			if err := cluster.StartServer(context.Background()); err != nil {
				t.Errorf("starting the server again: %v", err)
			}
		}
	}()
	_, err = s.CheckOut(f.Clerk, records.CheckOutInput{Barcode: v.Barcode, BorrowerID: f.DrGrey.ID})
	storetest.WantCode(t, err, records.EInternal)
	if msg := records.ErrorMessage(err); !strings.Contains(msg, "cannot reach the practice server") || !strings.Contains(msg, "not saved") ||
		strings.Contains(msg, "dial") || strings.Contains(msg, pgtest.AppRole) {
		t.Fatalf("check-out while the server is down told %q, want it plain, with no connection details", msg)
	}
	waitFor(t, changes, "the server out of reach", func(c records.Change) bool { return c.Unreachable != nil })

	if err := cluster.StartServer(ctx); err != nil {
		t.Fatal(err)
	}
	restarted = true
	waitFor(t, changes, "the server back", func(c records.Change) bool {
		return c.Unreachable == nil && c.What == records.ChangedEverything
	})
	if got, err := s.VolumeByBarcode(f.Clerk, v.Barcode); err != nil || got.State != records.StateInFile {
		t.Fatalf("the folder after the refused check-out: %+v %v (want it still in)", got, err)
	}
	if _, err := s.CheckOut(f.Clerk, records.CheckOutInput{Barcode: v.Barcode, BorrowerID: f.DrGrey.ID}); err != nil {
		t.Fatalf("check-out once the server is back: %v", err)
	}
	waitFor(t, changes, "the check-out", func(c records.Change) bool { return c.What&records.ChangedFolders != 0 })
	if problem, _, err := s.VerifyAudit(f.Supervisor, true); problem != nil || err != nil {
		t.Fatalf("audit chain after the restart: %+v %v", problem, err)
	}
}

// waitFor takes changes until one satisfies ok, failing t after a while.
func waitFor(t *testing.T, changes <-chan records.Change, what string, ok func(records.Change) bool) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case c, open := <-changes:
			if !open {
				t.Fatalf("the changes channel closed waiting for %s", what)
			}
			if ok(c) {
				return
			}
		case <-deadline:
			t.Fatalf("no change told %s", what)
		}
	}
}
