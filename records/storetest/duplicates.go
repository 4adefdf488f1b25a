package storetest

import (
	"strings"
	"testing"

	"github.com/chartroom/chartroom/records"
)

// A new patient whose surname, given name and birth date match a live chart
// is refused with that chart named; a supervisor may add the second chart
// with a reason, which the audit log keeps.
func testCreatePatientRefusesALikelyDuplicate(t *testing.T, db NewDatabase) {
	f := newFixture(t, db)
	dob := records.MustParseDate("1984-06-30")
	first, err := f.S.CreatePatient(f.Clerk, records.Patient{MRN: "100001", LastName: "Brambledown", FirstName: "Xiomara", DOB: dob})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		p        records.Patient
		wantCode string // "" when the patient is created
	}{
		{"same names and birth date", records.Patient{MRN: "100002", LastName: "Brambledown", FirstName: "Xiomara", DOB: dob}, records.EConflict},
		{"case and accents differ", records.Patient{MRN: "100003", LastName: "BRAMBLEDOWN", FirstName: "Xiómara", DOB: dob}, records.EConflict},
		{"another birth date", records.Patient{MRN: "100004", LastName: "Brambledown", FirstName: "Xiomara", DOB: records.MustParseDate("1984-06-29")}, ""},
		{"another given name", records.Patient{MRN: "100005", LastName: "Brambledown", FirstName: "Farid", DOB: dob}, ""},
		{"no birth date to compare", records.Patient{MRN: "100006", LastName: "Brambledown", FirstName: "Xiomara"}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			found, err := f.S.DuplicatePatients(f.Clerk, c.p)
			if err != nil {
				t.Fatal(err)
			}
			if want := c.wantCode != ""; (len(found) > 0) != want {
				t.Errorf("DuplicatePatients found %d charts, want some: %v", len(found), want)
			}
			_, err = f.S.CreatePatient(f.Clerk, c.p)
			if c.wantCode == "" {
				if err != nil {
					t.Fatalf("CreatePatient: %v", err)
				}
				return
			}
			WantCode(t, err, c.wantCode)
			if !strings.Contains(records.ErrorMessage(err), "10-00-01") {
				t.Errorf("refusal %q does not name the existing chart 10-00-01", records.ErrorMessage(err))
			}
		})
	}

	dup := records.Patient{MRN: "100007", LastName: "Brambledown", FirstName: "Xiomara", DOB: dob}
	_, err = f.S.CreateDuplicatePatient(f.Clerk, dup, "a different person")
	WantCode(t, err, records.EForbidden)
	_, err = f.S.CreateDuplicatePatient(f.Supervisor, dup, "  ")
	WantCode(t, err, records.EInvalid)
	second, err := f.S.CreateDuplicatePatient(f.Supervisor, dup, "a different person, confirmed with her mother")
	if err != nil {
		t.Fatalf("CreateDuplicatePatient: %v", err)
	}
	events, err := f.S.ListAudit(f.Admin, records.AuditFilter{Entity: "patient", EntityID: second.ID})
	if err != nil {
		t.Fatal(err)
	}
	var detail string
	for _, e := range events {
		if e.Action == records.AuditCreate {
			detail = e.Detail
		}
	}
	if !strings.Contains(detail, "confirmed with her mother") || !strings.Contains(detail, first.MRN) {
		t.Errorf("audit of the second chart = %q, want the reason and the existing chart %s", detail, first.MRN)
	}
}

// A request whose folder is out cannot be marked pulled: the shelf does not
// have it.
func testPullingARequestWhoseFolderIsOut(t *testing.T, db NewDatabase) {
	f := newFixture(t, db)
	p := f.Patient("100001", "Brambledown", "Xiomara")
	v := f.FirstVolume(p)
	today := records.DateOf(f.Clock.Now())
	r, err := f.S.CreateRequest(f.Clerk, records.Request{PatientID: p.ID, BorrowerID: f.DrStone.ID, NeededOn: today})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.S.CheckOut(f.Clerk, records.CheckOutInput{Barcode: v.Barcode, BorrowerID: f.DrGrey.ID}); err != nil {
		t.Fatal(err)
	}
	_, err = f.S.SetRequestState(f.Clerk, r.ID, records.RequestPulled, "")
	WantCode(t, err, records.EConflict)
	if !strings.Contains(records.ErrorMessage(err), f.DrGrey.Name) {
		t.Errorf("refusal %q does not say who has the folder", records.ErrorMessage(err))
	}
	if _, err := f.S.CheckIn(f.Clerk, v.Barcode); err != nil {
		t.Fatal(err)
	}
	if r, err = f.S.SetRequestState(f.Clerk, r.ID, records.RequestPulled, ""); err != nil || r.State != records.RequestPulled {
		t.Fatalf("pulled once back in file: %+v %v", r, err)
	}
}
