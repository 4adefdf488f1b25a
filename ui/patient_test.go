package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/chartroom/chartroom/records"
)

// formEntry returns the entry of the form item labelled label.
func formEntry(t *testing.T, ed *editDialog, label string) *activeEntry {
	t.Helper()
	for _, it := range ed.form.Items {
		if it.Text == label {
			if e, ok := it.Widget.(*activeEntry); ok {
				return e
			}
		}
	}
	t.Fatalf("the form has no text box %q", label)
	return nil
}

// formBox returns the container of the form item labelled label.
func formBox(t *testing.T, ed *editDialog, label string) *fyne.Container {
	t.Helper()
	for _, it := range ed.form.Items {
		if it.Text == label {
			if c, ok := it.Widget.(*fyne.Container); ok {
				return c
			}
		}
	}
	t.Fatalf("the form has no item %q", label)
	return nil
}

// A new patient with the name and birth date of an existing chart is not
// created without a word: the form names the chart and opens it; only a
// supervisor can go on, with a reason the audit log keeps.
func TestNewPatientWarnsOfAnExistingChart(t *testing.T) {
	f := newFixture(t, true)
	existing, _ := f.patient("123456", "Brambledown", "Xiomara")
	f.user("casey", records.RoleClerk, "clerk password 1")
	f.user("sam", records.RoleSupervisor, "super password 1")

	fill := func(ed *editDialog, mrn string) {
		for label, text := range map[string]string{"MRN": mrn, "Last name": "Brambledown", "First name": "Xiomara", "Date of birth": "1970-05-17"} {
			test.Type(formEntry(t, ed, label), text)
		}
		test.Tap(ed.save)
	}

	t.Run("a clerk is sent to the existing chart", func(t *testing.T) {
		m := f.mustSignIn("casey", "clerk password 1")
		ed := showPatientDialog(f.s, records.Patient{}, nil)
		fill(ed, "222222")
		if got := ed.errs.text(); !strings.Contains(got, "may already have a chart: 12-34-56") {
			t.Fatalf("the form says %q, want it to name chart 12-34-56", got)
		}
		for _, it := range ed.form.Items {
			if it.Text == "Reason" {
				t.Error("a clerk is offered the reason for a second chart")
			}
		}
		buttons := formBox(t, ed, "Existing").Objects
		if len(buttons) != 1 {
			t.Fatalf("%d charts offered, want 1", len(buttons))
		}
		test.Tap(buttons[0].(*widget.Button))
		if m.chart == nil || m.chart.patientID != existing.ID {
			t.Fatal("the button did not open the existing chart")
		}
		if _, err := f.store.PatientByMRN(f.admin, "222222"); records.ErrorCode(err) != records.ENotFound {
			t.Errorf("chart 222222 was created anyway (%v)", err)
		}
		f.s.signOut("")
	})

	t.Run("a supervisor adds a second chart with a reason", func(t *testing.T) {
		f.mustSignIn("sam", "super password 1")
		ed := showPatientDialog(f.s, records.Patient{}, nil)
		fill(ed, "333333")
		reason := formEntry(t, ed, "Reason")
		test.Type(reason, "a different person: checked her address")
		test.Tap(ed.save)
		if got := ed.errs.text(); got != "" {
			t.Fatalf("the form says %q", got)
		}
		p, err := f.store.PatientByMRN(f.admin, "333333")
		if err != nil {
			t.Fatalf("the second chart was not created: %v", err)
		}
		events, err := f.store.ListAudit(f.admin, records.AuditFilter{Entity: "patient", EntityID: p.ID})
		if err != nil || len(events) == 0 || !strings.Contains(events[len(events)-1].Detail+events[0].Detail, "checked her address") {
			t.Errorf("the audit log does not keep the reason: %+v %v", events, err)
		}
	})
}
