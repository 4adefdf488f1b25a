package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/chartroom/chartroom/records"
)

const locationColumns = "id, coalesce(parent_id, 0), name, kind, path, is_default, active"

func locationDest(l *records.Location) []any {
	return []any{&l.ID, &l.ParentID, &l.Name, &l.Kind, &l.Path, &l.Default, &l.Active}
}

// idval is id for a nullable reference column: NULL for 0 (none).
func idval(id records.ID) any {
	if id == 0 {
		return nil
	}
	return int64(id)
}

func loadLocation(ctx context.Context, tx pgx.Tx, id records.ID) (records.Location, error) {
	var l records.Location
	err := tx.QueryRow(ctx, "SELECT "+locationColumns+" FROM locations WHERE id = $1", int64(id)).Scan(locationDest(&l)...)
	if errors.Is(err, pgx.ErrNoRows) {
		return l, records.Errorf(records.ENotFound, "there is no location with id %d", id)
	}
	return l, err
}

// ListLocations returns the location tree, each place after its parent and
// siblings by name, with paths filled (clerk).
func (s *Store) ListLocations(ctx context.Context) ([]records.Location, error) {
	if _, err := records.Require(ctx, records.RoleClerk, "list locations"); err != nil {
		return nil, err
	}
	var out []records.Location
	err := s.read(ctx, "the locations", func(tx pgx.Tx) error {
		// The sort key is the names from the root down, lowered, joined by
		// a character below any in a name, so a place sorts after its
		// parent and before its parent's next sibling.
		rows, err := tx.Query(ctx, `WITH RECURSIVE tree(id, sortkey) AS (
				SELECT id, lower(name) FROM locations WHERE parent_id IS NULL
				UNION ALL
				SELECT l.id, tree.sortkey || chr(1) || lower(l.name) FROM locations l JOIN tree ON l.parent_id = tree.id)
			SELECT `+locationColumns+` FROM locations JOIN tree USING (id) ORDER BY tree.sortkey COLLATE "C", id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var l records.Location
			if err := rows.Scan(locationDest(&l)...); err != nil {
				return err
			}
			out = append(out, l)
		}
		return rows.Err()
	})
	return out, err
}

// locationsLock is the advisory lock key held while a location is saved:
// the tree's paths, its one default and its sibling names are checked and
// rewritten as a whole, one workstation at a time.
const locationsLock = 0x63687274_0005 // "chrt", 5

// SaveLocation creates (ID 0) or changes a location (supervisor). A place
// cannot move inside itself, and exactly one location is the default.
func (s *Store) SaveLocation(ctx context.Context, l records.Location) (records.Location, error) {
	a, err := records.Require(ctx, records.RoleSupervisor, "change locations")
	if err != nil {
		return records.Location{}, err
	}
	if l.ID == 0 {
		l.Active = true
	}
	if err := records.ValidateLocation(&l); err != nil {
		return records.Location{}, err
	}
	var out records.Location
	err = s.write(ctx, "the location", func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(locationsLock)); err != nil {
			return err
		}
		action := records.AuditCreate
		if l.ID != 0 {
			action = records.AuditUpdate
			old, err := loadLocation(ctx, tx, l.ID)
			if err != nil {
				return err
			}
			if old.Default && (!l.Default || !l.Active) {
				return records.Errorf(records.EConflict, "%s is where new folders are filed; make another location the default first", old.Path)
			}
		}
		if l.ParentID != 0 {
			if err := refuseCycle(ctx, tx, l); err != nil {
				return err
			}
		}
		var taken bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM locations
			WHERE parent_id IS NOT DISTINCT FROM $1 AND lower(name) = lower($2) AND id <> $3)`,
			idval(l.ParentID), l.Name, int64(l.ID)).Scan(&taken); err != nil {
			return err
		}
		if taken {
			return records.Errorf(records.EConflict, "there already is a location named %s there", l.Name)
		}
		if l.Default {
			if _, err := tx.Exec(ctx, "UPDATE locations SET is_default = false WHERE is_default AND id <> $1", int64(l.ID)); err != nil {
				return err
			}
		}
		if l.ID == 0 {
			if err := tx.QueryRow(ctx, "INSERT INTO locations (parent_id, name, kind, path, is_default, active) VALUES ($1, $2, $3, $2, $4, $5) RETURNING id",
				idval(l.ParentID), l.Name, string(l.Kind), l.Default, l.Active).Scan(&l.ID); err != nil {
				return err
			}
		} else if _, err := tx.Exec(ctx, "UPDATE locations SET parent_id = $1, name = $2, kind = $3, is_default = $4, active = $5 WHERE id = $6",
			idval(l.ParentID), l.Name, string(l.Kind), l.Default, l.Active, int64(l.ID)); err != nil {
			return err
		}
		if err := updatePaths(ctx, tx); err != nil {
			return err
		}
		var err error
		if out, err = loadLocation(ctx, tx, l.ID); err != nil {
			return err
		}
		_, err = s.appendAudit(ctx, tx, a, action, "location", l.ID, "location "+out.Path)
		return err
	})
	return out, err
}

// refuseCycle checks that l's new parent exists and is not l or inside l.
func refuseCycle(ctx context.Context, tx pgx.Tx, l records.Location) error {
	parent, err := loadLocation(ctx, tx, l.ParentID)
	if err != nil {
		return records.FieldError("Parent", "there is no location with id %d", l.ParentID)
	}
	for id, hops := parent.ID, 0; id != 0; hops++ {
		if id == l.ID || hops > 1000 {
			return records.FieldError("Parent", "%s is inside %s; a location cannot be inside itself", parent.Path, l.Name)
		}
		var up records.ID
		if err := tx.QueryRow(ctx, "SELECT coalesce(parent_id, 0) FROM locations WHERE id = $1", int64(id)).Scan(&up); err != nil {
			return fmt.Errorf("walking up from location %d: %w", id, err)
		}
		id = up
	}
	return nil
}

// updatePaths rewrites every location's "Room > Cabinet > Shelf" path; the
// tree is small, and this keeps folder lookups free of recursion.
func updatePaths(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `WITH RECURSIVE tree(id, path) AS (
			SELECT id, name FROM locations WHERE parent_id IS NULL
			UNION ALL
			SELECT l.id, tree.path || ' > ' || l.name FROM locations l JOIN tree ON l.parent_id = tree.id)
		UPDATE locations SET path = tree.path FROM tree
		WHERE tree.id = locations.id AND locations.path IS DISTINCT FROM tree.path`)
	return err
}
