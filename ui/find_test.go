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
