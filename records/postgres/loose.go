package postgres

import (
	"context"
	"fmt"
	"strings"

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

// AddLooseFiling records papers received for a chart (clerk). The
// patient's row is share-locked while it is checked, so a merge of that
// chart on another workstation either comes first (and the papers are
// refused, to go to the survivor) or waits for them and takes them along.
func (s *Store) AddLooseFiling(ctx context.Context, l records.LooseFiling) (records.LooseFiling, error) {
	a, err := records.Require(ctx, records.RoleClerk, "record loose filing")
	if err != nil {
		return records.LooseFiling{}, err
	}
	if err := records.ValidateLooseFiling(&l, s.today()); err != nil {
		return records.LooseFiling{}, err
	}
	var out records.LooseFiling
	err = s.write(ctx, "the loose filing", func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT 1 FROM patients WHERE id = $1 FOR SHARE", int64(l.PatientID)); err != nil {
			return err
		}
		p, err := loadPatient(ctx, tx, l.PatientID)
		if err != nil {
			return err
		}
		if p.Status == records.PatientMerged {
			return records.LooseForMergedChart(p)
		}
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO loose_filing (patient_id, received, description, from_whom, state, created_at)
			VALUES ($1, $2, $3, $4, 'waiting', $5) RETURNING id`, int64(l.PatientID), dval(l.Received), l.Description, l.From, s.now()).Scan(&id); err != nil {
			return err
		}
		rows, err := queryLoose(ctx, tx, "l.id = $1", id)
		if err != nil {
			return err
		}
		out = rows[0]
		_, err = s.appendAudit(ctx, tx, a, records.AuditCreate, "loose-filing", out.ID, records.LooseAddedDetail(out))
		return err
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
		args = append(args, int64(patientID))
		where = append(where, fmt.Sprintf("l.patient_id = $%d", len(args)))
	}
	if state != "" {
		args = append(args, string(state))
		where = append(where, fmt.Sprintf("l.state = $%d", len(args)))
	}
	var out []records.LooseFiling
	err := s.read(ctx, "the loose filing", func(tx pgx.Tx) error {
		var err error
		out, err = queryLoose(ctx, tx, strings.Join(where, " AND "), args...)
		return err
	})
	return out, err
}

// MarkFiled records that waiting papers went into their chart (clerk). Of
// two workstations filing the same papers at once, the update of the first
// holds the row and the second finds them filed.
func (s *Store) MarkFiled(ctx context.Context, id records.ID) (records.LooseFiling, error) {
	a, err := records.Require(ctx, records.RoleClerk, "file loose papers")
	if err != nil {
		return records.LooseFiling{}, err
	}
	var out records.LooseFiling
	err = s.write(ctx, "the filing of the loose papers", func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, "UPDATE loose_filing SET state = 'filed', filed_at = $1, filed_by = $2 WHERE id = $3 AND state = 'waiting'",
			s.now(), idval(a.UserID), int64(id))
		if err != nil {
			return err
		}
		rows, err := queryLoose(ctx, tx, "l.id = $1", int64(id))
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			return records.LooseNotFound(id)
		}
		if tag.RowsAffected() == 0 {
			return records.LooseAlreadyFiled(rows[0])
		}
		out = rows[0]
		_, err = s.appendAudit(ctx, tx, a, records.AuditUpdate, "loose-filing", id, records.LooseFiledDetail(out))
		return err
	})
	return out, err
}
