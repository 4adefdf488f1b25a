package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/chartroom/chartroom/records"
)

// The chart number typed on Loose filing shows whose chart it is and where
// its folders are before anything is saved, and the save says whose chart
// the papers were recorded for.
func TestLooseFilingShowsWhoseChart(t *testing.T) {
	f := newFixture(t, true)
	_, out := f.patient("123456", "Quillby", "Hugo")
	f.patient("654321", "Testwell", "Ada")
	dr := f.borrower("Dr. Alpha Fictional", "BADGE-A")
	if _, err := f.store.CheckOut(f.admin, records.CheckOutInput{Barcode: out.Barcode, BorrowerID: dr.ID}); err != nil {
		t.Fatal(err)
	}
	m := f.mustSignIn(adminName, adminPassword)
	m.show(navLoose)
	l := m.page(navLoose).(*looseScreen)

	cases := []struct {
		typed string
		want  []string // parts of what the form says under the number
	}{
		{"12-34-56", []string{"Quillby, Hugo, 12-34-56", "out to Dr. Alpha Fictional"}},
		{"654321", []string{"Testwell, Ada", "in file", "file the papers in it now"}},
		{"99-99-99", []string{"No chart has this number"}},
		{"Quillby", []string{"Type the chart number"}},
	}
	for _, c := range cases {
		l.chart.SetText("")
		test.Type(l.chart, c.typed)
		for _, w := range c.want {
			if !strings.Contains(l.whose.Text, w) {
				t.Errorf("typed %q: the form says %q, want it to say %q", c.typed, l.whose.Text, w)
			}
		}
	}

	l.chart.SetText("")
	test.Type(l.chart, "123456")
	test.Type(l.desc, "Lab results, 2 pages")
	test.Tap(l.add)
	if want := "Recorded for Quillby, Hugo, 12-34-56: Lab results, 2 pages"; !strings.Contains(l.done.Text, want) {
		t.Errorf("after saving the form says %q, want %q", l.done.Text, want)
	}
	waiting, err := f.store.ListLooseFiling(f.admin, 0, records.LooseWaiting)
	if err != nil || len(waiting) != 1 || waiting[0].PatientName != "Quillby, Hugo" {
		t.Fatalf("loose filing waiting = %+v, %v; want one for Quillby, Hugo", waiting, err)
	}
}
