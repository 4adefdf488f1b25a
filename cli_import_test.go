package main

import (
	"reflect"
	"strings"
	"testing"
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
			if r.code != exitOK {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			if r.stdout != tt.summary+"\n" {
				t.Errorf("stdout %q, want %q", r.stdout, tt.summary)
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
		{"no MRN column", writeFile(t, "nomrn.csv", "Name,DOB\nTestperson,1980-01-01\n"), `no "mrn"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.run("import", "patients", tt.file)
			if r.code != exitRefused || r.stdout != "" || !strings.Contains(r.stderr, tt.want) {
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
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.HasPrefix(r.stdout, "imported 1,") || !strings.HasSuffix(r.stdout, "rejected 1\n") {
		t.Errorf("summary %q", r.stdout)
	}
	if got := rejectedLines(r.stderr); !reflect.DeepEqual(got, []string{"3"}) {
		t.Errorf("rejected %v\n%s", got, r.stderr)
	}
}
