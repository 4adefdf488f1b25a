package reports

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chartroom/chartroom/records"
)

func TestLocationReportRows(t *testing.T) {
	vs := fixtureVolumes()
	if !inFilingOrder(vs) {
		t.Fatal("fixtures are not in filing order")
	}
	pdf := renderPDF(t, newDocument(testHeader("Chart location report")), func(d *document) error {
		return renderLocation(d, testToday, sliceSource(vs))
	})
	pages := pdfPages(t, pdf)
	if len(pages) != 1 {
		t.Fatalf("got %d pages, want 1", len(pages))
	}
	text := pages[0]
	// Terminal-digit order: 12-34-56 files before 01-35-56 (same primary
	// pair 56, secondary 34 before 35), and both before 00-01-57.
	assertOrder(t, text, "12-34-56", "01-35-56", "00-01-57", "44-55-66", "99-88-77", "77-88-99")
	assertOrder(t, text, "Núñez, María José", "Nguyễn, Thị Lan", "Fitzgerald-Worthington", "Østergaard, Søren", "O'Connor, Zoë", "Zamora-Quiñones, Ana")

	tests := []struct {
		key  string
		want []string
	}{
		{"Núñez", []string{"Núñez, María José", "12-34-56", "Medical 1", "Record room > Cabinet A > Shelf 3"}},
		{"Nguyễn", []string{"Nguyễn, Thị Lan", "01-35-56", "Out: Dr. Ada Quill", "Room 12", "2026-02-20", "2026-02-27", "6"}},
		{"Fitzgerald", []string{"MISSING (home: Record room"}},
		{"Østergaard", []string{"Offsite: Boxwood Storage", "2025-06-01"}},
		{"O'Connor", []string{"Out: Dr. Ada Quill", "2026-03-03", "2026-03-10"}},
		{"Zamora", []string{"Out: Billing Department", "555-0142", "2026-03-01", "4"}},
	}
	for _, tt := range tests {
		line := lineWith(text, tt.key)
		for _, w := range tt.want {
			if !strings.Contains(line, w) {
				t.Errorf("row %s: %q missing in %q", tt.key, w, line)
			}
		}
	}
	// Not overdue: in file, offsite storage, and not yet due.
	for _, key := range []string{"Núñez", "Østergaard", "O'Connor"} {
		f := fields(lineWith(text, key))
		if last := f[len(f)-1]; last == "0" || strings.HasSuffix(last, " 0") {
			t.Errorf("row %s shows days overdue: %q", key, f)
		}
	}
	// A name too long for its column wraps within its row, whole, and does
	// not run into the MRN.
	if line := lineWith(text, "Fitzgerald"); strings.Contains(line, "…") || strings.Contains(line, "Maximilian") || !strings.Contains(line, "00-01-57") {
		t.Errorf("long name cut or run into the next column: %q", line)
	}
	if !strings.Contains(squeeze(pdfStreamText(t, pdf)), squeeze(longName)) {
		t.Errorf("long name %q not printed whole", longName)
	}
	for _, w := range []string{testPractice, "Chart location report", "As of 2026-03-05", "All records",
		"Printed 2026-03-05 14:30 by clerk.demo", "Confidential: contains protected health information", "Page 1 of 1",
		"6 volumes, 4 out, 2 overdue"} {
		if !strings.Contains(text, w) {
			t.Errorf("page lacks %q", w)
		}
	}
}

// manyVolumes yields n made-up volumes without holding them.
func manyVolumes(n int) volumeSource {
	return func(fn func(records.Volume) error) error {
		base := vol(1, "000000", "", records.Date{})
		for i := 0; i < n; i++ {
			v := base
			v.ID = records.ID(i + 1)
			v.MRN = fmt.Sprintf("%06d", (i*7919)%1000000)
			v.PatientName = fmt.Sprintf("Testpatient-%d, Demo", i)
			v.Barcode = fmt.Sprintf("V%08d", i+1)
			if i%5 == 0 {
				v = out(v, drQuill, time.Date(2026, time.February, 1, 9, 0, 0, 0, time.UTC), records.NewDate(2026, time.February, 8))
			}
			if err := fn(v); err != nil {
				return err
			}
		}
		return nil
	}
}

func TestLocationReportPagesRepeatTitles(t *testing.T) {
	pdf := renderPDF(t, newDocument(testHeader("Chart location report")), func(d *document) error {
		return renderLocation(d, testToday, manyVolumes(120))
	})
	pages := pdfPages(t, pdf)
	if len(pages) < 3 {
		t.Fatalf("120 rows on %d pages; want at least 3", len(pages))
	}
	seen := 0
	for i, p := range pages {
		if !strings.Contains(p, fmt.Sprintf("Page %d of %d", i+1, len(pages))) {
			t.Errorf("page %d lacks its page number", i+1)
		}
		if !strings.Contains(lineWith(p, "Patient"), "Location or borrower") {
			t.Errorf("page %d lacks the column titles", i+1)
		}
		if !strings.Contains(p, confidential) || !strings.Contains(p, testPractice) {
			t.Errorf("page %d lacks its header or footer", i+1)
		}
		seen += strings.Count(p, "Testpatient-")
	}
	if seen != 120 {
		t.Errorf("%d rows printed, want 120", seen)
	}
	if !strings.Contains(pages[len(pages)-1], "120 volumes, 24 out, 24 overdue") {
		t.Errorf("last page lacks the total:\n%s", pages[len(pages)-1])
	}
}

func TestLocationReportEmpty(t *testing.T) {
	pdf := renderPDF(t, newDocument(testHeader("Chart location report")), func(d *document) error {
		return renderLocation(d, testToday, sliceSource(nil))
	})
	if text := pdfPages(t, pdf)[0]; !strings.Contains(text, "No volumes match these filters.") {
		t.Errorf("empty report does not say so:\n%s", text)
	}
}

// TestDestroyedFoldersLeftOut: the location report and the labels show the
// folders that exist; a filter brings destroyed ones back.
func TestDestroyedFoldersLeftOut(t *testing.T) {
	svc := newFakeStore()
	svc.volumes[0].State = records.StateDestroyed // Núñez, 12-34-56
	tests := []struct {
		name   string
		report string
		p      Params
		shows  bool
		says   string
	}{
		{"location by default", ReportLocation, Params{Now: testNow}, false, "5 volumes, 4 out, 2 overdue"},
		{"location with destroyed", ReportLocation, Params{Now: testNow, IncludeDestroyed: true}, true, "6 volumes, 4 out, 2 overdue"},
		{"location of destroyed folders", ReportLocation, Params{Now: testNow, States: []records.VolumeState{records.StateDestroyed}}, true, "1 volume, 0 out, 0 overdue"},
		{"labels by default", ReportLabels, Params{Now: testNow}, false, "Destroyed folders left out"},
		{"labels chosen", ReportLabels, Params{Now: testNow, VolumeIDs: []records.ID{1, 2}}, false, "Destroyed folders left out"},
		{"labels with destroyed", ReportLabels, Params{Now: testNow, IncludeDestroyed: true}, true, "Destroyed folders included"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := strings.Join(pdfPages(t, generate(t, svc, tt.report, tt.p)), "\n")
			if got := strings.Contains(text, "12-34-56"); got != tt.shows {
				t.Errorf("destroyed folder 12-34-56 shown: %v, want %v", got, tt.shows)
			}
			if !strings.Contains(text, tt.says) {
				t.Errorf("report lacks %q:\n%s", tt.says, text)
			}
		})
	}
	// A report of folders that are out, or missing, takes no such filter.
	var buf bytes.Buffer
	err := Generate(clerkCtx(), svc, ReportMissing, Params{Now: testNow, IncludeDestroyed: true}, &buf)
	if records.ErrorField(err) != FilterDestroyed {
		t.Errorf("missing report with include-destroyed: %v", err)
	}
}
