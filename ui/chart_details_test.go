package ui

import (
	"testing"

	"github.com/chartroom/chartroom/records"
)

func TestPatientDetails(t *testing.T) {
	cases := []struct {
		name string
		p    records.Patient
		want string
	}{
		{"living", records.Patient{DOB: records.MustParseDate("1970-05-17"), Sex: "F", Status: records.PatientActive},
			"Born 1970-05-17   ·   Sex F   ·   Chart active"},
		{"deceased: the chart's status is not the patient's",
			records.Patient{DOB: records.MustParseDate("1931-01-02"), Sex: "M", Deceased: records.MustParseDate("2026-04-15"), Status: records.PatientActive},
			"Born 1931-01-02   ·   Sex M   ·   Died 2026-04-15   ·   Chart active"},
		{"known to another system by its id", records.Patient{Sex: "U", ExternalID: "3b9f2c1e-5d7a-4e0b-9c61-2a8f4d6e1b01", Status: records.PatientActive},
			"Sex U   ·   External id 3b9f2c1e-5d7a-4e0b-9c61-2a8f4d6e1b01   ·   Chart active"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := patientDetails(c.p); got != c.want {
				t.Errorf("got %q\nwant %q", got, c.want)
			}
		})
	}
}
