package records

import "testing"

func TestSetupChecklistIsDecidedByTheData(t *testing.T) {
	room := Location{Name: "Record room", Default: true, Active: true}
	medical := RecordType{Name: "Medical", Default: true, Active: true}
	admin := User{Username: "admin", Role: RoleAdmin, Active: true}
	fresh := SetupFacts{Locations: []Location{room}, RecordTypes: []RecordType{medical}, Users: []User{admin}}
	tests := []struct {
		name  string
		facts func(f *SetupFacts)
		done  []SetupStep
	}{
		{"a new database", func(*SetupFacts) {}, nil},
		{"a cabinet added", func(f *SetupFacts) { f.Locations = append(f.Locations, Location{Name: "Cabinet A", Active: true}) },
			[]SetupStep{SetupLocations}},
		{"an inactive cabinet is not set up", func(f *SetupFacts) { f.Locations = append(f.Locations, Location{Name: "Cabinet A"}) }, nil},
		{"X-ray films added", func(f *SetupFacts) { f.RecordTypes = append(f.RecordTypes, RecordType{Name: "X-ray", Active: true}) },
			[]SetupStep{SetupRecordTypes}},
		{"a borrower without a badge", func(f *SetupFacts) { f.Borrowers = []Borrower{{Name: "Dr. Testwood", Active: true}} }, nil},
		{"a borrower with a badge", func(f *SetupFacts) {
			f.Borrowers = []Borrower{{Name: "Dr. Testwood", Active: true, Badge: "B0001"}}
		}, []SetupStep{SetupBorrowers}},
		{"a disabled borrower's badge", func(f *SetupFacts) { f.Borrowers = []Borrower{{Name: "Dr. Gone", Badge: "B0002"}} }, nil},
		{"a clerk added", func(f *SetupFacts) { f.Users = append(f.Users, User{Username: "clerk", Active: true}) },
			[]SetupStep{SetupUsers}},
		{"patients on file", func(f *SetupFacts) { f.HasPatients = true }, []SetupStep{SetupPatients}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := fresh
			f.Locations = append([]Location{}, fresh.Locations...)
			f.RecordTypes = append([]RecordType{}, fresh.RecordTypes...)
			f.Users = append([]User{}, fresh.Users...)
			tt.facts(&f)
			items := SetupChecklist(f)
			if len(items) != 5 {
				t.Fatalf("%d steps", len(items))
			}
			for _, it := range items {
				want := false
				for _, d := range tt.done {
					want = want || d == it.Step
				}
				if it.Done != want {
					t.Errorf("%s done = %v, want %v", it.Step, it.Done, want)
				}
			}
			if SetupDone(items) {
				t.Error("the checklist is done with steps left")
			}
		})
	}
	all := SetupFacts{
		Locations:   []Location{room, {Name: "Cabinet A", Active: true}},
		RecordTypes: []RecordType{medical, {Name: "X-ray", Active: true}},
		Borrowers:   []Borrower{{Name: "Dr. Testwood", Active: true, Badge: "B0001"}},
		Users:       []User{admin, {Username: "clerk", Active: true}},
		HasPatients: true,
	}
	if !SetupDone(SetupChecklist(all)) {
		t.Errorf("every step set up, the checklist is not done: %+v", SetupChecklist(all))
	}
}
