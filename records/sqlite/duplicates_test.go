package sqlite

import (
	"strings"
	"testing"

	"github.com/chartroom/chartroom/records"
)

// A new patient whose surname, given name and birth date match a live chart
// is refused with that chart named; a supervisor may add the second chart
// with a reason, which the audit log keeps.
func TestCreatePatientRefusesALikelyDuplicate(t *testing.T) {
	f := newFixture(t)
	dob := records.MustParseDate("1984-06-30")
	first, err := f.s.CreatePatient(f.clerk, records.Patient{MRN: "100001", LastName: "Brambledown", FirstName: "Xiomara", DOB: dob})
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
			found, err := f.s.DuplicatePatients(f.clerk, c.p)
			if err != nil {
				t.Fatal(err)
			}
			if want := c.wantCode != ""; (len(found) > 0) != want {
				t.Errorf("DuplicatePatients found %d charts, want some: %v", len(found), want)
			}
			_, err = f.s.CreatePatient(f.clerk, c.p)
			if c.wantCode == "" {
				if err != nil {
					t.Fatalf("CreatePatient: %v", err)
				}
				return
			}
			wantCode(t, err, c.wantCode)
			if !strings.Contains(records.ErrorMessage(err), "10-00-01") {
				t.Errorf("refusal %q does not name the existing chart 10-00-01", records.ErrorMessage(err))
			}
		})
	}

	dup := records.Patient{MRN: "100007", LastName: "Brambledown", FirstName: "Xiomara", DOB: dob}
	_, err = f.s.CreateDuplicatePatient(f.clerk, dup, "a different person")
	wantCode(t, err, records.EForbidden)
	_, err = f.s.CreateDuplicatePatient(f.supervisor, dup, "  ")
	wantCode(t, err, records.EInvalid)
	second, err := f.s.CreateDuplicatePatient(f.supervisor, dup, "a different person, confirmed with her mother")
	if err != nil {
		t.Fatalf("CreateDuplicatePatient: %v", err)
	}
	events, err := f.s.ListAudit(f.admin, records.AuditFilter{Entity: "patient", EntityID: second.ID})
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
func TestPullingARequestWhoseFolderIsOut(t *testing.T) {
	f := newFixture(t)
	p := f.patient("100001", "Brambledown", "Xiomara")
	v := f.firstVolume(p)
	today := records.DateOf(f.clock.Now())
	r, err := f.s.CreateRequest(f.clerk, records.Request{PatientID: p.ID, BorrowerID: f.drStone.ID, NeededOn: today})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.CheckOut(f.clerk, records.CheckOutInput{Barcode: v.Barcode, BorrowerID: f.drGrey.ID}); err != nil {
		t.Fatal(err)
	}
	_, err = f.s.SetRequestState(f.clerk, r.ID, records.RequestPulled, "")
	wantCode(t, err, records.EConflict)
	if !strings.Contains(records.ErrorMessage(err), f.drGrey.Name) {
		t.Errorf("refusal %q does not say who has the folder", records.ErrorMessage(err))
	}
	if _, err := f.s.CheckIn(f.clerk, v.Barcode); err != nil {
		t.Fatal(err)
	}
	if r, err = f.s.SetRequestState(f.clerk, r.ID, records.RequestPulled, ""); err != nil || r.State != records.RequestPulled {
		t.Fatalf("pulled once back in file: %+v %v", r, err)
	}
}
