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
		marks := make([]string, len(f.States))
		for i, st := range f.States {
			marks[i] = "?"
			args = append(args, string(st))
		}
		where = append(where, "r.state IN ("+strings.Join(marks, ", ")+")")
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

// ImportAppointments creates a pending request per appointment row (clerk);
// see ImportAppointmentsWith.
func (s *Store) ImportAppointments(ctx context.Context, rows []records.AppointmentRow, dryRun bool) (records.ImportSummary, error) {
	return s.ImportAppointmentsWith(ctx, rows, records.AppointmentImport{DryRun: dryRun})
}

// ImportAppointmentsWith creates a pending request per appointment row
// (clerk; adding providers as borrowers takes a supervisor): the external
// id, else the chart number, finds the patient (a retired chart number its
// survivor), the provider's name a borrower. A provider that is no
// borrower is named in the summary, and its rows are rejected unless
// opt.AddProviders adds it as a provider borrower. Rows already imported
// are counted unchanged, so importing a file twice creates nothing new; a
// dry run rolls back.
func (s *Store) ImportAppointmentsWith(ctx context.Context, rows []records.AppointmentRow, opt records.AppointmentImport) (records.ImportSummary, error) {
	role, what := records.RoleClerk, "import appointments"
	if opt.AddProviders {
		role, what = records.RoleSupervisor, "add providers as borrowers"
	}
	a, err := records.Require(ctx, role, what)
	if err != nil {
		return records.ImportSummary{}, err
	}
	dryRun := opt.DryRun
	var sum records.ImportSummary
	err = s.write(ctx, "import appointments", func(tx *sql.Tx) error {
		sum = records.ImportSummary{}
		st, err := loadSettings(ctx, tx)
		if err != nil {
			return err
		}
		dup, err := tx.PrepareContext(ctx, `SELECT count(*) FROM requests WHERE patient_id = ? AND borrower_id = ? AND needed_on = ?
			AND needed_at = ? AND source = 'appointment'`)
		if err != nil {
			return err
		}
		defer dup.Close()
		borrowers := map[string]records.Borrower{}
		for _, row := range rows {
			reject := func(format string, args ...any) {
				sum.Rejected = append(sum.Rejected, records.RowError{Line: row.Line, Reason: fmt.Sprintf(format, args...)})
			}
			if row.Date.IsZero() {
				reject("the appointment date is missing")
				continue
			}
			p, reason, err := appointmentPatient(ctx, tx, st, row)
			if err != nil {
				return err
			}
			if reason != "" {
				reject("%s", reason)
				continue
			}
			name := strings.TrimSpace(row.Provider)
			key := strings.ToLower(name)
			b, ok := borrowers[key]
			if !ok {
				found, err := queryBorrowers(ctx, tx, "SELECT "+borrowerColumns+" FROM borrowers WHERE name = ? COLLATE NOCASE", name)
				if err != nil {
					return err
				}
				if len(found) > 0 {
					b = found[0]
				} else if name != "" {
					if b, err = addProvider(ctx, s, tx, a, name, opt.AddProviders, &sum); err != nil {
						return err
					}
				}
				borrowers[key] = b
			}
			if b.ID == 0 {
				reject("no borrower is named %q; add the provider as a borrower first", row.Provider)
				continue
			}
			if !b.Active {
				reject("%s is not an active borrower", b.Name)
				continue
			}
			r := records.Request{PatientID: p.ID, BorrowerID: b.ID, NeededOn: row.Date, NeededAt: row.Time, Reason: row.Reason, Source: "appointment"}
			if err := records.ValidateRequest(&r, s.today()); err != nil {
				reject("%s", records.ErrorMessage(err))
				continue
			}
			var n int
			if err := dup.QueryRowContext(ctx, int64(r.PatientID), int64(r.BorrowerID), r.NeededOn.String(), r.NeededAt).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				sum.Unchanged++
				continue
			}
			if _, err := s.insertRequest(ctx, tx, a, r); err != nil {
				return err
			}
			sum.Imported++
		}
		if err := s.auditor(tx, a).add(ctx, records.AuditImport, "request", 0, "appointments imported: %d new, %d unchanged, %d rejected",
			sum.Imported, sum.Unchanged, len(sum.Rejected)); err != nil {
			return err
		}
		if dryRun {
			return errDryRun
		}
		return nil
	})
	return sum, err
}

// appointmentPatient finds an appointment's patient: by the scheduling
// system's id when the row has one and a patient carries it, else by the
// chart number (which may be that same id, in a file whose only id column
// is the chart number). reason says why no patient was found.
func appointmentPatient(ctx context.Context, tx *sql.Tx, st records.Settings, row records.AppointmentRow) (records.Patient, string, error) {
	if row.ExternalID != "" {
		p, err := patientByExternalID(ctx, tx, row.ExternalID)
		if err == nil {
			return p, "", nil
		}
		if records.ErrorCode(err) != records.ENotFound {
			return p, "", err
		}
	}
	mrn, err := records.NormalizeMRN(row.MRN, st.MRNWidth)
	if err != nil {
		if row.ExternalID != "" {
			return records.Patient{}, fmt.Sprintf("no patient has the external id %s", row.ExternalID), nil
		}
		return records.Patient{}, "MRN: " + err.Error(), nil
	}
	p, _, err := resolveMRN(ctx, tx, mrn)
	if records.ErrorCode(err) == records.ENotFound {
		if row.ExternalID != "" && row.ExternalID != row.MRN {
			return p, fmt.Sprintf("no patient has the external id %s or the chart number %s", row.ExternalID, records.FormatMRN(mrn, st.Filing)), nil
		}
		return p, fmt.Sprintf("no patient has the chart number %s", records.FormatMRN(mrn, st.Filing)), nil
	}
	return p, "", err
}

// addProvider makes a provider the import met but no borrower carries
// known to the summary, and, when add is set, a provider borrower.
func addProvider(ctx context.Context, s *Store, tx *sql.Tx, a records.Actor, name string, add bool, sum *records.ImportSummary) (records.Borrower, error) {
	if !add {
		sum.UnknownProviders = append(sum.UnknownProviders, name)
		return records.Borrower{}, nil
	}
	b := records.Borrower{Name: name, Kind: records.BorrowerProvider, Active: true}
	if err := records.ValidateBorrower(&b); err != nil {
		sum.UnknownProviders = append(sum.UnknownProviders, name)
		return records.Borrower{}, nil
	}
	id, err := insertBorrower(ctx, tx, b)
	if err != nil {
		return b, err
	}
	b.ID = id
	sum.AddedProviders = append(sum.AddedProviders, b.Name)
	return b, s.auditor(tx, a).add(ctx, records.AuditCreate, "borrower", b.ID, "borrower %s (%s) added by an appointments import", b.Name, b.Kind)
}
