package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/chartroom/chartroom/records"
)

const disclosureSelect = `SELECT d.id, d.patient_id, d.disclosed_on, d.recipient, d.address, d.description, d.purpose, d.category,
	coalesce(d.volume_id, 0), coalesce(d.borrower_id, 0), d.source, d.created_at, coalesce(d.created_by, 0),
	p.mrn, p.last_name, p.first_name, p.middle_name, coalesce(u.username, '')
	FROM disclosures d
	JOIN patients p ON p.id = d.patient_id
	LEFT JOIN users u ON u.id = d.created_by`

// queryDisclosures returns the disclosures where selects (its arguments
// $1...), by date.
func queryDisclosures(ctx context.Context, tx pgx.Tx, where string, args ...any) ([]records.Disclosure, error) {
	query := disclosureSelect
	if where != "" {
		query += " WHERE " + where
	}
	rows, err := tx.Query(ctx, query+" ORDER BY d.disclosed_on, d.id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []records.Disclosure
	for rows.Next() {
		var d records.Disclosure
		var last, first, middle string
		if err := rows.Scan(&d.ID, &d.PatientID, dateCol{&d.Date}, &d.Recipient, &d.Address, &d.Description, &d.Purpose,
			&d.Category, &d.VolumeID, &d.BorrowerID, &d.Source, &d.CreatedAt, &d.CreatedBy,
			&d.MRN, &last, &first, &middle, &d.Username); err != nil {
			return nil, err
		}
		d.PatientName = records.PersonName(last, first, middle)
		out = append(out, d)
	}
	return out, rows.Err()
}

// insertDisclosure writes a validated disclosure and its audit event inside
// the caller's transaction.
func (s *Store) insertDisclosure(ctx context.Context, tx pgx.Tx, a records.Actor, d records.Disclosure) (records.Disclosure, error) {
	var id int64
	if err := tx.QueryRow(ctx, `INSERT INTO disclosures (patient_id, disclosed_on, recipient, address, description, purpose,
		category, volume_id, borrower_id, source, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		int64(d.PatientID), dval(d.Date), d.Recipient, d.Address, d.Description, d.Purpose, string(d.Category),
		idval(d.VolumeID), idval(d.BorrowerID), d.Source, s.now(), idval(a.UserID)).Scan(&id); err != nil {
		return d, err
	}
	ds, err := queryDisclosures(ctx, tx, "d.id = $1", id)
	if err != nil {
		return d, err
	}
	out := ds[0]
	kind := "exempt"
	if out.Reportable() {
		kind = "reportable"
	}
	_, err = s.appendAudit(ctx, tx, a, records.AuditCreate, "disclosure", out.ID, fmt.Sprintf("disclosure of chart %s to %s on %s (%s, %s)",
		out.MRN, out.Recipient, out.Date, out.Category, kind))
	return out, err
}
