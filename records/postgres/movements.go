package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/chartroom/chartroom/records"
)

// dayStart is the first moment of day d on this PC's clock, as the desk
// means "from Monday".
func dayStart(d records.Date) time.Time {
	t := d.Time()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.Local)
}

// History returns movements, newest first, with names filled in for display.
func (s *Store) History(ctx context.Context, f records.HistoryFilter) ([]records.Movement, error) {
	if _, err := records.Require(ctx, records.RoleClerk, "read folder history"); err != nil {
		return nil, err
	}
	var where []string
	var args []any
	add := func(cond string, arg any) {
		args = append(args, arg)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.VolumeID != 0 {
		add("m.volume_id = $%d", int64(f.VolumeID))
	}
	if f.PatientID != 0 {
		add("v.patient_id = $%d", int64(f.PatientID))
	}
	if !f.From.IsZero() {
		add("m.at >= $%d", dayStart(f.From))
	}
	if !f.To.IsZero() {
		add("m.at < $%d", dayStart(f.To.AddDays(1)))
	}
	q := `SELECT m.id, m.volume_id, m.kind, m.at, coalesce(m.user_id, 0), coalesce(m.from_borrower_id, 0), coalesce(m.to_borrower_id, 0),
		coalesce(m.from_location_id, 0), coalesce(m.to_location_id, 0), m.due, m.note, coalesce(u.username, ''), v.barcode, p.mrn,
		p.last_name, p.first_name, p.middle_name, t.name, v.number,
		coalesce(fb.name, ''), coalesce(tb.name, ''), coalesce(fl.path, ''), coalesce(tl.path, '')
		FROM movements m
		JOIN volumes v ON v.id = m.volume_id
		JOIN patients p ON p.id = v.patient_id
		JOIN record_types t ON t.id = v.record_type_id
		LEFT JOIN users u ON u.id = m.user_id
		LEFT JOIN borrowers fb ON fb.id = m.from_borrower_id
		LEFT JOIN borrowers tb ON tb.id = m.to_borrower_id
		LEFT JOIN locations fl ON fl.id = m.from_location_id
		LEFT JOIN locations tl ON tl.id = m.to_location_id`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY m.at DESC, m.id DESC"
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	var out []records.Movement
	err := s.read(ctx, "the folder history", func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var m records.Movement
			var last, first, middle, typeName string
			var number int
			if err := rows.Scan(&m.ID, &m.VolumeID, &m.Kind, &m.At, &m.UserID, &m.FromBorrowerID,
				&m.ToBorrowerID, &m.FromLocationID, &m.ToLocationID, dateCol{&m.Due}, &m.Note,
				&m.Username, &m.Barcode, &m.MRN, &last, &first, &middle, &typeName, &number,
				&m.FromBorrower, &m.ToBorrower, &m.FromLocation, &m.ToLocation); err != nil {
				return err
			}
			m.PatientName = records.PersonName(last, first, middle)
			m.VolumeLabel = records.VolumeLabel(typeName, number)
			out = append(out, m)
		}
		return rows.Err()
	})
	return out, err
}
