package ui

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/reports"
)

func TestOverdueWorklistGroupsByBorrowerAndChecksIn(t *testing.T) {
	f := newFixture(t, true)
	alder := f.borrower("Dr. Alder Testwood", "BADGE-0001")
	brook := f.borrower("Brook Sampleclinic", "BADGE-0002")
	_, a1 := f.patient("500001", "Lateperson", "Una")
	_, a2 := f.patient("500002", "Slowperson", "Duo")
	_, b1 := f.patient("500003", "Tardyperson", "Tri")
	_, fresh := f.patient("500004", "Ontimeperson", "Quad")
	for _, out := range []struct {
		v records.Volume
		b records.Borrower
	}{{a1, alder}, {a2, alder}, {b1, brook}} {
		if _, err := f.store.CheckOut(f.admin, records.CheckOutInput{Barcode: out.v.Barcode, BorrowerID: out.b.ID}); err != nil {
			t.Fatal(err)
		}
	}
	f.clock.Advance(60 * 24 * time.Hour)
	if _, err := f.store.CheckOut(f.admin, records.CheckOutInput{Barcode: fresh.Barcode, BorrowerID: alder.ID}); err != nil {
		t.Fatal(err)
	}

	f.user("casey", records.RoleClerk, "casey's password")
	m := f.mustSignIn("casey", "casey's password")
	m.openOverdue()
	o := m.page(navOverdue).(*overdueScreen)
	if m.current != navOverdue {
		t.Fatalf("openOverdue showed page %d", m.current)
	}
	lines := func() []string {
		var out []string
		for _, r := range o.table.rows {
			if r.heading {
				out = append(out, r.borrower+": "+plural(r.count, "chart"))
			} else {
				out = append(out, "  "+r.v.PatientName+" "+strconv.Itoa(r.daysLate))
			}
		}
		return out
	}
	want := "Brook Sampleclinic: 1 chart|  Tardyperson, Tri 46|Dr. Alder Testwood: 2 charts|  Lateperson, Una 46|  Slowperson, Duo 46"
	if got := strings.Join(lines(), "|"); got != want {
		t.Errorf("worklist =\n%s\nwant\n%s", got, want)
	}
	if !strings.Contains(o.summary.Text, "3 charts overdue with 2 borrowers") {
		t.Errorf("summary = %q", o.summary.Text)
	}

	// A borrower's notice is that borrower's page of the overdue notices.
	for _, c := range []struct {
		borrower records.ID
		pages    int
	}{{alder.ID, 1}, {brook.ID, 1}, {0, 2}} {
		made, err := makeReport(f.admin, f.store, reports.ReportOverdueNotices, reports.Params{Now: f.clock.Now(), BorrowerID: c.borrower})
		if err != nil || reports.PageCount(made.pdf) != c.pages {
			t.Errorf("notices for borrower %d: %d pages (%v), want %d", c.borrower, reports.PageCount(made.pdf), err, c.pages)
		}
	}

	// The box narrows the list, a borrower's heading kept with its charts.
	test.Type(o.filter, "slowp")
	if got := strings.Join(lines(), "|"); got != "Dr. Alder Testwood: 2 charts|  Slowperson, Duo 46" {
		t.Errorf("filtered by patient = %s", got)
	}
	o.filter.SetText("")
	test.Type(o.filter, "brook")
	if got := strings.Join(lines(), "|"); got != "Brook Sampleclinic: 1 chart|  Tardyperson, Tri 46" {
		t.Errorf("filtered by borrower = %s", got)
	}
	o.filter.SetText("")

	// The keyboard chooses a chart; a heading cannot be checked in.
	if !o.checkIn.Disabled() || o.notice.Disabled() {
		t.Errorf("on a heading: check in enabled %v, notice enabled %v", !o.checkIn.Disabled(), !o.notice.Disabled())
	}
	o.filter.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	if r, _ := o.table.current(); r.heading || r.v.Barcode != b1.Barcode || o.checkIn.Disabled() {
		t.Fatalf("Down chose %+v", r)
	}
	test.Tap(o.checkIn)
	v, err := f.store.VolumeByBarcode(f.admin, b1.Barcode)
	if err != nil || v.State != records.StateInFile {
		t.Errorf("after Check in, %s is %s (%v)", b1.Barcode, v.State, err)
	}
	if got := strings.Join(lines(), "|"); got != "Dr. Alder Testwood: 2 charts|  Lateperson, Una 46|  Slowperson, Duo 46" {
		t.Errorf("after the check-in the worklist = %s", got)
	}
	if !o.did.Visible() || !strings.Contains(o.did.Text, "Checked in "+b1.Barcode) || !strings.Contains(o.summary.Text, "2 charts overdue with 1 borrower") {
		t.Errorf("after the check-in: %q / %q", o.did.Text, o.summary.Text)
	}
}

func TestOverdueWorklistSaysWhenNothingIsOverdue(t *testing.T) {
	f := newFixture(t, true)
	f.user("casey", records.RoleClerk, "casey's password")
	m := f.mustSignIn("casey", "casey's password")
	m.openOverdue()
	o := m.page(navOverdue).(*overdueScreen)
	if len(o.table.rows) != 0 || !strings.Contains(o.table.empty.Text, "No charts are overdue") {
		t.Errorf("rows %d, empty text %q", len(o.table.rows), o.table.empty.Text)
	}
}
