package postgres

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/chartroom/chartroom/records"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one numbered step of the schema.
type migration struct {
	version int
	name    string
	sql     string
}

// migrationLock is the advisory lock key held while migrating, so that
// workstations starting together migrate one after another: the second
// finds the work done.
const migrationLock = 0x63687274_0001 // "chrt", 1

// migrations reads the embedded steps in version order; a file's name
// starts with its version: 0001_audit.sql, and the versions run 1, 2, 3...
// without a gap, so a step lost from the build is caught here.
func migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, name := range names {
		prefix, _, _ := strings.Cut(path.Base(name), "_")
		v, err := strconv.Atoi(prefix)
		if err != nil {
			return nil, fmt.Errorf("migration %s: the name does not start with its number", name)
		}
		b, err := migrationFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: path.Base(name), sql: string(b)})
	}
	slices.SortFunc(out, func(a, b migration) int { return a.version - b.version })
	for i, m := range out {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: the steps are not numbered 1, 2, 3... without a gap (step %d expected)", m.name, i+1)
		}
	}
	return out, nil
}

// migrate applies the steps the database lacks, each in its own
// transaction with its version row, under migrationLock. A database from a
// newer Chartroom is refused rather than written by an older one.
func (s *Store) migrate(ctx context.Context) error {
	steps, err := migrations()
	if err != nil {
		return records.Internal("this program's schema steps are damaged", err)
	}
	return s.migrateSteps(ctx, steps)
}

// migrateSteps is migrate with the steps given.
func (s *Store) migrateSteps(ctx context.Context, steps []migration) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return records.Internal("cannot reach the practice server", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", int64(migrationLock)); err != nil {
		return records.Internal("cannot lock the database schema", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", int64(migrationLock))
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		version    integer     PRIMARY KEY,
		name       text        NOT NULL,
		applied_at timestamptz NOT NULL)`); err != nil {
		return records.Internal("cannot create the schema version table (does the database role own the database?)", err)
	}
	rows, err := conn.Query(ctx, "SELECT version FROM schema_version ORDER BY version")
	if err != nil {
		return records.Internal("cannot read the schema version", err)
	}
	applied, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		return records.Internal("cannot read the schema version", err)
	}
	for _, v := range applied {
		if !slices.ContainsFunc(steps, func(m migration) bool { return m.version == v }) {
			return records.Errorf(records.EConflict,
				"the database was made by a newer Chartroom (it has schema step %d, which this one does not know): install that version on this PC", v)
		}
	}
	for _, m := range steps {
		if slices.Contains(applied, m.version) {
			continue
		}
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, "INSERT INTO schema_version (version, name, applied_at) VALUES ($1, $2, $3)", m.version, m.name, s.now())
			return err
		})
		if err != nil {
			return records.Internal("updating the database schema ("+m.name+") failed; nothing of that step was kept", err)
		}
		s.log.Info("database schema updated", "step", m.name)
	}
	return nil
}
