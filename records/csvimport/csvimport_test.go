package csvimport

import (
	"strings"
	"testing"

	"github.com/chartroom/chartroom/records"
)

var (
	settings = records.Settings{MRNWidth: 6, Filing: records.FilingTerminalDigit}
	today    = records.MustParseDate("2026-11-22")
)

func TestParsePatientsAcceptsPracticeExports(t *testing.T) {
	in := "\uFEFFChart #,Surname,First Name,Birth Date,Sex,Last Visit\r\n" +
		"123456,Núñez,María,03/14/1980,F,2026-01-02\r\n" +
		"\"001234\",\"O'Connor, Jr\",Zoë,1999-12-31,female,\r\n" +
		"\r\n" +
		"12-34-57,Nguyễn,Thị Lan,,,\r\n"
	rows, rejected, err := ParsePatients(strings.NewReader(in), settings, today)
	if err != nil {
		t.Fatal(err)
	}
	if len(rejected) != 0 {
		t.Fatalf("rejected %v", rejected)
	}
	want := []struct {
		line       int
		mrn, last  string
		first, dob string
		sex        string
	}{
		{2, "123456", "Núñez", "María", "1980-03-14", "F"},
		{3, "001234", "O'Connor, Jr", "Zoë", "1999-12-31", "F"},
		{5, "123457", "Nguyễn", "Thị Lan", "", "U"},
	}
	if len(rows) != len(want) {
		t.Fatalf("got %d rows, want %d", len(rows), len(want))
	}
	for i, w := range want {
		p := rows[i].Patient
		if rows[i].Line != w.line || p.MRN != w.mrn || p.LastName != w.last || p.FirstName != w.first || p.DOB.String() != w.dob || p.Sex != w.sex {
			t.Errorf("row %d = line %d %+v, want %+v", i, rows[i].Line, p, w)
		}
	}
	if rows[0].Patient.LastVisit.String() != "2026-01-02" {
		t.Errorf("last visit = %s", rows[0].Patient.LastVisit)
	}
}

func TestParsePatientsRejectsBadLinesByNumber(t *testing.T) {
	in := "MRN,Last Name,First Name,DOB\n" +
		"100001,Testperson,Alpha,1970-01-01\n" + // line 2 ok
		",Nomrn,Beta,1970-01-01\n" + // 3 missing MRN
		"100003,Baddate,Gamma,02/30/1970\n" + // 4 impossible date
		"100004,Future,Delta,2030-01-01\n" + // 5 future date
		"100001,Repeat,Epsilon,1970-01-01\n" + // 6 repeated MRN
		"10000005,Toolong,Zeta,\n" + // 7 too many digits
		"100007,,Eta,\n" + // 8 no last name
		"ABC123,Letters,Theta,\n" + // 9 letters in MRN
		"100009,Fine,Iota,\n" // 10 ok
	rows, rejected, err := ParsePatients(strings.NewReader(in), settings, today)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Line != 2 || rows[1].Line != 10 {
		t.Fatalf("rows = %+v", rows)
	}
	wantReasons := map[int]string{3: "MRN", 4: "not a real date", 5: "future", 6: "repeated (first on line 2)", 7: "at most 6", 8: "Last name", 9: "only digits"}
	if len(rejected) != len(wantReasons) {
		t.Fatalf("rejected = %v", rejected)
	}
	for _, r := range rejected {
		if !strings.Contains(r.Reason, wantReasons[r.Line]) {
			t.Errorf("line %d: reason %q does not mention %q", r.Line, r.Reason, wantReasons[r.Line])
		}
	}
}

func TestParsePatientsWholeFileErrors(t *testing.T) {
	for name, in := range map[string]string{
		"empty":       "",
		"blank lines": "\n\n",
		"no mrn":      "Last Name,First Name\nDoe,Jane\n",
		"no last":     "MRN,First\n1,Jane\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := ParsePatients(strings.NewReader(in), settings, today)
			if records.ErrorCode(err) != records.EInvalid {
				t.Fatalf("err = %v, want an EInvalid error", err)
			}
		})
	}
}

func TestParsePatientsStrayQuoteRejectsOnlyThatLine(t *testing.T) {
	in := "MRN,Last\n1,Alpha\n2,Be\"ta\n3,Gamma\n"
	rows, rejected, err := ParsePatients(strings.NewReader(in), settings, today)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || len(rejected) != 1 || rejected[0].Line != 3 {
		t.Fatalf("rows %v rejected %v", rows, rejected)
	}
}

func TestParseAppointments(t *testing.T) {
	in := "Appt Date,Appt Time,Chart #,Provider,Visit Type\r\n" +
		"2026-11-23,9:30,12-34-56,Dr. Alder Testwood,Follow-up\r\n" +
		"11/23/2026,2:15 PM,001234,Dr. Alder Testwood,\r\n" +
		"2026-11-23,25:00,001235,Dr. Alder Testwood,\r\n" +
		"2026-11-31,09:00,001236,Dr. Alder Testwood,\r\n" +
		"2026-11-23,09:00,,Dr. Alder Testwood,\r\n" +
		"2026-11-23,09:00,001237,,\r\n"
	rows, rejected, err := ParseAppointments(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Time != "09:30" || rows[1].Time != "14:15" || rows[1].Date.String() != "2026-11-23" || rows[0].MRN != "12-34-56" {
		t.Fatalf("rows = %+v", rows)
	}
	lines := []int{}
	for _, r := range rejected {
		lines = append(lines, r.Line)
	}
	if len(lines) != 4 || lines[0] != 4 || lines[3] != 7 {
		t.Fatalf("rejected = %v", rejected)
	}
}

// FuzzParsePatients checks that no input crashes the importer, that every
// accepted row is valid by the domain's own rules, and that every line is
// either accepted or rejected at most once.
func FuzzParsePatients(f *testing.F) {
	f.Add("MRN,Last Name,First Name,DOB\n123,Doe,Jane,1970-01-01\n")
	f.Add("\uFEFFChart #,Surname,Birth Date\r\n\"1,2\",\"A,B\",02/29/2000\r\n")
	f.Add("mrn,last\n1,\"unterminated\n2,x\n")
	f.Add("mrn,last,dob\n999999,Zoë,12/31/1899\n")
	f.Fuzz(func(t *testing.T, in string) {
		rows, rejected, err := ParsePatients(strings.NewReader(in), settings, today)
		if err != nil {
			if records.ErrorCode(err) == "" {
				t.Fatal("error without a code")
			}
			return
		}
		seen := map[int]bool{}
		for _, r := range rows {
			p := r.Patient
			if err := records.ValidatePatient(&p, settings, today); err != nil {
				t.Fatalf("accepted row %d fails validation: %v", r.Line, err)
			}
			if p != r.Patient {
				t.Fatalf("accepted row %d was not normalised: %+v vs %+v", r.Line, r.Patient, p)
			}
			if seen[r.Line] {
				t.Fatalf("line %d accepted twice", r.Line)
			}
			seen[r.Line] = true
		}
		for _, r := range rejected {
			if r.Reason == "" || r.Line <= 0 {
				t.Fatalf("rejection without line or reason: %+v", r)
			}
		}
	})
}

// FuzzParseAppointments checks that no input crashes the importer and that
// accepted rows carry what a request needs.
func FuzzParseAppointments(f *testing.F) {
	f.Add("date,time,mrn,provider\n2026-11-23,9:30,1234,Dr. A\n")
	f.Add("Appt Date,Chart #,Doctor\n11/23/2026,12-34-56,\"Testwood, A\"\n")
	f.Fuzz(func(t *testing.T, in string) {
		rows, _, err := ParseAppointments(strings.NewReader(in))
		if err != nil {
			return
		}
		for _, r := range rows {
			if r.Date.IsZero() || (r.MRN == "" && r.ExternalID == "") || r.Provider == "" {
				t.Fatalf("accepted an incomplete row: %+v", r)
			}
			if r.Time != "" && len(r.Time) != 5 {
				t.Fatalf("time %q not HH:MM", r.Time)
			}
		}
	})
}
