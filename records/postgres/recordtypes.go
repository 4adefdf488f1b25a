package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/chartroom/chartroom/records"
)

const recordTypeColumns = "id, name, code, loan_days, color, is_default, active, billing_only"

func recordTypeDest(rt *records.RecordType) []any {
	return []any{&rt.ID, &rt.Name, &rt.Code, &rt.LoanDays, &rt.Color, &rt.Default, &rt.Active, &rt.BillingOnly}
}

func loadRecordType(ctx context.Context, tx pgx.Tx, id records.ID) (records.RecordType, error) {
	var rt records.RecordType
	err := tx.QueryRow(ctx, "SELECT "+recordTypeColumns+" FROM record_types WHERE id = $1", int64(id)).Scan(recordTypeDest(&rt)...)
	if errors.Is(err, pgx.ErrNoRows) {
		return rt, records.Errorf(records.ENotFound, "there is no record type with id %d", id)
	}
	return rt, err
}

// ListRecordTypes returns the record types by name, whatever its case
// (clerk).
func (s *Store) ListRecordTypes(ctx context.Context) ([]records.RecordType, error) {
	if _, err := records.Require(ctx, records.RoleClerk, "list record types"); err != nil {
		return nil, err
	}
	var out []records.RecordType
	err := s.read(ctx, "the record types", func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, "SELECT "+recordTypeColumns+" FROM record_types ORDER BY lower(name) COLLATE \"C\", id")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var rt records.RecordType
			if err := rows.Scan(recordTypeDest(&rt)...); err != nil {
				return err
			}
			out = append(out, rt)
		}
		return rows.Err()
	})
	return out, err
}

// recordTypesLock is the advisory lock key held while a record type is
// saved, so that exactly one type stays the default with several
// workstations saving at once.
const recordTypesLock = 0x63687274_0006 // "chrt", 6

// SaveRecordType creates (ID 0) or changes a record type (supervisor);
// exactly one type is the default.
func (s *Store) SaveRecordType(ctx context.Context, rt records.RecordType) (records.RecordType, error) {
	a, err := records.Require(ctx, records.RoleSupervisor, "change record types")
	if err != nil {
		return records.RecordType{}, err
	}
	if rt.ID == 0 {
		rt.Active = true
	}
	if err := records.ValidateRecordType(&rt); err != nil {
		return records.RecordType{}, err
	}
	var out records.RecordType
	err = s.write(ctx, "the record type", func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(recordTypesLock)); err != nil {
			return err
		}
		action := records.AuditCreate
		if rt.ID != 0 {
			action = records.AuditUpdate
			old, err := loadRecordType(ctx, tx, rt.ID)
			if err != nil {
				return err
			}
			if old.Default && (!rt.Default || !rt.Active) {
				return records.Errorf(records.EConflict, "%s is the type new patients' first folder gets; make another type the default first", old.Name)
			}
		}
		var taken bool
		if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM record_types WHERE lower(name) = lower($1) AND id <> $2)",
			rt.Name, int64(rt.ID)).Scan(&taken); err != nil {
			return err
		}
		if taken {
			return records.Errorf(records.EConflict, "a record type named %s already exists", rt.Name)
		}
		if rt.Default {
			if _, err := tx.Exec(ctx, "UPDATE record_types SET is_default = false WHERE is_default AND id <> $1", int64(rt.ID)); err != nil {
				return err
			}
		}
		if rt.ID == 0 {
			if err := tx.QueryRow(ctx, `INSERT INTO record_types (name, code, loan_days, color, is_default, active, billing_only)
				VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
				rt.Name, rt.Code, rt.LoanDays, rt.Color, rt.Default, rt.Active, rt.BillingOnly).Scan(&rt.ID); err != nil {
				return err
			}
		} else if _, err := tx.Exec(ctx, `UPDATE record_types SET name = $1, code = $2, loan_days = $3, color = $4, is_default = $5,
			active = $6, billing_only = $7 WHERE id = $8`,
			rt.Name, rt.Code, rt.LoanDays, rt.Color, rt.Default, rt.Active, rt.BillingOnly, int64(rt.ID)); err != nil {
			return err
		}
		var err error
		if out, err = loadRecordType(ctx, tx, rt.ID); err != nil {
			return err
		}
		billing := ""
		if rt.BillingOnly {
			billing = ", billing only"
		}
		_, err = s.appendAudit(ctx, tx, a, action, "record-type", rt.ID, fmt.Sprintf("record type %s (%s, %d days%s)", rt.Name, rt.Code, rt.LoanDays, billing))
		return err
	})
	return out, err
}
