package records

import (
	"fmt"
	"strings"
)

// FilingSystem is how the record room orders its shelves.
type FilingSystem string

const (
	FilingTerminalDigit FilingSystem = "terminal-digit"
	FilingNumeric       FilingSystem = "numeric"
	FilingAlphabetic    FilingSystem = "alphabetic"
)

// FilingSystems lists the systems in the order a settings screen offers them.
var FilingSystems = []FilingSystem{FilingTerminalDigit, FilingNumeric, FilingAlphabetic}

// Label is the name a clerk reads.
func (f FilingSystem) Label() string {
	switch f {
	case FilingTerminalDigit:
		return "Terminal digit"
	case FilingNumeric:
		return "Straight numeric"
	case FilingAlphabetic:
		return "Alphabetic"
	}
	return string(f)
}

// Valid reports whether f is a known filing system.
func (f FilingSystem) Valid() bool {
	return f == FilingTerminalDigit || f == FilingNumeric || f == FilingAlphabetic
}

// Bounds of the practice's MRN width (number of digits).
const (
	MinMRNWidth = 4
	MaxMRNWidth = 12
)

// IsMRNSeparator reports whether c may stand between a chart number's
// digits as a clerk writes it ("12-34-56", "12 34 56", "12.34.56",
// "12/34/56"). Chart numbers are stored without them.
func IsMRNSeparator(c byte) bool {
	return c == '-' || c == ' ' || c == '.' || c == '/'
}

// NormalizeMRN turns what a clerk typed or a file held (" 12-34-56",
// "123456", "3456") into the stored chart number: digits only, left-padded
// with zeros to the practice's width. Separators (IsMRNSeparator) are
// allowed between digits; anything else, or more digits than the width, is
// refused with a message that says why.
func NormalizeMRN(s string, width int) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", fmt.Errorf("the chart number is empty")
	}
	digits := make([]byte, 0, width)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits = append(digits, c)
		case IsMRNSeparator(c):
		default:
			return "", fmt.Errorf("the chart number %q may hold only digits (and dashes, spaces, dots or slashes between them)", s)
		}
	}
	if len(digits) == 0 {
		return "", fmt.Errorf("the chart number %q has no digits", s)
	}
	if len(digits) > width {
		return "", fmt.Errorf("the chart number %q has %d digits; this practice's chart numbers have at most %d", s, len(digits), width)
	}
	if len(digits) < width {
		return strings.Repeat("0", width-len(digits)) + string(digits), nil
	}
	return string(digits), nil
}

// TerminalDigitParts splits a stored MRN into its primary (last pair),
// secondary (the pair before) and tertiary (the rest) digits.
func TerminalDigitParts(mrn string) (primary, secondary, tertiary string) {
	n := len(mrn)
	switch {
	case n >= 4:
		return mrn[n-2:], mrn[n-4 : n-2], mrn[:n-4]
	case n >= 2:
		return mrn[n-2:], mrn[:n-2], ""
	default:
		return mrn, "", ""
	}
}

// FormatMRN shows a stored MRN the way the filing system reads it: 12-34-56
// for terminal digit (tertiary-secondary-primary), plain digits otherwise.
func FormatMRN(mrn string, fs FilingSystem) string {
	if fs != FilingTerminalDigit {
		return mrn
	}
	p, s, t := TerminalDigitParts(mrn)
	parts := make([]string, 0, 3)
	for _, x := range []string{t, s, p} {
		if x != "" {
			parts = append(parts, x)
		}
	}
	return strings.Join(parts, "-")
}

// FilingKey returns a string whose byte order is the order of the folders on
// the shelf under the filing system: terminal digit sorts by primary, then
// secondary, then tertiary digits; straight numeric by the padded number;
// alphabetic by surname, given name, date of birth, then MRN. Keys of all
// patients are comparable only under one system and one width.
func FilingKey(fs FilingSystem, mrn, lastName, firstName string, dob Date) string {
	switch fs {
	case FilingTerminalDigit:
		p, s, t := TerminalDigitParts(mrn)
		return p + s + t
	case FilingAlphabetic:
		// \x01 sorts before every letter, so "lee" files before "leeds".
		return FoldName(lastName) + "\x01" + FoldName(firstName) + "\x01" + dob.String() + "\x01" + mrn
	default:
		return mrn
	}
}

// ColorBandKey is what a folder's colour bands encode: the primary pair for
// terminal digit, the last two digits for numeric, the first two letters of
// the surname for alphabetic filing.
func ColorBandKey(fs FilingSystem, mrn, lastName string) string {
	switch fs {
	case FilingAlphabetic:
		f := strings.ReplaceAll(FoldName(lastName), " ", "")
		if len(f) > 2 {
			f = f[:2]
		}
		return strings.ToUpper(f)
	default:
		p, _, _ := TerminalDigitParts(mrn)
		return p
	}
}
