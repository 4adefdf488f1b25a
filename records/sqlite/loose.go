package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"github.com/chartroom/chartroom/records"
)

const looseSelect = `SELECT l.id, l.patient_id, l.received, l.description, l.from_whom, l.state, l.filed_at, l.filed_by,
	l.created_at, p.mrn, p.last_name, p.first_name, p.middle_name
	FROM loose_filing l JOIN patients p ON p.id = l.patient_id`

func queryLoose(ctx context.Context, q querier, where string, args ...any) ([]records.LooseFiling, error) {
	query := looseSelect
	if where != "" {
		query += " WHERE " + where
	}
	rows, err := q.QueryContext(ctx, query+" ORDER BY l.received, l.id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []records.LooseFiling
	for rows.Next() {
		var l records.LooseFiling
		var last, first, middle string
		if err := rows.Scan(&l.ID, &l.PatientID, dateCol{&l.Received}, &l.Description, &l.From, &l.State, timeCol{&l.FiledAt},
			idCol{&l.FiledBy}, timeCol{&l.CreatedAt}, &l.MRN, &last, &first, &middle); err != nil {
			return nil, err
		}
		l.PatientName = records.PersonName(last, first, middle)
		out = append(out, l)
	}
	return out, rows.Err()
}

// AddLooseFiling records papers received for a chart (clerk).
func (s *Store) AddLooseFiling(ctx context.Context, l records.LooseFiling) (records.LooseFiling, error) {
	a, err := records.Require(ctx, records.RoleClerk, "record loose filing")
	if err != nil {
		return records.LooseFiling{}, err
	}
	if err := records.ValidateLooseFiling(&l, s.today()); err != nil {
		return records.LooseFiling{}, err
	}
	var out records.LooseFiling
	err = s.write(ctx, "record the loose filing", func(tx *sql.Tx) error {
		p, err := loadPatient(ctx, tx, l.PatientID)
		if err != nil {
			return err
		}
		if p.Status == records.PatientMerged {
			return records.LooseForMergedChart(p)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO loose_filing (patient_id, received, description, from_whom, state, created_at)
			VALUES (?, ?, ?, ?, 'waiting', ?)`, int64(l.PatientID), dval(l.Received), l.Description, l.From, tval(s.now()))
		if err != nil {
			return err
		}
		id, _ := res.LastInsertId()
		rows, err := queryLoose(ctx, tx, "l.id = ?", id)
		if err != nil {
			return err
		}
		out = rows[0]
		return s.auditor(tx, a).add(ctx, records.AuditCreate, "loose-filing", out.ID, "%s", records.LooseAddedDetail(out))
	})
	return out, err
}

// ListLooseFiling returns loose papers of a patient (0: all) in a state
// ("": any), oldest first (clerk).
func (s *Store) ListLooseFiling(ctx context.Context, patientID records.ID, state records.LooseState) ([]records.LooseFiling, error) {
	if _, err := records.Require(ctx, records.RoleClerk, "list loose filing"); err != nil {
		return nil, err
	}
	var where []string
	var args []any
	if patientID != 0 {
		where, args = append(where, "l.patient_id = ?"), append(args, int64(patientID))
	}
	if state != "" {
		where, args = append(where, "l.state = ?"), append(args, string(state))
	}
	var out []records.LooseFiling
	err := s.read(ctx, "list loose filing", func(tx *sql.Tx) error {
		var err error
		out, err = queryLoose(ctx, tx, strings.Join(where, " AND "), args...)
		return err
	})
	return out, err
}

// MarkFiled records that waiting papers went into their chart (clerk).
func (s *Store) MarkFiled(ctx context.Context, id records.ID) (records.LooseFiling, error) {
	a, err := records.Require(ctx, records.RoleClerk, "file loose papers")
	if err != nil {
		return records.LooseFiling{}, err
	}
	var out records.LooseFiling
	err = s.write(ctx, "file the loose papers", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE loose_filing SET state = 'filed', filed_at = ?, filed_by = ? WHERE id = ? AND state = 'waiting'",
			tval(s.now()), idval(a.UserID), int64(id))
		if err != nil {
			return err
		}
		rows, err := queryLoose(ctx, tx, "l.id = ?", int64(id))
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			return records.LooseNotFound(id)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return records.LooseAlreadyFiled(rows[0])
		}
		out = rows[0]
		return s.auditor(tx, a).add(ctx, records.AuditUpdate, "loose-filing", id, "%s", records.LooseFiledDetail(out))
	})
	return out, err
}
