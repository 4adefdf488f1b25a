package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

func TestFindByNameAndMRN(t *testing.T) {
	f := newFixture(t, true)
	f.patient("123456", "Núñez", "María")
	f.patient("654321", "Testwell", "Ada")
	f.patient("111111", "Testwell", "Bert")
	m := f.mustSignIn(adminName, adminPassword)
	find := m.page(navFind).(*findScreen)

	cases := []struct {
		query     string
		wantNames []string // in order
		wantMRN   string   // first row's MRN as shown
	}{
		{"nunez", []string{"Núñez, María"}, "12-34-56"},
		{"NÚÑEZ, ma", []string{"Núñez, María"}, "12-34-56"},
		{"testwell", []string{"Testwell, Ada", "Testwell, Bert"}, "65-43-21"},
		{"12-34-56", []string{"Núñez, María"}, "12-34-56"},
		{"654321", []string{"Testwell, Ada"}, "65-43-21"},
		{"zzyzx", nil, ""},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			find.box.SetText("")
			test.Type(find.box, c.query)
			rows := find.results.rows
			if len(rows) != len(c.wantNames) {
				t.Fatalf("%d rows %v, want %v", len(rows), rows, c.wantNames)
			}
			for i, want := range c.wantNames {
				if got := rows[i].DisplayName(); got != want {
					t.Errorf("row %d = %q, want %q", i, got, want)
				}
			}
			if len(rows) == 0 {
				if !find.results.empty.Visible() || find.results.empty.Text == "" {
					t.Error("no results and no message saying so")
				}
				return
			}
			if got := find.results.cols[0].text(rows[0]); got != c.wantMRN {
				t.Errorf("MRN shown as %q, want %q (terminal digit)", got, c.wantMRN)
			}
		})
	}

	// Enter opens the selected chart.
	find.box.SetText("")
	test.Type(find.box, "testwell")
	find.box.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	find.box.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if m.chart == nil {
		t.Fatal("Enter did not open a chart")
	}
	if got := m.chart.data.patient.DisplayName(); got != "Testwell, Bert" {
		t.Errorf("opened %q, want the second row Testwell, Bert", got)
	}
	if len(m.chart.volumes.rows) != 1 {
		t.Errorf("chart shows %d folders, want 1", len(m.chart.volumes.rows))
	}
}

// Enter acts on the box's text as it is when Enter comes, never on a list
// left from an earlier keystroke, and opens nothing when that text matches
// several charts and none was picked.
func TestFindEnterActsOnCurrentText(t *testing.T) {
	f := newFixture(t, true)
	f.patient("654321", "Testwell", "Ada")
	_, bert := f.patient("111111", "Testwell", "Bert")
	m := f.mustSignIn(adminName, adminPassword)
	find := m.page(navFind).(*findScreen)

	cases := []struct {
		name     string
		listFor  string // what the list answers when Enter comes
		boxText  string // the box's text then
		arrows   int    // Down presses before Enter
		wantOpen string // the chart opened, "" for none
	}{
		{"the list is from an earlier keystroke", "testwell", "testwell, b", 0, "Testwell, Bert"},
		{"several matches and no pick", "testwell", "testwell", 0, ""},
		{"several matches, the clerk picked one", "testwell", "testwell", 1, "Testwell, Bert"},
		{"a whole chart number", "65", "65-43-21", 0, "Testwell, Ada"},
		{"a folder barcode before its answer", "", bert.Barcode, 0, "Testwell, Bert"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m.show(navFind)
			find.box.SetText("")
			test.Type(find.box, c.listFor)
			// The box changes without its answer coming back yet: the
			// typing outran the search.
			find.box.Text = c.boxText
			for range c.arrows {
				find.box.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
			}
			find.submit(find.box.Text)
			got := ""
			if m.chart != nil {
				got = m.chart.data.patient.DisplayName()
			}
			if got != c.wantOpen {
				t.Fatalf("Enter opened %q, want %q", got, c.wantOpen)
			}
			if c.wantOpen == "" && find.results.selected != 0 {
				t.Errorf("selected row %d, want the first row of the answer", find.results.selected)
			}
		})
	}
}
