package storetest

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/chartroom/chartroom/records"
)

func testCheckOutAndIn(t *testing.T, db NewDatabase) {
	f := newFixture(t, db)
	p := f.Patient("123456", "Quux", "Zelda")
	v := f.FirstVolume(p)
	if v.Barcode != records.GeneratedBarcode(v.ID) || v.State != records.StateInFile || v.HomePath != "Record room" || v.Number != 1 {
		t.Fatalf("new volume: %+v", v)
	}

	out, err := f.S.CheckOut(f.Clerk, records.CheckOutInput{Barcode: " " + strings.ToLower(v.Barcode) + "\r\n", BorrowerID: f.DrGrey.ID})
	if err != nil {
		t.Fatalf("CheckOut: %v", err)
	}
	wantDue := records.DateOf(f.Clock.Now()).AddDays(f.Medical.LoanDays)
	if out.Volume.State != records.StateCheckedOut || out.Volume.BorrowerID != f.DrGrey.ID || !out.Volume.Due.Equal(wantDue) ||
		!out.Volume.OutSince.Equal(f.Clock.Now()) || out.Volume.BorrowerName != f.DrGrey.Name || out.Volume.BorrowerTel != "x101" || out.Volume.Where() != f.DrGrey.Name {
		t.Fatalf("checked out: %+v (want due %s)", out, wantDue)
	}

	// Already out: refused with who and since when.
	_, err = f.S.CheckOut(f.Clerk, records.CheckOutInput{Barcode: v.Barcode, BorrowerID: f.DrStone.ID})
	WantCode(t, err, records.EConflict)
	if msg := err.Error(); !strings.Contains(msg, f.DrGrey.Name) || !strings.Contains(msg, f.Clock.Now().Format("2006-01-02 15:04")) {
		t.Fatalf("refusal does not say who and since when: %q", msg)
	}

	// A deliberate hand-off, with the borrower's own loan period.
	f.Clock.Advance(time.Hour)
	out, err = f.S.CheckOut(f.Clerk, records.CheckOutInput{Barcode: v.Barcode, BorrowerID: f.DrStone.ID, HandOff: true})
	if err != nil {
		t.Fatalf("hand-off: %v", err)
	}
	if out.Volume.BorrowerID != f.DrStone.ID || !out.Volume.Due.Equal(records.DateOf(f.Clock.Now()).AddDays(3)) || out.Volume.BorrowerTel != "Room 4" {
		t.Fatalf("handed off: %+v", out)
	}

	res, err := f.S.CheckIn(f.Clerk, v.Barcode)
	if err != nil {
		t.Fatalf("CheckIn: %v", err)
	}
	if res.Volume.State != records.StateInFile || res.Volume.BorrowerID != 0 || !res.Volume.Due.IsZero() || res.WasMissing {
		t.Fatalf("checked in: %+v", res)
	}
	_, err = f.S.CheckIn(f.Clerk, v.Barcode)
	WantCode(t, err, records.EConflict)

	hist, err := f.S.History(f.Clerk, records.HistoryFilter{VolumeID: v.ID})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, m := range hist {
		kinds = append(kinds, string(m.Kind))
	}
	if got := strings.Join(kinds, ","); got != "check-in,hand-off,check-out,create" {
		t.Fatalf("history kinds newest first = %s", got)
	}
	if h := hist[1]; h.FromBorrower != f.DrGrey.Name || h.ToBorrower != f.DrStone.Name || h.Username != "cleo" || h.MRN != "123456" ||
		h.PatientName != "Quux, Zelda" || h.VolumeLabel != "Medical 1" || h.Barcode != v.Barcode {
		t.Fatalf("hand-off movement display: %+v", h)
	}
}

func testCheckOutRules(t *testing.T, db NewDatabase) {
	f := newFixture(t, db)
	p := f.Patient("000777", "Quux", "Otto")
	v := f.FirstVolume(p)
	inactive := f.Borrower(records.Borrower{Name: "Dr. Gone Away", Kind: records.BorrowerProvider})
	inactive.Active = false
	if _, err := f.S.SaveBorrower(f.Supervisor, inactive); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   records.CheckOutInput
		code string
		msg  string
	}{
		{"unknown barcode", records.CheckOutInput{Barcode: "V9999999", BorrowerID: f.DrGrey.ID}, records.ENotFound, "no folder has the barcode V9999999"},
		{"empty scan", records.CheckOutInput{Barcode: " \r", BorrowerID: f.DrGrey.ID}, records.EInvalid, "empty"},
		{"no borrower", records.CheckOutInput{Barcode: v.Barcode}, records.EInvalid, "Borrower"},
		{"unknown borrower", records.CheckOutInput{Barcode: v.Barcode, BorrowerID: 999}, records.ENotFound, "borrower"},
		{"inactive borrower", records.CheckOutInput{Barcode: v.Barcode, BorrowerID: inactive.ID}, records.EConflict, "not an active borrower"},
		{"hand-off of a folder in file", records.CheckOutInput{Barcode: v.Barcode, BorrowerID: f.DrGrey.ID, HandOff: true}, records.EConflict, "in file"},
		{"due in the past", records.CheckOutInput{Barcode: v.Barcode, BorrowerID: f.DrGrey.ID, Due: records.DateOf(f.Clock.Now()).AddDays(-1)}, records.EInvalid, "past"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.S.CheckOut(f.Clerk, tc.in)
			WantCode(t, err, tc.code)
			if !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("message %q does not mention %q", err, tc.msg)
			}
		})
	}

	// Offsite storage: state offsite, no due date, never overdue.
	out, err := f.S.CheckOut(f.Clerk, records.CheckOutInput{Barcode: v.Barcode, BorrowerID: f.Offsite.ID})
	if err != nil {
		t.Fatal(err)
	}
	if out.Volume.State != records.StateOffsite || !out.Volume.Due.IsZero() {
		t.Fatalf("offsite: %+v", out)
	}
	// An explicit due date wins over the rule.
	p2 := f.Patient("000778", "Quux", "Hugo")
	due := records.DateOf(f.Clock.Now()).AddDays(30)
	out, err = f.S.CheckOut(f.Clerk, records.CheckOutInput{Barcode: f.FirstVolume(p2).Barcode, BorrowerID: f.LawFirm.ID, Due: due, Note: "subpoena"})
	if err != nil {
		t.Fatal(err)
	}
	if !out.Volume.Due.Equal(due) || out.Volume.State != records.StateCheckedOut {
		t.Fatalf("explicit due: %+v", out)
	}
}

func testMissingFoundTransfer(t *testing.T, db NewDatabase) {
	f := newFixture(t, db)
	p := f.Patient("424242", "Quux", "Mona")
	v := f.FirstVolume(p)
	if _, err := f.S.CheckOut(f.Clerk, records.CheckOutInput{Barcode: v.Barcode, BorrowerID: f.DrGrey.ID}); err != nil {
		t.Fatal(err)
	}
	m, err := f.S.MarkMissing(f.Clerk, v.ID, "not on Dr. Grey's desk")
	if err != nil {
		t.Fatal(err)
	}
	if m.State != records.StateMissing || m.BorrowerID != 0 || !strings.HasPrefix(m.Where(), "missing") {
		t.Fatalf("missing: %+v", m)
	}
	_, err = f.S.MarkMissing(f.Clerk, v.ID, "")
	WantCode(t, err, records.EConflict)
	// (A check-out scan of a missing folder records it found: TestMissingFolderFoundByAnyScan.)

	// Scanning a missing folder in records it found, then checked in.
	res, err := f.S.CheckIn(f.Clerk, v.Barcode)
	if err != nil {
		t.Fatal(err)
	}
	if !res.WasMissing || res.Volume.State != records.StateInFile {
		t.Fatalf("check-in of missing: %+v", res)
	}
	hist, _ := f.S.History(f.Clerk, records.HistoryFilter{VolumeID: v.ID, Limit: 2})
	if len(hist) != 2 || hist[0].Kind != records.MoveCheckIn || hist[1].Kind != records.MoveFound {
		t.Fatalf("history: %+v", hist)
	}

	if _, err := f.S.MarkMissing(f.Clerk, v.ID, ""); err != nil {
		t.Fatal(err)
	}
	if fv, err := f.S.MarkFound(f.Clerk, v.ID, "behind the cabinet"); err != nil || fv.State != records.StateInFile {
		t.Fatalf("MarkFound: %+v %v", fv, err)
	}
	_, err = f.S.MarkFound(f.Clerk, v.ID, "")
	WantCode(t, err, records.EConflict)

	shelf, err := f.S.SaveLocation(f.Supervisor, records.Location{ParentID: f.Room.ID, Name: "Cabinet A", Kind: records.LocationCabinet})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.S.Transfer(f.Clerk, v.ID, shelf.ID, "")
	WantCode(t, err, records.EForbidden)
	tv, err := f.S.Transfer(f.Supervisor, v.ID, shelf.ID, "reorganised")
	if err != nil {
		t.Fatal(err)
	}
	if tv.HomeID != shelf.ID || tv.HomePath != "Record room > Cabinet A" {
		t.Fatalf("transfer: %+v", tv)
	}
	_, err = f.S.Transfer(f.Supervisor, v.ID, shelf.ID, "")
	WantCode(t, err, records.EConflict)
}

// testMovesReturnTheStoredFolder: each move returns the folder built from
// what it wrote (setPlace), not read back; it must be exactly what a later
// read of the folder gives.
func testMovesReturnTheStoredFolder(t *testing.T, db NewDatabase) {
	f := newFixture(t, db)
	v := f.FirstVolume(f.Patient("123456", "Quux", "Zelda"))
	same := func(step string, got records.Volume) {
		t.Helper()
		stored, err := f.S.Volume(f.Clerk, v.ID)
		if err != nil {
			t.Fatalf("%s: Volume: %v", step, err)
		}
		if !reflect.DeepEqual(got, stored) {
			t.Fatalf("%s returned\n%+v\nbut the folder is stored as\n%+v", step, got, stored)
		}
	}
	out, err := f.S.CheckOut(f.Clerk, records.CheckOutInput{Barcode: v.Barcode, BorrowerID: f.DrGrey.ID})
	if err != nil {
		t.Fatal(err)
	}
	same("check-out to a borrower with a phone", out.Volume)
	f.Clock.Advance(time.Hour)
	if out, err = f.S.CheckOut(f.Clerk, records.CheckOutInput{Barcode: v.Barcode, BorrowerID: f.DrStone.ID, HandOff: true}); err != nil {
		t.Fatal(err)
	}
	same("hand-off to a borrower with a room", out.Volume)
	in, err := f.S.CheckIn(f.Clerk, v.Barcode)
	if err != nil {
		t.Fatal(err)
	}
	same("check-in", in.Volume)
	missing, err := f.S.MarkMissing(f.Clerk, v.ID, "not on the shelf")
	if err != nil {
		t.Fatal(err)
	}
	same("mark missing", missing)
	f.Clock.Advance(time.Minute)
	if out, err = f.S.CheckOut(f.Clerk, records.CheckOutInput{Barcode: v.Barcode, BorrowerID: f.Offsite.ID}); err != nil {
		t.Fatal(err)
	}
	same("check-out of a missing folder (found on the scan)", out.Volume)
	if in, err = f.S.CheckIn(f.Clerk, v.Barcode); err != nil {
		t.Fatal(err)
	}
	same("check-in from offsite", in.Volume)
	if _, err := f.S.MarkMissing(f.Clerk, v.ID, ""); err != nil {
		t.Fatal(err)
	}
	found, err := f.S.MarkFound(f.Clerk, v.ID, "behind the cabinet")
	if err != nil {
		t.Fatal(err)
	}
	same("mark found", found)
}
