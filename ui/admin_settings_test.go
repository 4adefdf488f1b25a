package ui

import (
	"strings"
	"testing"
)

// A new chart-number width is not saved by one click: the admin is told
// what every chart number becomes and how many labels to reprint, and
// nothing changes until they confirm.
func TestSettingsAskBeforeRenumberingEveryChart(t *testing.T) {
	f := newFixture(t, true)
	f.patient("851237", "Testwell", "Ada")
	f.patient("111111", "Testwell", "Bert")
	f.mustSignIn(adminName, adminPassword)
	tab := newSettingsTab(f.s)
	tab.shown()

	tab.width.SetSelected("7")
	tab.save()
	if f.win.Canvas().Overlays().Top() == nil {
		t.Fatal("no question was asked")
	}
	st, err := f.store.Settings(f.admin)
	if err != nil || st.MRNWidth != 6 {
		t.Fatalf("the width was saved before the admin confirmed: %d %v", st.MRNWidth, err)
	}

	old := st
	st.MRNWidth = 7
	msg := renumberNotice(old, st, 2, "851237")
	for _, want := range []string{"from 6 to 7 digits", "Chart 85-12-37 will print as 085-12-37", "all 2 folders", "1 sheet"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the question %q does not say %q", msg, want)
		}
	}

	tab.write(st, false) // the admin confirmed
	if p, err := f.store.PatientByMRN(f.admin, "0851237"); err != nil || p.LastName != "Testwell" {
		t.Errorf("after confirming, chart 0851237 is %+v, %v", p, err)
	}
	if got := f.s.settings.MRNWidth; got != 7 {
		t.Errorf("the app still works with width %d", got)
	}
}
