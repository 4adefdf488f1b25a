package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/chartroom/chartroom/records"
)

// requestSelect reads requests with the patient, the borrower, and the folder
// meant: the one named, else the patient's current folder of the default
// record type (its highest volume number).
const requestSelect = `SELECT r.id, r.patient_id, coalesce(r.volume_id, 0), r.borrower_id, r.needed_on, r.needed_at, r.reason, r.state,
	r.state_reason, r.source, r.created_at, coalesce(r.created_by, 0), r.updated_at, p.mrn, p.last_name, p.first_name, p.middle_name,
	b.name, b.phone, b.room, p.filing_key,
	coalesce(r.volume_id, (SELECT c.id FROM volumes c WHERE c.patient_id = r.patient_id
		ORDER BY c.record_type_id = (SELECT id FROM record_types WHERE is_default ORDER BY id LIMIT 1) DESC, c.number DESC LIMIT 1), 0)
	FROM requests r
	JOIN patients p ON p.id = r.patient_id
	JOIN borrowers b ON b.id = r.borrower_id`

// queryRequests returns the requests where selects (its arguments $1...),
// in filing order within a day, with their folders' whereabouts.
func queryRequests(ctx context.Context, tx pgx.Tx, where string, args ...any) ([]records.Request, error) {
	query := requestSelect
	if where != "" {
		query += " WHERE " + where
	}
	query += ` ORDER BY r.needed_on, p.filing_key COLLATE "C", r.needed_at, r.id`
	rows, err := tx.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	var out []records.Request
	var vols []records.ID
	for rows.Next() {
		var r records.Request
		var last, first, middle, phone, room string
		var vid records.ID
		if err := rows.Scan(&r.ID, &r.PatientID, &r.VolumeID, &r.BorrowerID, dateCol{&r.NeededOn}, &r.NeededAt, &r.Reason,
			&r.State, &r.StateReason, &r.Source, &r.CreatedAt, &r.CreatedBy, &r.UpdatedAt, &r.MRN,
			&last, &first, &middle, &r.BorrowerName, &phone, &room, &r.FilingKey, &vid); err != nil {
			rows.Close()
			return nil, err
		}
		r.PatientName = records.PersonName(last, first, middle)
		r.BorrowerTel = records.BorrowerContact(phone, room)
		out = append(out, r)
		vols = append(vols, vid)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i, vid := range vols {
		if vid == 0 {
			continue
		}
		v, err := loadVolume(ctx, tx, vid)
		if err != nil {
			return nil, err
		}
		out[i].VolumeLabel, out[i].Barcode, out[i].VolumeState, out[i].Where = v.Label(), v.Barcode, v.State, v.Where()
	}
	return out, nil
}

func loadRequest(ctx context.Context, tx pgx.Tx, id records.ID) (records.Request, error) {
	rs, err := queryRequests(ctx, tx, "r.id = $1", int64(id))
	if err != nil {
		return records.Request{}, err
	}
	if len(rs) == 0 {
		return records.Request{}, records.Errorf(records.ENotFound, "there is no request with id %d", id)
	}
	return rs[0], nil
}

// CreateRequest queues a request for a chart (clerk).
func (s *Store) CreateRequest(ctx context.Context, r records.Request) (records.Request, error) {
	a, err := records.Require(ctx, records.RoleClerk, "request charts")
	if err != nil {
		return records.Request{}, err
	}
	if err := records.ValidateRequest(&r, s.today()); err != nil {
		return records.Request{}, err
	}
	var out records.Request
	err = s.write(ctx, "the request", func(tx pgx.Tx) error {
		if r.VolumeID != 0 {
			v, err := loadVolume(ctx, tx, r.VolumeID)
			if err != nil {
				return err
			}
			if r.PatientID != 0 && r.PatientID != v.PatientID {
				return records.FieldError("Folder", "%s belongs to chart %s, not to the patient requested", v.Barcode, v.MRN)
			}
			r.PatientID = v.PatientID
		}
		p, err := loadPatient(ctx, tx, r.PatientID)
		if err != nil {
			return err
		}
		if p.Status == records.PatientMerged {
			return records.Errorf(records.EConflict, "chart %s was merged into %s; request that chart", p.MRN, p.MergedInto)
		}
		// The borrower's row is locked so that it cannot be made inactive
		// on another workstation while this request is saved.
		b, err := loadBorrower(ctx, tx, r.BorrowerID)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "SELECT 1 FROM borrowers WHERE id = $1 FOR SHARE", int64(b.ID)); err != nil {
			return err
		}
		if !b.Active {
			return records.Errorf(records.EConflict, "%s is not an active borrower", b.Name)
		}
		now := s.now().Truncate(time.Microsecond)
		var id records.ID
		if err := tx.QueryRow(ctx, `INSERT INTO requests (patient_id, volume_id, borrower_id, needed_on, needed_at, reason, state,
			source, created_at, created_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8, $9, $8) RETURNING id`,
			int64(r.PatientID), idval(r.VolumeID), int64(r.BorrowerID), dval(r.NeededOn), r.NeededAt, r.Reason, r.Source,
			now, idval(a.UserID)).Scan(&id); err != nil {
			return err
		}
		if out, err = loadRequest(ctx, tx, id); err != nil {
			return err
		}
		_, err = s.appendAudit(ctx, tx, a, records.AuditCreate, "request", id, fmt.Sprintf("chart %s requested by %s for %s", p.MRN, b.Name, r.NeededOn))
		return err
	})
	return out, err
}

// ListRequests returns the requests f selects, in filing order within a day
// (clerk).
func (s *Store) ListRequests(ctx context.Context, f records.RequestFilter) ([]records.Request, error) {
	if _, err := records.Require(ctx, records.RoleClerk, "list requests"); err != nil {
		return nil, err
	}
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if !f.From.IsZero() {
		where = append(where, "r.needed_on >= "+arg(f.From.String())+"::date")
	}
	if !f.To.IsZero() {
		where = append(where, "r.needed_on <= "+arg(f.To.String())+"::date")
	}
	if len(f.States) > 0 {
		states := make([]string, len(f.States))
		for i, st := range f.States {
			states[i] = string(st)
		}
		where = append(where, "r.state = ANY("+arg(states)+")")
	}
	if f.PatientID != 0 {
		where = append(where, "r.patient_id = "+arg(int64(f.PatientID)))
	}
	if f.VolumeID != 0 {
		where = append(where, "r.volume_id = "+arg(int64(f.VolumeID)))
	}
	var out []records.Request
	err := s.read(ctx, "the requests", func(tx pgx.Tx) error {
		var err error
		out, err = queryRequests(ctx, tx, strings.Join(where, " AND "), args...)
		return err
	})
	return out, err
}

// SetRequestState moves a request along (clerk), as
// records.RequestTransitionRefusal allows. The request's row is locked
// while it is read and changed.
func (s *Store) SetRequestState(ctx context.Context, id records.ID, state records.RequestState, reason string) (records.Request, error) {
	a, err := records.Require(ctx, records.RoleClerk, "change requests")
	if err != nil {
		return records.Request{}, err
	}
	reason = strings.TrimSpace(reason)
	var out records.Request
	err = s.write(ctx, "the change to the request", func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT 1 FROM requests WHERE id = $1 FOR UPDATE", int64(id)); err != nil {
			return err
		}
		r, err := loadRequest(ctx, tx, id)
		if err != nil {
			return err
		}
		if refusal := records.RequestTransitionRefusal(r.State, state, reason); refusal != nil {
			return refusal
		}
		if state == records.RequestPulled {
			if refusal := records.RequestPullRefusal(r); refusal != nil {
				return refusal
			}
		}
		tag, err := tx.Exec(ctx, "UPDATE requests SET state = $1, state_reason = $2, updated_at = $3 WHERE id = $4 AND state = $5",
			string(state), reason, s.now(), int64(id), string(r.State))
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return records.Errorf(records.EConflict, "the request changed meanwhile; look again")
		}
		if out, err = loadRequest(ctx, tx, id); err != nil {
			return err
		}
		detail := fmt.Sprintf("request for chart %s by %s: %s -> %s", r.MRN, r.BorrowerName, r.State, state)
		if reason != "" {
			detail += " (" + reason + ")"
		}
		_, err = s.appendAudit(ctx, tx, a, records.AuditUpdate, "request", id, detail)
		return err
	})
	return out, err
}

// ExpireRequests marks pending requests stale past the expiry setting
// (records.RequestIsStale) and returns how many (clerk).
func (s *Store) ExpireRequests(ctx context.Context) (int, error) {
	a, err := records.Require(ctx, records.RoleClerk, "expire requests")
	if err != nil {
		return 0, err
	}
	n := 0
	err = s.write(ctx, "the expiry of requests", func(tx pgx.Tx) error {
		n = 0
		st, err := loadSettings(ctx, tx)
		if err != nil {
			return err
		}
		if st.RequestExpiryDays <= 0 {
			return nil
		}
		today := s.today()
		rows, err := tx.Query(ctx, "SELECT id, needed_on FROM requests WHERE state = 'pending' AND needed_on < $1::date FOR UPDATE", today.String())
		if err != nil {
			return err
		}
		var stale []int64
		for rows.Next() {
			r := records.Request{State: records.RequestPending}
			if err := rows.Scan(&r.ID, dateCol{&r.NeededOn}); err != nil {
				rows.Close()
				return err
			}
			if records.RequestIsStale(r, today, st.RequestExpiryDays) {
				stale = append(stale, int64(r.ID))
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(stale) == 0 {
			return nil
		}
		reason := fmt.Sprintf("not filled within %d days of the date needed", st.RequestExpiryDays)
		if _, err := tx.Exec(ctx, "UPDATE requests SET state = 'expired', state_reason = $1, updated_at = $2 WHERE id = ANY($3)", reason, s.now(), stale); err != nil {
			return err
		}
		n = len(stale)
		_, err = s.appendAudit(ctx, tx, a, records.AuditUpdate, "request", 0, fmt.Sprintf("%d stale request(s) expired", n))
		return err
	})
	return n, err
}
