package storetest

import (
	"slices"
	"strings"
	"testing"

	"github.com/chartroom/chartroom/records"
)

// shelfPractice is a room with two shelves and folders on shelf 1:
// V(a)..V(e) in filing order, one recorded out, one recorded missing.
type shelfPractice struct {
	*Fixture
	shelf1, shelf2 records.Location
	vols           []records.Volume // on shelf 1, in filing order
	stray          records.Volume   // homed on shelf 2
}

func newShelfPractice(t *testing.T, db NewDatabase) *shelfPractice {
	f := newFixture(t, db)
	sp := &shelfPractice{Fixture: f}
	var err error
	if sp.shelf1, err = f.S.SaveLocation(f.Supervisor, records.Location{ParentID: f.Room.ID, Name: "Shelf 1", Kind: records.LocationShelf}); err != nil {
		t.Fatal(err)
	}
	if sp.shelf2, err = f.S.SaveLocation(f.Supervisor, records.Location{ParentID: f.Room.ID, Name: "Shelf 2", Kind: records.LocationShelf}); err != nil {
		t.Fatal(err)
	}
	// Terminal digit: 000110 files before 000120 ... (primary pair 10, 20, ...).
	for i, mrn := range []string{"000110", "000120", "000130", "000140", "000150"} {
		p := f.Patient(mrn, "Shelfperson", string(rune('A'+i)))
		v := f.FirstVolume(p)
		if v, err = f.S.Transfer(f.Supervisor, v.ID, sp.shelf1.ID, "set up"); err != nil {
			t.Fatal(err)
		}
		sp.vols = append(sp.vols, v)
	}
	sp.stray = f.FirstVolume(f.Patient("000135", "Strayling", "Sam"))
	if sp.stray, err = f.S.Transfer(f.Supervisor, sp.stray.ID, sp.shelf2.ID, "set up"); err != nil {
		t.Fatal(err)
	}
	return sp
}

func testShelfAuditFindings(t *testing.T, db NewDatabase) {
	sp := newShelfPractice(t, db)
	v := sp.vols
	if _, err := sp.S.CheckOut(sp.Clerk, records.CheckOutInput{Barcode: v[1].Barcode, BorrowerID: sp.DrGrey.ID}); err != nil {
		t.Fatal(err)
	}
	// The clerk scans shelf 1: v0, v3 (misfiled early), v1 (recorded out), v2, stray, an unknown code; v4 is not there.
	scans := []string{v[0].Barcode, v[3].Barcode, strings.ToLower(v[1].Barcode), v[2].Barcode, sp.stray.Barcode, "NOPE-123"}
	res, err := sp.S.ShelfAudit(sp.Clerk, records.ShelfSection{LocationID: sp.shelf1.ID}, scans)
	if err != nil {
		t.Fatal(err)
	}
	if res.LocationPath != "Record room > Shelf 1" || res.Expected != 4 {
		t.Errorf("location %q expected %d", res.LocationPath, res.Expected)
	}
	byCode := map[string]records.ShelfScanResult{}
	for _, r := range res.Scans {
		byCode[r.Barcode] = r
	}
	if r := byCode[v[3].Barcode]; !r.OutOfOrder || r.After.ID != sp.stray.ID {
		t.Errorf("v3: %+v", r)
	}
	if r := byCode[v[1].Barcode]; r.Problem != records.ShelfRecordedOut || r.OutOfOrder {
		t.Errorf("v1: %+v", r)
	}
	if r := byCode[sp.stray.Barcode]; r.Problem != records.ShelfRecordedElsewhere {
		t.Errorf("stray: %+v", r)
	}
	if r := byCode["NOPE-123"]; !r.Unknown {
		t.Errorf("unknown: %+v", r)
	}
	if len(res.NotSeen) != 1 || res.NotSeen[0].ID != v[4].ID {
		t.Errorf("not seen: %+v", res.NotSeen)
	}
	// The room contains shelf 1: auditing it expects shelf 1's folders too.
	room, err := sp.S.ShelfAudit(sp.Clerk, records.ShelfSection{LocationID: sp.Room.ID}, nil)
	if err != nil || room.Expected != 5 { // v0, v2, v3, v4 and the stray (v1 is out)
		t.Errorf("room: expected %d %v", room.Expected, err)
	}
	// Looking changed nothing.
	if got, _ := sp.S.Volume(sp.Clerk, v[4].ID); got.State != records.StateInFile {
		t.Errorf("ShelfAudit changed %s to %s", got.Barcode, got.State)
	}
}

func testApplyShelfAudit(t *testing.T, db NewDatabase) {
	sp := newShelfPractice(t, db)
	v := sp.vols
	if _, err := sp.S.CheckOut(sp.Clerk, records.CheckOutInput{Barcode: v[1].Barcode, BorrowerID: sp.DrGrey.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := sp.S.MarkMissing(sp.Clerk, v[2].ID, "gone"); err != nil {
		t.Fatal(err)
	}
	scans := []string{v[0].Barcode, v[1].Barcode, v[2].Barcode, sp.stray.Barcode, v[3].Barcode}

	// A clerk applies: missing and found, but the stray keeps its home.
	applied, err := sp.S.ApplyShelfAudit(sp.Clerk, records.ShelfSection{LocationID: sp.shelf1.ID}, scans)
	if err != nil {
		t.Fatal(err)
	}
	if applied.MarkedMissing != 1 || applied.MarkedFound != 2 || applied.Rehomed != 0 || len(applied.Skipped) != 1 || applied.RunID == 0 {
		t.Fatalf("applied: %+v", applied)
	}
	if !strings.Contains(applied.Skipped[0], "Record room > Shelf 2") {
		t.Errorf("skipped: %q", applied.Skipped[0])
	}
	state := func(id records.ID) records.Volume {
		got, err := sp.S.Volume(sp.Clerk, id)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := state(v[4].ID); got.State != records.StateMissing {
		t.Errorf("not seen: %s", got.State)
	}
	for _, id := range []records.ID{v[1].ID, v[2].ID} {
		if got := state(id); got.State != records.StateInFile || got.HomeID != sp.shelf1.ID {
			t.Errorf("%s: %s at %s", got.Barcode, got.State, got.HomePath)
		}
	}
	moves, _ := sp.S.History(sp.Clerk, records.HistoryFilter{VolumeID: v[1].ID})
	if len(moves) == 0 || moves[0].Kind != records.MoveCheckIn || !strings.Contains(moves[0].Note, "shelf audit") {
		t.Errorf("v1 history: %+v", moves)
	}
	events, _ := sp.S.ListAudit(sp.Admin, records.AuditFilter{Entity: "location", EntityID: sp.shelf1.ID})
	if !slices.ContainsFunc(events, func(e records.AuditEvent) bool {
		return e.Action == records.AuditShelfAudit && strings.Contains(e.Detail, "1 marked missing, 2 found")
	}) {
		t.Errorf("audit: %+v", events)
	}

	// A supervisor applying the same scan gives the stray its new home; the
	// rest already agrees, so nothing else changes.
	applied, err = sp.S.ApplyShelfAudit(sp.Supervisor, records.ShelfSection{LocationID: sp.shelf1.ID}, scans)
	if err != nil {
		t.Fatal(err)
	}
	if applied.Rehomed != 1 || applied.MarkedMissing != 0 || applied.MarkedFound != 0 {
		t.Errorf("second apply: %+v", applied)
	}
	if got := state(sp.stray.ID); got.HomeID != sp.shelf1.ID {
		t.Errorf("stray home %s", got.HomePath)
	}
	runs, err := sp.S.ListShelfAudits(sp.Clerk, 10)
	if err != nil || len(runs) != 2 || runs[0].Rehomed != 1 || runs[1].MarkedMissing != 1 || runs[1].Counts.Scanned != 5 {
		t.Errorf("runs: %+v %v", runs, err)
	}
}

// An audit of some terminal-digit sections expects only their folders, and
// applying it changes nothing outside them.
func testApplyShelfAuditOfASection(t *testing.T, db NewDatabase) {
	sp := newShelfPractice(t, db)
	v := sp.vols // sections 10, 20, 30, 40, 50
	section := records.ShelfSection{LocationID: sp.shelf1.ID, Digits: &records.DigitRange{From: 10, To: 20}}
	res, err := sp.S.ShelfAudit(sp.Clerk, section, []string{v[0].Barcode})
	if err != nil {
		t.Fatal(err)
	}
	if res.Expected != 2 || len(res.NotSeen) != 1 || res.NotSeen[0].ID != v[1].ID {
		t.Fatalf("expected %d, not seen %+v; want 2 expected and only %s not seen", res.Expected, res.NotSeen, v[1].Barcode)
	}
	applied, err := sp.S.ApplyShelfAudit(sp.Clerk, section, []string{v[0].Barcode})
	if err != nil {
		t.Fatal(err)
	}
	if applied.MarkedMissing != 1 {
		t.Fatalf("marked %d missing, want 1", applied.MarkedMissing)
	}
	for i, want := range []records.VolumeState{records.StateInFile, records.StateMissing, records.StateInFile, records.StateInFile, records.StateInFile} {
		got, err := sp.S.Volume(sp.Clerk, v[i].ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != want {
			t.Errorf("folder of section %d is %s, want %s", records.TerminalSection(got.MRN), got.State, want)
		}
	}
}
