package sqlite

import (
	"context"
	"database/sql"
)

// An import that at least doubles a practice writes its rows faster with
// the secondary indexes of the tables it fills dropped and built again
// after, inside the same transaction (so a failed or dry run leaves them
// as they were): sorting each index once beats inserting every row into
// it at a random place (pprof: b-tree descents and page splits were most
// of a 100,000-row import into a new practice). Below that, maintaining the
// indexes costs less than rebuilding them over the rows already there.

// rebuildIndexesFrom is the smallest import that rebuilds the indexes.
const rebuildIndexesFrom = 10_000

// importTables are the tables an import of new patients fills.
var importTables = []string{"patients", "volumes", "movements"}

// patientCount is how many patients the practice has.
func patientCount(ctx context.Context, tx *sql.Tx) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, "SELECT count(*) FROM patients").Scan(&n)
	return n, err
}

// suspendIndexes drops the secondary indexes of the import's tables and
// returns what builds them again.
func suspendIndexes(ctx context.Context, tx *sql.Tx) (rebuild func() error, err error) {
	ddl, err := dropIndexes(ctx, tx, importTables...)
	if err != nil {
		return nil, err
	}
	return func() error {
		for _, ix := range ddl {
			if _, err := tx.ExecContext(ctx, ix); err != nil {
				return err
			}
		}
		return nil
	}, nil
}
