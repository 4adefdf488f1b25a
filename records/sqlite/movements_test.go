package sqlite

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/chartroom/chartroom/records"
)

func TestCheckOutAndIn(t *testing.T) {
	f := newFixture(t)
	p := f.patient("123456", "Quux", "Zelda")
	v := f.firstVolume(p)
	if v.Barcode != generatedBarcode(int64(v.ID)) || v.State != records.StateInFile || v.HomePath != "Record room" || v.Number != 1 {
		t.Fatalf("new volume: %+v", v)
	}

	out, err := f.s.CheckOut(f.clerk, records.CheckOutInput{Barcode: " " + strings.ToLower(v.Barcode) + "\r\n", BorrowerID: f.drGrey.ID})
	if err != nil {
		t.Fatalf("CheckOut: %v", err)
	}
	wantDue := records.DateOf(f.clock.Now()).AddDays(f.medical.LoanDays)
	if out.State != records.StateCheckedOut || out.BorrowerID != f.drGrey.ID || !out.Due.Equal(wantDue) ||
		!out.OutSince.Equal(f.clock.Now()) || out.BorrowerName != f.drGrey.Name || out.BorrowerTel != "x101" || out.Where() != f.drGrey.Name {
		t.Fatalf("checked out: %+v (want due %s)", out, wantDue)
	}

	// Already out: refused with who and since when.
	_, err = f.s.CheckOut(f.clerk, records.CheckOutInput{Barcode: v.Barcode, BorrowerID: f.drStone.ID})
	wantCode(t, err, records.EConflict)
	if msg := err.Error(); !strings.Contains(msg, f.drGrey.Name) || !strings.Contains(msg, f.clock.Now().Format("2006-01-02 15:04")) {
		t.Fatalf("refusal does not say who and since when: %q", msg)
	}

	// A deliberate hand-off, with the borrower's own loan period.
	f.clock.Advance(time.Hour)
	out, err = f.s.CheckOut(f.clerk, records.CheckOutInput{Barcode: v.Barcode, BorrowerID: f.drStone.ID, HandOff: true})
	if err != nil {
		t.Fatalf("hand-off: %v", err)
	}
	if out.BorrowerID != f.drStone.ID || !out.Due.Equal(records.DateOf(f.clock.Now()).AddDays(3)) || out.BorrowerTel != "Room 4" {
		t.Fatalf("handed off: %+v", out)
	}

	res, err := f.s.CheckIn(f.clerk, v.Barcode)
	if err != nil {
		t.Fatalf("CheckIn: %v", err)
	}
	if res.Volume.State != records.StateInFile || res.Volume.BorrowerID != 0 || !res.Volume.Due.IsZero() || res.WasMissing {
		t.Fatalf("checked in: %+v", res)
	}
	_, err = f.s.CheckIn(f.clerk, v.Barcode)
	wantCode(t, err, records.EConflict)

	hist, err := f.s.History(f.clerk, records.HistoryFilter{VolumeID: v.ID})
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
	if h := hist[1]; h.FromBorrower != f.drGrey.Name || h.ToBorrower != f.drStone.Name || h.Username != "cleo" || h.MRN != "123456" ||
		h.PatientName != "Quux, Zelda" || h.VolumeLabel != "Medical 1" || h.Barcode != v.Barcode {
		t.Fatalf("hand-off movement display: %+v", h)
	}
}

func TestCheckOutRules(t *testing.T) {
	f := newFixture(t)
	p := f.patient("000777", "Quux", "Otto")
	v := f.firstVolume(p)
	inactive := f.borrower(records.Borrower{Name: "Dr. Gone Away", Kind: records.BorrowerProvider})
	inactive.Active = false
	if _, err := f.s.SaveBorrower(f.supervisor, inactive); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   records.CheckOutInput
		code string
		msg  string
	}{
		{"unknown barcode", records.CheckOutInput{Barcode: "V9999999", BorrowerID: f.drGrey.ID}, records.ENotFound, "no folder has the barcode V9999999"},
		{"empty scan", records.CheckOutInput{Barcode: " \r", BorrowerID: f.drGrey.ID}, records.EInvalid, "empty"},
		{"no borrower", records.CheckOutInput{Barcode: v.Barcode}, records.EInvalid, "Borrower"},
		{"unknown borrower", records.CheckOutInput{Barcode: v.Barcode, BorrowerID: 999}, records.ENotFound, "borrower"},
		{"inactive borrower", records.CheckOutInput{Barcode: v.Barcode, BorrowerID: inactive.ID}, records.EConflict, "not an active borrower"},
		{"hand-off of a folder in file", records.CheckOutInput{Barcode: v.Barcode, BorrowerID: f.drGrey.ID, HandOff: true}, records.EConflict, "in file"},
		{"due in the past", records.CheckOutInput{Barcode: v.Barcode, BorrowerID: f.drGrey.ID, Due: records.DateOf(f.clock.Now()).AddDays(-1)}, records.EInvalid, "past"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.s.CheckOut(f.clerk, tc.in)
			wantCode(t, err, tc.code)
			if !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("message %q does not mention %q", err, tc.msg)
			}
		})
	}

	// Offsite storage: state offsite, no due date, never overdue.
	out, err := f.s.CheckOut(f.clerk, records.CheckOutInput{Barcode: v.Barcode, BorrowerID: f.offsite.ID})
	if err != nil {
		t.Fatal(err)
	}
	if out.State != records.StateOffsite || !out.Due.IsZero() {
		t.Fatalf("offsite: %+v", out)
	}
	// An explicit due date wins over the rule.
	p2 := f.patient("000778", "Quux", "Hugo")
	due := records.DateOf(f.clock.Now()).AddDays(30)
	out, err = f.s.CheckOut(f.clerk, records.CheckOutInput{Barcode: f.firstVolume(p2).Barcode, BorrowerID: f.lawFirm.ID, Due: due, Note: "subpoena"})
	if err != nil {
		t.Fatal(err)
	}
	if !out.Due.Equal(due) || out.State != records.StateCheckedOut {
		t.Fatalf("explicit due: %+v", out)
	}
}

func TestMissingFoundTransfer(t *testing.T) {
	f := newFixture(t)
	p := f.patient("424242", "Quux", "Mona")
	v := f.firstVolume(p)
	if _, err := f.s.CheckOut(f.clerk, records.CheckOutInput{Barcode: v.Barcode, BorrowerID: f.drGrey.ID}); err != nil {
		t.Fatal(err)
	}
	m, err := f.s.MarkMissing(f.clerk, v.ID, "not on Dr. Grey's desk")
	if err != nil {
		t.Fatal(err)
	}
	if m.State != records.StateMissing || m.BorrowerID != 0 || !strings.HasPrefix(m.Where(), "missing") {
		t.Fatalf("missing: %+v", m)
	}
	_, err = f.s.MarkMissing(f.clerk, v.ID, "")
	wantCode(t, err, records.EConflict)
	// (A check-out scan of a missing folder records it found: TestMissingFolderFoundByAnyScan.)

	// Scanning a missing folder in records it found, then checked in.
	res, err := f.s.CheckIn(f.clerk, v.Barcode)
	if err != nil {
		t.Fatal(err)
	}
	if !res.WasMissing || res.Volume.State != records.StateInFile {
		t.Fatalf("check-in of missing: %+v", res)
	}
	hist, _ := f.s.History(f.clerk, records.HistoryFilter{VolumeID: v.ID, Limit: 2})
	if len(hist) != 2 || hist[0].Kind != records.MoveCheckIn || hist[1].Kind != records.MoveFound {
		t.Fatalf("history: %+v", hist)
	}

	if _, err := f.s.MarkMissing(f.clerk, v.ID, ""); err != nil {
		t.Fatal(err)
	}
	if fv, err := f.s.MarkFound(f.clerk, v.ID, "behind the cabinet"); err != nil || fv.State != records.StateInFile {
		t.Fatalf("MarkFound: %+v %v", fv, err)
	}
	_, err = f.s.MarkFound(f.clerk, v.ID, "")
	wantCode(t, err, records.EConflict)

	shelf, err := f.s.SaveLocation(f.supervisor, records.Location{ParentID: f.room.ID, Name: "Cabinet A", Kind: records.LocationCabinet})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.s.Transfer(f.clerk, v.ID, shelf.ID, "")
	wantCode(t, err, records.EForbidden)
	tv, err := f.s.Transfer(f.supervisor, v.ID, shelf.ID, "reorganised")
	if err != nil {
		t.Fatal(err)
	}
	if tv.HomeID != shelf.ID || tv.HomePath != "Record room > Cabinet A" {
		t.Fatalf("transfer: %+v", tv)
	}
	_, err = f.s.Transfer(f.supervisor, v.ID, shelf.ID, "")
	wantCode(t, err, records.EConflict)
}

// TestMovesReturnTheStoredFolder: each move returns the folder built from
// what it wrote (setPlace), not read back; it must be exactly what a later
// read of the folder gives.
func TestMovesReturnTheStoredFolder(t *testing.T) {
	f := newFixture(t)
	v := f.firstVolume(f.patient("123456", "Quux", "Zelda"))
	same := func(step string, got records.Volume) {
		t.Helper()
		stored, err := f.s.Volume(f.clerk, v.ID)
		if err != nil {
			t.Fatalf("%s: Volume: %v", step, err)
		}
		if !reflect.DeepEqual(got, stored) {
			t.Fatalf("%s returned\n%+v\nbut the folder is stored as\n%+v", step, got, stored)
		}
	}
	out, err := f.s.CheckOut(f.clerk, records.CheckOutInput{Barcode: v.Barcode, BorrowerID: f.drGrey.ID})
	if err != nil {
		t.Fatal(err)
	}
	same("check-out to a borrower with a phone", out)
	f.clock.Advance(time.Hour)
	if out, err = f.s.CheckOut(f.clerk, records.CheckOutInput{Barcode: v.Barcode, BorrowerID: f.drStone.ID, HandOff: true}); err != nil {
		t.Fatal(err)
	}
	same("hand-off to a borrower with a room", out)
	in, err := f.s.CheckIn(f.clerk, v.Barcode)
	if err != nil {
		t.Fatal(err)
	}
	same("check-in", in.Volume)
	missing, err := f.s.MarkMissing(f.clerk, v.ID, "not on the shelf")
	if err != nil {
		t.Fatal(err)
	}
	same("mark missing", missing)
	f.clock.Advance(time.Minute)
	if out, err = f.s.CheckOut(f.clerk, records.CheckOutInput{Barcode: v.Barcode, BorrowerID: f.offsite.ID}); err != nil {
		t.Fatal(err)
	}
	same("check-out of a missing folder (found on the scan)", out)
	if in, err = f.s.CheckIn(f.clerk, v.Barcode); err != nil {
		t.Fatal(err)
	}
	same("check-in from offsite", in.Volume)
	if _, err := f.s.MarkMissing(f.clerk, v.ID, ""); err != nil {
		t.Fatal(err)
	}
	found, err := f.s.MarkFound(f.clerk, v.ID, "behind the cabinet")
	if err != nil {
		t.Fatal(err)
	}
	same("mark found", found)
}
