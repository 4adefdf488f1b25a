package sqlite

import (
	"context"
	"database/sql"

	"github.com/chartroom/chartroom/records"
)

const locationColumns = "id, parent_id, name, kind, path, is_default, active"

func locationDest(l *records.Location) []any {
	return []any{&l.ID, idCol{&l.ParentID}, &l.Name, &l.Kind, &l.Path, boolCol{&l.Default}, boolCol{&l.Active}}
}

func loadLocation(ctx context.Context, q querier, id records.ID) (records.Location, error) {
	var l records.Location
	err := q.QueryRowContext(ctx, "SELECT "+locationColumns+" FROM locations WHERE id = ?", int64(id)).Scan(locationDest(&l)...)
	if err == sql.ErrNoRows {
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
	err := s.read(ctx, "list locations", func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `WITH RECURSIVE tree(id, sortkey) AS (
				SELECT id, lower(name) FROM locations WHERE parent_id IS NULL
				UNION ALL
				SELECT l.id, tree.sortkey || char(1) || lower(l.name) FROM locations l JOIN tree ON l.parent_id = tree.id)
			SELECT `+locationColumns+` FROM locations JOIN tree USING (id) ORDER BY tree.sortkey, id`)
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
	err = s.write(ctx, "save the location", func(tx *sql.Tx) error {
		action := records.AuditCreate
		var old records.Location
		if l.ID != 0 {
			action = records.AuditUpdate
			var err error
			if old, err = loadLocation(ctx, tx, l.ID); err != nil {
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
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM locations WHERE parent_id IS ? AND name = ? COLLATE NOCASE AND id <> ?",
			idval(l.ParentID), l.Name, int64(l.ID)).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return records.Errorf(records.EConflict, "there already is a location named %s there", l.Name)
		}
		if l.Default {
			if _, err := tx.ExecContext(ctx, "UPDATE locations SET is_default = 0 WHERE is_default = 1 AND id <> ?", int64(l.ID)); err != nil {
				return err
			}
		}
		if l.ID == 0 {
			res, err := tx.ExecContext(ctx, "INSERT INTO locations (parent_id, name, kind, path, is_default, active) VALUES (?, ?, ?, ?, ?, ?)",
				idval(l.ParentID), l.Name, string(l.Kind), l.Name, bval(l.Default), bval(l.Active))
			if err != nil {
				return err
			}
			id, _ := res.LastInsertId()
			l.ID = records.ID(id)
		} else if _, err := tx.ExecContext(ctx, "UPDATE locations SET parent_id = ?, name = ?, kind = ?, is_default = ?, active = ? WHERE id = ?",
			idval(l.ParentID), l.Name, string(l.Kind), bval(l.Default), bval(l.Active), int64(l.ID)); err != nil {
			return err
		}
		if err := updatePaths(ctx, tx); err != nil {
			return err
		}
		var err error
		if out, err = loadLocation(ctx, tx, l.ID); err != nil {
			return err
		}
		return s.auditor(tx, a).add(ctx, action, "location", l.ID, "location %s", out.Path)
	})
	return out, err
}

// refuseCycle checks that l's new parent exists and is not l or inside l.
func refuseCycle(ctx context.Context, tx *sql.Tx, l records.Location) error {
	parent, err := loadLocation(ctx, tx, l.ParentID)
	if err != nil {
		return records.FieldError("Parent", "there is no location with id %d", l.ParentID)
	}
	for id, hops := parent.ID, 0; id != 0; hops++ {
		if id == l.ID || hops > 1000 {
			return records.FieldError("Parent", "%s is inside %s; a location cannot be inside itself", parent.Path, l.Name)
		}
		var up records.ID
		if err := tx.QueryRowContext(ctx, "SELECT parent_id FROM locations WHERE id = ?", int64(id)).Scan(idCol{&up}); err != nil {
			return err
		}
		id = up
	}
	return nil
}

// updatePaths rewrites every location's "Room > Cabinet > Shelf" path; the
// tree is small, and this keeps folder lookups free of recursion.
func updatePaths(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `WITH RECURSIVE tree(id, path) AS (
			SELECT id, name FROM locations WHERE parent_id IS NULL
			UNION ALL
			SELECT l.id, tree.path || ' > ' || l.name FROM locations l JOIN tree ON l.parent_id = tree.id)
		UPDATE locations SET path = (SELECT path FROM tree WHERE tree.id = locations.id)
		WHERE path IS NOT (SELECT path FROM tree WHERE tree.id = locations.id)`)
	return err
}
