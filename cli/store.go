package cli

import (
	"context"
	"log/slog"
	"slices"
	"time"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/postgres"
	"github.com/chartroom/chartroom/records/sqlite"
)

// store is an open practice database as the command line and the desktop
// app hold it, a file on this computer or the practice's PostgreSQL server
// alike: the records services, the copy of a whole practice (migrate), and
// Close.
type store interface {
	records.Service
	records.TableCopier
	Close() error
}

// The stores the command line and the app open.
var (
	_ store = (*sqlite.Store)(nil)
	_ store = (*postgres.Store)(nil)
)

// isServerAddress reports whether loc names a PostgreSQL server
// (postgres://... or postgresql://...) rather than a database file.
func isServerAddress(loc string) bool {
	scheme, ok := addressScheme(loc)
	return ok && slices.Contains(servedDBSchemes, scheme)
}

// openOptions say how a database is opened.
type openOptions struct {
	log *slog.Logger
	now func() time.Time
	// bulk opens a file for the demo's bulk writing (files only).
	bulk bool
	// existing refuses a server database that Chartroom has not set up;
	// a file's existence is checked by the caller.
	existing bool
	// password, when set, is tried instead of PGPASSWORD or the pgpass
	// file (the app's connect form, before the password is saved).
	password string
}

// openDB opens the database at loc: a file (created when missing) or a
// PostgreSQL server's database.
func openDB(ctx context.Context, loc string, o openOptions) (store, error) {
	if isServerAddress(loc) {
		o.log.Debug("connecting to the practice server", "address", loc, "existing", o.existing)
		st, err := postgres.Open(ctx, loc, postgres.Options{
			Now: o.now, Logger: o.log, PasswordParams: passwordParams, Existing: o.existing, Password: o.password,
		})
		if err != nil {
			return nil, err
		}
		return st, nil
	}
	o.log.Debug("opening database", "path", loc, "bulk", o.bulk)
	st, err := sqlite.Open(ctx, loc, sqlite.Options{Now: o.now, Logger: o.log, PasswordParams: passwordParams, Bulk: o.bulk})
	if err != nil {
		return nil, err
	}
	return st, nil
}

// errRestoreOnServer refuses restoring a backup over the practice server's
// database the app works on: a server's backup goes into a new, empty
// database, which the practice's IT creates first.
func errRestoreOnServer() error {
	return records.Errorf(records.EInvalid,
		"a backup is never restored over a practice server's records; the practice's IT creates a new, empty database and restores into it with chartroom restore --db postgres://... FILE (see the README's section on several workstations)")
}

// anotherDatabase tells how to name another database than loc.
func anotherDatabase(loc string) string {
	if isServerAddress(loc) {
		return "name another database, empty, that the practice's IT created, with --db postgres://..."
	}
	return "name another file with --db"
}

// howToCreate tells how a practice is created in the database at loc.
func howToCreate(loc string) string {
	if isServerAddress(loc) {
		return "'chartroom init --db " + loc + " --admin NAME', from one PC"
	}
	return "'chartroom init --admin NAME' or 'chartroom demo'"
}
