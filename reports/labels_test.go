package reports

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/reports/needtool"
)

// decodeBarcodes renders page (1-based) of pdf at 300 dpi and returns the
// Code 128 symbols zbarimg reads on it, sorted.
func decodeBarcodes(t *testing.T, pdf []byte, page int) []string {
	t.Helper()
	needtool.Need(t, "pdftoppm")
	needtool.Need(t, "zbarimg")
	dir := t.TempDir()
	path := filepath.Join(dir, "labels.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	p := strconv.Itoa(page)
	if out, err := exec.Command("pdftoppm", "-png", "-r", "300", "-f", p, "-l", p, "-singlefile", path, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	out, err := exec.Command("zbarimg", "--quiet", "--raw", "-Scode128.enable", filepath.Join(dir, "page.png")).Output()
	if err != nil {
		// zbarimg exits 4 when it finds nothing.
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 4 {
			t.Fatalf("zbarimg: %v", err)
		}
	}
	var codes []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if l != "" {
			codes = append(codes, l)
		}
	}
	sort.Strings(codes)
	return codes
}

func labelVolumes() []records.Volume {
	vs := fixtureVolumes()
	vs[1].Barcode = "V2024-000123" // letters, digits and a dash
	vs[1].Number = 2
	return vs
}

func barcodesOf(vs []records.Volume) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Barcode)
	}
	sort.Strings(out)
	return out
}

func TestAveryLabelsScan(t *testing.T) {
	vs := labelVolumes()
	pdf := renderPDF(t, newAveryDocument(testHeader("Folder labels")), func(d *document) error {
		return renderAveryLabels(d, 1, sliceSource(vs))
	})
	if got, want := decodeBarcodes(t, pdf, 1), barcodesOf(vs); !slices.Equal(got, want) {
		t.Errorf("scanned %q, want %q", got, want)
	}
	text := pdfPages(t, pdf)[0]
	for _, w := range []string{"12-34-56", "01-35-56", "Núñez, María José", "Nguyễn, Thị Lan", "O'Connor, Zoë",
		"Medical 2", "2019", confidential, "Page 1 of 1", testPractice} {
		if !strings.Contains(text, w) {
			t.Errorf("label sheet lacks %q", w)
		}
	}
}

func TestRollLabelsScanOnePerPage(t *testing.T) {
	vs := labelVolumes()[:3]
	pdf := renderPDF(t, newRollDocument(testHeader("Folder labels")), func(d *document) error {
		return renderRollLabels(d, sliceSource(vs))
	})
	pages := pdfPages(t, pdf)
	if len(pages) != len(vs) {
		t.Fatalf("%d pages for %d roll labels", len(pages), len(vs))
	}
	for i, v := range vs {
		if got := decodeBarcodes(t, pdf, i+1); !slices.Equal(got, []string{v.Barcode}) {
			t.Errorf("label %d scanned %q, want %q", i+1, got, v.Barcode)
		}
		if !strings.Contains(pages[i], records.FormatMRN(v.MRN, records.FilingTerminalDigit)) {
			t.Errorf("label %d lacks its MRN:\n%s", i+1, pages[i])
		}
	}
}

// labelSlots returns the sheet position (1–30) of each MRN printed on a
// page, from the words' positions pdftotext reports.
func labelSlots(t *testing.T, pdf []byte, page int) map[string]int {
	t.Helper()
	needtool.Need(t, "pdftotext")
	path := filepath.Join(t.TempDir(), "labels.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	p := strconv.Itoa(page)
	out, err := exec.Command("pdftotext", "-bbox", "-f", p, "-l", p, path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	word := regexp.MustCompile(`<word xMin="([0-9.]+)" yMin="([0-9.]+)"[^>]*>(\d\d-\d\d-\d\d)</word>`)
	slots := map[string]int{}
	const pt = 72 / 25.4
	for _, m := range word.FindAllStringSubmatch(string(out), -1) {
		x, _ := strconv.ParseFloat(m[1], 64)
		y, _ := strconv.ParseFloat(m[2], 64)
		col := int((x/pt - averyLeft) / averyPitchX)
		row := int((y/pt - averyTop) / averyPitchY)
		slots[m[3]] = row*averyColumns + col + 1
	}
	return slots
}

func TestAveryLabelsStartPosition(t *testing.T) {
	vs := labelVolumes()
	pdf := renderPDF(t, newAveryDocument(testHeader("Folder labels")), func(d *document) error {
		return renderAveryLabels(d, 27, sliceSource(vs))
	})
	if n := len(pdfPages(t, pdf)); n != 2 {
		t.Fatalf("6 labels from position 27 on %d sheets, want 2", n)
	}
	first, second := labelSlots(t, pdf, 1), labelSlots(t, pdf, 2)
	want1 := map[string]int{"12-34-56": 27, "01-35-56": 28, "00-01-57": 29, "44-55-66": 30}
	want2 := map[string]int{"99-88-77": 1, "77-88-99": 2}
	if fmt.Sprint(first) != fmt.Sprint(want1) || fmt.Sprint(second) != fmt.Sprint(want2) {
		t.Errorf("label positions: sheet 1 %v, sheet 2 %v; want %v and %v", first, second, want1, want2)
	}
	if got := decodeBarcodes(t, pdf, 2); !slices.Equal(got, barcodesOf(vs[4:])) {
		t.Errorf("second sheet scanned %q", got)
	}
}

func TestColorBands(t *testing.T) {
	tests := []struct {
		c       rune
		fill    rgb
		striped bool
	}{
		{'0', digitBands[0], false},
		{'9', digitBands[9], false},
		{'A', letterBands[0], false},
		{'N', letterBands[0], true},
		{'Z', letterBands[12], true},
		{'Ж', rgb{189, 189, 189}, false},
	}
	for _, tt := range tests {
		b := bandFor(tt.c)
		if b.fill != tt.fill || b.striped != tt.striped {
			t.Errorf("bandFor(%q) = %+v", tt.c, b)
		}
		if contrast := luminance(b.fill) - luminance(b.ink); contrast < 90 && contrast > -90 {
			t.Errorf("bandFor(%q): ink %v hardly shows on %v", tt.c, b.ink, b.fill)
		}
	}
	seen := map[rgb]bool{}
	for _, c := range digitBands {
		if seen[c] {
			t.Errorf("two digits share the colour %v", c)
		}
		seen[c] = true
	}
}
