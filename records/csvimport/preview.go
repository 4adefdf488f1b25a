package csvimport

import (
	"encoding/csv"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/chartroom/chartroom/records"
)

// Kind is what an export holds: patients or appointments.
type Kind string

const (
	KindPatients     Kind = "patients"
	KindAppointments Kind = "appointments"
)

// Fields are the fields an export of kind is read into, in the order a
// mapping is shown.
func (k Kind) Fields() []Field {
	if k == KindAppointments {
		return AppointmentFields
	}
	return PatientFields
}

// Required lists the fields an export of kind cannot be read without: a
// column for at least one field of each group.
func (k Kind) Required() [][]string {
	if k == KindAppointments {
		return [][]string{{"date"}, {"mrn", "external_id"}, {"provider"}}
	}
	return [][]string{{"mrn", "external_id"}, {"last", "name"}}
}

// Missing lists the groups of Required that m feeds no field of.
func (k Kind) Missing(m Mapping) [][]string {
	var out [][]string
	for _, group := range k.Required() {
		if !slices.ContainsFunc(group, m.Has) {
			out = append(out, group)
		}
	}
	return out
}

func (k Kind) keys() map[string]string {
	if k == KindAppointments {
		return appointmentKeys
	}
	return patientKeys
}

// PreviewRow is one line of a preview: the cells as the file has them and,
// when the import would refuse the line, why.
type PreviewRow struct {
	Line   int
	Cells  []string
	Reason string // "" when the line would be imported (the store may still refuse it)
}

// Preview is how a file would be read before anything is written: its
// columns and the field each feeds, and its first lines with the outcome
// of each.
type Preview struct {
	Header  []string
	Mapping Mapping
	Rows    []PreviewRow
}

// PreviewFile reads the header and up to n lines of an export of kind with
// opt (opt.Map is the clerk's choice of columns), each line checked as the
// import checks it. The error is the one the import itself would end with:
// a file that cannot be read, or no column for a required field.
func PreviewFile(in io.Reader, kind Kind, opt Options, n int) (Preview, error) {
	r := newReader(in)
	header, err := r.readHeader()
	if err != nil {
		return Preview{}, err
	}
	p := Preview{Header: trimAll(header)}
	// The mapping is shown even when a required field has no column, for
	// the clerk to choose one.
	if p.Mapping, err = matchHeader(header, kind.Fields(), kind.keys(), opt.Map); err != nil {
		return p, err
	}
	var check func(rec []string, line int) string
	if kind == KindAppointments {
		f, err := openAppointments(r, header, opt)
		if err != nil {
			return p, err
		}
		check = func(rec []string, _ int) string { _, reason := f.appointmentFromRecord(rec); return reason }
	} else {
		f, err := openPatients(r, header, opt)
		if err != nil {
			return p, err
		}
		p.Mapping = f.m // as the import reads it: a whole-name column beside the surname is left unread
		check = func(rec []string, line int) string { _, reason := f.patientFromRecord(rec, line); return reason }
	}
	err = r.rows(func(e records.RowError) {
		if len(p.Rows) < n {
			p.Rows = append(p.Rows, PreviewRow{Line: e.Line, Reason: e.Reason})
		}
	}, func(rec []string, line int) bool {
		p.Rows = append(p.Rows, PreviewRow{Line: line, Cells: trimAll(rec), Reason: check(rec, line)})
		return len(p.Rows) < n
	})
	return p, err
}

func trimAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.TrimSpace(s)
	}
	return out
}

// RejectsHeader are the two columns a rejects file puts before the file's
// own: neither is a spelling of any field, so the file imports again as
// it is once its lines are put right.
var RejectsHeader = []string{"Line", "Rejected because"}

// WriteRejects writes the lines of the export in that were rejected, as
// CSV a spreadsheet opens (UTF-8 with a byte-order mark, commas): the
// line number and the reason, then the line's own cells under the file's
// own header. A line that was not valid CSV has no cells to copy (they are
// left empty): its reason says what to mend in the original file.
func WriteRejects(w io.Writer, in io.Reader, rejected []records.RowError) error {
	byLine := make(map[int][]string, len(rejected))
	lines := make([]int, 0, len(rejected))
	for _, e := range rejected {
		if _, dup := byLine[e.Line]; !dup {
			lines = append(lines, e.Line)
		}
		byLine[e.Line] = append(byLine[e.Line], e.Reason)
	}
	sort.Ints(lines)
	r := newReader(in)
	header, err := r.readHeader()
	if err != nil {
		return err
	}
	cells := make(map[int][]string, len(rejected))
	err = r.rows(func(records.RowError) {}, func(rec []string, line int) bool {
		if _, ok := byLine[line]; ok {
			cells[line] = rec
		}
		return true
	})
	if err != nil {
		return err
	}
	width := len(header) // a ragged line wider than the header widens the file
	for _, c := range cells {
		width = max(width, len(c))
	}
	header = append(header, make([]string, width-len(header))...)
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return records.Internal("the rejected lines could not be written", err)
	}
	out := csv.NewWriter(w)
	out.Write(append(append([]string{}, RejectsHeader...), header...))
	for _, l := range lines {
		reasons := byLine[l]
		reason := reasons[0]
		for _, more := range reasons[1:] {
			reason += "; " + more
		}
		row := append([]string{strconv.Itoa(l), reason}, cells[l]...)
		for len(row) < len(RejectsHeader)+len(header) { // every line as wide as the header, as spreadsheets expect
			row = append(row, "")
		}
		out.Write(row)
	}
	out.Flush()
	if err := out.Error(); err != nil {
		return records.Internal("the rejected lines could not be written", err)
	}
	return nil
}
