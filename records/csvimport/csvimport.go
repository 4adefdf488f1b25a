// Package csvimport reads the CSV files practices export from their
// scheduling, billing and EHR systems (patients, appointments) into records
// rows. It finds which column holds what, reads the dates, names and
// encodings those systems write, and rejects bad lines by number and
// reason; the store decides what is new, changed or unchanged.
package csvimport

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/chartroom/chartroom/records"
)

// MaxRows bounds one import; a bigger file is split by the practice.
const MaxRows = 2_000_000

// Options say how to read an export.
type Options struct {
	Settings records.Settings
	Today    records.Date
	// Zone is the practice's time zone, into which a date-time with an
	// offset ("2025-03-29T08:10:05Z") is moved; nil is the computer's.
	Zone *time.Location
	// Map names columns by hand: field name (see PatientFields,
	// AppointmentFields) -> header; an empty header leaves the field unread.
	Map map[string]string
	// AssignMRN: a row without a usable chart number but with an external
	// id is kept, for the store to give a new patient the next free number.
	AssignMRN bool
}

// reader wraps encoding/csv with what practice exports need: the text
// decoded (textReader), the separator detected, CRLF line ends, ragged
// rows, and line numbers.
type reader struct {
	text      *textReader
	csv       *csv.Reader
	separator rune
}

func newReader(r io.Reader) *reader {
	t := newTextReader(r)
	br := bufio.NewReaderSize(t, 64<<10)
	sep := detectSeparator(br)
	c := csv.NewReader(br)
	c.Comma = sep
	c.FieldsPerRecord = -1
	c.TrimLeadingSpace = true
	c.ReuseRecord = false
	return &reader{text: t, csv: c, separator: sep}
}

// next returns the next record and the line it starts on; io.EOF at the end.
// A malformed line (a stray quote) is returned as a RowError, not a failure
// of the whole file, when the CSV reader can carry on.
func (r *reader) next() ([]string, int, error) {
	rec, err := r.csv.Read()
	if err != nil { // only then: errors.As's target escapes, an allocation per row
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, pe.StartLine, &records.RowError{Line: pe.StartLine, Reason: "the line is not valid CSV: " + pe.Err.Error()}
		}
		return nil, 0, err
	}
	line, _ := r.csv.FieldPos(0)
	return rec, line, nil
}

// readHeader reads the first non-blank line as the header.
func (r *reader) readHeader() ([]string, error) {
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
		if !blank(rec) {
			if binary(rec) {
				return nil, records.Errorf(records.EInvalid, "the file is not CSV text (its first line holds binary data): save the list from the other system or the spreadsheet as CSV and choose that file")
			}
			return rec, nil
		}
	}
}

// rows yields the records after the header with their lines, blank lines
// skipped, bad CSV lines handed to reject; it stops with an error past
// MaxRows or when the file cannot be read.
func (r *reader) rows(reject func(records.RowError), each func(rec []string, line int) bool) error {
	n := 0
	for {
		rec, line, err := r.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var re *records.RowError
			if errors.As(err, &re) {
				reject(*re)
				continue
			}
			return records.Internal("the file could not be read", err)
		}
		if blank(rec) {
			continue
		}
		if n++; n > MaxRows {
			return records.Errorf(records.EInvalid, "the file has more than %d rows; split it into smaller files", MaxRows)
		}
		if !each(rec, line) {
			return nil
		}
	}
}

// binary reports whether a header holds control characters no text file
// has (a PDF, a spreadsheet's .xlsx, a picture read as text).
func binary(rec []string) bool {
	for _, c := range rec {
		for _, r := range c {
			if r < ' ' && r != '\t' && r != '\n' && r != '\r' || r == 0x7f || r == unicode.ReplacementChar {
				return true
			}
		}
	}
	return false
}

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func (m Mapping) cell(rec []string, field string) string {
	i := m.Index(field)
	if i < 0 || i >= len(rec) {
		return ""
	}
	return strings.TrimSpace(rec[i])
}

// notes gathers what a clerk should know about how a file was read, for
// the lines printed before the summary.
type notes struct {
	text         *textReader
	separator    rune
	centuryBack  map[string][]int // field label -> lines whose two-digit year was put in the 1900s
	unknownSexes map[string]int   // spelling -> rows
}

func newNotes(r *reader) *notes {
	return &notes{text: r.text, separator: r.separator, centuryBack: map[string][]int{}, unknownSexes: map[string]int{}}
}

// lines says, in plain words, what was read in a way the clerk may want to
// check: the file's encoding and separator when not the usual, two-digit
// years put in the century before, sex spellings not recognised.
func (n *notes) lines() []string {
	var out []string
	switch enc := n.text.Encoding(); enc {
	case Windows1252:
		out = append(out, "the file is not UTF-8 text: it was read as Windows-1252 (as Excel saves CSV on Windows); check accented names")
	case UTF16LE, UTF16BE:
		out = append(out, fmt.Sprintf("the file was read as %s text", enc))
	}
	if n.separator != ',' {
		out = append(out, fmt.Sprintf("fields are separated by %ss", separatorNames[n.separator]))
	}
	labels := make([]string, 0, len(n.centuryBack))
	for l := range n.centuryBack {
		labels = append(labels, l)
	}
	sort.Strings(labels)
	for _, l := range labels {
		lines := n.centuryBack[l]
		out = append(out, fmt.Sprintf("%d %s(s) written with a two-digit year would be in the future, so they were read as 19YY (lines %s)",
			len(lines), l, lineList(lines)))
	}
	spellings := make([]string, 0, len(n.unknownSexes))
	for s := range n.unknownSexes {
		spellings = append(spellings, s)
	}
	sort.Strings(spellings)
	for _, s := range spellings {
		out = append(out, fmt.Sprintf("sex %q (%d row(s)) is not a spelling Chartroom knows; recorded as U (unknown)", s, n.unknownSexes[s]))
	}
	return out
}

// lineList names up to ten line numbers.
func lineList(lines []int) string {
	var b strings.Builder
	for i, l := range lines {
		if i == 10 {
			fmt.Fprintf(&b, " and %d more", len(lines)-10)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprint(&b, l)
	}
	return b.String()
}

// ParsePatients reads a whole patients export into memory: OpenPatients,
// then every row of Rows.
func ParsePatients(in io.Reader, s records.Settings, today records.Date) ([]records.PatientRow, []records.RowError, error) {
	f, err := OpenPatients(in, Options{Settings: s, Today: today})
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
	m        Mapping
	opt      Options
	notes    *notes
	rejected []records.RowError
	// needAssign counts rows refused only because the file's id was not a
	// chart number and AssignMRN was off.
	needAssign int
}

// OpenPatients reads the header of a patients export and maps its columns.
// The error is for a file that cannot be read at all, a --map that names
// no column, or a file without an id column or a name column.
func OpenPatients(in io.Reader, opt Options) (*PatientFile, error) {
	r := newReader(in)
	header, err := r.readHeader()
	if err != nil {
		return nil, err
	}
	return openPatients(r, header, opt)
}

// openPatients maps the header r has read.
func openPatients(r *reader, header []string, opt Options) (*PatientFile, error) {
	m, err := matchHeader(header, PatientFields, patientKeys, opt.Map)
	if err != nil {
		return nil, err
	}
	if m.Has("last") && m.fields["name"] == m.Index("last") {
		delete(m.fields, "name") // one column mapped by hand to both: the surname wins
	} else if m.Has("last") && m.Has("name") && !m.Columns[m.Index("name")].ByHand {
		m.Columns[m.Index("name")].Field = "" // separate name columns make the whole name redundant
		delete(m.fields, "name")
	}
	for _, required := range KindPatients.Required() {
		if err := requireOne(m, header, required...); err != nil {
			return nil, err
		}
	}
	return &PatientFile{r: r, m: m, opt: opt, notes: newNotes(r)}, nil
}

// Mapping is which column feeds which field.
func (f *PatientFile) Mapping() Mapping { return f.m }

// Notes says how the file was read where a clerk may want to check it
// (complete once Rows is done).
func (f *PatientFile) Notes() []string {
	out := f.notes.lines()
	if f.needAssign > 0 {
		out = append(out, fmt.Sprintf("%d row(s) have an external id but no usable chart number: --assign-mrn gives new patients the next free chart numbers, --map mrn=HEADER names the chart-number column", f.needAssign))
	}
	return out
}

// NeedAssign counts the rows refused because their only id is not a chart
// number (an EHR's UUID): Options.AssignMRN would import them.
func (f *PatientFile) NeedAssign() int { return f.needAssign }

// Rows yields the file's good lines, each a PatientRow with the MRN
// normalised to the practice's width (or empty, with AssignMRN set, for
// the store to assign). A bad line (no id, no last name, impossible or
// future dates, an MRN repeated in the file) is not yielded but kept for
// Rejected. The error, which ends the rows, is for a file that cannot be
// read further or has too many rows.
func (f *PatientFile) Rows() records.PatientSource {
	return func(yield func(records.PatientRow, error) bool) {
		seen := map[string]int{}
		reject := func(e records.RowError) { f.rejected = append(f.rejected, e) }
		stopped := false
		err := f.r.rows(reject, func(rec []string, line int) bool {
			row, reason := f.patientFromRecord(rec, line)
			if reason == "" && row.Patient.MRN != "" {
				if first, dup := seen[row.Patient.MRN]; dup {
					reason = fmt.Sprintf("MRN %s is repeated (first on line %d)", row.Patient.MRN, first)
				} else {
					seen[row.Patient.MRN] = line
				}
			}
			if reason != "" {
				reject(records.RowError{Line: line, Reason: reason})
				return true
			}
			if !yield(row, nil) {
				stopped = true
				return false
			}
			return true
		})
		if err != nil && !stopped {
			yield(records.PatientRow{}, err)
		}
	}
}

// Rejected names the bad lines read so far (all of them once Rows is done).
func (f *PatientFile) Rejected() []records.RowError { return f.rejected }

func (f *PatientFile) patientFromRecord(rec []string, line int) (records.PatientRow, string) {
	m, s := f.m, f.opt.Settings
	row := records.PatientRow{Line: line}
	p := &row.Patient
	p.ExternalID = m.cell(rec, "external_id")
	p.Phone = m.cell(rec, "phone")
	chart := m.cell(rec, "mrn")
	if !m.Has("mrn") && !f.opt.AssignMRN {
		// The file's only id is the chart number, as older exports named
		// it ("Patient ID"): it is both.
		chart = p.ExternalID
		if chart != "" {
			if _, err := records.NormalizeMRN(chart, s.MRNWidth); err != nil {
				f.needAssign++
				return row, fmt.Sprintf("%s %q is not a chart number, and the file has no chart-number column",
					m.Columns[m.Index("external_id")].Header, chart)
			}
		}
	}
	if f.opt.AssignMRN {
		if _, err := records.NormalizeMRN(chart, s.MRNWidth); err != nil {
			if p.ExternalID == "" {
				if chart == "" {
					return row, "the row has neither a chart number nor an external id: Chartroom could not know the patient again"
				}
				return row, "MRN: " + err.Error() + " (and the row has no external id to know the patient by)"
			}
			chart, row.AssignMRN = "", true
		}
	}
	p.MRN = chart
	if m.Has("last") {
		p.LastName, p.FirstName, p.MiddleName = m.cell(rec, "last"), m.cell(rec, "first"), m.cell(rec, "middle")
	} else {
		var reason string
		if p.LastName, p.FirstName, p.MiddleName, reason = splitName(m.cell(rec, "name")); reason != "" {
			return row, reason
		}
		// A first or middle name column beside the whole name adds to it.
		if v := m.cell(rec, "first"); v != "" {
			p.FirstName = v
		}
		if v := m.cell(rec, "middle"); v != "" {
			p.MiddleName = v
		}
	}
	sexCell := m.cell(rec, "sex")
	var sexKnown bool
	p.Sex, sexKnown = sexOf(sexCell)
	var centuryBack []string // labels of the dates put in the 1900s
	for _, d := range []struct {
		field, label string
		dst          *records.Date
	}{{"dob", "date of birth", &p.DOB}, {"deceased", "date of death", &p.Deceased}, {"last_visit", "last visit", &p.LastVisit}} {
		v, back, err := pastDate(m.cell(rec, d.field), f.opt.Today)
		if err != nil {
			return row, d.label + ": " + err.Error()
		}
		if back {
			centuryBack = append(centuryBack, d.label)
		}
		*d.dst = v
	}
	var err error
	if row.AssignMRN {
		err = records.ValidatePatientDetails(p, f.opt.Today)
	} else {
		err = records.ValidatePatient(p, s, f.opt.Today)
	}
	if err != nil {
		reason := records.ErrorMessage(err)
		if p.MRN == "" && p.ExternalID != "" && !f.opt.AssignMRN {
			f.needAssign++
		}
		return row, reason
	}
	// Only what was imported is worth a note.
	for _, l := range centuryBack {
		f.notes.centuryBack[l] = append(f.notes.centuryBack[l], line)
	}
	if !sexKnown {
		f.notes.unknownSexes[sexCell]++
	}
	return row, ""
}

// splitName reads a whole name written "Last, First Middle" (or just a
// surname); a name of several words without a comma is refused, since
// which word is the surname cannot be told.
func splitName(full string) (last, first, middle, reason string) {
	full = strings.TrimSpace(full)
	if full == "" {
		return "", "", "", "the patient's name is empty"
	}
	last, given, comma := strings.Cut(full, ",")
	last = strings.TrimSpace(last)
	if !comma {
		if len(strings.Fields(full)) > 1 {
			return "", "", "", fmt.Sprintf("the name %q has no comma: write it \"Last, First Middle\"", full)
		}
		return last, "", "", ""
	}
	words := strings.Fields(given)
	if len(words) > 0 {
		first = words[0]
	}
	if len(words) > 1 {
		middle = strings.Join(words[1:], " ")
	}
	return last, first, middle, ""
}

// ParseAppointments reads an appointments export with its columns guessed
// and dates in the computer's time zone.
func ParseAppointments(in io.Reader) ([]records.AppointmentRow, []records.RowError, error) {
	f, err := OpenAppointments(in, Options{})
	if err != nil {
		return nil, nil, err
	}
	return f.Rows()
}

// AppointmentFile is an appointments export whose header has been read.
type AppointmentFile struct {
	r     *reader
	m     Mapping
	opt   Options
	notes *notes
}

// OpenAppointments reads the header of an appointments export (date, time,
// MRN or external id, provider, reason) and maps its columns.
func OpenAppointments(in io.Reader, opt Options) (*AppointmentFile, error) {
	r := newReader(in)
	header, err := r.readHeader()
	if err != nil {
		return nil, err
	}
	return openAppointments(r, header, opt)
}

// openAppointments maps the header r has read.
func openAppointments(r *reader, header []string, opt Options) (*AppointmentFile, error) {
	m, err := matchHeader(header, AppointmentFields, appointmentKeys, opt.Map)
	if err != nil {
		return nil, err
	}
	for _, required := range KindAppointments.Required() {
		if err := requireOne(m, header, required...); err != nil {
			return nil, err
		}
	}
	return &AppointmentFile{r: r, m: m, opt: opt, notes: newNotes(r)}, nil
}

// Mapping is which column feeds which field.
func (f *AppointmentFile) Mapping() Mapping { return f.m }

// Notes says how the file was read (complete once Rows is done).
func (f *AppointmentFile) Notes() []string { return f.notes.lines() }

// Rows reads every appointment. Chart numbers are kept as typed; the store
// resolves them.
func (f *AppointmentFile) Rows() ([]records.AppointmentRow, []records.RowError, error) {
	var rows []records.AppointmentRow
	var rejected []records.RowError
	reject := func(e records.RowError) { rejected = append(rejected, e) }
	err := f.r.rows(reject, func(rec []string, line int) bool {
		a, reason := f.appointmentFromRecord(rec)
		if reason != "" {
			reject(records.RowError{Line: line, Reason: reason})
			return true
		}
		a.Line = line
		rows = append(rows, a)
		return true
	})
	if err != nil {
		return nil, nil, err
	}
	return rows, rejected, nil
}

func (f *AppointmentFile) appointmentFromRecord(rec []string) (records.AppointmentRow, string) {
	m := f.m
	a := records.AppointmentRow{
		MRN:        m.cell(rec, "mrn"),
		ExternalID: m.cell(rec, "external_id"),
		Provider:   m.cell(rec, "provider"),
		Reason:     m.cell(rec, "reason"),
	}
	if !m.Has("mrn") {
		a.MRN = a.ExternalID // the store tries the id as a chart number too
	}
	w, err := parseWhen(m.cell(rec, "date"), f.opt.Zone)
	if err != nil {
		return a, "date: " + err.Error()
	}
	if w.date.IsZero() {
		return a, "date: is required"
	}
	a.Date, a.Time = w.date, w.clock
	if m.Has("time") && m.Index("time") != m.Index("date") {
		t, err := parseTimeCell(m.cell(rec, "time"), f.opt.Zone)
		if err != nil {
			return a, "time: " + err.Error()
		}
		if t != "" {
			a.Time = t
		}
	}
	if a.MRN == "" && a.ExternalID == "" {
		return a, "MRN: is required"
	}
	if a.Provider == "" {
		return a, "provider: is required"
	}
	return a, ""
}

// parseTimeCell reads a time column: a time of day, or a whole date-time
// whose time is taken.
func parseTimeCell(s string, zone *time.Location) (string, error) {
	if t, err := parseClock(s); err == nil {
		return t, nil
	}
	w, err := parseWhen(s, zone)
	if err != nil || w.clock == "" {
		return "", fmt.Errorf("%q is not a time; use HH:MM", strings.TrimSpace(s))
	}
	return w.clock, nil
}
