package sqlite

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/storetest"
)

// cheapParams keep argon2id fast in tests.
var cheapParams = &records.PasswordParams{Memory: 64, Time: 1, Threads: 1}

// testClock is the store's clock, moved by the test.
type testClock = records.ManualClock

// newClock stands at the contract suite's start.
func newClock() *testClock { return storetest.NewClock() }

// fixture is the contract suite's initialized practice with one user of
// each role, on a database file at path opened as the Store s.
type fixture struct {
	*storetest.Fixture
	s    *Store
	path string
}

const testPassword = storetest.TestPassword

func openTestStore(t testing.TB, path string, clock *testClock) *Store {
	t.Helper()
	return openTestStoreAt(t, path, clock.Now)
}

// openTestStoreAt opens the database at path with the clock now and closes
// it when t ends.
func openTestStoreAt(t testing.TB, path string, now func() time.Time) *Store {
	t.Helper()
	s, err := Open(context.Background(), path, Options{Now: now, PasswordParams: cheapParams})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	path := filepath.Join(t.TempDir(), "chartroom.db")
	clock := newClock()
	s := openTestStore(t, path, clock)
	return &fixture{Fixture: storetest.NewFixture(t, s, clock), s: s, path: path}
}

// wantCode fails unless err is a records.Error with the code.
var wantCode = storetest.WantCode
