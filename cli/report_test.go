package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chartroom/chartroom/reports"
)

func TestReportList(t *testing.T) {
	h := newHarness(t) // listing the reports needs no database
	out := h.must("report", "--list")
	list := reports.List()
	if len(list) == 0 {
		t.Fatal("reports.List is empty")
	}
	for _, r := range list {
		if !strings.Contains(out, r.Name) || !strings.Contains(out, r.Title) {
			t.Errorf("report --list lacks %s (%s):\n%s", r.Name, r.Title, out)
		}
	}
	// Each report's line shows the flags of the filters it declares:
	// required ones bare, one-of ones in parentheses, the others in
	// brackets, the order flag with the report's own orders.
	for _, r := range list {
		line := lineStarting(out, r.Name+" ")
		for _, f := range r.Filters {
			if !strings.Contains(line, "--"+f.Name) {
				t.Errorf("report --list shows %s without --%s: %q", r.Name, f.Name, line)
			}
			if f.Required && strings.Contains(line, "[--"+f.Name) {
				t.Errorf("report --list shows %s's required --%s as optional: %q", r.Name, f.Name, line)
			}
		}
	}
	for name, want := range map[string]string{
		"location":    "[--type TYPE] [--order filing|borrower] [--date DAY]",
		"overdue":     "[--order filing|borrower|due]",
		"history":     "(--mrn MRN | --barcode BARCODE) [--from DAY] [--to DAY]",
		"disclosures": "--mrn MRN [--date DAY]",
		"labels":      "[--barcode BARCODE...] [--format avery5160|roll] [--start POSITION]",
		"pull-list":   "Pull list  [--date DAY]",
	} {
		if line := lineStarting(out, name+" "); !strings.Contains(strings.Join(strings.Fields(line), " "), strings.Join(strings.Fields(want), " ")) {
			t.Errorf("report --list shows %s as %q, want %q in it", name, line, want)
		}
	}
}

// lineStarting is the first line of text that starts with prefix.
func lineStarting(text, prefix string) string {
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	return ""
}

func assertPDF(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Errorf("%s is not a PDF: %q", path, b[:min(len(b), 20)])
	}
}

func TestReportWritesPDF(t *testing.T) {
	h := newClinic(t)
	ana := h.barcodeOf("Testperson")
	h.must("checkout", "--to", "B100", ana)

	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
	}{
		{"location", []string{"report", "location"}},
		{"out by borrower", []string{"report", "out-by-borrower", "--borrower", "B100"}},
		{"history of a patient", []string{"report", "history", "--mrn", "12-34-56", "--from", "2026-03-01", "--to", "2026-03-10"}},
		{"labels of a folder", []string{"report", "labels", "--barcode", ana, "--format", "avery5160", "--start", "4"}},
		{"labels of two folders", []string{"report", "labels", "--barcode", ana, "--barcode", h.barcodeOf("nunez"), "--format", "roll"}},
		{"history of a folder", []string{"report", "history", "--barcode", ana}},
		{"the day by its other name", []string{"report", "retention", "--as-of", "2026-03-01"}},
		{"sorted by due date", []string{"report", "overdue", "--order", "due"}},
		{"checked-out only", []string{"report", "location", "--state", "checked-out,missing", "--type", "medical"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, tt.name+".pdf")
			out := h.must(append(tt.args, "-o", path)...)
			if out != path+"\n" {
				t.Errorf("printed %q, want the path", out)
			}
			assertPDF(t, path)
		})
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".chartroom-report-*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

func TestReportDefaultFileName(t *testing.T) {
	h := newClinic(t)
	t.Chdir(t.TempDir())
	out := h.must("report", "overdue")
	want := "overdue-20260310.pdf"
	if out != want+"\n" {
		t.Errorf("printed %q, want %q", out, want)
	}
	assertPDF(t, want)
}

func TestReportFiltersNotFound(t *testing.T) {
	h := newClinic(t)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--location", "Basement"}, `there is no location "Basement"`},
		{[]string{"--borrower", "Dr. Nobody"}, "Dr. Nobody"},
		{[]string{"--type", "Dental"}, `there is no record type "Dental"`},
		{[]string{"--mrn", "99-99-99"}, "99"},
		{[]string{"--barcode", "V-NOPE"}, "V-NOPE"},
	}
	t.Chdir(t.TempDir())
	for _, tt := range tests {
		r := h.run(append([]string{"report", "labels"}, tt.args...)...)
		if r.code != ExitRefused || r.stdout != "" || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%q: exit %d, %q %q (want %q)", tt.args, r.code, r.stdout, r.stderr, tt.want)
		}
	}
	// A filter the report does not take is bad usage (exit 2), under
	// either of its names.
	for _, args := range [][]string{{"pull-list", "--borrower", "B100"}, {"missing", "--as-of", "2026-03-01"}, {"missing", "--include-destroyed"}} {
		r := h.run(append([]string{"report"}, args...)...)
		if r.code != ExitUsage || !strings.Contains(r.stderr, "report does not take --"+strings.TrimPrefix(args[1], "--")) {
			t.Errorf("%q, a filter the report does not take: exit %d %q", args, r.code, r.stderr)
		}
	}
	// A filter a report needs and did not get is bad usage too.
	for _, args := range [][]string{{"history"}, {"destruction-certificate"}, {"shelf-audit"}} {
		r := h.run(append([]string{"report"}, args...)...)
		if r.code != ExitUsage || !strings.Contains(r.stderr, "report needs --") {
			t.Errorf("report %q without the filter it needs: exit %d %q", args, r.code, r.stderr)
		}
	}
	for _, args := range [][]string{{"--start", "31"}, {"--format", "roll", "--start", "2"}} {
		r := h.run(append([]string{"report", "labels"}, args...)...)
		if r.code != ExitUsage || !strings.Contains(r.stderr, "--start") {
			t.Errorf("labels %q: exit %d %q", args, r.code, r.stderr)
		}
	}
	r := h.run("report", "location", "--include-destroyed", "-o", "with-destroyed.pdf")
	if r.code != ExitOK {
		t.Errorf("location --include-destroyed: exit %d %q", r.code, r.stderr)
	}
	os.Remove("with-destroyed.pdf")
	r = h.run("report", "history", "--barcode", "V0000001", "--barcode", "V0000002")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "takes one --barcode, not 2") {
		t.Errorf("two folders for a history: exit %d %q", r.code, r.stderr)
	}
	// An order the report cannot be sorted in is bad usage, naming its orders.
	r = h.run("report", "location", "--order", "due")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "--order must be filing|borrower for the location report") {
		t.Errorf("location --order due: exit %d %q", r.code, r.stderr)
	}
	if files, _ := filepath.Glob("*"); len(files) > 0 {
		t.Errorf("a refused report left files: %v", files)
	}
}

// TestReportRemovesTempFilesOfKilledReports: a report killed while writing
// leaves a hidden temporary file; the next report into the folder removes
// it, and leaves a fresh one (another report being written) alone.
func TestReportRemovesTempFilesOfKilledReports(t *testing.T) {
	h := newClinic(t)
	dir := t.TempDir()
	t.Chdir(dir)
	stale, fresh := filepath.Join(dir, ".chartroom-report-111.pdf"), filepath.Join(dir, ".chartroom-report-222.pdf")
	for _, f := range []string{stale, fresh} {
		if err := os.WriteFile(f, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	h.must("report", "overdue", "-o", "overdue.pdf")
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the stale temporary file is still there: %v", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("a fresh temporary file was removed: %v", err)
	}
}
