package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/chartroom/chartroom/records"
)

func TestShelfAuditScreenScannedShelf(t *testing.T) {
	f := newFixture(t, true)
	f.user("cleo", records.RoleClerk, "clerk password 1")
	// Terminal digit: 000110, 000120, 000130, 000140 file in that order.
	var vols []records.Volume
	for i, mrn := range []string{"000110", "000120", "000130", "000140"} {
		_, v := f.patient(mrn, "Shelfperson", string(rune('A'+i)))
		vols = append(vols, v)
	}
	dr := f.borrower("Dr. Alpha Fictional", "BADGE-A")
	if _, err := f.store.CheckOut(f.admin, records.CheckOutInput{Barcode: vols[1].Barcode, BorrowerID: dr.ID}); err != nil {
		t.Fatal(err)
	}

	m := f.mustSignIn("cleo", "clerk password 1")
	m.show(navShelfAudit)
	a := m.page(navShelfAudit).(*shelfAuditScreen)
	if !a.box.Disabled() {
		t.Error("the scan box takes scans before a location is chosen")
	}
	a.location.SetSelected("Record room")
	if a.box.Disabled() || len(a.expected) != 3 {
		t.Fatalf("after choosing the room: disabled=%v expected=%d", a.box.Disabled(), len(a.expected))
	}

	// Scanned along the shelf: v0, v3 (misfiled early), v1 (recorded out), v2, an unknown code.
	steps := []struct {
		scan, flag string
	}{
		{vols[0].Barcode, "OK"},
		{strings.ToLower(vols[3].Barcode), "OK"}, // in order so far
		{vols[1].Barcode, "Record"},
		{vols[2].Barcode, "OK"},
		{"NO-SUCH-FOLDER", "Unknown"},
	}
	for i, st := range steps {
		typeEnter(a.box, st.scan)
		if a.box.Text != "" || len(a.log.rows) != i+1 {
			t.Fatalf("step %d: box %q, %d rows", i, a.box.Text, len(a.log.rows))
		}
		if got := shelfFlag(a.log.rows[0]); got != st.flag { // newest first
			t.Errorf("step %d (%s): flag %s, want %s", i, st.scan, got, st.flag)
		}
	}
	// With v1 and v2 scanned after it, v3 is now the one out of order.
	if r := a.result.Scans[1]; !r.OutOfOrder || r.After.ID != vols[2].ID {
		t.Errorf("v3: %+v", r)
	}
	c := a.result.Counts()
	if c.OutOfOrder != 1 || c.Misrecorded != 1 || c.Unknown != 1 || c.NotSeen != 0 || !strings.Contains(a.counts.Text, "5 scanned") {
		t.Errorf("counts %+v %q", c, a.counts.Text)
	}
	if a.pdf.Disabled() || a.apply.Disabled() {
		t.Error("PDF and apply are disabled after scanning")
	}

	// Start over, scan only v0: v2 and v3 are not seen; apply marks them missing.
	test.Tap(a.clear)
	typeEnter(a.box, vols[0].Barcode)
	typeEnter(a.box, vols[1].Barcode)
	if len(a.result.NotSeen) != 2 || !strings.Contains(a.notSeen.Text, "Not seen yet") {
		t.Fatalf("not seen: %d %q", len(a.result.NotSeen), a.notSeen.Text)
	}
	test.Tap(a.apply)
	if a.confirm == nil {
		t.Fatal("no confirmation")
	}
	test.Tap(a.confirmYes)
	if a.applied == nil || a.applied.MarkedMissing != 2 || a.applied.MarkedFound != 1 {
		t.Fatalf("applied: %+v", a.applied)
	}
	for i, want := range []records.VolumeState{records.StateInFile, records.StateInFile, records.StateMissing, records.StateMissing} {
		if v, _ := f.store.Volume(f.admin, vols[i].ID); v.State != want {
			t.Errorf("v%d is %s, want %s", i, v.State, want)
		}
	}
	if m.status.last.Missing != 2 {
		t.Errorf("status bar missing %d", m.status.last.Missing)
	}
}
