package records

import (
	"strings"
	"time"
)

// LoanDays returns the loan period of a check-out: the borrower's own period
// when set, else the record type's. Zero means no due date.
func LoanDays(b Borrower, rt RecordType) int {
	if b.LoanDays > 0 {
		return b.LoanDays
	}
	return rt.LoanDays
}

// DueDate is the check-out day plus the loan period, in the clerk's local
// calendar. Offsite storage has no due date: a box in storage is not late.
func DueDate(out time.Time, b Borrower, rt RecordType) Date {
	if b.Kind == BorrowerOffsite {
		return Date{}
	}
	days := LoanDays(b, rt)
	if days <= 0 {
		return Date{}
	}
	return DateOf(out).AddDays(days)
}

// StateOutTo is the state of a folder checked out to b.
func StateOutTo(b Borrower) VolumeState {
	if b.Kind == BorrowerOffsite {
		return StateOffsite
	}
	return StateCheckedOut
}

// Overdue reports whether a folder is past its due date on day today and
// still out. Folders at offsite storage are never overdue.
func Overdue(v Volume, today Date) bool {
	if v.State != StateCheckedOut && v.State != StateInTransit {
		return false
	}
	if v.BorrowerKind == BorrowerOffsite || v.Due.IsZero() {
		return false
	}
	return today.After(v.Due)
}

// DaysOverdue returns how many days past due v is on today, or 0.
func DaysOverdue(v Volume, today Date) int {
	if !Overdue(v, today) {
		return 0
	}
	return v.Due.DaysUntil(today)
}

// DaysOut returns the whole days since v left the room, or 0 when in file.
func DaysOut(v Volume, now time.Time) int {
	if !v.State.Out() || v.OutSince.IsZero() {
		return 0
	}
	return DateOf(v.OutSince.In(now.Location())).DaysUntil(DateOf(now))
}

// RequestIsStale reports whether a pending request for day needed is stale
// on day today under an expiry of days (0: never).
func RequestIsStale(r Request, today Date, days int) bool {
	if days <= 0 || r.State != RequestPending || r.NeededOn.IsZero() {
		return false
	}
	return today.After(r.NeededOn.AddDays(days))
}

// CheckOutRefusal explains why v cannot go to borrower to, or returns nil.
// A hand-off is allowed only from one borrower to another.
func CheckOutRefusal(v Volume, to Borrower, handOff bool) *Error {
	if !to.Active {
		return Errorf(EConflict, "%s is not an active borrower", to.Name)
	}
	switch v.State {
	case StateInFile:
		if handOff {
			return Errorf(EConflict, "%s (%s) is in file, not out; check it out instead of handing it off", v.Barcode, v.Label())
		}
		return nil
	case StateCheckedOut, StateOffsite, StateInTransit:
		if v.BorrowerID == to.ID {
			return Errorf(EConflict, "%s (%s) is already out to %s since %s", v.Barcode, v.Label(), v.BorrowerName, v.OutSince.Format("2006-01-02 15:04"))
		}
		if handOff {
			return nil
		}
		return Errorf(EConflict, "%s (%s) is already out to %s since %s; check it in first or hand it off", v.Barcode, v.Label(), v.BorrowerName, v.OutSince.Format("2006-01-02 15:04"))
	case StateMissing:
		return Errorf(EConflict, "%s (%s) is marked missing; scan it in as found first", v.Barcode, v.Label())
	case StateDestroyed:
		return Errorf(EConflict, "%s (%s) was destroyed and cannot leave the room", v.Barcode, v.Label())
	}
	return Errorf(EConflict, "%s is in an unknown state %q", v.Barcode, v.State)
}

// CheckInRefusal explains why v cannot be checked in, or returns nil.
func CheckInRefusal(v Volume) *Error {
	switch v.State {
	case StateCheckedOut, StateOffsite, StateInTransit, StateMissing:
		return nil
	case StateInFile:
		return Errorf(EConflict, "%s (%s) is already in file at %s", v.Barcode, v.Label(), v.HomePath)
	case StateDestroyed:
		return Errorf(EConflict, "%s (%s) was destroyed; it cannot be checked in", v.Barcode, v.Label())
	}
	return Errorf(EConflict, "%s is in an unknown state %q", v.Barcode, v.State)
}

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
		case c == '-' || c == ' ' || c == '.' || c == '/':
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
