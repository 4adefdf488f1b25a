package records

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Date is a calendar day with no time of day and no zone: a date of birth, a
// last visit, a due date. The zero Date means "not known".
type Date struct {
	t time.Time // midnight UTC; zero when unknown
}

// NewDate returns the given day. Out-of-range parts roll over as in
// time.Date, so input from people goes through ParseDate instead.
func NewDate(year int, month time.Month, day int) Date {
	return Date{t: time.Date(year, month, day, 0, 0, 0, 0, time.UTC)}
}

// DateOf returns the calendar day of t in t's own location.
func DateOf(t time.Time) Date {
	if t.IsZero() {
		return Date{}
	}
	y, m, d := t.Date()
	return NewDate(y, m, d)
}

// ParseDate reads YYYY-MM-DD or MM/DD/YYYY (as US practice systems export).
// An empty string is the zero Date. Impossible days such as 02/30/2020 are
// refused rather than normalised into March.
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Date{}, nil
	}
	var y, m, d int
	var err error
	switch {
	case len(s) == 10 && s[4] == '-' && s[7] == '-':
		y, err = atoiStrict(s[0:4])
		if err == nil {
			m, err = atoiStrict(s[5:7])
		}
		if err == nil {
			d, err = atoiStrict(s[8:10])
		}
	case strings.Count(s, "/") == 2:
		parts := strings.Split(s, "/")
		if len(parts[2]) != 4 || len(parts[0]) > 2 || len(parts[1]) > 2 {
			return Date{}, fmt.Errorf("%q is not a date; use YYYY-MM-DD or MM/DD/YYYY", s)
		}
		m, err = atoiStrict(parts[0])
		if err == nil {
			d, err = atoiStrict(parts[1])
		}
		if err == nil {
			y, err = atoiStrict(parts[2])
		}
	default:
		return Date{}, fmt.Errorf("%q is not a date; use YYYY-MM-DD or MM/DD/YYYY", s)
	}
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date; use YYYY-MM-DD or MM/DD/YYYY", s)
	}
	if y < 1800 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31 {
		return Date{}, fmt.Errorf("%q is not a real date", s)
	}
	dt := NewDate(y, time.Month(m), d)
	if dt.t.Day() != d || int(dt.t.Month()) != m {
		return Date{}, fmt.Errorf("%q is not a real date", s)
	}
	return dt, nil
}

func atoiStrict(s string) (int, error) {
	if s == "" {
		return 0, strconv.ErrSyntax
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, strconv.ErrSyntax
		}
	}
	return strconv.Atoi(s)
}

// MustParseDate is ParseDate for tests and constants; it panics on bad input.
func MustParseDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// IsZero reports whether the date is unknown.
func (d Date) IsZero() bool { return d.t.IsZero() }

// String formats the date as YYYY-MM-DD, the one way Chartroom shows dates;
// the zero Date is "".
func (d Date) String() string {
	if d.t.IsZero() {
		return ""
	}
	return d.t.Format("2006-01-02")
}

// Time returns midnight UTC of the day.
func (d Date) Time() time.Time { return d.t }

// Year returns the year.
func (d Date) Year() int { return d.t.Year() }

// Before reports whether d is strictly before e.
func (d Date) Before(e Date) bool { return d.t.Before(e.t) }

// After reports whether d is strictly after e.
func (d Date) After(e Date) bool { return d.t.After(e.t) }

// Equal reports whether d and e are the same day.
func (d Date) Equal(e Date) bool { return d.t.Equal(e.t) }

// AddDays returns the date n days later (earlier for negative n).
func (d Date) AddDays(n int) Date { return Date{t: d.t.AddDate(0, 0, n)} }

// AddYears returns the same day n years later; 29 February becomes 1 March
// in a common year, which errs on the side of keeping a record longer.
func (d Date) AddYears(n int) Date { return Date{t: d.t.AddDate(n, 0, 0)} }

// DaysUntil returns the whole days from d to e (negative if e is earlier).
func (d Date) DaysUntil(e Date) int { return int(e.t.Sub(d.t).Hours() / 24) }

// AgeOn returns the age in whole years of someone born on d, on day on.
func (d Date) AgeOn(on Date) int {
	age := on.t.Year() - d.t.Year()
	if on.t.Month() < d.t.Month() || (on.t.Month() == d.t.Month() && on.t.Day() < d.t.Day()) {
		age--
	}
	return age
}
