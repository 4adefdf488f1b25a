package postgres

import (
	"context"

	"github.com/chartroom/chartroom/records"
)

// checkSchema refuses, before anything is created, a database that is not
// Chartroom's: one holding other tables (a wrong database name would
// otherwise get Chartroom's tables among its own), and, when existing is
// set, an empty one (a command or workstation meant for a set-up practice
// must not set up a new one by mistake).
func (s *Store) checkSchema(ctx context.Context, host, db string, existing bool) error {
	var ours bool
	var others int
	err := s.pool.QueryRow(ctx, `SELECT to_regclass('schema_version') IS NOT NULL,
		(SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema())`).Scan(&ours, &others)
	if err != nil {
		return records.Internal("cannot read the database's tables", err)
	}
	switch {
	case ours:
		return nil
	case others > 0:
		return records.Errorf(records.EConflict,
			"the database %s on %s holds %d tables that are not Chartroom's; name the database the practice's IT created for Chartroom", db, host, others)
	case existing:
		return records.Errorf(records.ENotFound,
			"the database %s on %s has no Chartroom practice yet; set it up once, from one PC, with 'chartroom init --db postgres://... --admin NAME'", db, host)
	}
	return nil
}
