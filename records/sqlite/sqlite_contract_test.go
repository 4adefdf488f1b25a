package sqlite

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/storetest"
)

// TestContract runs the contract every store keeps against SQLite: each
// database is a file in a folder that does not exist yet (Open makes it),
// and each store opened on it is one more process's connections.
func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Database {
		path := filepath.Join(t.TempDir(), "new", "chartroom.db")
		return storetest.Database{
			Open: func(t testing.TB, now func() time.Time) records.Service {
				return openTestStoreAt(t, path, now)
			},
			Fingerprint: func(t testing.TB) string { return fingerprint(t, path) },
		}
	})
}
