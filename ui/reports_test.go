package ui

import (
	"slices"
	"testing"

	"fyne.io/fyne/v2/widget"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/reports"
)

// TestReportFormsAreTheDeclaredFilters: each report's form asks for
// exactly the filters the report declares, in its order and with their
// labels; its order drop-down offers exactly the report's orders, each of
// which the report accepts.
func TestReportFormsAreTheDeclaredFilters(t *testing.T) {
	f := newFixture(t, true)
	_, vol := f.patient("123456", "Testperson", "Ana")
	f.borrower("Dr. Ada Quill", "B100")
	f.mustSignIn(adminName, adminPassword)
	for _, rep := range reports.List() {
		t.Run(rep.Name, func(t *testing.T) {
			rp, err := newReportParams(f.s, rep, newFormErrors())
			if err != nil {
				t.Fatal(err)
			}
			items := rp.form.Items
			if len(rep.Filters) == 0 {
				if len(items) != 1 || items[0].Text != "" {
					t.Errorf("a report of no filters shows %d items", len(items))
				}
				return
			}
			if len(items) != len(rep.Filters) {
				t.Fatalf("the form has %d fields, the report declares %d filters", len(items), len(rep.Filters))
			}
			for i, flt := range rep.Filters {
				label := items[i].Text
				if flt.Kind == reports.KindIncludeDestroyed {
					label = items[i].Widget.(*widget.Check).Text
				}
				if label != flt.Label {
					t.Errorf("field %d is %q, want %q", i, label, flt.Label)
				}
				if flt.Required && items[i].HintText != "Required" {
					t.Errorf("required %s hints %q", flt.Name, items[i].HintText)
				}
				if sel, ok := items[i].Widget.(*widget.Select); ok && flt.Required && slices.Contains(sel.Options, anyOption) {
					t.Errorf("required %s offers %q", flt.Name, anyOption)
				}
				if flt.Kind != reports.KindOrder {
					continue
				}
				sel := items[i].Widget.(*widget.Select)
				var want []string
				for _, o := range rep.Orders {
					want = append(want, reports.OrderName(o))
				}
				if !slices.Equal(sel.Options, want) {
					t.Errorf("the order drop-down offers %v, the report accepts %v", sel.Options, want)
				}
				if slices.Contains(rep.OneOf, reports.FilterPatient) || slices.ContainsFunc(rep.Filters, func(f reports.Filter) bool { return f.Required }) {
					continue
				}
				// Every order offered makes the report.
				for _, o := range sel.Options {
					sel.SetSelected(o)
					p, err := rp.read()
					if err != nil {
						t.Fatalf("order %s: %v", o, err)
					}
					if _, err := makeReport(f.s.ctx(), f.s.svc, rep.Name, p); err != nil {
						t.Errorf("order %s, offered: %v", o, err)
					}
				}
			}
		})
	}
	// A history form with neither a patient nor a folder is refused naming
	// the patient's field; with a folder it makes the report.
	hist, _ := reports.Find(reports.ReportHistory)
	errs := newFormErrors()
	rp, err := newReportParams(f.s, hist, errs)
	if err != nil {
		t.Fatal(err)
	}
	p, err := rp.read()
	if err != nil {
		t.Fatal(err)
	}
	_, err = makeReport(f.s.ctx(), f.s.svc, hist.Name, p)
	if records.ErrorField(err) != reports.FilterPatient {
		t.Errorf("a history of nothing: %v (field %q), want the patient's field named", err, records.ErrorField(err))
	}
	if _, ok := errs.fields[reports.FilterPatient]; !ok {
		t.Errorf("the patient's field is not registered under %q, the name the error gives", reports.FilterPatient)
	}
	rp.form.Items[1].Widget.(*activeEntry).SetText(vol.Barcode)
	if p, err = rp.read(); err != nil {
		t.Fatal(err)
	}
	if _, err := makeReport(f.s.ctx(), f.s.svc, hist.Name, p); err != nil {
		t.Errorf("a history of a folder: %v", err)
	}
}
