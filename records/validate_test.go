package records

import (
	"strings"
	"testing"
)

func TestValidatePatient(t *testing.T) {
	s := DefaultSettings()
	today := MustParseDate("2026-11-22")
	tests := []struct {
		name  string
		p     Patient
		field string // "" = valid
	}{
		{"valid", Patient{MRN: "12-34-56", LastName: " Núñez ", FirstName: "María", DOB: MustParseDate("1980-03-14")}, ""},
		{"no MRN", Patient{LastName: "Doe"}, "MRN"},
		{"bad MRN", Patient{MRN: "12a", LastName: "Doe"}, "MRN"},
		{"no last name", Patient{MRN: "1"}, "Last name"},
		{"control character", Patient{MRN: "1", LastName: "Doe\x00"}, "Last name"},
		{"too long", Patient{MRN: "1", LastName: strings.Repeat("a", 101)}, "Last name"},
		{"future DOB", Patient{MRN: "1", LastName: "Doe", DOB: MustParseDate("2026-11-23")}, "Date of birth"},
		{"death before birth", Patient{MRN: "1", LastName: "Doe", DOB: MustParseDate("2000-01-02"), Deceased: MustParseDate("2000-01-01")}, "Date of death"},
		{"visit before birth", Patient{MRN: "1", LastName: "Doe", DOB: MustParseDate("2000-01-02"), LastVisit: MustParseDate("1999-01-01")}, "Last visit"},
		{"bad sex", Patient{MRN: "1", LastName: "Doe", Sex: "Q"}, "Sex"},
		{"SQL literal is just a name", Patient{MRN: "1", LastName: "Robert'); DROP TABLE patients;--"}, ""},
	}
	for _, tt := range tests {
		p := tt.p
		err := ValidatePatient(&p, s, today)
		if got := ErrorField(err); got != tt.field {
			t.Errorf("%s: field %q (%v), want %q", tt.name, got, err, tt.field)
		}
		if tt.field != "" && !strings.HasPrefix(ErrorMessage(err), tt.field+": ") {
			t.Errorf("%s: message %q does not start with the field", tt.name, ErrorMessage(err))
		}
	}
	p := Patient{MRN: "3456", LastName: " Núñez ", Sex: "female"}
	if err := ValidatePatient(&p, s, today); err != nil {
		t.Fatal(err)
	}
	if p.MRN != "003456" || p.LastName != "Núñez" || p.Sex != SexFemale || p.Status != PatientActive {
		t.Errorf("not normalised: %+v", p)
	}
}

func TestValidateSettings(t *testing.T) {
	good := DefaultSettings()
	good.PracticeName = "Riverbend Family Practice"
	if err := ValidateSettings(&good); err != nil {
		t.Fatal(err)
	}
	for name, mutate := range map[string]func(*Settings){
		"Practice name": func(s *Settings) { s.PracticeName = "" },
		"MRN width":     func(s *Settings) { s.MRNWidth = 3 },
		"Filing system": func(s *Settings) { s.Filing = "dewey" },
		"Paper size":    func(s *Settings) { s.Paper = "Legal" },
		"Idle lock":     func(s *Settings) { s.IdleLockMinutes = -1 },
		"Backups kept":  func(s *Settings) { s.BackupKeep = 0 },
		"Age of majority": func(s *Settings) {
			s.Retention.MajorityAge = 30 // within 0-100 years, but no age of majority
		},
		"Deceased retention years": func(s *Settings) { s.Retention.DeceasedYears = -1 },
	} {
		s := good
		mutate(&s)
		if got := ErrorField(ValidateSettings(&s)); got != name {
			t.Errorf("%s: error names field %q", name, got)
		}
	}
}

func TestValidateOthers(t *testing.T) {
	rt := RecordType{Name: "X-ray films", Color: "#6a4c93"}
	if err := ValidateRecordType(&rt); err != nil || rt.Code != "X" || rt.Color != "#6A4C93" {
		t.Errorf("record type: %+v %v", rt, err)
	}
	if ErrorField(ValidateRecordType(&RecordType{Name: "Bad", Color: "red"})) != "Colour" {
		t.Error("bad colour accepted")
	}
	if ErrorField(ValidateLocation(&Location{Name: "A > B"})) != "Name" {
		t.Error("'>' in a location name accepted")
	}
	b := Borrower{Name: "Dr. Alder Testwood", Badge: " b00101\r"}
	if err := ValidateBorrower(&b); err != nil || b.Kind != BorrowerStaff || b.Badge != "B00101" {
		t.Errorf("borrower: %+v %v", b, err)
	}
	if ErrorField(ValidateBorrower(&Borrower{Name: "X", Kind: "friend"})) != "Kind" {
		t.Error("bad kind accepted")
	}
	u := User{Username: " Casey.Clerk ", Role: RoleClerk}
	if err := ValidateUser(&u); err != nil || u.Username != "casey.clerk" || u.DisplayName != "casey.clerk" {
		t.Errorf("user: %+v %v", u, err)
	}
	if ErrorField(ValidateUser(&User{Username: "1abc", Role: RoleClerk})) != "Username" {
		t.Error("username starting with a digit accepted")
	}
	if ErrorField(ValidateUser(&User{Username: "abc", Role: "root"})) != "Role" {
		t.Error("bad role accepted")
	}
	if ErrorField(ValidateRequest(&Request{PatientID: 1, BorrowerID: 1}, MustParseDate("2026-03-02"))) != "Needed on" {
		t.Error("request without a date accepted")
	}
	l := LooseFiling{PatientID: 1, Description: "Lab results"}
	if err := ValidateLooseFiling(&l, MustParseDate("2026-11-22")); err != nil || l.Received.String() != "2026-11-22" {
		t.Errorf("loose filing: %+v %v", l, err)
	}
}

func TestValidateRequestDayAndTime(t *testing.T) {
	today := MustParseDate("2026-03-02")
	cases := []struct {
		on, at    string
		wantField string // "" when valid
		wantAt    string
	}{
		{"2026-03-02", "", "", ""},
		{"2026-03-02", "9:30", "", "09:30"},
		{"2026-03-03", "14:05", "", "14:05"},
		{"2026-03-02", "23:59", "", "23:59"},
		{"2026-03-02", "25:99", "Time", ""},
		{"2026-03-02", "24:00", "Time", ""},
		{"2026-03-02", "12:60", "Time", ""},
		{"2026-03-02", "noon", "Time", ""},
		{"2026-03-02", "9.30", "Time", ""},
		{"2026-03-02", "-1:30", "Time", ""},
		{"2026-03-01", "09:00", "Needed on", ""},
	}
	for _, c := range cases {
		r := Request{PatientID: 1, BorrowerID: 1, NeededOn: MustParseDate(c.on), NeededAt: c.at}
		err := ValidateRequest(&r, today)
		if got := ErrorField(err); got != c.wantField {
			t.Errorf("%s %q: field %q (%v), want %q", c.on, c.at, got, err, c.wantField)
			continue
		}
		if err == nil && r.NeededAt != c.wantAt {
			t.Errorf("%s %q: time stored as %q, want %q", c.on, c.at, r.NeededAt, c.wantAt)
		}
	}
}
