package sqlite

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/chartroom/chartroom/records"
)

// cheapParams keep argon2id fast in tests.
var cheapParams = &records.PasswordParams{Memory: 64, Time: 1, Threads: 1}

// testClock is the store's clock, moved by the test.
type testClock = records.ManualClock

func newClock() *testClock {
	return records.NewManualClock(time.Date(2025, time.March, 10, 9, 30, 0, 0, time.Local))
}

// fixture is an initialized practice with one user of each role.
type fixture struct {
	t                        *testing.T
	s                        *Store
	clock                    *testClock
	path                     string
	admin, supervisor, clerk context.Context
	medical                  records.RecordType
	room                     records.Location
	drGrey, drStone, offsite records.Borrower
	lawFirm                  records.Borrower
}

const testPassword = "correct horse battery"

func openTestStore(t testing.TB, path string, clock *testClock) *Store {
	t.Helper()
	s, err := Open(context.Background(), path, Options{Now: clock.Now, PasswordParams: cheapParams})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{t: t, clock: newClock(), path: filepath.Join(t.TempDir(), "chartroom.db")}
	f.s = openTestStore(t, f.path, f.clock)
	ctx := context.Background()
	if _, err := f.s.Initialize(ctx, records.InitInput{
		Settings:      records.Settings{PracticeName: "Testville Family Practice", MRNWidth: 6, Filing: records.FilingTerminalDigit},
		AdminUsername: "ada", AdminName: "Ada Admin", AdminPassword: testPassword,
	}); err != nil {
		t.Fatalf("Initialize: %v", err)
	}
	f.admin = f.signIn("ada")
	for _, u := range []records.User{{Username: "sam", Role: records.RoleSupervisor}, {Username: "cleo", Role: records.RoleClerk}} {
		if _, err := f.s.CreateUser(f.admin, u, testPassword); err != nil {
			t.Fatalf("CreateUser %s: %v", u.Username, err)
		}
	}
	f.supervisor = f.signIn("sam")
	f.clerk = f.signIn("cleo")
	types, err := f.s.ListRecordTypes(f.clerk)
	if err != nil || len(types) != 1 {
		t.Fatalf("ListRecordTypes: %v %v", types, err)
	}
	f.medical = types[0]
	locs, err := f.s.ListLocations(f.clerk)
	if err != nil || len(locs) != 1 {
		t.Fatalf("ListLocations: %v %v", locs, err)
	}
	f.room = locs[0]
	f.drGrey = f.borrower(records.Borrower{Name: "Dr. Zed Grey", Kind: records.BorrowerProvider, Badge: "B001", Phone: "x101"})
	f.drStone = f.borrower(records.Borrower{Name: "Dr. Ima Stone", Kind: records.BorrowerProvider, LoanDays: 3, Room: "Room 4"})
	f.offsite = f.borrower(records.Borrower{Name: "Boxes R Us Storage", Kind: records.BorrowerOffsite})
	f.lawFirm = f.borrower(records.Borrower{Name: "Dewey Cheatem LLP", Kind: records.BorrowerExternal})
	return f
}

func (f *fixture) signIn(user string) context.Context {
	f.t.Helper()
	a, err := f.s.SignIn(context.Background(), user, testPassword)
	if err != nil {
		f.t.Fatalf("SignIn %s: %v", user, err)
	}
	return records.WithActor(context.Background(), a)
}

func (f *fixture) borrower(b records.Borrower) records.Borrower {
	f.t.Helper()
	b, err := f.s.SaveBorrower(f.supervisor, b)
	if err != nil {
		f.t.Fatalf("SaveBorrower %s: %v", b.Name, err)
	}
	return b
}

func (f *fixture) patient(mrn, last, first string) records.Patient {
	f.t.Helper()
	p, err := f.s.CreatePatient(f.clerk, records.Patient{MRN: mrn, LastName: last, FirstName: first, DOB: records.MustParseDate("1970-01-02")})
	if err != nil {
		f.t.Fatalf("CreatePatient %s: %v", mrn, err)
	}
	return p
}

// duplicatePatient gives p's person a second chart, as a supervisor does
// when the desk registered someone twice (what a merge later repairs).
func (f *fixture) duplicatePatient(mrn string, p records.Patient) records.Patient {
	f.t.Helper()
	q, err := f.s.CreateDuplicatePatient(f.supervisor, records.Patient{MRN: mrn, LastName: p.LastName, FirstName: p.FirstName, DOB: p.DOB},
		"registered twice by mistake; to be merged")
	if err != nil {
		f.t.Fatalf("CreateDuplicatePatient %s: %v", mrn, err)
	}
	return q
}

// firstVolume returns the patient's volume 1.
func (f *fixture) firstVolume(p records.Patient) records.Volume {
	f.t.Helper()
	vs, err := f.s.VolumesOfPatient(f.clerk, p.ID)
	if err != nil || len(vs) == 0 {
		f.t.Fatalf("VolumesOfPatient: %v %v", vs, err)
	}
	return vs[0]
}

// wantCode fails unless err is a records.Error with the code.
func wantCode(t testing.TB, err error, code string) {
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
