package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/chartroom/chartroom/records"
)

// heardWithin is how long a change may take to reach another workstation:
// a store that polls (SQLite) hears another process within a second or so.
const heardWithin = 10 * time.Second

// Two workstations on one database: a check-out on one is heard by the
// other, and by itself, as a change of folders; a look (a folder's
// details) is no change; a new patient is heard as one of patients only;
// a subscription ends with its context.
func testAnotherWorkstationsChangesAreHeard(t *testing.T, db NewDatabase) {
	f := newFixture(t, db)
	p := f.Patient("424242", "Quill", "Ona")
	v := f.FirstVolume(p)
	other := f.db.Open(t, f.Clock.Now)
	feed := func(s records.Service) records.ChangeFeed {
		t.Helper()
		cf, ok := s.(records.ChangeFeed)
		if !ok {
			t.Fatalf("%T is not a records.ChangeFeed: the app could not show other workstations' changes", s)
		}
		return cf
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	mine, theirs := feed(f.S).Changes(ctx), feed(other).Changes(ctx)

	if _, err := f.S.CheckOut(f.Clerk, records.CheckOutInput{Barcode: v.Barcode, BorrowerID: f.DrGrey.ID}); err != nil {
		t.Fatal(err)
	}
	for name, ch := range map[string]<-chan records.Change{"the other workstation": theirs, "the workstation that checked it out": mine} {
		if c := nextChange(t, ch); c.What&records.ChangedFolders == 0 || c.Unreachable != nil {
			t.Fatalf("%s heard %+v after a check-out, want a change of folders", name, c)
		}
	}

	if _, err := f.S.VolumeByBarcode(f.Clerk, v.Barcode); err != nil {
		t.Fatal(err)
	}
	f.Patient("434343", "Quill", "Pax")
	if c := nextChange(t, theirs); c.What != records.ChangedPatients {
		t.Fatalf("after a look and a new patient the other workstation heard %b, want only patients (%b)", c.What, records.ChangedPatients)
	}

	cancel()
	deadline := time.After(heardWithin)
	for {
		select {
		case _, open := <-theirs:
			if !open {
				return
			}
		case <-deadline:
			t.Fatal("the subscription stayed open after its context ended")
		}
	}
}

// nextChange waits heardWithin for the next change on ch.
func nextChange(t *testing.T, ch <-chan records.Change) records.Change {
	t.Helper()
	select {
	case c, open := <-ch:
		if !open {
			t.Fatal("the changes channel closed while the test listened")
		}
		return c
	case <-time.After(heardWithin):
		t.Fatalf("no change heard within %v", heardWithin)
	}
	return records.Change{}
}
