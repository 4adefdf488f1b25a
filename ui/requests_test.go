package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/chartroom/chartroom/records"
)

// A new request is for a real time of day, today or later; a request is
// fulfilled by checking its folder out to the one who asked, never by a
// button that leaves the chart saying in file.
func TestRequestsDayTimeAndCheckOutToRequester(t *testing.T) {
	f := newFixture(t, true)
	_, vol := f.patient("123456", "Quillby", "Hugo")
	dr := f.borrower("Dr. Alpha Fictional", "BADGE-A")
	m := f.mustSignIn(adminName, adminPassword)
	m.show(navRequests)
	r := m.page(navRequests).(*requestsScreen)

	cases := []struct {
		needed, at string
		wantField  string // "" when saved
	}{
		{"2026-03-02", "25:99", "Time"},
		{"2026-03-01", "09:30", "Needed on"},
		{"2026-03-02", "9:30", ""},
	}
	for _, c := range cases {
		ed := showRequestDialog(f.s, r.shown)
		test.Type(formEntry(t, ed, "Chart"), "12-34-56")
		for _, it := range ed.form.Items {
			if it.Text == "Borrower" {
				it.Widget.(*selectBox).SetSelectedIndex(0)
			}
		}
		formEntry(t, ed, "Needed on").SetText(c.needed)
		test.Type(formEntry(t, ed, "Time"), c.at)
		test.Tap(ed.save)
		err := ed.errs.text()
		if c.wantField == "" {
			if err != "" {
				t.Fatalf("%s %s: refused: %s", c.needed, c.at, err)
			}
			continue
		}
		if err == "" || ed.errs.marked != formEntry(t, ed, c.wantField) {
			t.Errorf("%s %s: the form says %q, want the %s field marked", c.needed, c.at, err, c.wantField)
		}
		ed.d.Hide()
	}
	reqs, err := f.store.ListRequests(f.admin, records.RequestFilter{})
	if err != nil || len(reqs) != 1 || reqs[0].NeededAt != "09:30" {
		t.Fatalf("requests %+v %v; want one at 09:30", reqs, err)
	}

	r.shown()
	r.list.selectRow(0)
	test.Tap(r.checkOut)
	v, err := f.store.VolumeByBarcode(f.admin, vol.Barcode)
	if err != nil || v.State != records.StateCheckedOut || v.BorrowerID != dr.ID {
		t.Fatalf("folder %+v %v; want it out to %s", v, err, dr.Name)
	}
	reqs, _ = f.store.ListRequests(f.admin, records.RequestFilter{})
	if reqs[0].State != records.RequestFulfilled {
		t.Errorf("request is %s after the check-out, want fulfilled", reqs[0].State)
	}
}
