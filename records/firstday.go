package records

// SetupStep is one thing a new practice sets up before its first working
// day.
type SetupStep string

const (
	SetupLocations   SetupStep = "locations"
	SetupRecordTypes SetupStep = "record-types"
	SetupBorrowers   SetupStep = "borrowers"
	SetupUsers       SetupStep = "users"
	SetupPatients    SetupStep = "patients"
)

// SetupFacts is what the checklist is decided from: the practice's data as
// it is, never a box someone ticked.
type SetupFacts struct {
	Locations   []Location
	RecordTypes []RecordType
	Borrowers   []Borrower
	Users       []User
	HasPatients bool
}

// SetupItem is a step and whether the data shows it done.
type SetupItem struct {
	Step SetupStep
	Done bool
}

// SetupChecklist says, in the order a practice does them, which first-day
// steps are done. A new database has one location (the record room) and one
// record type (Medical) and its admin: a step is done once the practice has
// added something of its own beyond those, a borrower carries a badge to
// scan, or a patient is on file.
func SetupChecklist(f SetupFacts) []SetupItem {
	active := func(n int, isActive func(int) bool) int {
		c := 0
		for i := range n {
			if isActive(i) {
				c++
			}
		}
		return c
	}
	locations := active(len(f.Locations), func(i int) bool { return f.Locations[i].Active })
	types := active(len(f.RecordTypes), func(i int) bool { return f.RecordTypes[i].Active })
	badged := active(len(f.Borrowers), func(i int) bool { return f.Borrowers[i].Active && f.Borrowers[i].Badge != "" })
	users := active(len(f.Users), func(i int) bool { return f.Users[i].Active })
	return []SetupItem{
		{SetupLocations, locations > 1},
		{SetupRecordTypes, types > 1},
		{SetupBorrowers, badged > 0},
		{SetupUsers, users > 1},
		{SetupPatients, f.HasPatients},
	}
}

// SetupDone reports whether every step of items is done.
func SetupDone(items []SetupItem) bool {
	for _, it := range items {
		if !it.Done {
			return false
		}
	}
	return true
}
