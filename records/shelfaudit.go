package records

import (
	"cmp"
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ShelfScan is one barcode scanned along a shelf, with the folder it names
// (Volume.ID is 0 when no folder has that barcode).
type ShelfScan struct {
	Barcode string
	Volume  Volume
}

// ShelfProblem says how a scanned folder's record disagrees with finding
// it on this shelf.
type ShelfProblem string

const (
	ShelfRecordedOut       ShelfProblem = "recorded-out"       // the record says a borrower has it
	ShelfRecordedMissing   ShelfProblem = "recorded-missing"   // the record says nobody can find it
	ShelfRecordedElsewhere ShelfProblem = "recorded-elsewhere" // in file, but its home is another location
	ShelfRecordedDestroyed ShelfProblem = "recorded-destroyed" // the record says it was destroyed
)

// ShelfScanResult is the verdict on one scan.
type ShelfScanResult struct {
	Position int // 1-based, in the order scanned
	Barcode  string
	Volume   Volume // ID 0 when the barcode is unknown
	Unknown  bool   // no folder has this barcode
	RepeatOf int    // the position this barcode was first scanned at; 0 for a first scan
	// OutOfOrder marks a folder that breaks the filing order: it is not in
	// the longest run of scans that is in order. After and Before are the
	// in-order folders it belongs between (ID 0: the start or end of the
	// shelf).
	OutOfOrder    bool
	After, Before Volume
	Problem       ShelfProblem
}

// OK reports whether the scan is a folder in order, recorded in file here.
func (r ShelfScanResult) OK() bool {
	return !r.Unknown && r.RepeatOf == 0 && !r.OutOfOrder && r.Problem == ""
}

// Describe says in words what is wrong with the scan ("" when nothing),
// with chart numbers as the practice's filing system writes them.
func (r ShelfScanResult) Describe(fs FilingSystem) string {
	if r.Unknown {
		return "unknown barcode: no folder has it"
	}
	if r.RepeatOf != 0 {
		return fmt.Sprintf("scanned twice (first at position %d)", r.RepeatOf)
	}
	var parts []string
	v := r.Volume
	switch r.Problem {
	case ShelfRecordedOut:
		parts = append(parts, "recorded out to "+v.BorrowerName)
	case ShelfRecordedMissing:
		parts = append(parts, "recorded missing")
	case ShelfRecordedElsewhere:
		parts = append(parts, "recorded at "+v.HomePath)
	case ShelfRecordedDestroyed:
		parts = append(parts, "recorded destroyed")
	}
	if r.OutOfOrder {
		parts = append(parts, "out of order: "+r.Placement(fs))
	}
	return strings.Join(parts, "; ")
}

// Placement says where an out-of-order folder belongs among the folders
// that are in order.
func (r ShelfScanResult) Placement(fs FilingSystem) string {
	name := func(v Volume) string { return FormatMRN(v.MRN, fs) + " " + v.PatientName }
	switch {
	case r.After.ID == 0 && r.Before.ID == 0:
		return "belongs elsewhere on the shelf"
	case r.After.ID == 0:
		return "belongs before " + name(r.Before)
	case r.Before.ID == 0:
		return "belongs after " + name(r.After)
	}
	return "belongs between " + name(r.After) + " and " + name(r.Before)
}

// ShelfSection is the part of the room one audit covers: a location and the
// places inside it, narrowed when Digits is set to a range of terminal-digit
// sections (a chart number's last two digits). A real audit covers a
// section a day; findings apply only inside the section scanned.
type ShelfSection struct {
	LocationID ID
	Digits     *DigitRange // nil: every folder at the location
}

// DigitRange is a range of terminal-digit sections, 00 to 99, both ends
// included.
type DigitRange struct{ From, To int }

// Contains reports whether the chart number mrn files in the range.
func (r *DigitRange) Contains(mrn string) bool {
	if r == nil {
		return true
	}
	return r.From <= TerminalSection(mrn) && TerminalSection(mrn) <= r.To
}

// String is the range as a clerk reads it: "sections 00-09" or "section 56".
func (r *DigitRange) String() string {
	if r == nil {
		return "every section"
	}
	if r.From == r.To {
		return fmt.Sprintf("section %02d", r.From)
	}
	return fmt.Sprintf("sections %02d-%02d", r.From, r.To)
}

// TerminalSection is a chart number's terminal-digit section: its last two
// digits, as a number.
func TerminalSection(mrn string) int {
	n := 0
	digits := 0
	for i := len(mrn) - 1; i >= 0 && digits < 2; i-- {
		if c := mrn[i]; c >= '0' && c <= '9' {
			n += int(c-'0') * []int{1, 10}[digits]
			digits++
		}
	}
	return n
}

// ParseDigitRange reads a section range as a clerk types it: "56", "00-09"
// or "0 - 9"; empty is every section (nil).
func ParseDigitRange(s string) (*DigitRange, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	bad := FieldError("Sections", "%q is not a range of terminal-digit sections; type one section (56) or a range (00-09), each 00 to 99", s)
	from, to, isRange := strings.Cut(s, "-")
	parse := func(t string) (int, bool) {
		t = strings.TrimSpace(t)
		if len(t) < 1 || len(t) > 2 {
			return 0, false
		}
		n, err := strconv.Atoi(t)
		return n, err == nil && n >= 0 && n <= 99 && !strings.ContainsAny(t, "+-")
	}
	a, ok := parse(from)
	if !ok {
		return nil, bad
	}
	b := a
	if isRange {
		if b, ok = parse(to); !ok {
			return nil, bad
		}
	}
	if b < a {
		return nil, FieldError("Sections", "%02d-%02d runs backwards; write the lower section first", a, b)
	}
	return &DigitRange{From: a, To: b}, nil
}

// ShelfAuditResult is what a shelf audit found.
type ShelfAuditResult struct {
	LocationID   ID
	LocationPath string
	Digits       *DigitRange // the sections audited; nil: all
	Expected     int         // folders recorded in file in the section
	Scans        []ShelfScanResult
	NotSeen      []Volume // recorded in file at the location, not scanned; filing order
}

// ShelfCounts sum up an audit for its summary line.
type ShelfCounts struct {
	Scanned, InOrder, OutOfOrder, Misrecorded, Unknown, Repeats, NotSeen int
}

// Counts sums the findings.
func (r ShelfAuditResult) Counts() ShelfCounts {
	c := ShelfCounts{Scanned: len(r.Scans), NotSeen: len(r.NotSeen)}
	for _, s := range r.Scans {
		switch {
		case s.Unknown:
			c.Unknown++
		case s.RepeatOf != 0:
			c.Repeats++
		default:
			if s.OK() {
				c.InOrder++
			}
			if s.OutOfOrder {
				c.OutOfOrder++
			}
			if s.Problem != "" {
				c.Misrecorded++
			}
		}
	}
	return c
}

// ShelfOrder compares two folders in shelf order: filing key, then record
// type, then volume number (the store's filing order).
func ShelfOrder(a, b Volume) int {
	return cmp.Or(strings.Compare(a.FilingKey, b.FilingKey), cmp.Compare(a.RecordTypeID, b.RecordTypeID), cmp.Compare(a.Number, b.Number))
}

// AuditShelf is the shelf audit rule. expected are the folders recorded in
// file at the location (inside reports whether a location is the audited
// one or inside it), scans the barcodes in the order they were scanned.
//
// A folder is out of order when it is not part of the longest run of scans
// whose filing order never goes down: one misfiled folder is flagged alone,
// and a run of folders put back in the wrong place is flagged as that run,
// not as everything after it. A scanned folder whose record does not say
// "in file here" is flagged with what the record says; an unknown barcode
// and a second scan of a barcode are flagged; expected folders never
// scanned are listed as not seen.
func AuditShelf(inside func(ID) bool, expected []Volume, scans []ShelfScan) ShelfAuditResult {
	res := ShelfAuditResult{Expected: len(expected), Scans: make([]ShelfScanResult, len(scans))}
	first := map[string]int{}
	var ordered []int // indexes of known first scans, which take part in the order check
	for i, sc := range scans {
		r := ShelfScanResult{Position: i + 1, Barcode: sc.Barcode, Volume: sc.Volume}
		switch {
		case sc.Volume.ID == 0:
			r.Unknown = true
		case first[sc.Barcode] != 0:
			r.RepeatOf = first[sc.Barcode]
		default:
			first[sc.Barcode] = i + 1
			r.Problem = shelfProblem(sc.Volume, inside)
			ordered = append(ordered, i)
		}
		res.Scans[i] = r
	}
	inOrder := longestInOrder(ordered, func(i int) Volume { return scans[i].Volume })
	var run []Volume // the in-order folders, in shelf order
	for _, i := range ordered {
		if inOrder[i] {
			run = append(run, scans[i].Volume)
		}
	}
	for _, i := range ordered {
		if inOrder[i] {
			continue
		}
		r := &res.Scans[i]
		r.OutOfOrder = true
		// The first in-order folder that files after this one.
		k := sort.Search(len(run), func(j int) bool { return ShelfOrder(run[j], r.Volume) > 0 })
		if k > 0 {
			r.After = run[k-1]
		}
		if k < len(run) {
			r.Before = run[k]
		}
	}
	for _, v := range expected {
		if first[v.Barcode] == 0 {
			res.NotSeen = append(res.NotSeen, v)
		}
	}
	return res
}

// shelfProblem says how v's record disagrees with finding it at the
// audited location, or "".
func shelfProblem(v Volume, inside func(ID) bool) ShelfProblem {
	switch v.State {
	case StateDestroyed:
		return ShelfRecordedDestroyed
	case StateMissing:
		return ShelfRecordedMissing
	case StateCheckedOut, StateInTransit, StateOffsite:
		return ShelfRecordedOut
	}
	if !inside(v.HomeID) {
		return ShelfRecordedElsewhere
	}
	return ""
}

// longestInOrder marks the members of a longest subsequence of idx whose
// folders never go down in shelf order (patience sorting, O(n log n)).
func longestInOrder(idx []int, vol func(int) Volume) map[int]bool {
	tails := []int{}              // tails[k]: position in idx of the smallest last folder of a run of length k+1
	prev := make([]int, len(idx)) // the run member before idx[p], -1 at a run's start
	for p, i := range idx {
		v := vol(i)
		// The first run whose last folder files strictly after v: v may
		// follow an equal folder (two volumes of one chart).
		k := sort.Search(len(tails), func(j int) bool { return ShelfOrder(vol(idx[tails[j]]), v) > 0 })
		prev[p] = -1
		if k > 0 {
			prev[p] = tails[k-1]
		}
		if k == len(tails) {
			tails = append(tails, p)
		} else {
			tails[k] = p
		}
	}
	keep := make(map[int]bool, len(tails))
	if len(tails) == 0 {
		return keep
	}
	for p := tails[len(tails)-1]; p >= 0; p = prev[p] {
		keep[idx[p]] = true
	}
	return keep
}

// ShelfAuditApplied is what the one-click action changed.
type ShelfAuditApplied struct {
	RunID         ID // the stored audit run
	MarkedMissing int
	MarkedFound   int // recorded missing or out, now in file
	Rehomed       int // in file elsewhere, now homed at the audited location
	Skipped       []string
	Result        ShelfAuditResult
}

// ShelfAuditService audits the folders of a location against a scan of
// its shelves.
type ShelfAuditService interface {
	// ShelfAudit loads the folders recorded in file at the location (and
	// every place inside it), looks up the scanned barcodes and runs the
	// rule. It changes nothing; it records the look in the audit log.
	ShelfAudit(ctx context.Context, section ShelfSection, barcodes []string) (ShelfAuditResult, error)
	// ApplyShelfAudit runs the audit again inside one transaction and makes
	// the records agree with the shelf: expected folders not seen are
	// marked missing; scanned folders recorded missing or out are put back
	// in file, and those homed elsewhere get this location as their home.
	ApplyShelfAudit(ctx context.Context, section ShelfSection, barcodes []string) (ShelfAuditApplied, error)
	// ListShelfAudits returns the applied audits, newest first.
	ListShelfAudits(ctx context.Context, limit int) ([]ShelfAuditRun, error)
}

// ShelfAuditRun is an applied shelf audit as stored.
type ShelfAuditRun struct {
	ID            ID
	LocationID    ID
	LocationPath  string
	At            time.Time
	Username      string
	Counts        ShelfCounts
	MarkedMissing int
	MarkedFound   int
	Rehomed       int
}

// ParseScanList reads a file of scanned barcodes, one per line: blank
// lines, surrounding spaces and CR are ignored. A line that is not a
// barcode is refused with its line number.
func ParseScanList(text string) ([]string, error) {
	var out []string
	for i, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		code, err := NormalizeScan(line)
		if err != nil {
			return nil, Errorf(EInvalid, "line %d: %s", i+1, ErrorMessage(err))
		}
		out = append(out, code)
	}
	return out, nil
}
