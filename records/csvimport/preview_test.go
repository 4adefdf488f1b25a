package csvimport

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/chartroom/chartroom/records"
)

func TestPreviewFileShowsMappingAndEachLinesOutcome(t *testing.T) {
	patients := "Chart #,Surname,Given,DOB,Favourite colour\n" +
		"100001,Testperson,Alpha,1970-01-01,blue\n" +
		"100002,,Beta,1970-01-01,green\n" +
		"100003,Sampleton,Gamma,02/30/1970,red\n" +
		"100004,Exampleby,Delta,,\n"
	appointments := "Appt Date,Time,MRN,Doctor\n2026-11-23,09:30,100001,Dr. Alder Testwood\nsoon,09:30,100002,Dr. Alder Testwood\n"
	tests := []struct {
		name        string
		in          string
		kind        Kind
		opt         Options
		n           int
		wantFields  map[string]string // field -> header
		wantReasons []string          // one per previewed line, "" for a good one
		wantErr     string
	}{
		{name: "patients, columns guessed", in: patients, kind: KindPatients, n: 10,
			wantFields:  map[string]string{"mrn": "Chart #", "last": "Surname", "first": "Given", "dob": "DOB"},
			wantReasons: []string{"", "Last name", "date of birth", ""}},
		{name: "patients, first lines only", in: patients, kind: KindPatients, n: 2,
			wantReasons: []string{"", "Last name"}},
		{name: "patients, birth date left unread by hand", in: patients, kind: KindPatients, n: 10,
			opt:         Options{Map: map[string]string{"dob": ""}},
			wantFields:  map[string]string{"mrn": "Chart #", "last": "Surname"},
			wantReasons: []string{"", "Last name", "", ""}},
		{name: "patients, surname column moved by hand", in: patients, kind: KindPatients, n: 1,
			opt:         Options{Map: map[string]string{"last": "Favourite colour"}},
			wantFields:  map[string]string{"last": "Favourite colour"},
			wantReasons: []string{""}},
		{name: "patients without a name column", in: "MRN,Colour\n100001,blue\n", kind: KindPatients, n: 10,
			wantErr: "last or name"},
		{name: "appointments", in: appointments, kind: KindAppointments, n: 10,
			wantFields:  map[string]string{"date": "Appt Date", "time": "Time", "provider": "Doctor"},
			wantReasons: []string{"", "date"}},
		{name: "not CSV at all", in: "PK\x03\x04\x14\x00\x06\x00", kind: KindPatients, n: 10, wantErr: "not CSV text"},
		{name: "a PDF", in: "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", kind: KindPatients, n: 10, wantErr: "no column"},
		{name: "empty file", in: "", kind: KindPatients, n: 10, wantErr: "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt := tt.opt
			opt.Settings, opt.Today = settings, today
			p, err := PreviewFile(strings.NewReader(tt.in), tt.kind, opt, tt.n)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(records.ErrorMessage(err), tt.wantErr) {
					t.Fatalf("err = %v, want one saying %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for field, header := range tt.wantFields {
				if i := p.Mapping.Index(field); i < 0 || p.Header[i] != header {
					t.Errorf("field %s is read from column %d of %q, want %q", field, i, p.Header, header)
				}
			}
			if len(p.Rows) != len(tt.wantReasons) {
				t.Fatalf("previewed %d lines, want %d: %+v", len(p.Rows), len(tt.wantReasons), p.Rows)
			}
			for i, want := range tt.wantReasons {
				got := p.Rows[i].Reason
				if (want == "") != (got == "") || !strings.Contains(got, want) {
					t.Errorf("line %d: reason %q, want one naming %q", p.Rows[i].Line, got, want)
				}
				if len(p.Rows[i].Cells) != len(p.Header) {
					t.Errorf("line %d has cells %q", p.Rows[i].Line, p.Rows[i].Cells)
				}
			}
		})
	}
}

func TestPreviewFileShowsTheMappingOfAFileMissingARequiredColumn(t *testing.T) {
	p, err := PreviewFile(strings.NewReader("Chart,Colour\n100001,blue\n"), KindPatients, Options{Settings: settings, Today: today}, 5)
	if err == nil {
		t.Fatal("a patients file without a name column is previewed without an error")
	}
	if !p.Mapping.Has("mrn") || strings.Join(p.Header, ",") != "Chart,Colour" {
		t.Errorf("preview = %+v, want the header and the chart number column", p)
	}
	missing := KindPatients.Missing(p.Mapping)
	if len(missing) != 1 || strings.Join(missing[0], ",") != "last,name" {
		t.Errorf("missing = %q, want [[last name]]", missing)
	}
}

func TestWriteRejectsCopiesTheRejectedLinesWithTheirReasons(t *testing.T) {
	in := "MRN;Last Name;First Name\r\n" +
		"100001;Testperson;Alpha\r\n" +
		"100002;;Beta\r\n" +
		"\r\n" +
		"100003;\"Sample;ton\";Gamma\r\n" +
		"100004;Exampleby;\"bad\"quote\r\n"
	rejected := []records.RowError{
		{Line: 6, Reason: "the line is not valid CSV"},
		{Line: 3, Reason: "last name: is required"},
		{Line: 5, Reason: "MRN 100003 is on legal hold"},
		{Line: 3, Reason: "and another thing"},
	}
	var out bytes.Buffer
	if err := WriteRejects(&out, strings.NewReader(in), rejected); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(out.Bytes(), []byte("\uFEFF")) {
		t.Errorf("no byte-order mark for spreadsheets: %q", out.String())
	}
	got, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out.String(), "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	want := [][]string{
		{"Line", "Rejected because", "MRN", "Last Name", "First Name"},
		{"3", "last name: is required; and another thing", "100002", "", "Beta"},
		{"5", "MRN 100003 is on legal hold", "100003", "Sample;ton", "Gamma"},
		{"6", "the line is not valid CSV", "", "", ""},
	}
	if len(got) != len(want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	for i := range want {
		if strings.Join(got[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("line %d = %q, want %q", i+1, got[i], want[i])
		}
	}
	// The rejects file imports again: its extra columns feed no field.
	f, err := OpenPatients(strings.NewReader(out.String()), Options{Settings: settings, Today: today})
	if err != nil {
		t.Fatal(err)
	}
	if ign := f.Mapping().Ignored(); strings.Join(ign, "|") != "Line|Rejected because" {
		t.Errorf("ignored columns of a rejects file = %q", ign)
	}
}

func FuzzWriteRejects(f *testing.F) {
	f.Add("MRN,Last\n1,A\n2,\n", 3)
	f.Add("a;b\n\"x;y\";z\n", 2)
	f.Fuzz(func(t *testing.T, in string, line int) {
		var out bytes.Buffer
		if err := WriteRejects(&out, strings.NewReader(in), []records.RowError{{Line: line, Reason: "fuzz"}}); err != nil {
			return // a file without a header is refused, as the import refuses it
		}
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out.String(), "\uFEFF"))).ReadAll()
		if err != nil {
			t.Fatalf("the rejects file is not CSV: %v\n%q", err, out.String())
		}
		if len(rows) > 0 && (len(rows) != 2 || rows[1][0] == "" || rows[1][1] != "fuzz") {
			t.Fatalf("rejects file %q for line %d", rows, line)
		}
	})
}
