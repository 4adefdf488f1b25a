package reports

import (
	"bytes"
	"testing"

	"github.com/jung-kurt/gofpdf"
)

func TestPageCount(t *testing.T) {
	for _, pages := range []int{1, 3, 12} {
		pdf := gofpdf.New("P", "mm", "Letter", "")
		for range pages {
			pdf.AddPage()
		}
		var b bytes.Buffer
		if err := pdf.Output(&b); err != nil {
			t.Fatal(err)
		}
		if got := PageCount(b.Bytes()); got != pages {
			t.Errorf("PageCount = %d, want %d", got, pages)
		}
	}
	for _, junk := range []string{"", "not a pdf", "/Type /Pages /Count x"} {
		if got := PageCount([]byte(junk)); got != 0 {
			t.Errorf("PageCount(%q) = %d, want 0", junk, got)
		}
	}
}

func FuzzPageCount(f *testing.F) {
	f.Add([]byte("/Type /Pages\n/Kids [3 0 R]\n/Count 1"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if n := PageCount(b); n < 0 {
			t.Fatalf("negative page count %d", n)
		}
	})
}
