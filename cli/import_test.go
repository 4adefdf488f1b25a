package cli

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/sqlite"
)

// practiceCSV is a fictitious practice-system export: a byte-order mark,
// CRLF line ends, a quoted surname holding a comma, quotes inside a field,
// MM/DD/YYYY dates, an MRN with leading zeros, and four bad lines.
const practiceCSV = "\ufeffChart #,Last Name,First Name,DOB,Sex,Last Visit\r\n" +
	"123456,Testperson,Ana,1980-01-02,F,2025-11-03\r\n" + // line 2
	"\"001234\",\"Núñez, Jr\",Marta,05/06/1975,F,\r\n" + // line 3
	",Nomrn,Bea,1990-01-01,F,\r\n" + // line 4: no MRN
	"223344,Futureborn,Cal,2030-01-01,M,\r\n" + // line 5: born in the future
	"123456,Duplicate,Dee,1970-01-01,F,\r\n" + // line 6: MRN repeated
	"334455,Badday,Eve,02/30/1980,F,\r\n" + // line 7: no such day
	"445566,Quoteson,\"Fay \"\"Fifi\"\"\",1999-12-31,X,\r\n" // line 8

// lastLine is the last line of a command's output: an import's summary.
func lastLine(out string) string {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	return lines[len(lines)-1]
}

// rejectedLines returns the line numbers named on stderr as "line L: ...".
func rejectedLines(stderr string) []string {
	var lines []string
	for _, l := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(l, "line ") {
			n, _, _ := strings.Cut(strings.TrimPrefix(l, "line "), ":")
			lines = append(lines, n)
		}
	}
	return lines
}

func TestImportPatients(t *testing.T) {
	h := newPractice(t)
	file := writeFile(t, "patients.csv", practiceCSV)

	tests := []struct {
		name     string
		args     []string
		file     string
		summary  string
		rejected []string
	}{
		{"dry run writes nothing", []string{"--dry-run"}, file, "imported 3, updated 0, unchanged 0, rejected 4", []string{"4", "5", "6", "7"}},
		{"first import", nil, file, "imported 3, updated 0, unchanged 0, rejected 4", []string{"4", "5", "6", "7"}},
		{"same file again changes nothing", nil, file, "imported 0, updated 0, unchanged 3, rejected 4", []string{"4", "5", "6", "7"}},
		{"a changed row updates", nil, writeFile(t, "changed.csv",
			"MRN,Surname,Given Name,Birth Date\n123456,Testperson,Anabel,1980-01-02\n"), "imported 0, updated 1, unchanged 0, rejected 0", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.run(append([]string{"import", "patients", tt.file}, tt.args...)...)
			if r.code != ExitOK {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			if !strings.HasSuffix(r.stdout, "\n"+tt.summary+"\n") {
				t.Errorf("stdout %q, want it to end with %q", r.stdout, tt.summary)
			}
			if !strings.HasPrefix(r.stdout, "columns used:\n") {
				t.Errorf("stdout %q does not start with the column mapping", r.stdout)
			}
			if got := rejectedLines(r.stderr); !reflect.DeepEqual(got, tt.rejected) {
				t.Errorf("rejected lines %v, want %v\n%s", got, tt.rejected, r.stderr)
			}
		})
	}

	// The reasons name what is wrong.
	r := h.run("import", "patients", file, "--dry-run")
	for _, want := range []string{"line 4: MRN", "line 5: Date of birth", "line 6: MRN 123456 is repeated (first on line 2)", "line 7: date of birth"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}

	// The imported patients are there, with the quoted comma kept in the
	// name and the MRN's leading zeros kept.
	out := h.must("where", "Núñez")
	rows := tsv(out)
	if len(rows) != 1 || rows[0][1] != "00-12-34" || rows[0][2] != "Núñez, Jr, Marta" {
		t.Errorf("where Núñez: %q", out)
	}
	if rows := tsv(h.must("where", "Testperson")); len(rows) != 1 || rows[0][2] != "Testperson, Anabel" {
		t.Errorf("where Testperson after the update: %q", rows)
	}
}

func TestImportPatientsUnreadable(t *testing.T) {
	h := newPractice(t)
	tests := []struct {
		name string
		file string
		want string
	}{
		{"missing file", "/nonexistent/patients.csv", "cannot read /nonexistent/patients.csv"},
		{"no MRN column", writeFile(t, "nomrn.csv", "Name,DOB\nTestperson,1980-01-01\n"), "no column of the file's first line is recognised as mrn or external_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.run("import", "patients", tt.file)
			if r.code != ExitRefused || r.stdout != "" || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("exit %d, stdout %q, stderr %q (want %q)", r.code, r.stdout, r.stderr, tt.want)
			}
		})
	}
}

func TestImportAppointments(t *testing.T) {
	h := newPractice(t)
	h.must("import", "patients", writeFile(t, "p.csv", practiceCSV))
	h.must("borrowers", "add", "Dr. Quill Testwright", "--kind", "provider")
	appts := "Date,Time,MRN,Provider,Reason\n" +
		"2026-03-11,09:30,12-34-56,Dr. Quill Testwright,follow-up\n" +
		"2026-03-11,10:00,99-99-99,Dr. Quill Testwright,new\n" // no such chart
	r := h.run("import", "appointments", writeFile(t, "a.csv", appts))
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if lastLine(r.stdout) != "imported 1, updated 0, unchanged 0, rejected 1" {
		t.Errorf("summary %q", r.stdout)
	}
	if got := rejectedLines(r.stderr); !reflect.DeepEqual(got, []string{"3"}) {
		t.Errorf("rejected %v\n%s", got, r.stderr)
	}
}

// exportsDir holds the fictitious exports of the shapes practices send.
const exportsDir = "../records/csvimport/testdata/"

// TestImportRealExports imports each fictitious export twice, as a practice
// starting with Chartroom would, and checks the counts, the rejected lines,
// what the clerk is told, and field by field a few of the patients.
func TestImportRealExports(t *testing.T) {
	h := newPractice(t)
	h.must("borrowers", "add", "Dr. Quill Testwright", "--kind", "provider")
	steps := []struct {
		name     string
		args     []string
		summary  string
		rejected []string
		stdout   []string // what the clerk is told before the summary
	}{
		{"pm", []string{"patients", exportsDir + "pm_export.csv"}, "imported 5, updated 0, unchanged 0, rejected 3", []string{"6", "7", "8"},
			[]string{`"Patient Name" -> name`, `"Acct #" -> external_id`, `columns ignored (nothing in them is stored): "SSN", "Guarantor"`,
				"4 date of birth(s) written with a two-digit year would be in the future, so they were read as 19YY (lines 2, 3, 5, 9)"}},
		{"pm again", []string{"patients", exportsDir + "pm_export.csv"}, "imported 0, updated 0, unchanged 5, rejected 3", []string{"6", "7", "8"}, nil},
		{"ehr without --assign-mrn", []string{"patients", exportsDir + "ehr_export.csv", "--dry-run"},
			"imported 0, updated 0, unchanged 0, rejected 6", []string{"2", "3", "4", "5", "6", "7"},
			[]string{"note: 6 row(s) have an external id but no usable chart number: --assign-mrn gives new patients the next free chart numbers"}},
		{"ehr", []string{"patients", exportsDir + "ehr_export.csv", "--assign-mrn"}, "imported 4, updated 0, unchanged 0, rejected 2", []string{"6", "7"},
			[]string{`"DEATHDATE" -> deceased`, `"PATIENT_ID" -> external_id`, `"SSN", "INSURANCEID", "ADDRESS1", "CITY", "ZIP"`,
				"4 new patient(s) were given chart numbers 100239 to 100242", `sex "T" (1 row(s))`}},
		{"ehr again", []string{"patients", exportsDir + "ehr_export.csv", "--assign-mrn"}, "imported 0, updated 0, unchanged 4, rejected 2", []string{"6", "7"}, nil},
		{"excel", []string{"patients", exportsDir + "excel_1252.csv"}, "imported 4, updated 0, unchanged 0, rejected 1", []string{"6"},
			[]string{"read as Windows-1252", "separated by semicolons", `"Insurance ID"`}},
		{"excel again", []string{"patients", exportsDir + "excel_1252.csv"}, "imported 0, updated 0, unchanged 4, rejected 1", []string{"6"}, nil},
		{"schedule", []string{"appointments", exportsDir + "schedule_export.csv"}, "imported 2, updated 0, unchanged 0, rejected 3", []string{"3", "5", "6"},
			[]string{`"AppointmentStart" -> date`, `"Room", "Copay"`, `providers that are not borrowers (their rows are rejected; --add-providers adds them): "Dr. Nova Unlisted"`}},
		{"schedule again", []string{"appointments", exportsDir + "schedule_export.csv"}, "imported 0, updated 0, unchanged 2, rejected 3", []string{"3", "5", "6"}, nil},
		{"schedule adding providers", []string{"appointments", exportsDir + "schedule_export.csv", "--add-providers"},
			"imported 2, updated 0, unchanged 2, rejected 1", []string{"5"}, []string{`providers added as borrowers: "Dr. Nova Unlisted"`}},
		{"schedule adding providers again", []string{"appointments", exportsDir + "schedule_export.csv", "--add-providers"},
			"imported 0, updated 0, unchanged 4, rejected 1", []string{"5"}, nil},
	}
	for _, st := range steps {
		r := h.run(append([]string{"import"}, st.args...)...)
		if r.code != ExitOK {
			t.Fatalf("%s: exit %d: %s", st.name, r.code, r.stderr)
		}
		if got := lastLine(r.stdout); got != st.summary {
			t.Errorf("%s: %q, want %q", st.name, got, st.summary)
		}
		if got := rejectedLines(r.stderr); !reflect.DeepEqual(got, st.rejected) {
			t.Errorf("%s: rejected lines %v, want %v\n%s", st.name, got, st.rejected, r.stderr)
		}
		for _, want := range st.stdout {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("%s: stdout lacks %q:\n%s", st.name, want, r.stdout)
			}
		}
	}

	ctx := context.Background()
	store, err := sqlite.Open(ctx, h.db, sqlite.Options{Now: clockNow, PasswordParams: passwordParams})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	actor, err := store.SignIn(ctx, adminUser, adminPass)
	if err != nil {
		t.Fatal(err)
	}
	ctx = records.WithActor(ctx, actor)
	patients := []records.Patient{
		{MRN: "100231", ExternalID: "A-1001", LastName: "Amberlain", FirstName: "Rosa", MiddleName: "Maria", DOB: records.MustParseDate("1945-02-14"),
			Sex: "F", LastVisit: records.MustParseDate("2025-11-03"), Phone: "555-0101"},
		{MRN: "100234", ExternalID: "A-1004", LastName: "Dunmoor Jr", FirstName: "Elias", MiddleName: "K", DOB: records.MustParseDate("1960-12-01"),
			Sex: "M", LastVisit: records.MustParseDate("2024-10-20")},
		{MRN: "100239", ExternalID: "3b9f2c1e-5d7a-4e0b-9c61-2a8f4d6e1b01", LastName: "IRONBRIDGE", FirstName: "WALTER", MiddleName: "J",
			DOB: records.MustParseDate("1931-05-17"), Sex: "M", Deceased: records.MustParseDate("2025-12-02"), LastVisit: records.MustParseDate("2025-11-20")},
		{MRN: "100240", ExternalID: "8e41d0a7-2c3f-4b9e-8a15-6f7c9d2e4a02", LastName: "JUNIPERLY", FirstName: "KESTREL",
			DOB: records.MustParseDate("1990-08-21"), Sex: "X", LastVisit: records.MustParseDate("2026-02-27")},
		{MRN: "200103", LastName: "Ødegård", FirstName: "Søren", DOB: records.MustParseDate("1940-07-04"), Sex: "M",
			Deceased: records.MustParseDate("2025-01-10"), LastVisit: records.MustParseDate("2024-11-04")},
		{MRN: "200104", LastName: "O’Brien", FirstName: "Zoë", DOB: records.MustParseDate("1995-12-24"), Sex: "F", Phone: "555-0204"},
	}
	for _, want := range patients {
		got, err := store.PatientByMRN(ctx, want.MRN)
		if err != nil {
			t.Fatalf("chart %s: %v", want.MRN, err)
		}
		if got.ExternalID != want.ExternalID || got.LastName != want.LastName || got.FirstName != want.FirstName ||
			got.MiddleName != want.MiddleName || !got.DOB.Equal(want.DOB) || got.Sex != want.Sex || !got.Deceased.Equal(want.Deceased) ||
			!got.LastVisit.Equal(want.LastVisit) || got.Phone != want.Phone {
			t.Errorf("chart %s:\n got %+v\nwant %+v", want.MRN, got, want)
		}
	}
	// The appointments' times are the practice's (this computer's) time.
	reqs, err := store.ListRequests(ctx, records.RequestFilter{})
	if err != nil {
		t.Fatal(err)
	}
	byPatient := map[records.ID]string{}
	for _, r := range reqs {
		byPatient[r.PatientID] = r.NeededOn.String() + " " + r.NeededAt
	}
	for mrn, at := range map[string]string{"100239": "2026-03-11T13:10:05Z", "100232": "2026-03-12T09:00:00-05:00", "100241": "2026-03-12T15:45:00Z"} {
		p, _ := store.PatientByMRN(ctx, mrn)
		when, _ := time.Parse(time.RFC3339, at)
		when = when.In(time.Local)
		if want := when.Format("2006-01-02 15:04"); byPatient[p.ID] != want {
			t.Errorf("chart %s's appointment: %q, want %q", mrn, byPatient[p.ID], want)
		}
	}
	if len(reqs) != 4 {
		t.Errorf("%d requests, want 4", len(reqs))
	}
	// A clerk finds a patient by the id the EHR knows.
	if rows := tsv(h.must("where", "3B9F2C1E-5D7A-4E0B-9C61-2A8F4D6E1B01")); len(rows) != 1 || rows[0][1] != "10-02-39" || len(rows[0]) != 7 {
		t.Errorf("where by external id: %q", rows)
	}
}

func TestImportMapByHand(t *testing.T) {
	h := newPractice(t)
	file := writeFile(t, "typo.csv", "Legacy Chart,Surname,Deth Date,Notes\n1001,Testperson,2025-01-02,private\n")
	r := h.run("import", "patients", file, "--dry-run")
	if r.code != ExitRefused || !strings.Contains(r.stderr, `its columns are "Legacy Chart", "Surname", "Deth Date", "Notes"`) {
		t.Fatalf("without --map: exit %d %q", r.code, r.stderr)
	}
	out := h.must("import", "patients", file, "--map", "mrn=Legacy Chart", "--map", "deceased=deth date")
	for _, want := range []string{`"Legacy Chart" -> mrn (--map)`, `"Deth Date" -> deceased (--map)`, `"Surname" -> last` + "\n",
		`columns ignored (nothing in them is stored): "Notes"`, "imported 1, updated 0, unchanged 0, rejected 0"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no such field", []string{"--map", "ssn=Notes"}, ExitUsage, `there is no field "ssn"; the fields are mrn, external_id, last`},
		{"no equals sign", []string{"--map", "deceased"}, ExitUsage, "write --map FIELD=HEADER"},
		{"no such column", []string{"--map", "deceased=Death Date"}, ExitRefused, `the file has no column "Death Date"`},
		{"an appointments field", []string{"--map", "provider=Notes"}, ExitUsage, `there is no field "provider"`},
		{"a patients option", []string{"--add-providers"}, ExitUsage, "add-providers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.run(append([]string{"import", "patients", file}, tt.args...)...)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, tt.code, tt.want)
			}
		})
	}
}

func TestImportHelpListsTheFields(t *testing.T) {
	h := newHarness(t)
	for cmd, wants := range map[string][]string{
		"patients":     {"--map FIELD=HEADER", "--assign-mrn", "--dry-run", "external_id", "deceased", "last_visit", `"Last, First Middle"`},
		"appointments": {"--add-providers", "provider", "external_id", "2025-03-29T08:10:05Z"},
	} {
		out := h.must("help", "import", cmd)
		for _, want := range wants {
			if !strings.Contains(out, want) {
				t.Errorf("help import %s lacks %q:\n%s", cmd, want, out)
			}
		}
	}
}
