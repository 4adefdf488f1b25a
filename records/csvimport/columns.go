package csvimport

import (
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/chartroom/chartroom/records"
)

// Field is something an import reads from a column: its name (what --map
// takes), a label a clerk reads, and the header spellings that mean it.
type Field struct {
	Name    string
	Label   string
	aliases []string // spellings as a person writes them; matched by headerKey
}

// Aliases are the header spellings the import recognises for the field.
func (f Field) Aliases() []string { return f.aliases }

// The identity columns are shared by both exports.
var (
	fieldMRN = Field{"mrn", "chart number", []string{"mrn", "mr number", "mr no", "mr #", "medical record number",
		"medical record no", "medical record #", "chart", "chart number", "chart no", "chart #", "chart id", "chart num",
		"record number", "record no"}}
	fieldExternalID = Field{"external_id", "external id, the patient's id in another system", []string{"external id",
		"patient id", "pat id", "pid", "patient number", "patient no", "patient #", "patient key", "person id",
		"account", "account number", "account no", "account #", "acct", "acct number", "acct no", "acct #",
		"uuid", "guid", "patient uuid", "patient guid", "ehr id", "pm id", "system id", "id"}}
)

// PatientFields are the fields of a patients export, in the order the
// mapping is shown.
var PatientFields = []Field{
	fieldMRN,
	fieldExternalID,
	{"last", "last name", []string{"last name", "last", "surname", "family name", "patient last name", "pt last name",
		"lname", "last nm", "name last"}},
	{"first", "first name", []string{"first name", "first", "given name", "given", "forename", "patient first name",
		"pt first name", "fname", "first nm", "name first"}},
	{"middle", "middle name", []string{"middle name", "middle", "middle initial", "mi", "mname", "middle nm", "name middle"}},
	{"name", `whole name, "Last, First Middle"`, []string{"patient name", "name", "patient", "full name",
		"patient full name", "pt name"}},
	{"dob", "date of birth", []string{"dob", "birth date", "date of birth", "birthday", "birth dt", "patient dob", "birth"}},
	{"sex", "sex", []string{"sex", "gender", "patient sex", "sex at birth", "birth sex", "administrative sex"}},
	{"deceased", "date of death", []string{"deceased", "date of death", "death date", "dod", "deceased date",
		"date deceased", "death dt", "death", "expired date", "expiration date"}},
	{"last_visit", "last visit", []string{"last visit", "last visit date", "last seen", "last seen date",
		"last appointment", "last appt", "last encounter", "last encounter date", "last dos", "last service date"}},
	{"phone", "phone", []string{"phone", "telephone", "home phone", "phone number", "tel", "primary phone",
		"cell phone", "mobile", "mobile phone"}},
}

// AppointmentFields are the fields of an appointments export.
var AppointmentFields = []Field{
	{"date", "appointment date (or date and time)", []string{"date", "appointment date", "appt date", "visit date",
		"date of service", "dos", "service date", "appt dt", "scheduled date", "appointment start", "appt start",
		"scheduled start", "start date time", "start datetime", "appointment datetime", "appointment date time",
		"date time", "datetime"}},
	{"time", "appointment time", []string{"time", "appointment time", "appt time", "start time", "start",
		"scheduled time", "visit time"}},
	fieldMRN,
	fieldExternalID,
	{"provider", "provider", []string{"provider", "doctor", "physician", "resource", "provider name",
		"rendering provider", "attending", "attending provider", "clinician", "practitioner", "scheduled provider",
		"appointment provider", "resource name"}},
	{"reason", "reason", []string{"reason", "visit type", "appointment type", "appt type", "type", "note", "notes",
		"visit reason", "reason for visit", "comment", "comments"}},
}

// FieldNames lists fields' names, for help and messages.
func FieldNames(fields []Field) []string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.Name
	}
	return names
}

// headerKey folds a header cell to what matching compares: letters and
// digits only, lower case, "#" read as "number", and a parenthesised remark
// dropped. DEATHDATE, Death_Date, "date of death" and Date.Of.Death fold to
// two keys ("deathdate", "dateofdeath"), each an alias.
func headerKey(h string) string {
	var b strings.Builder
	depth := 0
	for _, r := range h {
		switch {
		case r == '(' || r == '[':
			depth++
		case (r == ')' || r == ']') && depth > 0:
			depth--
		case depth > 0:
		case r == '#':
			b.WriteString("number")
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		}
	}
	if b.Len() == 0 && depth > 0 {
		// "(Notes)" is all remark: keep its words rather than nothing.
		return headerKey(strings.NewReplacer("(", " ", ")", " ", "[", " ", "]", " ").Replace(h))
	}
	return b.String()
}

// aliasMap maps each header key of fields' spellings to the field's name.
func aliasMap(fields []Field) map[string]string {
	m := map[string]string{}
	for _, f := range fields {
		for _, a := range f.aliases {
			m[headerKey(a)] = f.Name
		}
	}
	return m
}

var (
	patientKeys     = aliasMap(PatientFields)
	appointmentKeys = aliasMap(AppointmentFields)
)

// Column is one column of the file's first line and what the import makes
// of it.
type Column struct {
	Index  int
	Header string
	Field  string // "" when the column is ignored
	ByHand bool   // the field was named with Options.Map
}

// Mapping says which column feeds which field. A column feeds at most one
// field unless the clerk mapped it to more by hand.
type Mapping struct {
	Columns []Column
	fields  map[string]int // field name -> column index
}

// Index is the column of field, or -1.
func (m Mapping) Index(field string) int {
	if i, ok := m.fields[field]; ok {
		return i
	}
	return -1
}

// Has reports whether field is fed by a column.
func (m Mapping) Has(field string) bool { return m.Index(field) >= 0 }

// Used lists the columns that feed a field, in file order, with the field
// each feeds; a column mapped by hand to two fields is listed twice.
func (m Mapping) Used() []Column {
	var out []Column
	for _, c := range m.Columns {
		if c.Field != "" {
			out = append(out, c)
		}
	}
	for field, i := range m.fields {
		if m.Columns[i].Field != field { // a second field on one column
			c := m.Columns[i]
			c.Field, c.ByHand = field, true
			out = append(out, c)
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Index < out[b].Index })
	return out
}

// Ignored lists the headers of the columns no field reads: nothing in them
// is stored.
func (m Mapping) Ignored() []string {
	var out []string
	used := m.usedIndex()
	for _, c := range m.Columns {
		if !used[c.Index] {
			out = append(out, c.Header)
		}
	}
	return out
}

func (m Mapping) usedIndex() map[int]bool {
	used := map[int]bool{}
	for _, i := range m.fields {
		used[i] = true
	}
	return used
}

// matchHeader maps a header line onto fields: first what the clerk named
// (byHand: field -> header, "" to leave a field unread), then each other
// column whose header is a spelling of a field not yet fed. A header
// named by hand is found by its exact text, else by its folded key.
func matchHeader(header []string, fields []Field, keys map[string]string, byHand map[string]string) (Mapping, error) {
	m := Mapping{Columns: make([]Column, len(header)), fields: map[string]int{}}
	for i, h := range header {
		m.Columns[i] = Column{Index: i, Header: strings.TrimSpace(h)}
	}
	known := map[string]bool{}
	for _, f := range fields {
		known[f.Name] = true
	}
	handNames := make([]string, 0, len(byHand))
	for field := range byHand {
		handNames = append(handNames, field)
	}
	sort.Strings(handNames)
	for _, field := range handNames {
		if !known[field] {
			return m, records.Errorf(records.EInvalid, "--map %s: there is no field %q; the fields are %s",
				field, field, strings.Join(FieldNames(fields), ", "))
		}
		want := strings.TrimSpace(byHand[field])
		if want == "" {
			continue
		}
		i := findHeader(m.Columns, want)
		if i < 0 {
			return m, records.Errorf(records.EInvalid, "--map %s=%s: the file has no column %q; its columns are %s",
				field, want, want, quoteAll(header))
		}
		m.fields[field] = i
		if m.Columns[i].Field == "" {
			m.Columns[i].Field, m.Columns[i].ByHand = field, true
		}
	}
	handUsed := m.usedIndex()
	for i := range m.Columns {
		c := &m.Columns[i]
		if handUsed[i] {
			continue
		}
		field, ok := keys[headerKey(c.Header)]
		if !ok {
			continue
		}
		if _, taken := m.fields[field]; taken {
			continue
		}
		if _, named := byHand[field]; named {
			continue // the clerk said where it is, or that it is not there
		}
		m.fields[field] = i
		c.Field = field
	}
	return m, nil
}

// findHeader finds a header named by a person: its exact text first, then
// any header with the same folded key.
func findHeader(cols []Column, want string) int {
	for _, c := range cols {
		if c.Header == want {
			return c.Index
		}
	}
	k := headerKey(want)
	for _, c := range cols {
		if k != "" && headerKey(c.Header) == k {
			return c.Index
		}
	}
	return -1
}

func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", strings.TrimSpace(s))
	}
	return strings.Join(q, ", ")
}

// requireOne checks that at least one of fields is fed, naming them and
// the file's headers when none is.
func requireOne(m Mapping, header []string, fields ...string) error {
	for _, name := range fields {
		if m.Has(name) {
			return nil
		}
	}
	return records.Errorf(records.EInvalid, "no column of the file's first line is recognised as %s; its columns are %s: name the right one with --map %s=HEADER",
		strings.Join(fields, " or "), quoteAll(header), fields[0])
}
