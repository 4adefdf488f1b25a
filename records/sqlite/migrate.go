package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/chartroom/chartroom/records"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// SchemaVersion is the newest migration number; PRAGMA user_version holds
// the number of the last migration applied to a file.
const SchemaVersion = 10

// migration is one numbered schema step.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the embedded migrations in order. Their numbers must
// run 1, 2, 3... with no gap, and the last must be SchemaVersion.
func migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration file %s is not named NNNN_name.sql", e.Name())
		}
		body, err := migrationFiles.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s is out of sequence: expected number %d", m.name, i+1)
		}
	}
	if len(ms) != SchemaVersion {
		return nil, fmt.Errorf("there are %d migrations but SchemaVersion is %d", len(ms), SchemaVersion)
	}
	return ms, nil
}

// migrate checks that the file is a Chartroom database (or a new, empty
// one), switches it to WAL and applies the missing migrations.
func (s *Store) migrate(ctx context.Context) error {
	return migrateTo(ctx, s.w, s.path, SchemaVersion)
}

// migrateTo applies migrations 1..target that db lacks, each in its own
// IMMEDIATE transaction that re-reads user_version, so two processes opening
// an old file at once apply each step exactly once.
func migrateTo(ctx context.Context, db *sql.DB, path string, target int) error {
	if err := checkIdentity(ctx, db, path); err != nil {
		return err
	}
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode=WAL").Scan(&mode); err != nil {
		return mapErr(err, "open the database "+path)
	}
	ms, err := migrations()
	if err != nil {
		return records.Internal("the program's schema migrations are broken", err)
	}
	for _, m := range ms[:target] {
		if err := applyMigration(ctx, db, m); err != nil {
			return err
		}
	}
	return nil
}

func applyMigration(ctx context.Context, db *sql.DB, m migration) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return mapErr(err, "upgrade the database")
	}
	defer tx.Rollback()
	var v int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return mapErr(err, "upgrade the database")
	}
	if v >= m.version {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return records.Internal("could not upgrade the database (step "+m.name+")", err)
	}
	if step, ok := migrationSteps[m.version]; ok {
		if err := step(ctx, tx); err != nil {
			return records.Internal("could not upgrade the database (step "+m.name+")", err)
		}
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.version)); err != nil {
		return mapErr(err, "upgrade the database")
	}
	if err := tx.Commit(); err != nil {
		return mapErr(err, "upgrade the database")
	}
	return nil
}

// migrationSteps are Go steps that run in a migration's transaction after
// its SQL: what SQL alone cannot do (hashing).
var migrationSteps = map[int]func(ctx context.Context, tx *sql.Tx) error{
	5: sealExisting,
}

// fileIdentity is what a SQLite file says about itself.
type fileIdentity struct {
	appID, version, objects int
}

func readIdentity(ctx context.Context, db *sql.DB) (fileIdentity, error) {
	var id fileIdentity
	if err := db.QueryRowContext(ctx, "PRAGMA application_id").Scan(&id.appID); err != nil {
		return id, err
	}
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&id.version); err != nil {
		return id, err
	}
	err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&id.objects)
	return id, err
}

// checkIdentity refuses another program's database and one made by a newer
// Chartroom; an empty database is fine (migration 1 marks it).
func checkIdentity(ctx context.Context, db *sql.DB, path string) error {
	id, err := readIdentity(ctx, db)
	if err != nil {
		if code, ok := sqliteCode(err); ok && code&0xff == sqliteNotADB {
			return records.Errorf(records.EInvalid, "%s is not a Chartroom database (it is not a SQLite file)", path)
		}
		return mapErr(err, "open the database "+path)
	}
	return identityProblem(id, path)
}

func identityProblem(id fileIdentity, path string) error {
	if id.appID != ApplicationID && (id.appID != 0 || id.version != 0 || id.objects != 0) {
		return records.Errorf(records.EInvalid, "%s is not a Chartroom database (it belongs to another program)", path)
	}
	if id.version > SchemaVersion {
		return records.Errorf(records.EConflict, "%s was made by a newer version of Chartroom (schema %d; this one knows %d); update Chartroom", path, id.version, SchemaVersion)
	}
	return nil
}
