package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/postgres/pgtest"
	"github.com/chartroom/chartroom/records/storetest"
)

// The store serves every records service.
var _ records.Service = (*Store)(nil)

// TestContract runs the whole contract suite against
// a fresh database of the throwaway cluster for each test, every store
// opened on it being another workstation.
func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Database {
		address := pgtest.Database(t)
		var first *Store
		return storetest.Database{
			Open: func(t testing.TB, now func() time.Time) records.Service {
				s, err := Open(context.Background(), address, Options{Now: now, PasswordParams: cheapParams})
				if err != nil {
					t.Fatalf("Open: %v", err)
				}
				t.Cleanup(func() { s.Close() })
				if first == nil {
					first = s
				}
				return s
			},
			Fingerprint: func(t testing.TB) string {
				if first == nil {
					t.Fatal("the fingerprint of a database no store has opened")
				}
				return fingerprint(t, first)
			},
		}
	})
}

// cheapParams make password hashing quick in tests; the hashes are as
// valid, only cheaper to guess.
var cheapParams = &records.PasswordParams{Memory: 64, Time: 1, Threads: 1}
