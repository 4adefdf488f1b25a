package sqlite

import (
	"context"
	"database/sql"

	"github.com/chartroom/chartroom/records"
)

func recordTypeDest(rt *records.RecordType) []any {
	return []any{&rt.ID, &rt.Name, &rt.Code, &rt.LoanDays, &rt.Color, boolCol{&rt.Default}, boolCol{&rt.Active}, boolCol{&rt.BillingOnly}}
}

func loadRecordType(ctx context.Context, q querier, id records.ID) (records.RecordType, error) {
	var rt records.RecordType
	err := q.QueryRowContext(ctx, "SELECT "+recordTypeColumns+" FROM record_types WHERE id = ?", int64(id)).Scan(recordTypeDest(&rt)...)
	if err == sql.ErrNoRows {
		return rt, records.Errorf(records.ENotFound, "there is no record type with id %d", id)
	}
	return rt, err
}

// ListRecordTypes returns the record types by name (clerk).
func (s *Store) ListRecordTypes(ctx context.Context) ([]records.RecordType, error) {
	if _, err := records.Require(ctx, records.RoleClerk, "list record types"); err != nil {
		return nil, err
	}
	var out []records.RecordType
	err := s.read(ctx, "list record types", func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, "SELECT "+recordTypeColumns+" FROM record_types ORDER BY name")
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
	err = s.write(ctx, "save the record type", func(tx *sql.Tx) error {
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
		if rt.Default {
			if _, err := tx.ExecContext(ctx, "UPDATE record_types SET is_default = 0 WHERE is_default = 1 AND id <> ?", int64(rt.ID)); err != nil {
				return err
			}
		}
		var err error
		if rt.ID == 0 {
			var res sql.Result
			res, err = tx.ExecContext(ctx, "INSERT INTO record_types (name, code, loan_days, color, is_default, active, billing_only) VALUES (?, ?, ?, ?, ?, ?, ?)",
				rt.Name, rt.Code, rt.LoanDays, rt.Color, bval(rt.Default), bval(rt.Active), bval(rt.BillingOnly))
			if err == nil {
				id, _ := res.LastInsertId()
				rt.ID = records.ID(id)
			}
		} else {
			_, err = tx.ExecContext(ctx, "UPDATE record_types SET name = ?, code = ?, loan_days = ?, color = ?, is_default = ?, active = ?, billing_only = ? WHERE id = ?",
				rt.Name, rt.Code, rt.LoanDays, rt.Color, bval(rt.Default), bval(rt.Active), bval(rt.BillingOnly), int64(rt.ID))
		}
		if _, ok := uniqueViolation(err); ok {
			return records.Errorf(records.EConflict, "a record type named %s already exists", rt.Name)
		}
		if err != nil {
			return err
		}
		if out, err = loadRecordType(ctx, tx, rt.ID); err != nil {
			return err
		}
		billing := ""
		if rt.BillingOnly {
			billing = ", billing only"
		}
		return s.auditor(tx, a).add(ctx, action, "record-type", rt.ID, "record type %s (%s, %d days%s)", rt.Name, rt.Code, rt.LoanDays, billing)
	})
	return out, err
}

const recordTypeColumns = "id, name, code, loan_days, color, is_default, active, billing_only"
