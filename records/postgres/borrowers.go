package postgres

import (
	"context"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/chartroom/chartroom/records"
)

const borrowerColumns = "id, name, kind, phone, room, address, loan_days, coalesce(badge, ''), active"

func borrowerDest(b *records.Borrower) []any {
	return []any{&b.ID, &b.Name, &b.Kind, &b.Phone, &b.Room, &b.Address, &b.LoanDays, &b.Badge, &b.Active}
}

func queryBorrowers(ctx context.Context, tx pgx.Tx, query string, args ...any) ([]records.Borrower, error) {
	rows, err := tx.Query(ctx, query, args...)
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

// ListBorrowers returns borrowers by name, whatever its case (clerk: the
// check-out desk picks from them).
func (s *Store) ListBorrowers(ctx context.Context, includeInactive bool) ([]records.Borrower, error) {
	if _, err := records.Require(ctx, records.RoleClerk, "list borrowers"); err != nil {
		return nil, err
	}
	q := "SELECT " + borrowerColumns + " FROM borrowers"
	if !includeInactive {
		q += " WHERE active"
	}
	q += ` ORDER BY lower(name) COLLATE "C", id`
	var out []records.Borrower
	err := s.read(ctx, "the borrowers", func(tx pgx.Tx) error {
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
	err := s.read(ctx, "the borrower", func(tx pgx.Tx) error {
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
	err := s.read(ctx, "the borrower", func(tx pgx.Tx) error {
		var err error
		b, err = findBorrower(ctx, tx, badgeOrName)
		return err
	})
	return b, err
}

func findBorrower(ctx context.Context, tx pgx.Tx, badgeOrName string) (records.Borrower, error) {
	in := strings.TrimSpace(badgeOrName)
	if in == "" {
		return records.Borrower{}, records.FieldError("Borrower", "is required")
	}
	if badge, err := records.NormalizeScan(in); err == nil {
		found, err := queryBorrowers(ctx, tx, "SELECT "+borrowerColumns+" FROM borrowers WHERE badge = $1", badge)
		if err != nil {
			return records.Borrower{}, err
		}
		if len(found) == 1 {
			return found[0], nil
		}
	}
	found, err := queryBorrowers(ctx, tx, "SELECT "+borrowerColumns+" FROM borrowers WHERE lower(name) = lower($1)", in)
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
	var out records.Borrower
	err = s.write(ctx, "the borrower", func(tx pgx.Tx) error {
		var err error
		action := records.AuditCreate
		if b.ID == 0 {
			b.ID, err = insertBorrower(ctx, tx, b)
		} else {
			action = records.AuditUpdate
			// The row lock makes a check-out to this borrower on another
			// workstation wait, so none slips in after the count below.
			if err := tx.QueryRow(ctx, "SELECT id FROM borrowers WHERE id = $1 FOR UPDATE", int64(b.ID)).Scan(new(int64)); errors.Is(err, pgx.ErrNoRows) {
				return records.Errorf(records.ENotFound, "there is no borrower with id %d", b.ID)
			} else if err != nil {
				return err
			}
			if !b.Active {
				var out int
				if err := tx.QueryRow(ctx, "SELECT count(*) FROM volumes WHERE borrower_id = $1", int64(b.ID)).Scan(&out); err != nil {
					return err
				}
				if out > 0 {
					return records.Errorf(records.EConflict, "%s still has %d folder(s) out; check them in before making the borrower inactive", b.Name, out)
				}
			}
			_, err = tx.Exec(ctx, `UPDATE borrowers SET name = $1, kind = $2, phone = $3, room = $4, address = $5, loan_days = $6,
				badge = $7, active = $8 WHERE id = $9`, b.Name, string(b.Kind), b.Phone, b.Room, b.Address, b.LoanDays, badgeval(b.Badge), b.Active, int64(b.ID))
		}
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "23505" {
			if pgErr.ConstraintName == "borrowers_badge_key" {
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
		_, err = s.appendAudit(ctx, tx, a, action, "borrower", b.ID, "borrower "+b.Name+" ("+string(b.Kind)+")")
		return err
	})
	return out, err
}

// badgeval is a badge for its nullable column: NULL when there is none, so
// that any number of borrowers may have no badge.
func badgeval(badge string) any {
	if badge == "" {
		return nil
	}
	return badge
}

// insertBorrower writes a new, validated borrower and returns its id.
func insertBorrower(ctx context.Context, tx pgx.Tx, b records.Borrower) (records.ID, error) {
	var id records.ID
	err := tx.QueryRow(ctx, `INSERT INTO borrowers (name, kind, phone, room, address, loan_days, badge, active)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		b.Name, string(b.Kind), b.Phone, b.Room, b.Address, b.LoanDays, badgeval(b.Badge), b.Active).Scan(&id)
	return id, err
}

func loadBorrower(ctx context.Context, tx pgx.Tx, id records.ID) (records.Borrower, error) {
	var b records.Borrower
	err := tx.QueryRow(ctx, "SELECT "+borrowerColumns+" FROM borrowers WHERE id = $1", int64(id)).Scan(borrowerDest(&b)...)
	if errors.Is(err, pgx.ErrNoRows) {
		return b, records.Errorf(records.ENotFound, "there is no borrower with id %d", id)
	}
	return b, err
}
