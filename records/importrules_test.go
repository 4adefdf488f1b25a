package records

import (
	"strings"
	"testing"
)

func TestPatientRowCheck(t *testing.T) {
	today := MustParseDate("2025-03-10")
	check := NewPatientRowCheck(DefaultSettings(), today)
	rows := []struct {
		row    PatientRow
		reason string // "" accepted; else a part of the reason
		mrn    string // the accepted row's chart number
	}{
		{PatientRow{Line: 2, Patient: Patient{MRN: "1-00", LastName: "Quux", ExternalID: "Ab-1"}}, "", "000100"},
		{PatientRow{Line: 3, Patient: Patient{MRN: "0100", LastName: "Quux"}}, "chart number 00-01-00 is repeated (first on line 2)", ""},
		{PatientRow{Line: 4, Patient: Patient{MRN: "200", LastName: "Quux", ExternalID: "AB-1"}}, "external id AB-1 is repeated (first on line 2)", ""},
		{PatientRow{Line: 5, Patient: Patient{MRN: "300", LastName: "Quux", Status: PatientMerged}}, "a merged chart cannot be imported", ""},
		{PatientRow{Line: 6, AssignMRN: true, Patient: Patient{MRN: "junk", LastName: "Quux"}}, "External id: is required", ""},
		{PatientRow{Line: 7, AssignMRN: true, Patient: Patient{MRN: "junk", LastName: "Quux", ExternalID: "X-7"}}, "", ""},
		{PatientRow{Line: 8, Patient: Patient{MRN: "400", LastName: "Quux", DOB: MustParseDate("2999-01-01")}}, "future", ""},
	}
	for _, tt := range rows {
		got, reason := check.Check(tt.row)
		if tt.reason == "" && reason != "" || !strings.Contains(reason, tt.reason) {
			t.Errorf("line %d: reason %q, want %q", tt.row.Line, reason, tt.reason)
		}
		if tt.reason == "" && got.Patient.MRN != tt.mrn {
			t.Errorf("line %d: chart number %q, want %q", tt.row.Line, got.Patient.MRN, tt.mrn)
		}
	}
}

func TestPatientImportDecide(t *testing.T) {
	st := DefaultSettings()
	found := NewStoredPatients()
	found.Add(Patient{ID: 1, MRN: "000100", LastName: "Quux", FirstName: "Known", Phone: "555-0100"})
	found.Add(Patient{ID: 2, MRN: "000250", LastName: "Zorp", ExternalID: "ACC-250"})
	found.Add(Patient{ID: 3, MRN: "000300", LastName: "Gone", Status: PatientMerged, MergedInto: "000100"})
	highest := func() (string, error) { return "000300", nil }
	im := NewPatientImport(st)
	var sum ImportSummary
	tests := []struct {
		row     PatientRow
		outcome ImportOutcome
		want    string // the reason of a rejected row, the chart number of another
	}{
		{PatientRow{Line: 2, Patient: Patient{MRN: "000100", LastName: "Quux"}}, ImportUnchanged, "000100"},
		{PatientRow{Line: 3, Patient: Patient{MRN: "000100", LastName: "Quux", FirstName: "Kay"}}, ImportUpdated, "000100"},
		{PatientRow{Line: 4, Patient: Patient{MRN: "000250", LastName: "Zorp", ExternalID: "ACC-OTHER"}}, ImportRejected,
			"chart 00-02-50 has the external id ACC-250, but the file gives it ACC-OTHER"},
		{PatientRow{Line: 5, Patient: Patient{MRN: "000999", LastName: "Zorp", ExternalID: "acc-250"}}, ImportRejected,
			"external id acc-250 belongs to chart 00-02-50, but the file gives it chart number 00-09-99"},
		{PatientRow{Line: 6, Patient: Patient{MRN: "000300", LastName: "Gone"}}, ImportRejected, "retired when it was merged into 00-01-00"},
		{PatientRow{Line: 7, AssignMRN: true, Patient: Patient{LastName: "New", ExternalID: "N-1"}}, ImportNew, "000301"},
		{PatientRow{Line: 8, Patient: Patient{MRN: "000301", LastName: "Late"}}, ImportRejected, "given to the new patient of line 7"},
		{PatientRow{Line: 9, Patient: Patient{MRN: "000500", LastName: "Given"}}, ImportNew, "000500"},
		{PatientRow{Line: 10, AssignMRN: true, Patient: Patient{LastName: "Next", ExternalID: "N-2"}}, ImportNew, "000501"},
	}
	for _, tt := range tests {
		d, err := im.Decide(tt.row, found, highest, &sum)
		if err != nil {
			t.Fatalf("line %d: %v", tt.row.Line, err)
		}
		got := d.Patient.MRN
		if d.Outcome == ImportRejected {
			got = sum.Rejected[len(sum.Rejected)-1].Reason
		}
		if d.Outcome != tt.outcome || !strings.Contains(got, tt.want) {
			t.Errorf("line %d: outcome %d %q, want %d %q", tt.row.Line, d.Outcome, got, tt.outcome, tt.want)
		}
	}
	if sum.Imported != 3 || sum.Updated != 1 || sum.Unchanged != 1 || len(sum.Rejected) != 4 || strings.Join(sum.AssignedMRNs, " ") != "000301 000501" {
		t.Errorf("summary %+v", sum)
	}
	if d, _ := im.Decide(PatientRow{Line: 11, Patient: Patient{MRN: "000100", LastName: "Quux", Phone: ""}}, found, highest, &sum); d.Patient.Phone != "555-0100" {
		t.Errorf("an empty phone in the file wiped the stored one: %+v", d.Patient)
	}
}

func TestPatientImportAssignsNoNumberBeyondTheWidth(t *testing.T) {
	im := NewPatientImport(DefaultSettings())
	var sum ImportSummary
	d, err := im.Decide(PatientRow{Line: 2, AssignMRN: true, Patient: Patient{LastName: "New", ExternalID: "X"}}, NewStoredPatients(),
		func() (string, error) { return "999999", nil }, &sum)
	if err != nil || d.Outcome != ImportRejected || len(sum.Rejected) != 1 || !strings.Contains(sum.Rejected[0].Reason, "no next free one") {
		t.Errorf("%+v %+v %v", d, sum, err)
	}
}

func TestChangesNameWhatChanged(t *testing.T) {
	p := Patient{MRN: "000100", LastName: "Quux", Phone: "555-0100"}
	q := p
	q.FirstName, q.LegalHold = "Kay", true
	s := DefaultSettings()
	u := s
	u.Filing, u.BackupKeepWeekly = FilingNumeric, 3
	for _, tt := range []struct{ got, want string }{
		{PatientChanges(p, p), "nothing"},
		{PatientChanges(p, q), "name, legal hold"},
		{SettingsChanges(s, s), "nothing"},
		{SettingsChanges(s, u), "filing system, backups kept"},
	} {
		if tt.got != tt.want {
			t.Errorf("%q, want %q", tt.got, tt.want)
		}
	}
}
