package reports

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chartroom/chartroom/records"
)

// byBorrower sorts volumes the way ListVolumes does for OrderBorrower:
// borrower name, then filing order.
func byBorrower(vs []records.Volume) []records.Volume {
	vs = slices.Clone(vs)
	slices.SortStableFunc(vs, func(a, b records.Volume) int {
		return cmp.Or(cmp.Compare(a.BorrowerName, b.BorrowerName), cmp.Compare(a.FilingKey, b.FilingKey))
	})
	return vs
}

func outOnly(vs []records.Volume) []records.Volume {
	return slices.DeleteFunc(slices.Clone(vs), func(v records.Volume) bool { return !v.State.Out() })
}

func TestOutByBorrower(t *testing.T) {
	vs := byBorrower(outOnly(fixtureVolumes()))
	pdf := renderPDF(t, newDocument(testHeader("Charts out by borrower")), func(d *document) error {
		return renderOutByBorrower(d, testToday, sliceSource(vs))
	})
	text := pdfPages(t, pdf)[0]
	assertOrder(t, text,
		"Billing Department (department)", "Zamora-Quiñones, Ana", "1 chart, 1 overdue",
		"Boxwood Storage (fictional) (offsite)", "Østergaard, Søren", "1 chart",
		"Dr. Ada Quill (provider)", "Nguyễn, Thị Lan", "O'Connor, Zoë", "2 charts, 1 overdue",
		"4 charts out to 3 borrowers, 2 overdue")
	tests := []struct {
		key      string
		daysOut  string
		overdue  string
		stateTxt string
	}{
		{"Zamora", "31", "4", "checked out"},
		{"Østergaard", "277", "", "offsite"},
		{"Nguyễn", "13", "6", "checked out"},
		{"O'Connor", "2", "", "checked out"},
	}
	for _, tt := range tests {
		f := fields(lineWith(text, tt.key))
		want := []string{tt.stateTxt, tt.daysOut}
		if tt.overdue != "" {
			want = append(want, tt.overdue)
		}
		for _, w := range want {
			if !slices.Contains(f, w) {
				t.Errorf("%s: %q not a column of %q", tt.key, w, f)
			}
		}
	}
}

func TestOverdueList(t *testing.T) {
	vs := fixtureVolumes() // includes volumes that are not overdue: they must be left out
	pdf := renderPDF(t, newDocument(testHeader("Overdue charts")), func(d *document) error {
		return renderOverdue(d, testToday, sliceSource(vs))
	})
	text := pdfPages(t, pdf)[0]
	assertOrder(t, text, "Nguyễn, Thị Lan", "Zamora-Quiñones, Ana", "2 charts overdue")
	for _, absent := range []string{"Núñez", "Østergaard", "O'Connor", "Fitzgerald"} {
		if strings.Contains(text, absent) {
			t.Errorf("%s is not overdue but is listed", absent)
		}
	}
	if f := fields(lineWith(text, "Nguyễn")); f[len(f)-1] != "6" || !slices.Contains(f, "Dr. Ada Quill") {
		t.Errorf("Nguyễn row: %q", f)
	}
}

func TestOverdueNoticesOnePagePerBorrower(t *testing.T) {
	vs := fixtureVolumes()
	// A second overdue chart for Dr. Quill, so one notice lists two.
	extra := out(vol(7, "224466", "Quackenbush, Otto", records.Date{}), drQuill, testNow.AddDate(0, 0, -30), testToday.AddDays(-20))
	vs = byBorrower(append(vs, extra))
	bs := borrowerIndex([]records.Borrower{drQuill, billing, storage, lawyer})
	pdf := renderPDF(t, newDocument(testHeader("Overdue notice")), func(d *document) error {
		return renderOverdueNotices(d, testToday, noticeContact{Practice: testPractice, Address: "12 Sample Lane"}, bs, sliceSource(vs))
	})
	pages := pdfPages(t, pdf)
	if len(pages) != 2 {
		t.Fatalf("got %d pages, want one per borrower with overdue charts (2)", len(pages))
	}
	checks := []struct {
		page        int
		has, hasnt  []string
		chartsCount string
	}{
		{0, []string{"Billing Department", "555-0142", "Zamora-Quiñones, Ana", "12 Sample Lane"}, []string{"Nguyễn", "Quill"}, "1 chart overdue"},
		{1, []string{"Dr. Ada Quill", "Room 12", "Quackenbush, Otto", "Nguyễn, Thị Lan"}, []string{"Zamora", "O'Connor"}, "2 charts overdue"},
	}
	for _, c := range checks {
		p := pages[c.page]
		for _, s := range append(c.has, c.chartsCount, "Returned by", confidential) {
			if !strings.Contains(p, s) {
				t.Errorf("page %d lacks %q", c.page+1, s)
			}
		}
		for _, s := range c.hasnt {
			if strings.Contains(p, s) {
				t.Errorf("page %d shows %q, another borrower's", c.page+1, s)
			}
		}
	}
	// Filing order within a notice: 22-44-66 (primary 66) after 01-35-56.
	assertOrder(t, pages[1], "Nguyễn, Thị Lan", "Quackenbush, Otto")
}

func TestMissingReport(t *testing.T) {
	pdf := renderPDF(t, newDocument(testHeader("Missing charts")), func(d *document) error {
		return renderMissing(d, sliceSource(fixtureVolumes()))
	})
	text := pdfPages(t, pdf)[0]
	line := lineWith(text, "Fitzgerald")
	for _, w := range []string{"00-01-57", "1975-01-30", "V00000003", "Record room > Cabinet A > Shelf 3", "2026-02-11"} {
		if !strings.Contains(line, w) {
			t.Errorf("missing row lacks %q: %q", w, line)
		}
	}
	if !strings.Contains(text, "1 volume missing") || strings.Contains(text, "Núñez") {
		t.Errorf("only the missing volume should be listed:\n%s", text)
	}
}

// manyOut is n volumes out to b, overdue on testToday.
func manyOut(n int, b records.Borrower, firstID records.ID) []records.Volume {
	var vs []records.Volume
	for i := range n {
		id := firstID + records.ID(i)
		v := vol(id, fmt.Sprintf("%06d", 100000+int(id)), fmt.Sprintf("Sample%03d, Pat", int(id)), records.NewDate(1970, time.May, 1))
		vs = append(vs, out(v, b, testNow.AddDate(0, 0, -30), testToday.AddDays(-10)))
	}
	return vs
}

// TestBorrowerPagesSayWhoseChartsTheyAre: a borrower's charts that run
// onto another page open it with the borrower again, "continued".
func TestBorrowerPagesSayWhoseChartsTheyAre(t *testing.T) {
	vs := append(manyOut(70, drQuill, 100), manyOut(2, billing, 300)...)
	pages := pdfPages(t, renderPDF(t, newDocument(testHeader("Charts out by borrower")), func(d *document) error {
		return renderOutByBorrower(d, testToday, sliceSource(vs))
	}))
	if len(pages) < 2 {
		t.Fatalf("%d pages, want the first borrower to run onto a second", len(pages))
	}
	if !strings.Contains(pages[1], "Dr. Ada Quill (provider) (continued)") {
		t.Errorf("page 2 does not say whose charts they are:\n%s", pages[1])
	}
	if strings.Contains(pages[len(pages)-1], "Billing Department (department) (continued)") {
		t.Error("a borrower whose charts start on a page is marked continued")
	}
}

// TestOverdueNoticesNumberedPerLetter: each notice is its own letter, so
// its pages count from 1.
func TestOverdueNoticesNumberedPerLetter(t *testing.T) {
	vs := append(manyOut(60, drQuill, 100), manyOut(2, billing, 300)...)
	bs := borrowerIndex([]records.Borrower{drQuill, billing})
	pages := pdfPages(t, renderPDF(t, newDocument(testHeader("Overdue notice")), func(d *document) error {
		return renderOverdueNotices(d, testToday, noticeContact{Practice: testPractice}, bs, sliceSource(vs))
	}))
	if len(pages) != 3 {
		t.Fatalf("%d pages, want 2 for Dr. Quill's letter and 1 for Billing's", len(pages))
	}
	for i, want := range []string{"Page 1 of 2", "Page 2 of 2", "Page 1 of 1"} {
		if !strings.Contains(pages[i], want) {
			t.Errorf("page %d lacks %q", i+1, want)
		}
	}
}

// TestCertificateSortsAsReadersDo: Ñ and Ø sort with N and O, not after Z.
func TestCertificateSortsAsReadersDo(t *testing.T) {
	items := []records.DestructionItem{
		{PatientName: "Zamora, Ana", MRN: "000003"},
		{PatientName: "Ñandú, Inés", MRN: "000002"},
		{PatientName: "Østergaard, Søren", MRN: "000004"},
		{PatientName: "Nava, Luis", MRN: "000001"},
		{PatientName: "núñez, maría", MRN: "000005"},
	}
	var got []string
	for _, it := range sortedItems(items) {
		got = append(got, it.MRN)
	}
	// The root collation reads Ñ as N with a mark: Ñandú, Nava, núñez
	// (case ignored), Østergaard, Zamora.
	if want := []string{"000002", "000001", "000005", "000004", "000003"}; !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
}
