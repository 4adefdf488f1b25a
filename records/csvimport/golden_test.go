package csvimport

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chartroom/chartroom/records"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata")

// goldenToday is the day the fictitious exports of testdata are read on.
var goldenToday = records.MustParseDate("2026-03-10")

// TestGoldenExports reads the four fictitious exports of testdata, one of
// each shape practices send, and compares what was made of every field of
// every row (and the mapping, rejections and notes) with its golden file.
func TestGoldenExports(t *testing.T) {
	eastern := time.FixedZone("UTC-5", -5*3600)
	tests := []struct {
		file string
		opt  Options
	}{
		{"pm_export.csv", Options{}},                 // "Patient Name", M/D/YY, an account number and a chart number
		{"ehr_export.csv", Options{AssignMRN: true}}, // UUIDs, run-together headers, a death date
		{"excel_1252.csv", Options{}},                // Windows-1252, semicolons, Excel day numbers
		{"schedule_export.csv", Options{Zone: eastern}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			tt.opt.Settings, tt.opt.Today = settings, goldenToday
			var b strings.Builder
			if strings.HasPrefix(tt.file, "schedule") {
				af, err := OpenAppointments(f, tt.opt)
				if err != nil {
					t.Fatal(err)
				}
				rows, rejected, err := af.Rows()
				if err != nil {
					t.Fatal(err)
				}
				writeMapping(&b, af.Mapping())
				for _, a := range rows {
					fmt.Fprintf(&b, "line %d: date=%s time=%s mrn=%q external_id=%q provider=%q reason=%q\n",
						a.Line, a.Date, a.Time, a.MRN, a.ExternalID, a.Provider, a.Reason)
				}
				writeRest(&b, rejected, af.Notes())
			} else {
				pf, err := OpenPatients(f, tt.opt)
				if err != nil {
					t.Fatal(err)
				}
				writeMapping(&b, pf.Mapping())
				for row, err := range pf.Rows() {
					if err != nil {
						t.Fatal(err)
					}
					p := row.Patient
					fmt.Fprintf(&b, "line %d: mrn=%q assign=%v external_id=%q last=%q first=%q middle=%q dob=%s sex=%s deceased=%s last_visit=%s phone=%q\n",
						row.Line, p.MRN, row.AssignMRN, p.ExternalID, p.LastName, p.FirstName, p.MiddleName, p.DOB, p.Sex, p.Deceased, p.LastVisit, p.Phone)
				}
				writeRest(&b, pf.Rejected(), pf.Notes())
			}
			golden := filepath.Join("testdata", strings.TrimSuffix(tt.file, ".csv")+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to write it)", err)
			}
			if b.String() != string(want) {
				t.Errorf("%s differs from %s:\n%s", tt.file, golden, b.String())
			}
		})
	}
}

func writeMapping(b *strings.Builder, m Mapping) {
	for _, c := range m.Used() {
		fmt.Fprintf(b, "column %q -> %s\n", c.Header, c.Field)
	}
	fmt.Fprintf(b, "ignored: %q\n", m.Ignored())
}

func writeRest(b *strings.Builder, rejected []records.RowError, notes []string) {
	for _, r := range rejected {
		fmt.Fprintf(b, "rejected %s\n", r)
	}
	for _, n := range notes {
		fmt.Fprintf(b, "note: %s\n", n)
	}
}
