package records

import (
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"2026-11-22", "2026-11-22", true},
		{"11/22/2026", "2026-11-22", true},
		{"1/2/2026", "2026-01-02", true},
		{"", "", true},
		{"2024-02-29", "2024-02-29", true},
		{"2023-02-29", "", false},
		{"02/30/2020", "", false},
		{"2026-13-01", "", false},
		{"22.11.2026", "", false},
		{"11/22/26", "", false},
		{"2026-1-2", "", false},
		{"1799-12-31", "", false},
		{"+026-11-22", "", false},
	}
	for _, tt := range tests {
		d, err := ParseDate(tt.in)
		if (err == nil) != tt.ok || (tt.ok && d.String() != tt.want) {
			t.Errorf("ParseDate(%q) = %q, %v; want %q ok=%v", tt.in, d, err, tt.want, tt.ok)
		}
	}
}

func TestAgeOn(t *testing.T) {
	dob := MustParseDate("2008-11-22")
	for on, want := range map[string]int{"2026-11-21": 17, "2026-11-22": 18, "2026-12-01": 18, "2027-01-01": 18, "2026-01-01": 17} {
		if got := dob.AgeOn(MustParseDate(on)); got != want {
			t.Errorf("age on %s = %d, want %d", on, got, want)
		}
	}
	leap := MustParseDate("2008-02-29")
	if got := leap.AgeOn(MustParseDate("2026-02-28")); got != 17 {
		t.Errorf("leap-day birthday: age on 02-28 = %d, want 17", got)
	}
	if got := leap.AgeOn(MustParseDate("2026-03-01")); got != 18 {
		t.Errorf("leap-day birthday: age on 03-01 = %d, want 18", got)
	}
}

func TestDateArithmetic(t *testing.T) {
	d := MustParseDate("2026-11-22")
	if got := d.AddDays(14).String(); got != "2026-12-06" {
		t.Errorf("AddDays = %s", got)
	}
	if got := d.DaysUntil(MustParseDate("2027-01-01")); got != 40 {
		t.Errorf("DaysUntil = %d", got)
	}
	local := time.Date(2026, 11, 22, 23, 30, 0, 0, time.FixedZone("EST", -5*3600))
	if got := DateOf(local).String(); got != "2026-11-22" {
		t.Errorf("DateOf keeps the local calendar day: got %s", got)
	}
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-11-22", "11/22/2026", "02/29/2000", "", "9999-12-31", "0/0/0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		d, err := ParseDate(in)
		if err != nil || d.IsZero() {
			return
		}
		back, err := ParseDate(d.String())
		if err != nil || !back.Equal(d) {
			t.Fatalf("%q parsed to %s which does not round-trip: %v", in, d, err)
		}
	})
}
