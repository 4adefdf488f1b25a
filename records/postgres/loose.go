package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/chartroom/chartroom/records"
)

const looseSelect = `SELECT l.id, l.patient_id, l.received, l.description, l.from_whom, l.state, l.filed_at, coalesce(l.filed_by, 0),
	l.created_at, p.mrn, p.last_name, p.first_name, p.middle_name
	FROM loose_filing l JOIN patients p ON p.id = l.patient_id`

// queryLoose returns the loose papers where selects (its arguments
// $1...), oldest first.
func queryLoose(ctx context.Context, tx pgx.Tx, where string, args ...any) ([]records.LooseFiling, error) {
	query := looseSelect
	if where != "" {
		query += " WHERE " + where
	}
	rows, err := tx.Query(ctx, query+" ORDER BY l.received, l.id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []records.LooseFiling
	for rows.Next() {
		var l records.LooseFiling
		var last, first, middle string
		if err := rows.Scan(&l.ID, &l.PatientID, dateCol{&l.Received}, &l.Description, &l.From, &l.State, timeCol{&l.FiledAt},
			&l.FiledBy, &l.CreatedAt, &l.MRN, &last, &first, &middle); err != nil {
			return nil, err
		}
		l.PatientName = records.PersonName(last, first, middle)
		out = append(out, l)
	}
	return out, rows.Err()
}
