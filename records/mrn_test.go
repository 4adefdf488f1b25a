package records

import (
	"sort"
	"strings"
	"testing"
)

func TestNormalizeMRN(t *testing.T) {
	tests := []struct {
		in    string
		width int
		want  string
		err   string
	}{
		{"123456", 6, "123456", ""},
		{"12-34-56", 6, "123456", ""},
		{" 3456 ", 6, "003456", ""},
		{"003456", 6, "003456", ""},
		{"1.23.45.67", 8, "01234567", ""},
		{"", 6, "", "empty"},
		{"--", 6, "", "no digits"},
		{"1234567", 6, "", "at most 6"},
		{"12a456", 6, "", "only digits"},
		{"١٢٣", 6, "", "only digits"}, // Arabic-Indic digits are not chart digits
	}
	for _, tt := range tests {
		got, err := NormalizeMRN(tt.in, tt.width)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("NormalizeMRN(%q) = %q, %v; want error containing %q", tt.in, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("NormalizeMRN(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestFormatMRN(t *testing.T) {
	tests := []struct {
		mrn  string
		fs   FilingSystem
		want string
	}{
		{"123456", FilingTerminalDigit, "12-34-56"},
		{"003456", FilingTerminalDigit, "00-34-56"},
		{"1234567", FilingTerminalDigit, "123-45-67"},
		{"12345678", FilingTerminalDigit, "1234-56-78"},
		{"1234", FilingTerminalDigit, "12-34"},
		{"123456", FilingNumeric, "123456"},
		{"123456", FilingAlphabetic, "123456"},
	}
	for _, tt := range tests {
		if got := FormatMRN(tt.mrn, tt.fs); got != tt.want {
			t.Errorf("FormatMRN(%q, %s) = %q, want %q", tt.mrn, tt.fs, got, tt.want)
		}
	}
}

// sortByFilingKey returns the items in shelf order under fs.
func sortByFilingKey(fs FilingSystem, items []Patient) []string {
	sort.SliceStable(items, func(i, j int) bool {
		return FilingKey(fs, items[i].MRN, items[i].LastName, items[i].FirstName, items[i].DOB) <
			FilingKey(fs, items[j].MRN, items[j].LastName, items[j].FirstName, items[j].DOB)
	})
	out := make([]string, len(items))
	for i, p := range items {
		out[i] = p.MRN
		if fs == FilingAlphabetic {
			out[i] = p.LastName + "/" + p.FirstName
		}
	}
	return out
}

func TestTerminalDigitOrder(t *testing.T) {
	// Section (last pair) first, then the middle pair, then the rest.
	mrns := []string{"123456", "013556", "993455", "003456", "123457", "000001", "990001"}
	var ps []Patient
	for _, m := range mrns {
		ps = append(ps, Patient{MRN: m})
	}
	got := sortByFilingKey(FilingTerminalDigit, ps)
	want := []string{"000001", "990001", "993455", "003456", "123456", "013556", "123457"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("terminal-digit order = %v, want %v", got, want)
	}
	got = sortByFilingKey(FilingNumeric, ps)
	want = []string{"000001", "003456", "013556", "123456", "123457", "990001", "993455"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("numeric order = %v, want %v", got, want)
	}
}

func TestAlphabeticOrder(t *testing.T) {
	ps := []Patient{
		{MRN: "1", LastName: "Leeds", FirstName: "Ann"},
		{MRN: "2", LastName: "Lee", FirstName: "Zoë"},
		{MRN: "3", LastName: "Núñez", FirstName: "Ana"},
		{MRN: "4", LastName: "Nunez", FirstName: "Aaron"},
		{MRN: "5", LastName: "O'Connor", FirstName: "Bo"},
		{MRN: "6", LastName: "Lee", FirstName: "Adam", DOB: MustParseDate("1990-01-01")},
		{MRN: "7", LastName: "Lee", FirstName: "Adam", DOB: MustParseDate("1980-01-01")},
		{MRN: "8", LastName: "Oconnell", FirstName: "Al"},
	}
	got := sortByFilingKey(FilingAlphabetic, ps)
	want := []string{"Lee/Adam", "Lee/Adam", "Lee/Zoë", "Leeds/Ann", "Nunez/Aaron", "Núñez/Ana", "Oconnell/Al", "O'Connor/Bo"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("alphabetic order = %v, want %v", got, want)
	}
	if ps[0].MRN != "7" {
		t.Errorf("same name: the older date of birth should file first, got MRN %s", ps[0].MRN)
	}
}

func TestColorBandKey(t *testing.T) {
	if got := ColorBandKey(FilingTerminalDigit, "123456", "X"); got != "56" {
		t.Errorf("terminal digit bands = %q", got)
	}
	if got := ColorBandKey(FilingAlphabetic, "123456", "Núñez"); got != "NU" {
		t.Errorf("alphabetic bands = %q", got)
	}
	if got := ColorBandKey(FilingAlphabetic, "1", "O'Connor"); got != "OC" {
		t.Errorf("alphabetic bands = %q", got)
	}
}

func TestFoldName(t *testing.T) {
	tests := map[string]string{
		"Núñez":              "nunez",
		"NGUYỄN Thị Lan":     "nguyen thi lan",
		"O'Connor":           "oconnor",
		"Zoë":                "zoe",
		"Smith-Jones":        "smith jones",
		"  van  der Berg":    "van der berg",
		"Ørsted":             "orsted",
		"Straße":             "strasse",
		"Nun\u0303ez":        "nunez", // decomposed ñ
		"Łukasz":             "lukasz",
		"Иван":               "иван",
		"\u212Bngstr\u00F6m": "angstrom", // Angstrom sign, found by FuzzParseQuery
		"\u212Aelvin":        "kelvin",   // Kelvin sign
	}
	for in, want := range tests {
		if got := FoldName(in); got != want {
			t.Errorf("FoldName(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzNormalizeMRN(f *testing.F) {
	for _, s := range []string{"123456", "12-34-56", "", "0", "9999999999999", "1 2 3", "x1"} {
		f.Add(s, 6)
	}
	f.Fuzz(func(t *testing.T, in string, width int) {
		if width < MinMRNWidth || width > MaxMRNWidth {
			return
		}
		mrn, err := NormalizeMRN(in, width)
		if err != nil {
			return
		}
		if len(mrn) != width {
			t.Fatalf("NormalizeMRN(%q, %d) = %q: wrong width", in, width, mrn)
		}
		again, err := NormalizeMRN(mrn, width)
		if err != nil || again != mrn {
			t.Fatalf("not idempotent: %q -> %q -> %q, %v", in, mrn, again, err)
		}
		formatted := FormatMRN(mrn, FilingTerminalDigit)
		back, err := NormalizeMRN(formatted, width)
		if err != nil || back != mrn {
			t.Fatalf("format does not round-trip: %q -> %q -> %q, %v", mrn, formatted, back, err)
		}
		p, s, r := TerminalDigitParts(mrn)
		if r+s+p != mrn {
			t.Fatalf("parts %q %q %q do not make %q", r, s, p, mrn)
		}
	})
}
