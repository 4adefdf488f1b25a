// Package csvimport reads the CSV files practices export from their
// scheduling and billing systems (patients, appointments) into records rows.
// It decides what each line means and rejects bad lines by number and reason;
// the store decides what is new, changed or unchanged.
package csvimport

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/chartroom/chartroom/records"
)

// MaxRows bounds one import; a bigger file is split by the practice.
const MaxRows = 2_000_000

// column names a field and the header spellings that mean it.
type column struct {
	field    string
	aliases  []string
	required bool
}

var patientColumns = []column{
	{"mrn", []string{"mrn", "chart #", "chart#", "chart", "chart number", "chart no", "chart no.", "patient id", "patientid", "patient number", "medical record number", "record number", "acct", "account"}, true},
	{"last", []string{"last name", "lastname", "last", "surname", "family name", "patient last name"}, true},
	{"first", []string{"first name", "firstname", "first", "given name", "given", "forename", "patient first name"}, false},
	{"middle", []string{"middle name", "middlename", "middle", "middle initial", "mi"}, false},
	{"dob", []string{"dob", "birth date", "birthdate", "date of birth", "birthday"}, false},
	{"sex", []string{"sex", "gender"}, false},
	{"deceased", []string{"deceased", "date of death", "death date", "dod", "deceased date"}, false},
	{"last_visit", []string{"last visit", "last visit date", "lastvisit", "last seen", "last appointment"}, false},
	{"phone", []string{"phone", "telephone", "home phone", "phone number"}, false},
}

var appointmentColumns = []column{
	{"date", []string{"date", "appointment date", "appt date", "visit date"}, true},
	{"time", []string{"time", "appointment time", "appt time", "start time"}, false},
	{"mrn", []string{"mrn", "chart #", "chart#", "chart", "chart number", "patient id", "patientid", "medical record number"}, true},
	{"provider", []string{"provider", "doctor", "physician", "resource", "provider name"}, true},
	{"reason", []string{"reason", "visit type", "appointment type", "type", "note", "notes"}, false},
}

// normalizeHeader folds a header cell for matching: case, spaces, underscores.
func normalizeHeader(h string) string {
	h = strings.ToLower(strings.TrimSpace(h))
	h = strings.ReplaceAll(h, "_", " ")
	return strings.Join(strings.Fields(h), " ")
}

// mapHeader returns, for each field, the index of its column, or an error
// naming the required columns that are missing.
func mapHeader(header []string, cols []column) (map[string]int, error) {
	idx := map[string]int{}
	for i, h := range header {
		n := normalizeHeader(h)
		for _, c := range cols {
			if _, taken := idx[c.field]; taken {
				continue
			}
			for _, a := range c.aliases {
				if n == a {
					idx[c.field] = i
					break
				}
			}
		}
	}
	var missing []string
	for _, c := range cols {
		if _, ok := idx[c.field]; c.required && !ok {
			missing = append(missing, fmt.Sprintf("%q", c.aliases[0]))
		}
	}
	if len(missing) > 0 {
		return nil, records.Errorf(records.EInvalid, "the file's first line has no %s column (found: %s)", strings.Join(missing, " or "), strings.Join(header, ", "))
	}
	return idx, nil
}

// reader wraps encoding/csv with what practice exports need: an optional
// UTF-8 byte-order mark, CRLF line ends, ragged rows, and line numbers.
type reader struct {
	csv *csv.Reader
}

func newReader(r io.Reader) (*reader, error) {
	br := bufio.NewReader(r)
	bom, err := br.Peek(3)
	if err == nil && bytes.Equal(bom, []byte{0xEF, 0xBB, 0xBF}) {
		_, _ = br.Discard(3)
	}
	c := csv.NewReader(br)
	c.FieldsPerRecord = -1
	c.TrimLeadingSpace = true
	c.ReuseRecord = false
	return &reader{csv: c}, nil
}

// next returns the next record and the line it starts on; io.EOF at the end.
// A malformed line (a stray quote) is returned as a RowError, not a failure
// of the whole file, when the CSV reader can carry on.
func (r *reader) next() ([]string, int, error) {
	rec, err := r.csv.Read()
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return nil, pe.StartLine, &records.RowError{Line: pe.StartLine, Reason: "the line is not valid CSV: " + pe.Err.Error()}
	}
	if err != nil {
		return nil, 0, err
	}
	line, _ := r.csv.FieldPos(0)
	return rec, line, nil
}

func cell(rec []string, idx map[string]int, field string) string {
	i, ok := idx[field]
	if !ok || i >= len(rec) {
		return ""
	}
	return strings.TrimSpace(rec[i])
}

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// readHeader reads the first non-blank line as the header.
func readHeader(r *reader, cols []column) (map[string]int, error) {
	for {
		rec, _, err := r.next()
		if err == io.EOF {
			return nil, records.Errorf(records.EInvalid, "the file is empty; it needs a first line naming the columns")
		}
		var re *records.RowError
		if errors.As(err, &re) {
			return nil, records.Errorf(records.EInvalid, "line %d: %s", re.Line, re.Reason)
		}
		if err != nil {
			return nil, records.Internal("the file could not be read", err)
		}
		if blank(rec) {
			continue
		}
		return mapHeader(rec, cols)
	}
}

// ParsePatients reads a whole patients export into memory: OpenPatients,
// then every row of Rows.
func ParsePatients(in io.Reader, s records.Settings, today records.Date) ([]records.PatientRow, []records.RowError, error) {
	f, err := OpenPatients(in, s, today)
	if err != nil {
		return nil, nil, err
	}
	var rows []records.PatientRow
	for row, err := range f.Rows() {
		if err != nil {
			return nil, nil, err
		}
		rows = append(rows, row)
	}
	return rows, f.Rejected(), nil
}

// PatientFile is a patients export whose header has been read. Its rows
// are parsed as they are asked for, so an import can write the first ones
// while the rest are still being read.
type PatientFile struct {
	r        *reader
	idx      map[string]int
	s        records.Settings
	today    records.Date
	rejected []records.RowError
}

// OpenPatients reads the header of a patients export. The error is for a
// file that cannot be read at all or lacks a required column.
func OpenPatients(in io.Reader, s records.Settings, today records.Date) (*PatientFile, error) {
	r, err := newReader(in)
	if err != nil {
		return nil, err
	}
	idx, err := readHeader(r, patientColumns)
	if err != nil {
		return nil, err
	}
	return &PatientFile{r: r, idx: idx, s: s, today: today}, nil
}

// Rows yields the file's good lines, each a PatientRow with the MRN
// normalised to the practice's width. A bad line (missing MRN or last name,
// impossible or future dates, an MRN repeated in the file, text that is not
// UTF-8) is not yielded but kept for Rejected. The error, which ends the
// rows, is for a file that cannot be read further or has too many rows.
func (f *PatientFile) Rows() records.PatientSource {
	return func(yield func(records.PatientRow, error) bool) {
		seen := map[string]int{}
		n := 0
		for {
			rec, line, err := f.r.next()
			if err == io.EOF {
				return
			}
			var re *records.RowError
			if errors.As(err, &re) {
				f.rejected = append(f.rejected, *re)
				continue
			}
			if err != nil {
				yield(records.PatientRow{}, records.Internal("the file could not be read", err))
				return
			}
			if blank(rec) {
				continue
			}
			if n+len(f.rejected) >= MaxRows {
				yield(records.PatientRow{}, records.Errorf(records.EInvalid, "the file has more than %d rows; split it into smaller files", MaxRows))
				return
			}
			p, reason := patientFromRecord(rec, f.idx, f.s, f.today)
			if reason == "" {
				if first, dup := seen[p.MRN]; dup {
					reason = fmt.Sprintf("MRN %s is repeated (first on line %d)", p.MRN, first)
				} else {
					seen[p.MRN] = line
				}
			}
			if reason != "" {
				f.rejected = append(f.rejected, records.RowError{Line: line, Reason: reason})
				continue
			}
			n++
			if !yield(records.PatientRow{Line: line, Patient: p}, nil) {
				return
			}
		}
	}
}

// Rejected names the bad lines read so far (all of them once Rows is done).
func (f *PatientFile) Rejected() []records.RowError { return f.rejected }

func patientFromRecord(rec []string, idx map[string]int, s records.Settings, today records.Date) (records.Patient, string) {
	for _, c := range rec {
		if !utf8.ValidString(c) {
			return records.Patient{}, "the line is not UTF-8 text; save the file as UTF-8"
		}
	}
	p := records.Patient{
		MRN:        cell(rec, idx, "mrn"),
		LastName:   cell(rec, idx, "last"),
		FirstName:  cell(rec, idx, "first"),
		MiddleName: cell(rec, idx, "middle"),
		Sex:        cell(rec, idx, "sex"),
		Phone:      cell(rec, idx, "phone"),
	}
	for _, d := range []struct {
		field, label string
		dst          *records.Date
	}{{"dob", "date of birth", &p.DOB}, {"deceased", "date of death", &p.Deceased}, {"last_visit", "last visit", &p.LastVisit}} {
		v, err := records.ParseDate(cell(rec, idx, d.field))
		if err != nil {
			return p, d.label + ": " + err.Error()
		}
		*d.dst = v
	}
	if err := records.ValidatePatient(&p, s, today); err != nil {
		return p, records.ErrorMessage(err)
	}
	return p, ""
}

// ParseAppointments reads an appointments export (date, time, MRN, provider,
// reason). Chart numbers are kept as typed; the store resolves them.
func ParseAppointments(in io.Reader) ([]records.AppointmentRow, []records.RowError, error) {
	r, err := newReader(in)
	if err != nil {
		return nil, nil, err
	}
	idx, err := readHeader(r, appointmentColumns)
	if err != nil {
		return nil, nil, err
	}
	var rows []records.AppointmentRow
	var rejected []records.RowError
	for {
		rec, line, err := r.next()
		if err == io.EOF {
			break
		}
		var re *records.RowError
		if errors.As(err, &re) {
			rejected = append(rejected, *re)
			continue
		}
		if err != nil {
			return nil, nil, records.Internal("the file could not be read", err)
		}
		if blank(rec) {
			continue
		}
		if len(rows)+len(rejected) >= MaxRows {
			return nil, nil, records.Errorf(records.EInvalid, "the file has more than %d rows; split it into smaller files", MaxRows)
		}
		a, reason := appointmentFromRecord(rec, idx)
		if reason != "" {
			rejected = append(rejected, records.RowError{Line: line, Reason: reason})
			continue
		}
		a.Line = line
		rows = append(rows, a)
	}
	return rows, rejected, nil
}

func appointmentFromRecord(rec []string, idx map[string]int) (records.AppointmentRow, string) {
	for _, c := range rec {
		if !utf8.ValidString(c) {
			return records.AppointmentRow{}, "the line is not UTF-8 text; save the file as UTF-8"
		}
	}
	a := records.AppointmentRow{
		MRN:      cell(rec, idx, "mrn"),
		Provider: cell(rec, idx, "provider"),
		Reason:   cell(rec, idx, "reason"),
	}
	d, err := records.ParseDate(cell(rec, idx, "date"))
	if err != nil {
		return a, "date: " + err.Error()
	}
	if d.IsZero() {
		return a, "date: is required"
	}
	a.Date = d
	t, err := parseClock(cell(rec, idx, "time"))
	if err != nil {
		return a, "time: " + err.Error()
	}
	a.Time = t
	if a.MRN == "" {
		return a, "MRN: is required"
	}
	if a.Provider == "" {
		return a, "provider: is required"
	}
	return a, ""
}

// parseClock reads "9:30", "09:30", "2:15 PM" or "14:15" as "HH:MM".
func parseClock(s string) (string, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if s == "" {
		return "", nil
	}
	pm, am := strings.HasSuffix(s, "PM"), strings.HasSuffix(s, "AM")
	if pm || am {
		s = strings.TrimSpace(s[:len(s)-2])
	}
	hs, ms, ok := strings.Cut(s, ":")
	if !ok {
		return "", fmt.Errorf("%q is not a time; use HH:MM", s)
	}
	var h, m int
	if _, err := fmt.Sscanf(hs, "%d", &h); err != nil || len(hs) > 2 {
		return "", fmt.Errorf("%q is not a time; use HH:MM", s)
	}
	if _, err := fmt.Sscanf(ms, "%d", &m); err != nil || len(ms) != 2 {
		return "", fmt.Errorf("%q is not a time; use HH:MM", s)
	}
	if pm || am {
		if h < 1 || h > 12 {
			return "", fmt.Errorf("%q is not a time", s)
		}
		if pm && h != 12 {
			h += 12
		}
		if am && h == 12 {
			h = 0
		}
	}
	if h < 0 || h > 23 || m < 0 || m > 59 {
		return "", fmt.Errorf("%q is not a time", s)
	}
	return fmt.Sprintf("%02d:%02d", h, m), nil
}
