package storetest

import (
	"strings"
	"testing"

	"github.com/chartroom/chartroom/records"
)

// extRow is an import row known by another system's id; an empty mrn asks
// for the next free chart number.
func extRow(line int, mrn, ext, last, first string) records.PatientRow {
	return records.PatientRow{Line: line, AssignMRN: mrn == "",
		Patient: records.Patient{MRN: mrn, ExternalID: ext, LastName: last, FirstName: first}}
}

func rejectedReasons(sum records.ImportSummary) map[int]string {
	reasons := map[int]string{}
	for _, r := range sum.Rejected {
		reasons[r.Line] = r.Reason
	}
	return reasons
}

func testImportMatchesOnExternalIDsAndAssignsChartNumbers(t *testing.T, db NewDatabase) {
	f := newFixture(t, db)
	f.Patient("000100", "Quux", "Known")   // will be given its external id by the file
	f.Patient("000250", "Zorp", "Highest") // chart numbers are given from 000251 on
	rows := []records.PatientRow{
		extRow(2, "", "3b9f2c1e-5d7a-4e0b-9c61-2a8f4d6e1b01", "Ironbridge", "Walter"),
		extRow(3, "", "8e41d0a7-2c3f-4b9e-8a15-6f7c9d2e4a02", "Juniperly", "Kestrel"),
		extRow(4, "000100", "ACC-100", "Quux", "Known"),
		extRow(5, "", "3B9F2C1E-5D7A-4E0B-9C61-2A8F4D6E1B01", "Ironbridge", "Walt"), // the same id, another case
		extRow(6, "", "", "Noid", "Nell"),                                           // nothing to know the patient by again
		extRow(7, "000251", "ACC-251", "Late", "Lu"),                                // 000251 went to line 2's patient
	}
	want := []string{
		"imported 2, updated 1, unchanged 0, rejected 3", // first import
		"imported 0, updated 0, unchanged 3, rejected 3", // the same file again changes nothing
	}
	for i, w := range want {
		sum, err := f.S.ImportPatients(f.Supervisor, records.PatientRows(rows), false)
		if err != nil {
			t.Fatal(err)
		}
		if got := summary(sum); got != w {
			t.Fatalf("import %d: %s, want %s (%v)", i+1, got, w, sum.Rejected)
		}
		reasons := rejectedReasons(sum)
		for line, part := range map[int]string{5: "external id 3B9F2C1E-5D7A-4E0B-9C61-2A8F4D6E1B01 is repeated (first on line 2)",
			6: "External id: is required", 7: ""} {
			if !strings.Contains(reasons[line], part) || reasons[line] == "" {
				t.Errorf("import %d: line %d rejected with %q, want %q", i+1, line, reasons[line], part)
			}
		}
		if i == 0 {
			if strings.Join(sum.AssignedMRNs, " ") != "000251 000252" {
				t.Errorf("assigned %v, want 000251 000252", sum.AssignedMRNs)
			}
			if !strings.Contains(rejectedReasons(sum)[7], "given to the new patient of line 2") {
				t.Errorf("line 7: %q", rejectedReasons(sum)[7])
			}
		} else if len(sum.AssignedMRNs) != 0 {
			t.Errorf("the second import assigned %v", sum.AssignedMRNs)
		}
	}
	p, err := f.S.PatientByMRN(f.Clerk, "000251")
	if err != nil || p.ExternalID != "3b9f2c1e-5d7a-4e0b-9c61-2a8f4d6e1b01" || p.LastName != "Ironbridge" {
		t.Fatalf("chart 000251: %+v %v", p, err)
	}
	if k := p.DisplayName(); k != "Ironbridge, Walter" {
		t.Errorf("name %q", k)
	}
	if p, _ := f.S.PatientByMRN(f.Clerk, "000100"); p.ExternalID != "ACC-100" {
		t.Errorf("the known chart did not get its external id: %+v", p)
	}
	// Filed under the assigned number: its filing key is the number's.
	vs, err := f.S.Where(f.Clerk, "000252")
	if err != nil || len(vs) != 1 || vs[0].MRN != "000252" {
		t.Fatalf("where 000252: %v %v", vs, err)
	}

	// A file that contradicts what is stored is refused row by row.
	sum, err := f.S.ImportPatients(f.Supervisor, records.PatientRows([]records.PatientRow{
		extRow(2, "000100", "ACC-OTHER", "Quux", "Known"),                            // the chart has another id
		extRow(3, "000999", "8e41d0a7-2c3f-4b9e-8a15-6f7c9d2e4a02", "Juniperly", ""), // the id is another chart's
		extRow(4, "000250", "ACC-250", "Zorp", "Highest"),                            // a stored chart without an id gets it
	}), false)
	if err != nil {
		t.Fatal(err)
	}
	reasons := rejectedReasons(sum)
	if summary(sum) != "imported 0, updated 1, unchanged 0, rejected 2" ||
		!strings.Contains(reasons[2], "chart 00-01-00 has the external id ACC-100, but the file gives it ACC-OTHER") ||
		!strings.Contains(reasons[3], "belongs to chart 00-02-52, but the file gives it chart number 00-09-99") {
		t.Errorf("%s %v", summary(sum), sum.Rejected)
	}
}

func testImportAssignsNoNumberBeyondTheWidth(t *testing.T, db NewDatabase) {
	f := newFixture(t, db)
	f.Patient("999999", "Full", "Fay")
	sum, err := f.S.ImportPatients(f.Supervisor, records.PatientRows([]records.PatientRow{extRow(2, "", "X-1", "New", "Ned")}), false)
	if err != nil {
		t.Fatal(err)
	}
	if summary(sum) != "imported 0, updated 0, unchanged 0, rejected 1" || !strings.Contains(sum.Rejected[0].Reason, "no next free one") {
		t.Errorf("%s %v", summary(sum), sum.Rejected)
	}
}

func testExternalIDsAreFoundAndUnique(t *testing.T, db NewDatabase) {
	f := newFixture(t, db)
	if _, err := f.S.ImportPatients(f.Supervisor, records.PatientRows([]records.PatientRow{
		extRow(2, "", "3b9f2c1e-5d7a-4e0b-9c61-2a8f4d6e1b01", "Ironbridge", "Walter"),
		extRow(3, "", "A-1004", "Dunmoor", "Elias"),
		extRow(4, "", "77001234", "Numbered", "Nina"), // an id of digits that is no chart number
	}), false); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ query, last, by string }{
		{"3b9f2c1e-5d7a-4e0b-9c61-2a8f4d6e1b01", "Ironbridge", "external id"},
		{"3B9F2C1E-5D7A-4E0B-9C61-2A8F4D6E1B01", "Ironbridge", "external id"},
		{"A-1004", "Dunmoor", "external id"},
		{"a-1004", "Dunmoor", "external id"},
		{"77001234", "Numbered", "external id"},
		{"Dunmoor", "Dunmoor", "name"},
	}
	for _, tt := range tests {
		hits, err := f.S.Search(f.Clerk, tt.query, 10)
		if err != nil || len(hits) == 0 || hits[0].LastName != tt.last || hits[0].MatchedBy != tt.by {
			t.Errorf("Search(%q) = %+v, %v", tt.query, hits, err)
		}
		vs, err := f.S.Where(f.Clerk, tt.query)
		if err != nil || len(vs) != 1 || !strings.HasPrefix(vs[0].PatientName, tt.last) {
			t.Errorf("Where(%q) = %+v, %v", tt.query, vs, err)
		}
	}
	if hits, _ := f.S.Search(f.Clerk, "A-10", 10); len(hits) != 0 {
		t.Errorf("an external id is matched whole, not by prefix: %+v", hits)
	}
	_, err := f.S.CreatePatient(f.Clerk, records.Patient{MRN: "5", LastName: "Copy", ExternalID: "a-1004"})
	WantCode(t, err, records.EConflict)
	if err != nil && !strings.Contains(err.Error(), "already belongs to chart") {
		t.Errorf("CreatePatient: %v", err)
	}
	// Editing a patient keeps the id another system gave it.
	p, _ := f.S.PatientByMRN(f.Clerk, "000002")
	p.ExternalID, p.FirstName = "", "Eli"
	if p, err = f.S.UpdatePatient(f.Supervisor, p); err != nil || p.ExternalID != "A-1004" {
		t.Errorf("UpdatePatient: %+v %v", p, err)
	}
}

func testImportAppointmentsFindsPatientsAndProviders(t *testing.T, db NewDatabase) {
	f := newFixture(t, db)
	if _, err := f.S.ImportPatients(f.Supervisor, records.PatientRows([]records.PatientRow{
		extRow(2, "", "3b9f2c1e-5d7a-4e0b-9c61-2a8f4d6e1b01", "Ironbridge", "Walter"),
	}), false); err != nil {
		t.Fatal(err)
	}
	f.Patient("000200", "Quux", "Charted")
	day := records.DateOf(f.Clock.Now()).AddDays(1)
	rows := []records.AppointmentRow{
		{Line: 2, Date: day, Time: "08:10", ExternalID: "3B9F2C1E-5D7A-4E0B-9C61-2A8F4D6E1B01", MRN: "3B9F2C1E-5D7A-4E0B-9C61-2A8F4D6E1B01", Provider: f.DrGrey.Name},
		{Line: 3, Date: day, Time: "09:00", ExternalID: "200", MRN: "200", Provider: "Dr. Nova Unlisted"}, // an id column holding chart numbers
		{Line: 4, Date: day, Time: "09:30", ExternalID: "ffff", MRN: "ffff", Provider: f.DrGrey.Name},
		{Line: 5, Date: day, Time: "10:00", MRN: "000200", Provider: "dr. nova unlisted"},
	}
	sum, err := f.S.ImportAppointmentsWith(f.Clerk, rows, records.AppointmentImport{})
	if err != nil {
		t.Fatal(err)
	}
	reasons := rejectedReasons(sum)
	if summary(sum) != "imported 1, updated 0, unchanged 0, rejected 3" || strings.Join(sum.UnknownProviders, "|") != "Dr. Nova Unlisted" ||
		!strings.Contains(reasons[3], `no borrower is named "Dr. Nova Unlisted"`) || !strings.Contains(reasons[4], "no patient has the external id ffff") {
		t.Fatalf("%s unknown %v %v", summary(sum), sum.UnknownProviders, sum.Rejected)
	}
	_, err = f.S.ImportAppointmentsWith(f.Clerk, rows, records.AppointmentImport{AddProviders: true})
	WantCode(t, err, records.EForbidden)
	for i, w := range []string{"imported 2, updated 0, unchanged 1, rejected 1", "imported 0, updated 0, unchanged 3, rejected 1"} {
		sum, err = f.S.ImportAppointmentsWith(f.Supervisor, rows, records.AppointmentImport{AddProviders: true})
		if err != nil || summary(sum) != w {
			t.Fatalf("with --add-providers, import %d: %s %v %v", i+1, summary(sum), sum.Rejected, err)
		}
		if added := strings.Join(sum.AddedProviders, "|"); (i == 0) != (added == "Dr. Nova Unlisted") {
			t.Errorf("import %d added %q", i+1, added)
		}
	}
	b, err := f.S.FindBorrower(f.Clerk, "Dr. Nova Unlisted")
	if err != nil || b.Kind != records.BorrowerProvider || !b.Active {
		t.Errorf("the added provider: %+v %v", b, err)
	}
}
