package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/chartroom/chartroom/records"
)

// errDryRun makes write roll back a dry run's changes and still succeed.
var errDryRun = errors.New("dry run: roll back")

// requestSelect reads requests with the patient, the borrower, and the folder
// meant: the one named, else the patient's current folder of the default
// record type (its highest volume number).
const requestSelect = `SELECT r.id, r.patient_id, r.volume_id, r.borrower_id, r.needed_on, r.needed_at, r.reason, r.state,
	r.state_reason, r.source, r.created_at, r.created_by, r.updated_at, p.mrn, p.last_name, p.first_name, p.middle_name,
	b.name, b.phone, b.room, p.filing_key,
	coalesce(r.volume_id, (SELECT c.id FROM volumes c WHERE c.patient_id = r.patient_id
		ORDER BY c.record_type_id = (SELECT id FROM record_types WHERE is_default = 1 ORDER BY id LIMIT 1) DESC, c.number DESC LIMIT 1))
	FROM requests r
	JOIN patients p ON p.id = r.patient_id
	JOIN borrowers b ON b.id = r.borrower_id`

// queryRequests returns the requests where selects, in filing order within
// a day, with their folders' whereabouts.
func queryRequests(ctx context.Context, q querier, where string, args ...any) ([]records.Request, error) {
	query := requestSelect
	if where != "" {
		query += " WHERE " + where
	}
	query += " ORDER BY r.needed_on, p.filing_key, r.needed_at, r.id"
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	var out []records.Request
	var vols []records.ID
	for rows.Next() {
		var r records.Request
		var last, first, middle, phone, room string
		var vid records.ID
		if err := rows.Scan(&r.ID, &r.PatientID, idCol{&r.VolumeID}, &r.BorrowerID, dateCol{&r.NeededOn}, &r.NeededAt, &r.Reason,
			&r.State, &r.StateReason, &r.Source, timeCol{&r.CreatedAt}, idCol{&r.CreatedBy}, timeCol{&r.UpdatedAt}, &r.MRN,
			&last, &first, &middle, &r.BorrowerName, &phone, &room, &r.FilingKey, idCol{&vid}); err != nil {
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
		v, err := loadVolume(ctx, q, vid)
		if err != nil {
			return nil, err
		}
		out[i].VolumeLabel, out[i].Barcode, out[i].VolumeState, out[i].Where = v.Label(), v.Barcode, v.State, v.Where()
	}
	return out, nil
}

func loadRequest(ctx context.Context, q querier, id records.ID) (records.Request, error) {
	rs, err := queryRequests(ctx, q, "r.id = ?", int64(id))
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
	err = s.write(ctx, "save the request", func(tx *sql.Tx) error {
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
		b, err := loadBorrower(ctx, tx, r.BorrowerID)
		if err != nil {
			return err
		}
		if !b.Active {
			return records.Errorf(records.EConflict, "%s is not an active borrower", b.Name)
		}
		id, err := s.insertRequest(ctx, tx, a, r)
		if err != nil {
			return err
		}
		if out, err = loadRequest(ctx, tx, id); err != nil {
			return err
		}
		return s.auditor(tx, a).add(ctx, records.AuditCreate, "request", id, "chart %s requested by %s for %s", p.MRN, b.Name, r.NeededOn)
	})
	return out, err
}

func (s *Store) insertRequest(ctx context.Context, tx *sql.Tx, a records.Actor, r records.Request) (records.ID, error) {
	now := tval(s.now())
	res, err := tx.ExecContext(ctx, `INSERT INTO requests (patient_id, volume_id, borrower_id, needed_on, needed_at, reason, state,
		source, created_at, created_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?)`,
		int64(r.PatientID), idval(r.VolumeID), int64(r.BorrowerID), dval(r.NeededOn), r.NeededAt, r.Reason, r.Source,
		now, idval(a.UserID), now)
	if err != nil {
		return 0, err
	}
	id, err := res.LastInsertId()
	return records.ID(id), err
}

// ListRequests returns the requests f selects, in filing order within a day
// (clerk).
func (s *Store) ListRequests(ctx context.Context, f records.RequestFilter) ([]records.Request, error) {
	if _, err := records.Require(ctx, records.RoleClerk, "list requests"); err != nil {
		return nil, err
	}
	var where []string
	var args []any
	if !f.From.IsZero() {
		where, args = append(where, "r.needed_on >= ?"), append(args, f.From.String())
	}
	if !f.To.IsZero() {
		where, args = append(where, "r.needed_on <= ?"), append(args, f.To.String())
	}
	if len(f.States) > 0 {
		for _, st := range f.States {
			args = append(args, string(st))
		}
		where = append(where, inList("r.state", len(f.States)))
	}
	if f.PatientID != 0 {
		where, args = append(where, "r.patient_id = ?"), append(args, int64(f.PatientID))
	}
	if f.VolumeID != 0 {
		where, args = append(where, "r.volume_id = ?"), append(args, int64(f.VolumeID))
	}
	var out []records.Request
	err := s.read(ctx, "list requests", func(tx *sql.Tx) error {
		var err error
		out, err = queryRequests(ctx, tx, strings.Join(where, " AND "), args...)
		return err
	})
	return out, err
}

// SetRequestState moves a request along (clerk), as
// records.RequestTransitionRefusal allows.
func (s *Store) SetRequestState(ctx context.Context, id records.ID, state records.RequestState, reason string) (records.Request, error) {
	a, err := records.Require(ctx, records.RoleClerk, "change requests")
	if err != nil {
		return records.Request{}, err
	}
	reason = strings.TrimSpace(reason)
	var out records.Request
	err = s.write(ctx, "change the request", func(tx *sql.Tx) error {
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
		res, err := tx.ExecContext(ctx, "UPDATE requests SET state = ?, state_reason = ?, updated_at = ? WHERE id = ? AND state = ?",
			string(state), reason, tval(s.now()), int64(id), string(r.State))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return records.Errorf(records.EConflict, "the request changed meanwhile; look again")
		}
		if out, err = loadRequest(ctx, tx, id); err != nil {
			return err
		}
		detail := fmt.Sprintf("request for chart %s by %s: %s -> %s", r.MRN, r.BorrowerName, r.State, state)
		if reason != "" {
			detail += " (" + reason + ")"
		}
		return s.auditor(tx, a).add(ctx, records.AuditUpdate, "request", id, "%s", detail)
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
	err = s.write(ctx, "expire requests", func(tx *sql.Tx) error {
		st, err := loadSettings(ctx, tx)
		if err != nil {
			return err
		}
		if st.RequestExpiryDays <= 0 {
			return nil
		}
		today := s.today()
		rows, err := tx.QueryContext(ctx, "SELECT id, needed_on FROM requests WHERE state = 'pending' AND needed_on < ?", today.String())
		if err != nil {
			return err
		}
		var stale []records.ID
		for rows.Next() {
			r := records.Request{State: records.RequestPending}
			if err := rows.Scan(&r.ID, dateCol{&r.NeededOn}); err != nil {
				rows.Close()
				return err
			}
			if records.RequestIsStale(r, today, st.RequestExpiryDays) {
				stale = append(stale, r.ID)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		now := tval(s.now())
		reason := fmt.Sprintf("not filled within %d days of the date needed", st.RequestExpiryDays)
		for _, id := range stale {
			if _, err := tx.ExecContext(ctx, "UPDATE requests SET state = 'expired', state_reason = ?, updated_at = ? WHERE id = ?", reason, now, int64(id)); err != nil {
				return err
			}
		}
		n = len(stale)
		if n == 0 {
			return nil
		}
		return s.auditor(tx, a).add(ctx, records.AuditUpdate, "request", 0, "%d stale request(s) expired", n)
	})
	return n, err
}
