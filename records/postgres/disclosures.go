package postgres

import (
	"context"
	"fmt"
	"strings"

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

// AddDisclosure records a disclosure entered by hand (clerk).
func (s *Store) AddDisclosure(ctx context.Context, d records.Disclosure) (records.Disclosure, error) {
	a, err := records.Require(ctx, records.RoleClerk, "record disclosures")
	if err != nil {
		return records.Disclosure{}, err
	}
	d.Source, d.VolumeID, d.BorrowerID = records.DisclosureManual, 0, 0
	if err := records.ValidateDisclosure(&d, s.today()); err != nil {
		return records.Disclosure{}, err
	}
	var out records.Disclosure
	err = s.write(ctx, "the disclosure", func(tx pgx.Tx) error {
		p, err := loadPatient(ctx, tx, d.PatientID)
		if err != nil {
			return err
		}
		if p.Status == records.PatientMerged {
			return records.Errorf(records.EConflict, "chart %s was merged into %s; record the disclosure there", p.MRN, p.MergedInto)
		}
		out, err = s.insertDisclosure(ctx, tx, a, d)
		return err
	})
	return out, err
}

// ListDisclosures returns disclosures oldest first and records the view of
// each patient they belong to (clerk).
func (s *Store) ListDisclosures(ctx context.Context, f records.DisclosureFilter) ([]records.Disclosure, error) {
	a, err := records.Require(ctx, records.RoleClerk, "read disclosures")
	if err != nil {
		return nil, err
	}
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.PatientID != 0 {
		where = append(where, "d.patient_id = "+arg(int64(f.PatientID)))
	}
	if !f.From.IsZero() {
		where = append(where, "d.disclosed_on >= "+arg(f.From.String())+"::date")
	}
	if !f.To.IsZero() {
		where = append(where, "d.disclosed_on <= "+arg(f.To.String())+"::date")
	}
	var out []records.Disclosure
	err = s.write(ctx, "the look at disclosures", func(tx pgx.Tx) error {
		if f.PatientID != 0 {
			if _, err := loadPatient(ctx, tx, f.PatientID); err != nil {
				return err
			}
		}
		if out, err = queryDisclosures(ctx, tx, strings.Join(where, " AND "), args...); err != nil {
			return err
		}
		seen := map[records.ID]bool{}
		for _, d := range out {
			if seen[d.PatientID] {
				continue
			}
			seen[d.PatientID] = true
			if _, err := s.appendAudit(ctx, tx, a, records.AuditView, "patient", d.PatientID, "viewed the disclosures of chart "+d.MRN); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

const accountingSelect = `SELECT r.id, r.patient_id, r.received, r.due, r.requested_by, r.note, r.answered, coalesce(r.answered_by, 0),
	r.answer_note, r.created_at, coalesce(r.created_by, 0), p.mrn, p.last_name, p.first_name, p.middle_name, coalesce(u.username, '')
	FROM accounting_requests r
	JOIN patients p ON p.id = r.patient_id
	LEFT JOIN users u ON u.id = r.answered_by`

// queryAccountingRequests returns the accounting requests where selects
// (its arguments $1...), open ones first by due date.
func queryAccountingRequests(ctx context.Context, tx pgx.Tx, where string, args ...any) ([]records.AccountingRequest, error) {
	query := accountingSelect
	if where != "" {
		query += " WHERE " + where
	}
	rows, err := tx.Query(ctx, query+" ORDER BY r.answered IS NOT NULL, r.due, r.id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []records.AccountingRequest
	for rows.Next() {
		var r records.AccountingRequest
		var last, first, middle string
		if err := rows.Scan(&r.ID, &r.PatientID, dateCol{&r.Received}, dateCol{&r.Due}, &r.RequestedBy, &r.Note,
			dateCol{&r.Answered}, &r.AnsweredBy, &r.AnswerNote, &r.CreatedAt, &r.CreatedBy,
			&r.MRN, &last, &first, &middle, &r.AnsweredName); err != nil {
			return nil, err
		}
		r.PatientName = records.PersonName(last, first, middle)
		out = append(out, r)
	}
	return out, rows.Err()
}

func loadAccountingRequest(ctx context.Context, tx pgx.Tx, id records.ID) (records.AccountingRequest, error) {
	rs, err := queryAccountingRequests(ctx, tx, "r.id = $1", int64(id))
	if err != nil {
		return records.AccountingRequest{}, err
	}
	if len(rs) == 0 {
		return records.AccountingRequest{}, records.Errorf(records.ENotFound, "there is no accounting request with id %d", id)
	}
	return rs[0], nil
}

// LogAccountingRequest records a patient's request for an accounting of
// disclosures, due 60 days after it was received (clerk).
func (s *Store) LogAccountingRequest(ctx context.Context, r records.AccountingRequest) (records.AccountingRequest, error) {
	a, err := records.Require(ctx, records.RoleClerk, "log requests for an accounting of disclosures")
	if err != nil {
		return records.AccountingRequest{}, err
	}
	if err := records.ValidateAccountingRequest(&r, s.today()); err != nil {
		return records.AccountingRequest{}, err
	}
	var out records.AccountingRequest
	err = s.write(ctx, "the accounting request", func(tx pgx.Tx) error {
		p, err := loadPatient(ctx, tx, r.PatientID)
		if err != nil {
			return err
		}
		if p.Status == records.PatientMerged {
			return records.Errorf(records.EConflict, "chart %s was merged into %s; log the request there", p.MRN, p.MergedInto)
		}
		var id records.ID
		if err := tx.QueryRow(ctx, `INSERT INTO accounting_requests (patient_id, received, due, requested_by, note, created_at, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, int64(r.PatientID), dval(r.Received), dval(r.Due), r.RequestedBy, r.Note,
			s.now(), idval(a.UserID)).Scan(&id); err != nil {
			return err
		}
		if out, err = loadAccountingRequest(ctx, tx, id); err != nil {
			return err
		}
		_, err = s.appendAudit(ctx, tx, a, records.AuditCreate, "accounting-request", out.ID,
			fmt.Sprintf("request for an accounting of disclosures, chart %s, received %s, due %s", p.MRN, out.Received, out.Due))
		return err
	})
	return out, err
}

// ListAccountingRequests returns accounting requests, open ones first by
// due date (clerk).
func (s *Store) ListAccountingRequests(ctx context.Context, f records.AccountingRequestFilter) ([]records.AccountingRequest, error) {
	if _, err := records.Require(ctx, records.RoleClerk, "read requests for an accounting of disclosures"); err != nil {
		return nil, err
	}
	var where []string
	var args []any
	if f.PatientID != 0 {
		where, args = append(where, "r.patient_id = $1"), append(args, int64(f.PatientID))
	}
	if f.OpenOnly {
		where = append(where, "r.answered IS NULL")
	}
	var out []records.AccountingRequest
	err := s.read(ctx, "the accounting requests", func(tx pgx.Tx) error {
		var err error
		out, err = queryAccountingRequests(ctx, tx, strings.Join(where, " AND "), args...)
		return err
	})
	return out, err
}

// AnswerAccountingRequest marks a request answered (supervisor: the
// accounting is the practice's formal answer to the patient). The
// request's row is locked while it is checked and changed.
func (s *Store) AnswerAccountingRequest(ctx context.Context, id records.ID, answered records.Date, note string) (records.AccountingRequest, error) {
	a, err := records.Require(ctx, records.RoleSupervisor, "mark a request for an accounting answered")
	if err != nil {
		return records.AccountingRequest{}, err
	}
	var out records.AccountingRequest
	err = s.write(ctx, "the answer to the accounting request", func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT 1 FROM accounting_requests WHERE id = $1 FOR UPDATE", int64(id)); err != nil {
			return err
		}
		r, err := loadAccountingRequest(ctx, tx, id)
		if err != nil {
			return err
		}
		if refusal := records.AnswerRefusal(r, answered, s.today(), &note); refusal != nil {
			return refusal
		}
		if _, err := tx.Exec(ctx, `UPDATE accounting_requests SET answered = $1, answered_by = $2, answer_note = $3 WHERE id = $4`,
			dval(answered), idval(a.UserID), note, int64(id)); err != nil {
			return err
		}
		if out, err = loadAccountingRequest(ctx, tx, id); err != nil {
			return err
		}
		_, err = s.appendAudit(ctx, tx, a, records.AuditUpdate, "accounting-request", id,
			fmt.Sprintf("accounting of disclosures for chart %s answered on %s", out.MRN, answered))
		return err
	})
	return out, err
}
