package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"time"

	"github.com/chartroom/chartroom/records"
)

// BulkStats says what a bulk load wrote and where its time went.
type BulkStats struct {
	Rows          int           // rows written, all tables
	Load, Indexes time.Duration // writing rows; building the indexes after
}

// BulkTables are the tables a bulk load fills; their secondary indexes are
// dropped before the load and built again after it, which sorts each index
// once instead of inserting into it row by row. The sqlite3 tool's side of
// the benchmark (records/sqlite/sqlitebench) loads the same ones from CSV.
var BulkTables = []string{"patients", "volumes", "movements", "requests", "loose_filing", "audit"}

// bulkCacheKiB is the page cache of a bulk load (negative cache_size: KiB).
const bulkCacheKiB = 512 << 10

// BulkPragmas are the settings a bulk load runs under: no journal and no
// sync (a load that fails leaves a file to delete, not one to recover), one
// exclusive lock, a large cache, sorts in memory. The sqlite3 tool gets the
// same ones when the benchmark compares against it.
var BulkPragmas = []string{
	"PRAGMA journal_mode = OFF",
	"PRAGMA synchronous = OFF",
	"PRAGMA locking_mode = EXCLUSIVE",
	fmt.Sprintf("PRAGMA cache_size = -%d", bulkCacheKiB),
	"PRAGMA temp_store = MEMORY",
	"PRAGMA foreign_keys = OFF",
}

// BulkLoad fills the practice at path, which must have been initialised
// and must have no patients yet, with the rows fill produces. The store must
// not be open anywhere: the load takes the file for itself, writes without
// a journal, and leaves it in WAL mode, its indexes built and the audit
// checkpoint at the last event (the loader hashed every event itself, so
// start-up has nothing new to check). On failure the file is unusable and
// should be deleted.
func BulkLoad(ctx context.Context, path string, log *slog.Logger, fill records.BulkFill) (BulkStats, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var stats BulkStats
	db, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		return stats, records.Internal("could not open the database "+path, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	conn, err := db.Conn(ctx)
	if err != nil {
		return stats, mapErr(err, "open the database "+path)
	}
	defer conn.Close()
	l, err := prepareBulk(ctx, conn, path)
	if err != nil {
		return stats, err
	}
	indexes, err := dropIndexes(ctx, conn, BulkTables...)
	if err != nil {
		return stats, mapErr(err, "prepare the bulk load")
	}
	// The generator allocates a little for every value it hands over;
	// collecting less often leaves more of the second core to the writer,
	// for a heap that grows larger while the load runs.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	began := time.Now()
	err = conn.Raw(func(dc any) error { return l.run(ctx, dc, fill) })
	if err != nil {
		return stats, err
	}
	stats.Rows, stats.Load = l.rows, time.Since(began)
	log.Info("bulk load written", "rows", l.rows, "took", stats.Load)
	began = time.Now()
	for _, ix := range indexes {
		if _, err := conn.ExecContext(ctx, ix); err != nil {
			return stats, mapErr(err, "build the indexes")
		}
	}
	stats.Indexes = time.Since(began)
	log.Info("bulk load indexed", "indexes", len(indexes), "took", stats.Indexes)
	return stats, finishBulk(ctx, conn, l.chain)
}

// prepareBulk checks that path is an initialised, empty practice, switches
// the connection to the bulk pragmas and reads where the load starts.
func prepareBulk(ctx context.Context, conn *sql.Conn, path string) (*bulkLoader, error) {
	var id fileIdentity
	if err := conn.QueryRowContext(ctx, "PRAGMA application_id").Scan(&id.appID); err != nil {
		return nil, mapErr(err, "open the database "+path)
	}
	if err := conn.QueryRowContext(ctx, "PRAGMA user_version").Scan(&id.version); err != nil {
		return nil, mapErr(err, "open the database "+path)
	}
	if id.appID != ApplicationID || id.version != SchemaVersion {
		return nil, records.Errorf(records.EInvalid, "%s is not a Chartroom database of this version; create it with Chartroom first", path)
	}
	var patients int
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM patients").Scan(&patients); err != nil {
		return nil, mapErr(err, "read the database")
	}
	if patients > 0 {
		return nil, records.Errorf(records.EConflict, "%s already has patients; a bulk load needs a new practice", path)
	}
	st, err := loadSettings(ctx, conn)
	if err != nil {
		return nil, mapErr(err, "read the settings")
	}
	// Leaving WAL mode needs the WAL checkpointed and no other connection.
	for _, p := range append([]string{"PRAGMA journal_mode = DELETE"}, BulkPragmas...) {
		if _, err := conn.ExecContext(ctx, p); err != nil {
			return nil, mapErr(err, "prepare the bulk load")
		}
	}
	l := &bulkLoader{settings: st, today: records.DateOf(time.Now())}
	err = conn.QueryRowContext(ctx, `SELECT (SELECT coalesce(max(id), 0) + 1 FROM patients), (SELECT coalesce(max(id), 0) + 1 FROM volumes),
		(SELECT coalesce(max(id), 0) + 1 FROM movements), (SELECT coalesce(max(id), 0) + 1 FROM requests),
		(SELECT coalesce(max(id), 0) + 1 FROM loose_filing)`).
		Scan(&l.start.Patient, &l.start.Volume, &l.start.Movement, &l.start.Request, &l.start.LooseFiling)
	if err != nil {
		return nil, mapErr(err, "read the database")
	}
	err = conn.QueryRowContext(ctx, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").Scan(&l.chain.id, &l.chain.hash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, mapErr(err, "read the audit log")
	}
	return l, nil
}

// dropIndexes drops the secondary indexes of tables and returns the
// statements that build them again, exactly as the migrations made them
// (UNIQUE constraints' own indexes stay: they are the constraint).
func dropIndexes(ctx context.Context, q querier, tables ...string) ([]string, error) {
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(tables)), ", ")
	args := make([]any, len(tables))
	for i, t := range tables {
		args[i] = t
	}
	rows, err := q.QueryContext(ctx, `SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL
		AND tbl_name IN (`+marks+`) ORDER BY rowid`, args...)
	if err != nil {
		return nil, err
	}
	var names, ddl []string
	for rows.Next() {
		var name, sql string
		if err := rows.Scan(&name, &sql); err != nil {
			rows.Close()
			return nil, err
		}
		names, ddl = append(names, name), append(ddl, sql)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, n := range names {
		if _, err := q.ExecContext(ctx, `DROP INDEX "`+n+`"`); err != nil {
			return nil, err
		}
	}
	return ddl, nil
}

// finishBulk moves the audit checkpoint to the last event and puts the file
// back in WAL mode (synchronous is per connection: the store's own
// connections use FULL again).
func finishBulk(ctx context.Context, conn *sql.Conn, end checkpoint) error {
	if end.id > 0 {
		_, err := conn.ExecContext(ctx, `INSERT INTO audit_checkpoint (id, event_id, hash, at) VALUES (1, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET event_id = excluded.event_id, hash = excluded.hash, at = excluded.at`,
			int64(end.id), end.hash, tval(time.Now().Truncate(time.Microsecond)))
		if err != nil {
			return mapErr(err, "record the audit check")
		}
	}
	for _, p := range []string{"PRAGMA locking_mode = NORMAL", "PRAGMA journal_mode = WAL"} {
		if _, err := conn.ExecContext(ctx, p); err != nil {
			return mapErr(err, "finish the bulk load")
		}
	}
	return nil
}

// execer is what the loader needs of the driver's connection.
type execer interface {
	driver.ConnPrepareContext
	driver.ExecerContext
}
