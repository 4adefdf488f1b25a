package reports

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/reports/needtool"
)

// All names here are made up.

var (
	testNow   = time.Date(2026, time.March, 5, 14, 30, 0, 0, time.UTC)
	testToday = records.NewDate(2026, time.March, 5)
)

const testPractice = "Maple Grove Family Practice (demo)"

func testHeader(title string) header {
	return header{
		Practice:  testPractice,
		Title:     title,
		Filters:   []string{"All records"},
		About:     "As of 2026-03-05",
		PrintedAt: testNow,
		PrintedBy: "clerk.demo",
		Paper:     records.PaperLetter,
		Filing:    records.FilingTerminalDigit,
	}
}

const longName = "Fitzgerald-Worthington-Montgomery, Bartholomew Alexander Maximilian"

var (
	drQuill = records.Borrower{ID: 1, Name: "Dr. Ada Quill", Kind: records.BorrowerProvider, Room: "Room 12", Phone: "555-0100", LoanDays: 7, Active: true}
	billing = records.Borrower{ID: 2, Name: "Billing Department", Kind: records.BorrowerDepartment, Phone: "555-0142", Active: true}
	storage = records.Borrower{ID: 3, Name: "Boxwood Storage (fictional)", Kind: records.BorrowerOffsite, Active: true}
	lawyer  = records.Borrower{ID: 4, Name: "Pennywhistle & Partners LLP", Kind: records.BorrowerExternal, Address: "1 Example Plaza, Springfield", Active: true}
)

var medical = records.RecordType{ID: 1, Name: "Medical", Code: "M", LoanDays: 14, Color: "#3A6EA5", Default: true, Active: true}

// out returns v checked out to b since at, due on due.
func out(v records.Volume, b records.Borrower, at time.Time, due records.Date) records.Volume {
	v.State = records.StateOutTo(b)
	v.BorrowerID, v.BorrowerName, v.BorrowerKind = b.ID, b.Name, b.Kind
	v.BorrowerTel = firstNonEmpty(b.Room, b.Phone)
	v.OutSince, v.Due = at, due
	return v
}

func vol(id records.ID, mrn, name string, dob records.Date) records.Volume {
	last, _, _ := strings.Cut(name, ",")
	return records.Volume{
		ID: id, PatientID: id, RecordTypeID: medical.ID, Number: 1,
		Barcode: "V" + strings.Repeat("0", 7) + string(rune('0'+id)),
		HomeID:  10, State: records.StateInFile, Opened: records.NewDate(2019, time.May, 2),
		MRN: mrn, PatientName: name, DOB: dob, TypeName: medical.Name, TypeCode: medical.Code,
		TypeColor: medical.Color, HomePath: "Record room > Cabinet A > Shelf 3",
		FilingKey: records.FilingKey(records.FilingTerminalDigit, mrn, last, "", dob),
		UpdatedAt: time.Date(2026, time.February, 1, 9, 0, 0, 0, time.UTC),
	}
}

// fixtureVolumes are six folders in terminal-digit filing order:
// 12-34-56, 01-35-56, 00-01-57, 44-55-66, 99-88-77, 77-88-99.
func fixtureVolumes() []records.Volume {
	vs := []records.Volume{
		vol(1, "123456", "Núñez, María José", records.NewDate(1961, time.April, 3)),
		out(vol(2, "013556", "Nguyễn, Thị Lan", records.NewDate(1988, time.July, 19)), drQuill,
			time.Date(2026, time.February, 20, 10, 15, 0, 0, time.UTC), records.NewDate(2026, time.February, 27)),
		vol(3, "000157", longName, records.NewDate(1975, time.January, 30)),
		out(vol(4, "445566", "Østergaard, Søren", records.NewDate(1950, time.December, 1)), storage,
			time.Date(2025, time.June, 1, 8, 0, 0, 0, time.UTC), records.Date{}),
		out(vol(5, "998877", "O'Connor, Zoë", records.NewDate(2001, time.March, 9)), drQuill,
			time.Date(2026, time.March, 3, 11, 0, 0, 0, time.UTC), records.NewDate(2026, time.March, 10)),
		out(vol(6, "778899", "Zamora-Quiñones, Ana", records.NewDate(1979, time.August, 23)), billing,
			time.Date(2026, time.February, 2, 16, 45, 0, 0, time.UTC), records.NewDate(2026, time.March, 1)),
	}
	vs[2].State = records.StateMissing
	vs[2].UpdatedAt = time.Date(2026, time.February, 11, 9, 0, 0, 0, time.UTC)
	return vs
}

// inFilingOrder reports whether vs is sorted by filing key, a check that
// the fixtures are what the tests think they are.
func inFilingOrder(vs []records.Volume) bool {
	return slices.IsSortedFunc(vs, func(a, b records.Volume) int { return strings.Compare(a.FilingKey, b.FilingKey) })
}

// renderPDF runs a renderer on a new document and returns the PDF bytes.
func renderPDF(t testing.TB, d *document, render func(d *document) error) []byte {
	t.Helper()
	if err := render(d); err != nil {
		t.Fatalf("render: %v", err)
	}
	var buf bytes.Buffer
	if err := d.output(&buf); err != nil {
		t.Fatalf("output: %v", err)
	}
	keepSample(t, buf.Bytes())
	return buf.Bytes()
}

// keepSample saves a test's PDF in $CHARTROOM_REPORT_SAMPLES, to look at.
func keepSample(t testing.TB, pdf []byte) {
	dir := os.Getenv("CHARTROOM_REPORT_SAMPLES")
	if dir == "" {
		return
	}
	name := strings.NewReplacer("/", "_", " ", "_").Replace(t.Name()) + ".pdf"
	if err := os.WriteFile(filepath.Join(dir, name), pdf, 0o644); err != nil {
		t.Fatal(err)
	}
}

// pdfPages extracts the text of each page with pdftotext -layout.
func pdfPages(t testing.TB, pdf []byte) []string {
	t.Helper()
	pages := strings.Split(pdftotext(t, pdf, "-layout"), "\f")
	if n := len(pages); n > 0 && strings.TrimSpace(pages[n-1]) == "" {
		pages = pages[:n-1]
	}
	return pages
}

// pdfStreamText is the text of pdf in the order it was drawn (pdftotext
// -raw), so the lines of one wrapped cell follow one another.
func pdfStreamText(t testing.TB, pdf []byte) string {
	t.Helper()
	return pdftotext(t, pdf, "-raw")
}

// pdftotext runs pdftotext in the given mode on pdf and returns its text.
func pdftotext(t testing.TB, pdf []byte, mode string) string {
	t.Helper()
	needtool.Need(t, "pdftotext")
	path := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", mode, "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// assertOrder checks that each string appears in text, in the given order.
func assertOrder(t testing.TB, text string, want ...string) {
	t.Helper()
	at := 0
	for _, w := range want {
		i := strings.Index(text[at:], w)
		if i < 0 {
			if strings.Contains(text, w) {
				t.Errorf("%q is out of order in:\n%s", w, text)
			} else {
				t.Errorf("%q is missing from:\n%s", w, text)
			}
			return
		}
		at += i + len(w)
	}
}

// lineWith returns the first line of text containing s.
func lineWith(text, s string) string {
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}

// fields splits a pdftotext -layout line into its columns (runs of two or
// more spaces separate them).
func fields(line string) []string {
	var out []string
	for _, f := range strings.Split(line, "  ") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
