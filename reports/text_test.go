package reports

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFit(t *testing.T) {
	d := newDocument(testHeader("fit"))
	d.newPage()
	d.font("", 8)
	tests := []struct {
		in    string
		width float64
		want  string
	}{
		{"Núñez, María", 100, "Núñez, María"},
		{"", 10, ""},
		{longName, 30, "Fitzgerald-Worthingt…"},
		{"Ab cd", 0.5, ""},
		{"tab\there", 100, "tab here"},
		{"astral \U0001F600", 100, "astral \uFFFD"},
	}
	for _, tt := range tests {
		if got := d.fit(tt.in, tt.width); got != tt.want {
			t.Errorf("fit(%q, %v) = %q, want %q", tt.in, tt.width, got, tt.want)
		}
	}
}

// FuzzFit checks that whatever a name holds, fit returns text that fits,
// made of the start of the name and an ellipsis, never a cut character.
func FuzzFit(f *testing.F) {
	for _, s := range []string{"Nguyễn, Thị Lan", longName, "O'Connor, Zoë", "a\x00b\x1fc", "\xff\xfe", "x \U0001F600 y"} {
		f.Add(s, 20.0)
	}
	d := newDocument(testHeader("fit"))
	d.newPage()
	d.font("", 8)
	f.Fuzz(func(t *testing.T, s string, w float64) {
		if w < 0 || w > 500 || w != w {
			t.Skip()
		}
		got := d.fit(s, w)
		if !utf8.ValidString(got) {
			t.Fatalf("fit(%q) = %q is not valid UTF-8", s, got)
		}
		if got != "" && d.pdf.GetStringWidth(got) > w+1e-9 {
			t.Fatalf("fit(%q, %v) = %q is %v wide", s, w, got, d.pdf.GetStringWidth(got))
		}
		clean := printable(s)
		if got != clean && !(strings.HasSuffix(got, ellipsis) && strings.HasPrefix(clean, strings.TrimSuffix(got, ellipsis))) && got != "" {
			t.Fatalf("fit(%q, %v) = %q is not a cut of %q", s, w, got, clean)
		}
	})
}

func TestSplit(t *testing.T) {
	d := newDocument(testHeader("split"))
	m := d.measurer()
	tests := []struct {
		in    string
		width float64
		want  []string
	}{
		{"Núñez, María", 100, []string{"Núñez, María"}},
		{"Fitzgerald-Worthington-Montgomery, Bartholomew", 40, []string{"Fitzgerald-Worthington-", "Montgomery, Bartholomew"}},
		{"X-ray films 12", 12, []string{"X-ray", "films 12"}},
		{"V2024000123456789", 10, []string{"V20240", "001234", "56789"}},
	}
	for _, tt := range tests {
		if got := m.split(tt.in, "", 7.5, tt.width); strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("split(%q, %v) = %q, want %q", tt.in, tt.width, got, tt.want)
		}
	}
}

// FuzzSplit checks that wrapping loses no character and that every line
// fits, unless it is a single character wider than the column.
func FuzzSplit(f *testing.F) {
	for _, s := range []string{"Nguyễn, Thị Lan", longName, "a-b-c-d-e-f", "  spaced   out  ", "Ø"} {
		f.Add(s, 20.0)
	}
	d := newDocument(testHeader("split"))
	m := d.measurer()
	f.Fuzz(func(t *testing.T, s string, w float64) {
		if w <= 0 || w > 500 || w != w {
			return // not a column width
		}
		s = printable(s)
		lines := m.split(s, "B", 7, w)
		if squeeze(strings.Join(lines, "")) != squeeze(s) {
			t.Fatalf("split(%q, %v) = %q loses characters", s, w, lines)
		}
		for _, l := range lines {
			if m.width(l, "B", 7) > w && utf8.RuneCountInString(l) > 1 {
				t.Fatalf("split(%q, %v): line %q is %v wide", s, w, l, m.width(l, "B", 7))
			}
		}
	})
}
