package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"github.com/chartroom/chartroom/records"
)

const borrowerColumns = "id, name, kind, phone, room, address, loan_days, coalesce(badge, ''), active"

func borrowerDest(b *records.Borrower) []any {
	return []any{&b.ID, &b.Name, &b.Kind, &b.Phone, &b.Room, &b.Address, &b.LoanDays, &b.Badge, boolCol{&b.Active}}
}

func queryBorrowers(ctx context.Context, q querier, query string, args ...any) ([]records.Borrower, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []records.Borrower
	for rows.Next() {
		var b records.Borrower
		if err := rows.Scan(borrowerDest(&b)...); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// ListBorrowers returns borrowers by name (clerk: the check-out desk picks
// from them).
func (s *Store) ListBorrowers(ctx context.Context, includeInactive bool) ([]records.Borrower, error) {
	if _, err := records.Require(ctx, records.RoleClerk, "list borrowers"); err != nil {
		return nil, err
	}
	q := "SELECT " + borrowerColumns + " FROM borrowers"
	if !includeInactive {
		q += " WHERE active = 1"
	}
	q += " ORDER BY name COLLATE NOCASE"
	var out []records.Borrower
	err := s.read(ctx, "list borrowers", func(tx *sql.Tx) error {
		var err error
		out, err = queryBorrowers(ctx, tx, q)
		return err
	})
	return out, err
}

// Borrower returns one borrower.
func (s *Store) Borrower(ctx context.Context, id records.ID) (records.Borrower, error) {
	if _, err := records.Require(ctx, records.RoleClerk, "look up borrowers"); err != nil {
		return records.Borrower{}, err
	}
	var b records.Borrower
	err := s.read(ctx, "find the borrower", func(tx *sql.Tx) error {
		var err error
		b, err = loadBorrower(ctx, tx, id)
		return err
	})
	return b, err
}

// FindBorrower finds a borrower by badge code, else by exact name
// (case-insensitive).
func (s *Store) FindBorrower(ctx context.Context, badgeOrName string) (records.Borrower, error) {
	if _, err := records.Require(ctx, records.RoleClerk, "look up borrowers"); err != nil {
		return records.Borrower{}, err
	}
	var b records.Borrower
	err := s.read(ctx, "find the borrower", func(tx *sql.Tx) error {
		var err error
		b, err = findBorrower(ctx, tx, badgeOrName)
		return err
	})
	return b, err
}

func findBorrower(ctx context.Context, q querier, badgeOrName string) (records.Borrower, error) {
	in := strings.TrimSpace(badgeOrName)
	if in == "" {
		return records.Borrower{}, records.FieldError("Borrower", "is required")
	}
	if badge, err := records.NormalizeScan(in); err == nil {
		found, err := queryBorrowers(ctx, q, "SELECT "+borrowerColumns+" FROM borrowers WHERE badge = ?", badge)
		if err != nil {
			return records.Borrower{}, err
		}
		if len(found) == 1 {
			return found[0], nil
		}
	}
	found, err := queryBorrowers(ctx, q, "SELECT "+borrowerColumns+" FROM borrowers WHERE name = ? COLLATE NOCASE", in)
	if err != nil {
		return records.Borrower{}, err
	}
	if len(found) == 0 {
		return records.Borrower{}, records.Errorf(records.ENotFound, "no borrower has the badge or name %q", in)
	}
	return found[0], nil
}

// SaveBorrower creates (ID 0) or changes a borrower (supervisor or admin).
func (s *Store) SaveBorrower(ctx context.Context, b records.Borrower) (records.Borrower, error) {
	a, err := records.Require(ctx, records.RoleSupervisor, "change borrowers")
	if err != nil {
		return records.Borrower{}, err
	}
	if b.ID == 0 {
		b.Active = true
	}
	if err := records.ValidateBorrower(&b); err != nil {
		return records.Borrower{}, err
	}
	badge := any(nil)
	if b.Badge != "" {
		badge = b.Badge
	}
	var out records.Borrower
	err = s.write(ctx, "save the borrower", func(tx *sql.Tx) error {
		var err error
		action := records.AuditCreate
		if b.ID == 0 {
			b.ID, err = insertBorrower(ctx, tx, b)
		} else {
			action = records.AuditUpdate
			if _, err := loadBorrower(ctx, tx, b.ID); err != nil {
				return err
			}
			if !b.Active {
				var out int
				if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM volumes WHERE borrower_id = ?", int64(b.ID)).Scan(&out); err != nil {
					return err
				}
				if out > 0 {
					return records.Errorf(records.EConflict, "%s still has %d folder(s) out; check them in before making the borrower inactive", b.Name, out)
				}
			}
			_, err = tx.ExecContext(ctx, `UPDATE borrowers SET name = ?, kind = ?, phone = ?, room = ?, address = ?, loan_days = ?,
				badge = ?, active = ? WHERE id = ?`, b.Name, string(b.Kind), b.Phone, b.Room, b.Address, b.LoanDays, badge, bval(b.Active), int64(b.ID))
		}
		if col, ok := uniqueViolation(err); ok {
			if col == "borrowers.badge" {
				return records.Errorf(records.EConflict, "another borrower already has the badge %s", b.Badge)
			}
			return records.Errorf(records.EConflict, "a borrower named %s already exists", b.Name)
		}
		if err != nil {
			return err
		}
		if out, err = loadBorrower(ctx, tx, b.ID); err != nil {
			return err
		}
		return s.auditor(tx, a).add(ctx, action, "borrower", b.ID, "borrower %s (%s)", b.Name, b.Kind)
	})
	return out, err
}

// insertBorrower writes a new, validated borrower and returns its id.
func insertBorrower(ctx context.Context, tx *sql.Tx, b records.Borrower) (records.ID, error) {
	badge := any(nil)
	if b.Badge != "" {
		badge = b.Badge
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO borrowers (name, kind, phone, room, address, loan_days, badge, active)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, b.Name, string(b.Kind), b.Phone, b.Room, b.Address, b.LoanDays, badge, bval(b.Active))
	if err != nil {
		return 0, err
	}
	id, err := res.LastInsertId()
	return records.ID(id), err
}

func loadBorrower(ctx context.Context, q querier, id records.ID) (records.Borrower, error) {
	var b records.Borrower
	err := q.QueryRowContext(ctx, "SELECT "+borrowerColumns+" FROM borrowers WHERE id = ?", int64(id)).Scan(borrowerDest(&b)...)
	if err == sql.ErrNoRows {
		return b, records.Errorf(records.ENotFound, "there is no borrower with id %d", id)
	}
	return b, err
}
