package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/chartroom/chartroom/records"
)

// NewClock returns the suite's clock, standing at 2025-03-10 09:30 local
// time; a store under test reads the time only through it.
func NewClock() *records.ManualClock {
	return records.NewManualClock(time.Date(2025, time.March, 10, 9, 30, 0, 0, time.Local))
}

// TestPassword is every fixture user's password.
const TestPassword = "correct horse battery"

// Fixture is an initialized practice with one user of each role, signed in,
// its default record type and location, and four borrowers.
type Fixture struct {
	T     *testing.T
	S     records.Service
	Clock *records.ManualClock
	// Admin, Supervisor and Clerk carry a signed-in user of that role.
	Admin, Supervisor, Clerk context.Context
	Medical                  records.RecordType
	Room                     records.Location
	DrGrey, DrStone, Offsite records.Borrower
	LawFirm                  records.Borrower

	db Database // the database S is open on (set by the suite)
}

// NewFixture initializes the practice "Testville Family Practice" in s,
// a store on an empty database whose clock is clock.
func NewFixture(t *testing.T, s records.Service, clock *records.ManualClock) *Fixture {
	t.Helper()
	f := &Fixture{T: t, S: s, Clock: clock}
	ctx := context.Background()
	if _, err := s.Initialize(ctx, records.InitInput{
		Settings:      records.Settings{PracticeName: "Testville Family Practice", MRNWidth: 6, Filing: records.FilingTerminalDigit},
		AdminUsername: "ada", AdminName: "Ada Admin", AdminPassword: TestPassword,
	}); err != nil {
		t.Fatalf("Initialize: %v", err)
	}
	f.Admin = f.SignIn("ada")
	for _, u := range []records.User{{Username: "sam", Role: records.RoleSupervisor}, {Username: "cleo", Role: records.RoleClerk}} {
		if _, err := s.CreateUser(f.Admin, u, TestPassword); err != nil {
			t.Fatalf("CreateUser %s: %v", u.Username, err)
		}
	}
	f.Supervisor = f.SignIn("sam")
	f.Clerk = f.SignIn("cleo")
	types, err := s.ListRecordTypes(f.Clerk)
	if err != nil || len(types) != 1 {
		t.Fatalf("ListRecordTypes: %v %v", types, err)
	}
	f.Medical = types[0]
	locs, err := s.ListLocations(f.Clerk)
	if err != nil || len(locs) != 1 {
		t.Fatalf("ListLocations: %v %v", locs, err)
	}
	f.Room = locs[0]
	f.DrGrey = f.Borrower(records.Borrower{Name: "Dr. Zed Grey", Kind: records.BorrowerProvider, Badge: "B001", Phone: "x101"})
	f.DrStone = f.Borrower(records.Borrower{Name: "Dr. Ima Stone", Kind: records.BorrowerProvider, LoanDays: 3, Room: "Room 4"})
	f.Offsite = f.Borrower(records.Borrower{Name: "Boxes R Us Storage", Kind: records.BorrowerOffsite})
	f.LawFirm = f.Borrower(records.Borrower{Name: "Dewey Cheatem LLP", Kind: records.BorrowerExternal})
	return f
}

// newFixture is the suite's fixture: a new database from db, opened once.
func newFixture(t *testing.T, db NewDatabase) *Fixture {
	t.Helper()
	d := db(t)
	clock := NewClock()
	f := NewFixture(t, d.Open(t, clock.Now), clock)
	f.db = d
	return f
}

// SignIn returns a context carrying user, signed in with TestPassword.
func (f *Fixture) SignIn(user string) context.Context {
	f.T.Helper()
	a, err := f.S.SignIn(context.Background(), user, TestPassword)
	if err != nil {
		f.T.Fatalf("SignIn %s: %v", user, err)
	}
	return records.WithActor(context.Background(), a)
}

// Borrower saves a new borrower as the supervisor.
func (f *Fixture) Borrower(b records.Borrower) records.Borrower {
	f.T.Helper()
	b, err := f.S.SaveBorrower(f.Supervisor, b)
	if err != nil {
		f.T.Fatalf("SaveBorrower %s: %v", b.Name, err)
	}
	return b
}

// Patient creates a patient born 1970-01-02 as the clerk.
func (f *Fixture) Patient(mrn, last, first string) records.Patient {
	f.T.Helper()
	p, err := f.S.CreatePatient(f.Clerk, records.Patient{MRN: mrn, LastName: last, FirstName: first, DOB: records.MustParseDate("1970-01-02")})
	if err != nil {
		f.T.Fatalf("CreatePatient %s: %v", mrn, err)
	}
	return p
}

// DuplicatePatient gives p's person a second chart, as a supervisor does
// when the desk registered someone twice (what a merge later repairs).
func (f *Fixture) DuplicatePatient(mrn string, p records.Patient) records.Patient {
	f.T.Helper()
	q, err := f.S.CreateDuplicatePatient(f.Supervisor, records.Patient{MRN: mrn, LastName: p.LastName, FirstName: p.FirstName, DOB: p.DOB},
		"registered twice by mistake; to be merged")
	if err != nil {
		f.T.Fatalf("CreateDuplicatePatient %s: %v", mrn, err)
	}
	return q
}

// FirstVolume returns the patient's volume 1.
func (f *Fixture) FirstVolume(p records.Patient) records.Volume {
	f.T.Helper()
	vs, err := f.S.VolumesOfPatient(f.Clerk, p.ID)
	if err != nil || len(vs) == 0 {
		f.T.Fatalf("VolumesOfPatient: %v %v", vs, err)
	}
	return vs[0]
}

// WantCode fails unless err is a records.Error with the code.
func WantCode(t testing.TB, err error, code string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want a %s error, got none", code)
	}
	var re *records.Error
	if !errors.As(err, &re) {
		t.Fatalf("want a records.Error %s, got %T %v", code, err, err)
	}
	if re.Code != code {
		t.Fatalf("want code %s, got %s: %v", code, re.Code, err)
	}
}
