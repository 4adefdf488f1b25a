package csvimport

import (
	"strings"
	"testing"

	"github.com/chartroom/chartroom/records"
)

// TestHeaderSpellings: the ways systems really write a header, each alone
// on a header line, feed the field they mean, or nothing.
func TestHeaderSpellings(t *testing.T) {
	patients := []struct{ header, field string }{
		{"DEATHDATE", "deceased"}, {"Death_Date", "deceased"}, {"date.of.death", "deceased"}, {"Date Of Death", "deceased"},
		{"DOD", "deceased"}, {"deceased date", "deceased"},
		{"PATIENT_ID", "external_id"}, {"PatientID", "external_id"}, {"patient-id", "external_id"}, {"Acct #", "external_id"},
		{"ACCOUNT_NO", "external_id"}, {"UUID", "external_id"}, {"Person Id", "external_id"},
		{"MRN", "mrn"}, {"Chart #", "mrn"}, {"chart#", "mrn"}, {"Chart No.", "mrn"}, {"CHART_NUMBER", "mrn"},
		{"Medical Record Number", "mrn"}, {"M.R. Number", "mrn"},
		{"LASTNAME", "last"}, {"Last_Name", "last"}, {"last.name", "last"}, {"SURNAME", "last"}, {"Patient Last Name", "last"},
		{"FIRST", "first"}, {"FirstName", "first"}, {"Given Name", "first"}, {"FNAME", "first"},
		{"MIDDLE", "middle"}, {"M.I.", "middle"}, {"Middle Initial", "middle"},
		{"Patient Name", "name"}, {"PATIENTNAME", "name"}, {"Name", "name"},
		{"BIRTHDATE", "dob"}, {"D.O.B.", "dob"}, {"Date_of_Birth", "dob"}, {"Birth Date (MM/DD/YYYY)", "dob"},
		{"GENDER", "sex"}, {"Sex (M/F)", "sex"}, {"Administrative Sex", "sex"},
		{"LASTVISITDATE", "last_visit"}, {"Last Seen", "last_visit"}, {"last_encounter", "last_visit"},
		{"Home Phone", "phone"}, {"PHONE_NUMBER", "phone"}, {"Tel.", "phone"},
		// Nothing a chart room needs, and a typo: ignored, never stored.
		{"SSN", ""}, {"Social Security Number", ""}, {"INSURANCEID", ""}, {"Address1", ""}, {"Guarantor Last Name", ""},
		{"Deth Date", ""}, {"", ""}, {"()", ""}, {"#", ""},
	}
	appointments := []struct{ header, field string }{
		{"AppointmentStart", "date"}, {"APPT_DATE", "date"}, {"Date of Service", "date"}, {"StartDateTime", "date"},
		{"Appt Time", "time"}, {"START_TIME", "time"},
		{"PatientID", "external_id"}, {"Chart #", "mrn"},
		{"Provider", "provider"}, {"RenderingProvider", "provider"}, {"Resource", "provider"},
		{"VisitType", "reason"}, {"Appointment Type", "reason"},
		{"Room", ""}, {"Copay", ""},
	}
	for _, export := range []struct {
		name   string
		fields []Field
		keys   map[string]string
		cases  []struct{ header, field string }
	}{{"patients", PatientFields, patientKeys, patients}, {"appointments", AppointmentFields, appointmentKeys, appointments}} {
		for _, tt := range export.cases {
			t.Run(export.name+"/"+tt.header, func(t *testing.T) {
				m, err := matchHeader([]string{tt.header}, export.fields, export.keys, nil)
				if err != nil {
					t.Fatal(err)
				}
				if got := m.Columns[0].Field; got != tt.field {
					t.Errorf("%q feeds %q, want %q", tt.header, got, tt.field)
				}
				if ignored := m.Ignored(); (tt.field == "") != (len(ignored) == 1) {
					t.Errorf("%q: ignored %q", tt.header, ignored)
				}
			})
		}
	}
}

// TestEveryAliasMeansOneField: no spelling is claimed by two fields of one
// export, which would make the guess depend on the table's order.
func TestEveryAliasMeansOneField(t *testing.T) {
	for name, fields := range map[string][]Field{"patients": PatientFields, "appointments": AppointmentFields} {
		owner := map[string]string{}
		for _, f := range fields {
			for _, a := range f.aliases {
				k := headerKey(a)
				if o, dup := owner[k]; dup && o != f.Name {
					t.Errorf("%s: %q is a spelling of both %s and %s", name, a, o, f.Name)
				}
				owner[k] = f.Name
			}
		}
	}
}

func TestMatchHeaderFirstColumnWins(t *testing.T) {
	m, err := matchHeader([]string{"Chart #", "MRN", "Last", "SSN"}, PatientFields, patientKeys, nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.Index("mrn") != 0 || m.Index("last") != 2 {
		t.Errorf("mapping %+v", m.Columns)
	}
	if got := strings.Join(m.Ignored(), "|"); got != "MRN|SSN" {
		t.Errorf("ignored %q, want the second chart-number column and SSN", got)
	}
}

func TestMatchHeaderByHand(t *testing.T) {
	header := []string{"PATIENT_ID", "Legacy Chart", "LASTNAME", "Deth Date", " Birth  Date "}
	tests := []struct {
		name    string
		byHand  map[string]string
		want    map[string]int // field -> column
		ignored string
		err     string
	}{
		{"guess only", nil, map[string]int{"external_id": 0, "last": 2, "dob": 4}, "Legacy Chart|Deth Date", ""},
		{"a typo named by hand", map[string]string{"deceased": "Deth Date"},
			map[string]int{"external_id": 0, "last": 2, "deceased": 3, "dob": 4}, "Legacy Chart", ""},
		{"found by its folded spelling", map[string]string{"mrn": "legacy_chart"},
			map[string]int{"mrn": 1, "external_id": 0, "last": 2, "dob": 4}, "Deth Date", ""},
		{"exact text with odd spaces", map[string]string{"dob": " Birth  Date "}, map[string]int{"dob": 4}, "", ""},
		{"a guess overruled", map[string]string{"external_id": "Legacy Chart"},
			map[string]int{"external_id": 1, "last": 2, "dob": 4}, "PATIENT_ID|Deth Date", ""},
		{"a field left unread", map[string]string{"dob": ""}, map[string]int{"external_id": 0, "last": 2, "dob": -1},
			"Legacy Chart|Deth Date| Birth  Date", ""},
		{"a column named by hand is not guessed too", map[string]string{"mrn": "PATIENT_ID"}, map[string]int{"mrn": 0, "external_id": -1}, "", ""},
		{"one column, two fields", map[string]string{"mrn": "PATIENT_ID", "external_id": "PATIENT_ID"},
			map[string]int{"mrn": 0, "external_id": 0}, "", ""},
		{"no such field", map[string]string{"ssn": "SSN"}, nil, "", `there is no field "ssn"`},
		{"no such column", map[string]string{"deceased": "Death Date"}, nil, "", `the file has no column "Death Date"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := matchHeader(header, PatientFields, patientKeys, tt.byHand)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || records.ErrorCode(err) != records.EInvalid {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for field, col := range tt.want {
				if got := m.Index(field); got != col {
					t.Errorf("%s from column %d, want %d", field, got, col)
				}
			}
			if tt.ignored != "" || tt.name == "guess only" {
				var trimmed []string
				for _, h := range strings.Split(tt.ignored, "|") {
					trimmed = append(trimmed, strings.TrimSpace(h))
				}
				if got := strings.Join(m.Ignored(), "|"); got != strings.Join(trimmed, "|") {
					t.Errorf("ignored %q, want %q", got, strings.Join(trimmed, "|"))
				}
			}
		})
	}
}

func TestOpenRequiresAnIdAndAName(t *testing.T) {
	tests := []struct {
		name, in, err string
		opt           Options
	}{
		{"no id", "Last Name,First Name\nDoe,Jane\n", "mrn or external_id", Options{}},
		{"no name", "MRN,First\n1,Jane\n", "last or name", Options{}},
		{"an id named by hand", "Legacy,Last\n1,Doe\n", "", Options{Map: map[string]string{"mrn": "Legacy"}}},
		{"a whole name", "Patient ID,Patient Name\n1,\"Doe, Jane\"\n", "", Options{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opt.Settings, tt.opt.Today = settings, today
			_, err := OpenPatients(strings.NewReader(tt.in), tt.opt)
			if tt.err == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("err = %v, want %q", err, tt.err)
			}
		})
	}
}

func TestSplitName(t *testing.T) {
	tests := []struct{ in, last, first, middle, reason string }{
		{"Amberlain, Rosa Maria", "Amberlain", "Rosa", "Maria", ""},
		{"Dunmoor Jr, Elias K", "Dunmoor Jr", "Elias", "K", ""},
		{"  Núñez ,  Marta  ", "Núñez", "Marta", "", ""},
		{"Cher", "Cher", "", "", ""},
		{"Fernhollow, ", "Fernhollow", "", "", ""},
		{"Fernhollow Grace", "", "", "", "no comma"},
		{"", "", "", "", "empty"},
	}
	for _, tt := range tests {
		last, first, middle, reason := splitName(tt.in)
		if last != tt.last || first != tt.first || middle != tt.middle || !strings.Contains(reason, tt.reason) || (tt.reason == "") != (reason == "") {
			t.Errorf("splitName(%q) = %q, %q, %q, %q", tt.in, last, first, middle, reason)
		}
	}
}

// FuzzMatchHeader: any header line maps each field to at most one column
// unless named by hand, every column is either used or ignored, and the
// folding is stable.
func FuzzMatchHeader(f *testing.F) {
	f.Add("PATIENT_ID,LASTNAME,FIRST,DEATHDATE,SSN")
	f.Add("Chart #;Last Name;Date.Of.Birth;(notes)")
	f.Add("Patient Name\tD.O.B.\tSex (M/F)\t#\t")
	f.Add("İSTANBUL,ß,ǅ,\u0130D")
	f.Fuzz(func(t *testing.T, line string) {
		header := strings.FieldsFunc(line, func(r rune) bool { return r == ',' || r == ';' || r == '\t' })
		for _, h := range header {
			if k := headerKey(h); headerKey(k) != k {
				t.Fatalf("headerKey(%q) = %q, folded again %q", h, k, headerKey(k))
			}
		}
		for _, set := range []struct {
			fields []Field
			keys   map[string]string
		}{{PatientFields, patientKeys}, {AppointmentFields, appointmentKeys}} {
			m, err := matchHeader(header, set.fields, set.keys, nil)
			if err != nil {
				t.Fatal(err)
			}
			used := map[int]bool{}
			for _, c := range m.Used() {
				if used[c.Index] {
					t.Fatalf("column %d feeds two fields: %+v", c.Index, m.Columns)
				}
				used[c.Index] = true
				if m.Index(c.Field) != c.Index {
					t.Fatalf("field %s: index %d, column %d", c.Field, m.Index(c.Field), c.Index)
				}
				if set.keys[headerKey(c.Header)] != c.Field {
					t.Fatalf("%q feeds %s, which it does not spell", c.Header, c.Field)
				}
			}
			if len(m.Used())+len(m.Ignored()) != len(header) {
				t.Fatalf("%d used + %d ignored of %d columns", len(m.Used()), len(m.Ignored()), len(header))
			}
		}
	})
}
