package ui

import (
	"strings"
	"testing"

	"github.com/chartroom/chartroom/records"
)

func TestScanStationCheckOutThenRefusal(t *testing.T) {
	f := newFixture(t, true)
	_, vol := f.patient("123456", "Testwell", "Ada")
	f.borrower("Dr. Alpha Fictional", "BADGE-A")
	f.borrower("Dr. Beta Fictional", "BADGE-B")
	m := f.mustSignIn(adminName, adminPassword)
	m.show(navScan)
	sc := m.page(navScan).(*scanScreen)

	steps := []struct {
		scan     string
		wantOK   bool
		wantTone bannerTone
		wantText string // part of the result message
	}{
		{vol.Barcode, false, toneRefused, "badge"},                    // no borrower yet
		{"badge-a", true, toneOK, "Dr. Alpha Fictional"},              // badge switches the borrower (case-insensitive)
		{vol.Barcode, true, toneOK, "Checked out to Dr. Alpha"},       // committed at once
		{vol.Barcode, false, toneRepeat, "Already out to Dr. Alpha"},  // the scanner fired twice: no alarm
		{"BADGE-B", true, toneOK, "Dr. Beta Fictional"},               // another borrower
		{vol.Barcode, false, toneRefused, "already out to Dr. Alpha"}, // a second check-out is refused
		{"NO-SUCH-CODE", false, toneRefused, "NO-SUCH-CODE"},          // unknown barcode
	}
	for i, st := range steps {
		typeEnter(sc.box, st.scan)
		if len(sc.results) != i+1 {
			t.Fatalf("step %d (%s): %d results, want %d", i, st.scan, len(sc.results), i+1)
		}
		r := sc.results[0] // newest first
		if r.OK != st.wantOK || !strings.Contains(r.Message, st.wantText) {
			t.Errorf("step %d (%s): ok=%v %q, want ok=%v and %q", i, st.scan, r.OK, r.Message, st.wantOK, st.wantText)
		}
		if sc.tone != st.wantTone {
			t.Errorf("step %d (%s): banner tone %d, want %d", i, st.scan, sc.tone, st.wantTone)
		}
		if sc.box.Text != "" {
			t.Errorf("step %d: the scan box still holds %q", i, sc.box.Text)
		}
	}

	v, err := f.store.VolumeByBarcode(f.admin, vol.Barcode)
	if err != nil {
		t.Fatal(err)
	}
	if v.State != records.StateCheckedOut || v.BorrowerName != "Dr. Alpha Fictional" {
		t.Errorf("folder is %s with %q, want checked out to Dr. Alpha Fictional", v.State, v.BorrowerName)
	}
	if got := m.status.last.Out; got != 1 {
		t.Errorf("status bar counts %d out, want 1", got)
	}
	if want := "1 done, 3 refused"; !strings.Contains(sc.tally.Text, want) {
		t.Errorf("tally = %q, want %q (a repeated scan is neither)", sc.tally.Text, want)
	}
}

func TestScanStationHandOff(t *testing.T) {
	f := newFixture(t, true)
	_, vol := f.patient("123456", "Testwell", "Ada")
	alpha := f.borrower("Dr. Alpha Fictional", "BADGE-A")
	f.borrower("Dr. Beta Fictional", "BADGE-B")
	if _, err := f.store.CheckOut(f.admin, records.CheckOutInput{Barcode: vol.Barcode, BorrowerID: alpha.ID}); err != nil {
		t.Fatal(err)
	}
	m := f.mustSignIn(adminName, adminPassword)
	m.show(navScan)
	sc := m.page(navScan).(*scanScreen)
	sc.mode.SetSelected(modeHandOff)
	typeEnter(sc.box, "BADGE-B")
	typeEnter(sc.box, vol.Barcode)
	if r := sc.results[0]; !r.OK || !strings.Contains(r.Message, "Handed off to Dr. Beta") {
		t.Fatalf("hand-off: ok=%v %q", r.OK, r.Message)
	}
}

func TestScanStationCheckInShowsPendingRequest(t *testing.T) {
	f := newFixture(t, true)
	p, vol := f.patient("123456", "Testwell", "Ada")
	alpha := f.borrower("Dr. Alpha Fictional", "BADGE-A")
	beta := f.borrower("Dr. Beta Fictional", "BADGE-B")
	if _, err := f.store.CheckOut(f.admin, records.CheckOutInput{Barcode: vol.Barcode, BorrowerID: alpha.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.CreateRequest(f.admin, records.Request{PatientID: p.ID, BorrowerID: beta.ID, NeededOn: records.DateOf(f.clock.Now()).AddDays(1), Reason: "follow-up visit"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.AddLooseFiling(f.admin, records.LooseFiling{PatientID: p.ID, Description: "Lab results, 2 pages"}); err != nil {
		t.Fatal(err)
	}
	m := f.mustSignIn(adminName, adminPassword)
	m.show(navScan)
	sc := m.page(navScan).(*scanScreen)
	sc.mode.SetSelected(modeCheckIn)
	typeEnter(sc.box, vol.Barcode)

	r := sc.results[0]
	if !r.OK {
		t.Fatalf("check-in refused: %q", r.Message)
	}
	for _, want := range []string{"Checked in", "Requested by", "Dr. Beta Fictional", "follow-up visit", "Lab results"} {
		if !strings.Contains(r.Message, want) {
			t.Errorf("check-in result %q does not mention %q", r.Message, want)
		}
	}
	if !strings.Contains(sc.banner.Text, "Dr. Beta Fictional") {
		t.Errorf("banner %q does not show the request", sc.banner.Text)
	}
	if sc.tone != toneAttention {
		t.Errorf("banner tone %d, want the attention colour for a check-in with a request waiting", sc.tone)
	}

	// Scanning it in again is refused: it is already in file.
	typeEnter(sc.box, vol.Barcode)
	if r := sc.results[0]; r.OK || !strings.Contains(r.Message, "already in file") {
		t.Errorf("second check-in: ok=%v %q, want a refusal saying it is in file", r.OK, r.Message)
	}
}
