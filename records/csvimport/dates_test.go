package csvimport

import (
	"strings"
	"testing"
	"time"

	"github.com/chartroom/chartroom/records"
)

func TestParseWhen(t *testing.T) {
	newYork := time.FixedZone("EST", -5*3600)
	tests := []struct {
		in          string
		date, clock string
		twoDigit    bool
		err         string
	}{
		{"", "", "", false, ""},
		{"2025-03-29", "2025-03-29", "", false, ""},
		{"2025-3-9", "2025-03-09", "", false, ""},
		{"2025/03/29", "2025-03-29", "", false, ""},
		{"03/29/2025", "2025-03-29", "", false, ""},
		{"3/9/2025", "2025-03-09", "", false, ""},
		{"3/29/25", "2025-03-29", "", true, ""},
		{"12/1/60", "2060-12-01", "", true, ""},
		{"29.03.2025", "2025-03-29", "", false, ""},
		{"20250329", "2025-03-29", "", false, ""},
		// The appointment's date and time in the practice's zone.
		{"2025-03-29T08:10:05Z", "2025-03-29", "03:10", false, ""},
		{"2025-03-29T03:10:05Z", "2025-03-28", "22:10", false, ""},
		{"2025-03-29t08:10:05.123z", "2025-03-29", "03:10", false, ""},
		{"2025-03-29T08:10:05+01:00", "2025-03-29", "02:10", false, ""},
		{"2025-03-29T08:10", "2025-03-29", "08:10", false, ""},
		{"2025-03-29 08:10:05", "2025-03-29", "08:10", false, ""},
		{"2025-03-29 8:10 AM", "2025-03-29", "08:10", false, ""},
		{"03/29/2025 2:15 PM", "2025-03-29", "14:15", false, ""},
		// Excel's serial day numbers, with a fraction of a day as the time.
		{"45745", "2025-03-29", "", false, ""},
		{"45745.5", "2025-03-29", "12:00", false, ""},
		{"20000", "1954-10-03", "", false, ""},
		{"61", "1900-03-01", "", false, ""},
		{"60", "", "", false, "before March 1900"},
		{"02/30/2020", "", "", false, "not a real date"},
		{"13/01/1980", "", "", false, "month first"},
		{"2025-02-29", "", "", false, "not a real date"},
		{"29/2/25", "", "", false, "not a real date"},
		{"yesterday", "", "", false, "not a date"},
		{"1/2/345", "", "", false, "not a date"},
		{"123456", "", "", false, "not a date"},
		{"2025-03-29T25:00:00Z", "", "", false, "not a date"},
		{"03/29/2025 25:00", "", "", false, "not a time"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			w, err := parseWhen(tt.in, newYork)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("parseWhen(%q) = %+v, %v; want an error with %q", tt.in, w, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			date := ""
			if !w.date.IsZero() {
				date = w.date.String()
			}
			if date != tt.date || w.clock != tt.clock || w.twoDigitYear != tt.twoDigit {
				t.Errorf("parseWhen(%q) = %s %q two-digit %v; want %s %q %v", tt.in, date, w.clock, w.twoDigitYear, tt.date, tt.clock, tt.twoDigit)
			}
		})
	}
}

func TestPastDateTwoDigitYears(t *testing.T) {
	today := records.MustParseDate("2026-03-10")
	tests := []struct {
		in, want string
		back     bool
	}{
		{"2/14/45", "1945-02-14", true},  // 2045 would be in the future
		{"3/7/19", "2019-03-07", false},  // a child
		{"3/10/26", "2026-03-10", false}, // today is not the future
		{"3/11/26", "1926-03-11", true},
		{"2/14/1945", "1945-02-14", false},
	}
	for _, tt := range tests {
		d, back, err := pastDate(tt.in, today)
		if err != nil || d.String() != tt.want || back != tt.back {
			t.Errorf("pastDate(%q) = %s, %v, %v; want %s, %v", tt.in, d, back, err, tt.want, tt.back)
		}
	}
}

func TestParseClock(t *testing.T) {
	for in, want := range map[string]string{"": "", "9:30": "09:30", "12:00 AM": "00:00", "12:05 pm": "12:05", "23:59": "23:59",
		"1:00PM": "13:00", "08:10:05": "08:10", "08:10:05.250": "08:10"} {
		got, err := parseClock(in)
		if err != nil || got != want {
			t.Errorf("parseClock(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"24:00", "9", "9:3", "13:00 PM", "x:yz", "0:00 AM", "9:30:7", "9:30:60", "-1:30"} {
		if got, err := parseClock(in); err == nil {
			t.Errorf("parseClock(%q) = %q, want an error", in, got)
		}
	}
}

func TestSexSpellings(t *testing.T) {
	tests := []struct {
		in, want string
		known    bool
	}{
		{"M", "M", true}, {"male", "M", true}, {" MALE ", "M", true},
		{"F", "F", true}, {"Female", "F", true}, {"FEMALE", "F", true},
		{"U", "U", true}, {"Unknown", "U", true}, {"", "U", true}, {"Declined", "U", true},
		{"X", "X", true}, {"O", "X", true}, {"nonbinary", "X", true}, {"Other", "X", true},
		{"T", "U", false}, {"2", "U", false},
	}
	for _, tt := range tests {
		if got, known := sexOf(tt.in); got != tt.want || known != tt.known {
			t.Errorf("sexOf(%q) = %q, %v; want %q, %v", tt.in, got, known, tt.want, tt.known)
		}
	}
}

// FuzzParseWhen: no input crashes the date reader; a date it accepts is a
// real day from 1800 on that reads back the same written as YYYY-MM-DD and
// MM/DD/YYYY, and its time, if any, is a time of day.
func FuzzParseWhen(f *testing.F) {
	for _, s := range []string{"2025-03-29", "3/29/25", "2025-03-29T08:10:05Z", "45745.5", "29.03.2025", "20250329",
		"03/29/2025 2:15 PM", "2025-03-29 08:10", "99999", "0/0/00"} {
		f.Add(s)
	}
	zone := time.FixedZone("test", 5*3600+1800)
	f.Fuzz(func(t *testing.T, s string) {
		w, err := parseWhen(s, zone)
		if err != nil || w.date.IsZero() {
			if err == nil && w.clock != "" {
				t.Fatalf("%q: a time without a date", s)
			}
			return
		}
		if w.date.Year() < 1800 {
			t.Fatalf("%q read as %s", s, w.date)
		}
		d := w.date.Time()
		for _, again := range []string{w.date.String(), d.Format("01/02/2006")} {
			back, err := parseWhen(again, zone)
			if err != nil || !back.date.Equal(w.date) {
				t.Fatalf("%q read as %s, which reads back from %q as %s, %v", s, w.date, again, back.date, err)
			}
		}
		if w.clock != "" {
			if c, err := parseClock(w.clock); err != nil || c != w.clock {
				t.Fatalf("%q: time %q", s, w.clock)
			}
		}
	})
}
