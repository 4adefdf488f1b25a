package records

import "strings"

// MaxScanLength bounds a scanned or typed code.
const MaxScanLength = 64

// NormalizeScan cleans what a barcode scanner or a clerk sent: surrounding
// spaces and control characters (a keyboard-wedge scanner's CR, LF or tab,
// a GS1 prefix) are dropped and letters upper-cased. It refuses empty codes,
// codes longer than MaxScanLength and codes with characters inside them that
// no label carries.
func NormalizeScan(s string) (string, error) {
	s = strings.TrimFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f })
	if s == "" {
		return "", Errorf(EInvalid, "the scan was empty")
	}
	if len(s) > MaxScanLength {
		return "", Errorf(EInvalid, "the scan is %d characters long; a Chartroom barcode has at most %d", len(s), MaxScanLength)
	}
	for _, r := range s {
		if r < ' ' || r > '~' {
			return "", Errorf(EInvalid, "the scan %q holds a character no barcode label carries", s)
		}
	}
	return strings.ToUpper(s), nil
}

// QueryKind is what a search box input looks like.
type QueryKind int

const (
	QueryEmpty  QueryKind = iota
	QueryNumber           // digits (with separators): MRN exact or prefix, or barcode
	QueryCode             // letters and digits with no space: a barcode, or a surname
	QueryName             // "surname" or "surname, given"
)

// Query is a parsed search box input. The store runs it; the rules of what
// the input means live here.
type Query struct {
	Kind   QueryKind
	Raw    string // trimmed input
	Digits string // the digits of a number query
	Code   string // upper-cased input, for barcode lookups
	Last   string // folded surname prefix
	First  string // folded given-name prefix
}

// ParseQuery reads a search box: "12-34-56" or "1234" is a chart number (or
// its prefix), "V00000042" a barcode, "nunez" or "Núñez, Ma" a name prefix.
func ParseQuery(s string) Query {
	s = strings.TrimSpace(s)
	q := Query{Raw: s}
	if s == "" {
		return q
	}
	if len(s) <= MaxScanLength {
		q.Code = strings.ToUpper(s)
	}
	digits, onlyNumber := make([]byte, 0, len(s)), true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits = append(digits, c)
		case IsMRNSeparator(c):
		default:
			onlyNumber = false
		}
	}
	if onlyNumber && len(digits) > 0 {
		q.Kind = QueryNumber
		q.Digits = string(digits)
		return q
	}
	last, first, _ := strings.Cut(s, ",")
	q.Last = FoldName(last)
	q.First = FoldName(first)
	if q.Last == "" && q.First == "" {
		q.Kind = QueryEmpty
		return q
	}
	q.Kind = QueryName
	if !strings.ContainsAny(s, " ,") && strings.IndexFunc(s, func(r rune) bool { return r >= '0' && r <= '9' }) >= 0 {
		q.Kind = QueryCode
	}
	return q
}

// PrefixUpperBound returns the smallest string greater than every string that
// starts with p, for index range scans (p <= x < bound). It returns "" when
// there is none (p empty or all 0xff bytes).
func PrefixUpperBound(p string) string {
	b := []byte(p)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xff {
			b[i]++
			return string(b[:i+1])
		}
	}
	return ""
}
