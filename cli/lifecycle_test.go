package cli

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chartroom/chartroom/reports/needtool"
)

// lifecycleCSV: charts last seen long ago (eligible on 2026-03-10), a
// recent one, and a minor whose chart is kept to 28.
const lifecycleCSV = "Chart #,Last Name,First Name,DOB,Last Visit,Deceased\n" +
	"111111,Oldhouse,Olive,1940-02-02,2014-05-05,\n" + // adult: 2024-05-05
	"222222,Recentby,Rex,1970-03-03,2024-01-01,\n" + // adult: 2034
	"333333,Youngling,Yara,2005-06-06,2012-01-01,\n" + // minor: 2033-06-06
	"444444,Gonebye,Gus,1930-01-01,2010-01-01,2015-01-01\n" // adult 2020, deceased 2020: eligible

// newRetentionClinic is a practice with those charts and a clerk.
func newRetentionClinic(t *testing.T) *harness {
	t.Helper()
	h := newPractice(t)
	h.must("import", "patients", writeFile(t, "old.csv", lifecycleCSV))
	h.env["CHARTROOM_NEW_PASSWORD"] = "clerk password 1"
	h.must("users", "add", "cleo", "--role", "clerk")
	delete(h.env, "CHARTROOM_NEW_PASSWORD")
	return h
}

func TestRetentionReview(t *testing.T) {
	h := newRetentionClinic(t)
	out := h.must("retention", "review")
	for _, want := range []string{"BARCODE", "ELIGIBLE SINCE", "Oldhouse, Olive", "11-11-11", "adult", "2024-05-05", "Gonebye, Gus", "2 folder(s) eligible for destruction as of 2026-03-10"} {
		if !strings.Contains(out, want) {
			t.Errorf("review lacks %q:\n%s", want, out)
		}
	}
	for _, absent := range []string{"Recentby", "Youngling"} {
		if strings.Contains(out, absent) {
			t.Errorf("%s is listed:\n%s", absent, out)
		}
	}
	csv := h.must("retention", "review", "--as-of", "2033-06-06", "--format", "csv")
	lines := strings.Split(strings.TrimSpace(csv), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "BARCODE,MRN,PATIENT") || !strings.Contains(csv, "Youngling, Yara") || !strings.Contains(csv, ",minor,2033-06-06,") {
		t.Errorf("csv as of 2033-06-06:\n%s", csv)
	}
	if r := h.as("cleo", "clerk password 1").run("retention", "review"); r.code != ExitRefused || !strings.Contains(r.stderr, "supervisor") {
		t.Errorf("clerk: exit %d %q", r.code, r.stderr)
	}
	if r := h.run("retention", "review", "--format", "xml"); r.code != ExitUsage {
		t.Errorf("bad format: exit %d", r.code)
	}
}

func TestRetentionDestroy(t *testing.T) {
	h := newRetentionClinic(t)
	old, recent := h.barcodeOf("Oldhouse"), h.barcodeOf("Recentby")
	destroy := []string{"retention", "destroy", "--method", "cross-cut shredding", "--by", "Sam Shredder", "--witness", "Wanda Witness"}

	if r := h.run("retention", "destroy", "--method", "shredding", old); r.code != ExitUsage {
		t.Errorf("no --by/--witness: exit %d", r.code)
	}
	if r := h.as("cleo", "clerk password 1").run(append(destroy, old)...); r.code != ExitRefused || !strings.Contains(r.stderr, "supervisor") {
		t.Errorf("clerk: exit %d %q", r.code, r.stderr)
	}
	r := h.run(append(destroy, old, recent)...)
	if r.code != ExitRefused || !strings.Contains(r.stderr, recent) || !strings.Contains(r.stderr, "not eligible until 2034-01-01") || r.stdout != "" {
		t.Fatalf("not eligible: exit %d\nstdout %q\nstderr %q", r.code, r.stdout, r.stderr)
	}
	if rows := tsv(h.must("where", old)); rows[0][4] != "in-file" {
		t.Fatalf("half-saved: %v", rows)
	}
	if out := h.must(append(destroy, old)...); out != "1\n" {
		t.Fatalf("batch number: %q", out)
	}
	if rows := tsv(h.must("where", old)); rows[0][4] != "destroyed" {
		t.Errorf("after destruction: %v", rows)
	}
	if r := h.run("checkout", "--to", "Nobody", old); r.code != ExitRefused {
		t.Errorf("check-out of a destroyed folder: exit %d", r.code)
	}
	// The rest of the review, at once; the certificate of each batch.
	if out := h.must(append(destroy, "--from-review")...); out != "2\n" {
		t.Errorf("from review: %q", out)
	}
	if r := h.run(append(destroy, "--from-review")...); r.code != ExitRefused || !strings.Contains(r.stderr, "no folder in file is eligible") {
		t.Errorf("empty review: exit %d %q", r.code, r.stderr)
	}
	dir := t.TempDir()
	cert := filepath.Join(dir, "cert.pdf")
	h.must("report", "destruction-certificate", "--batch", "1", "-o", cert)
	assertPDF(t, cert)
	t.Run("the certificate reads", func(t *testing.T) {
		needtool.Need(t, "pdftotext")
		text, err := exec.Command("pdftotext", "-layout", cert, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"Certificate of destruction", "normal course of business", "Oldhouse, Olive", "Wanda Witness"} {
			if !strings.Contains(string(text), want) {
				t.Errorf("certificate lacks %q:\n%s", want, text)
			}
		}
	})
	if r := h.run("report", "destruction-certificate", "--batch", "x", "-o", cert); r.code != ExitUsage {
		t.Errorf("--batch x: exit %d", r.code)
	}
	if r := h.run("report", "destruction-certificate", "--batch", "9", "-o", cert); r.code != ExitRefused {
		t.Errorf("--batch 9: exit %d %q", r.code, r.stderr)
	}
	review := filepath.Join(dir, "review.pdf")
	h.must("report", "retention", "--as-of", "2033-06-06", "-o", review)
	assertPDF(t, review)
}

func TestRetentionHold(t *testing.T) {
	h := newRetentionClinic(t)
	if r := h.run("retention", "hold", "111111"); r.code != ExitUsage {
		t.Errorf("no reason: exit %d", r.code)
	}
	if out := h.must("retention", "hold", "11-11-11", "--reason", "Case 26-001 (fictitious)"); !strings.Contains(out, "on legal hold") {
		t.Errorf("hold: %q", out)
	}
	if out := h.must("retention", "review"); strings.Contains(out, "Oldhouse") {
		t.Errorf("a held chart is listed:\n%s", out)
	}
	r := h.run("retention", "destroy", "--method", "shredding", "--by", "Sam", "--witness", "Wanda", h.barcodeOf("Oldhouse"))
	if r.code != ExitRefused || !strings.Contains(r.stderr, "legal hold") {
		t.Errorf("destroying a held chart: exit %d %q", r.code, r.stderr)
	}
	if out := h.must("retention", "hold", "111111", "--clear"); !strings.Contains(out, "released") {
		t.Errorf("clear: %q", out)
	}
}

func TestAuditShelf(t *testing.T) {
	h := newRetentionClinic(t)
	// Filing order (terminal digit, by the last pair): 11-11-11, 22-22-22, 33-33-33, 44-44-44.
	a, b, c, d := h.barcodeOf("Oldhouse"), h.barcodeOf("Recentby"), h.barcodeOf("Youngling"), h.barcodeOf("Gonebye")
	h.must("borrowers", "add", "Dr. Quill Testwright", "--kind", "provider")
	h.must("checkout", "--to", "Dr. Quill Testwright", b)
	scans := strings.ToLower(a) + "\r\n\r\n" + d + "\n" + b + "\n" + "NOT-A-FOLDER\n"
	file := writeFile(t, "scans.txt", scans)

	out := h.must("audit", "shelf", "--location", "Record room", file)
	rows := tsv(out)
	want := map[string]string{"recorded-out": b, "out-of-order": d, "unknown": "NOT-A-FOLDER", "not-seen": c}
	got := map[string]string{}
	for _, r := range rows[:len(rows)-1] {
		got[r[0]] = r[2]
	}
	for kind, code := range want {
		if got[kind] != code {
			t.Errorf("%s: got %q, want %q\n%s", kind, got[kind], code, out)
		}
	}
	if last := rows[len(rows)-1][0]; !strings.Contains(last, "Record room: 4 scanned, 1 in order, 1 out of order") || !strings.Contains(last, "1 not seen") {
		t.Errorf("summary: %q", last)
	}

	// Narrowed to section 11 (Oldhouse's chart 11-11-11): only its folder
	// is expected, and applying changes nothing in the other sections.
	one := writeFile(t, "one.txt", a+"\n")
	r := h.run("audit", "shelf", "--location", "Record room", "--sections", "11", "--apply", one)
	if r.code != ExitOK || !strings.Contains(r.stdout, "Record room (section 11): 1 scanned, 1 in order") ||
		!strings.Contains(r.stdout, "applied: 0 marked missing") {
		t.Fatalf("a section: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if rows := tsv(h.must("where", c)); rows[0][4] != "in-file" {
		t.Errorf("a folder of another section changed: %v", rows)
	}

	// From standard input, applied, with the PDF.
	pdf := filepath.Join(t.TempDir(), "audit.pdf")
	r = h.runIn(scans, "audit", "shelf", "--location", "record room", "--apply", "-o", pdf, "-")
	if r.code != ExitOK || !strings.Contains(r.stdout, "applied: 1 marked missing, 1 found, 0 given this home") {
		t.Fatalf("apply: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	assertPDF(t, pdf)
	if rows := tsv(h.must("where", c)); rows[0][4] != "missing" {
		t.Errorf("not seen after apply: %v", rows)
	}
	if rows := tsv(h.must("where", b)); rows[0][4] != "in-file" {
		t.Errorf("recorded out after apply: %v", rows)
	}

	for _, bad := range [][]string{
		{"audit", "shelf", file},
		{"audit", "shelf", "--location", "Record room"},
		{"audit", "shelf", "--location", "Record room", "--sections", "100", file},
		{"audit", "shelf", "--location", "Record room", "--sections", "20-10", file},
	} {
		if r := h.run(bad...); r.code != ExitUsage {
			t.Errorf("%v: exit %d", bad, r.code)
		}
	}
	if r := h.run("audit", "shelf", "--location", "Attic", file); r.code != ExitRefused || !strings.Contains(r.stderr, "Attic") {
		t.Errorf("unknown location: exit %d %q", r.code, r.stderr)
	}
}
