// Package sqlitetest opens real SQLite stores for the tests of the packages
// above the store (ui, reports, the demo): a database file in the test's
// temp folder, cheap password hashing, closed when the test ends, and a
// practice with its admin signed in. The store's own tests keep their
// fixture inside package sqlite.
package sqlitetest

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/sqlite"
)

// CheapPasswords keep argon2id fast: tests sign in many times.
var CheapPasswords = &records.PasswordParams{Memory: 64, Time: 1, Threads: 1}

// Admin is the first user of every practice Open makes.
const (
	AdminUsername = "ada"
	AdminPassword = "correct horse battery"
)

// OpenEmpty opens a new, empty database file in t's temp folder on the
// clock now; bulk opens it for the bulk loader as the demo does.
func OpenEmpty(t testing.TB, now func() time.Time, bulk bool) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "chartroom.db"),
		sqlite.Options{Now: now, PasswordParams: CheapPasswords, Bulk: bulk})
	if err != nil {
		t.Fatalf("opening a test database: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// Open opens a new database holding a practice with settings s (zero
// fields take their defaults) and the admin AdminUsername, and returns the
// store and the admin's context.
func Open(t testing.TB, now func() time.Time, s records.Settings) (*sqlite.Store, context.Context) {
	t.Helper()
	st := OpenEmpty(t, now, false)
	ctx := context.Background()
	if _, err := st.Initialize(ctx, records.InitInput{Settings: s, AdminUsername: AdminUsername,
		AdminName: "Ada Admin", AdminPassword: AdminPassword}); err != nil {
		t.Fatalf("initializing the test practice: %v", err)
	}
	a, err := st.SignIn(ctx, AdminUsername, AdminPassword)
	if err != nil {
		t.Fatalf("signing the test admin in: %v", err)
	}
	return st, records.WithActor(ctx, a)
}
