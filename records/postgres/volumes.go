package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/chartroom/chartroom/records"
)

// volumeSelect reads a folder with what a clerk sees of it: the patient, the
// record type, its home and its borrower.
const volumeSelect = `SELECT v.id, v.patient_id, v.record_type_id, v.number, v.barcode, v.home_id, v.state, coalesce(v.borrower_id, 0),
	v.out_since, v.due, v.opened, v.updated_at, p.mrn, p.last_name, p.first_name, p.middle_name, p.dob,
	t.name, t.code, t.color, l.path, coalesce(b.name, ''), coalesce(b.kind, ''), coalesce(b.phone, ''), coalesce(b.room, ''), p.filing_key
	FROM volumes v
	JOIN patients p ON p.id = v.patient_id
	JOIN record_types t ON t.id = v.record_type_id
	JOIN locations l ON l.id = v.home_id
	LEFT JOIN borrowers b ON b.id = v.borrower_id`

// filingOrder is the shelf order of folders.
const filingOrder = `p.filing_key COLLATE "C", v.record_type_id, v.number`

func scanVolume(row pgx.Row) (records.Volume, error) {
	var v records.Volume
	var last, first, middle, phone, room string
	err := row.Scan(&v.ID, &v.PatientID, &v.RecordTypeID, &v.Number, &v.Barcode, &v.HomeID, &v.State, &v.BorrowerID,
		timeCol{&v.OutSince}, dateCol{&v.Due}, dateCol{&v.Opened}, &v.UpdatedAt, &v.MRN, &last, &first, &middle,
		dateCol{&v.DOB}, &v.TypeName, &v.TypeCode, &v.TypeColor, &v.HomePath, &v.BorrowerName,
		&v.BorrowerKind, &phone, &room, &v.FilingKey)
	if err != nil {
		return v, err
	}
	v.PatientName = records.PersonName(last, first, middle)
	v.BorrowerTel = records.BorrowerContact(phone, room)
	return v, nil
}

func loadVolume(ctx context.Context, tx pgx.Tx, id records.ID) (records.Volume, error) {
	v, err := scanVolume(tx.QueryRow(ctx, volumeSelect+" WHERE v.id = $1", int64(id)))
	if errors.Is(err, pgx.ErrNoRows) {
		return v, records.Errorf(records.ENotFound, "there is no folder with id %d", id)
	}
	return v, err
}

// volumeByScan finds the folder a scanned or typed barcode names.
func volumeByScan(ctx context.Context, tx pgx.Tx, scan string) (records.Volume, error) {
	code, err := records.NormalizeScan(scan)
	if err != nil {
		return records.Volume{}, err
	}
	v, err := scanVolume(tx.QueryRow(ctx, volumeSelect+" WHERE v.barcode = $1", code))
	if errors.Is(err, pgx.ErrNoRows) {
		return v, records.Errorf(records.ENotFound, "no folder has the barcode %s", code)
	}
	return v, err
}

func queryVolumes(ctx context.Context, tx pgx.Tx, query string, args ...any) ([]records.Volume, error) {
	rows, err := tx.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []records.Volume
	for rows.Next() {
		v, err := scanVolume(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Volume returns a folder and records the view of its patient's chart.
func (s *Store) Volume(ctx context.Context, id records.ID) (records.Volume, error) {
	return s.viewVolume(ctx, func(tx pgx.Tx) (records.Volume, error) { return loadVolume(ctx, tx, id) })
}

// VolumeByBarcode returns the folder a barcode names and records the view.
func (s *Store) VolumeByBarcode(ctx context.Context, barcode string) (records.Volume, error) {
	return s.viewVolume(ctx, func(tx pgx.Tx) (records.Volume, error) { return volumeByScan(ctx, tx, barcode) })
}

func (s *Store) viewVolume(ctx context.Context, find func(pgx.Tx) (records.Volume, error)) (records.Volume, error) {
	a, err := records.Require(ctx, records.RoleClerk, "look at folders")
	if err != nil {
		return records.Volume{}, err
	}
	var v records.Volume
	err = s.write(ctx, "the look at the folder", func(tx pgx.Tx) error {
		if v, err = find(tx); err != nil {
			return err
		}
		_, err = s.appendAudit(ctx, tx, a, records.AuditView, "volume", v.ID, "viewed folder "+v.Barcode+" of chart "+v.MRN)
		return err
	})
	return v, err
}

// VolumesOfPatient returns a patient's folders in shelf order and records
// the view.
func (s *Store) VolumesOfPatient(ctx context.Context, patientID records.ID) ([]records.Volume, error) {
	a, err := records.Require(ctx, records.RoleClerk, "look at folders")
	if err != nil {
		return nil, err
	}
	var out []records.Volume
	err = s.write(ctx, "the look at the patient's folders", func(tx pgx.Tx) error {
		p, err := loadPatient(ctx, tx, patientID)
		if err != nil {
			return err
		}
		if out, err = queryVolumes(ctx, tx, volumeSelect+" WHERE v.patient_id = $1 ORDER BY "+filingOrder, int64(patientID)); err != nil {
			return err
		}
		_, err = s.appendAudit(ctx, tx, a, records.AuditView, "patient", p.ID, "viewed the folders of chart "+p.MRN)
		return err
	})
	return out, err
}

// AddVolume opens a new folder in file (clerk). Record type, home, number
// and barcode default to the default type, the default location, the next
// number for the patient and type, and a generated code. The patient's row
// is locked first, so two workstations adding a folder to one chart at
// once number theirs one after the other.
func (s *Store) AddVolume(ctx context.Context, v records.Volume) (records.Volume, error) {
	a, err := records.Require(ctx, records.RoleClerk, "add folders")
	if err != nil {
		return records.Volume{}, err
	}
	var out records.Volume
	err = s.write(ctx, "the new folder", func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT 1 FROM patients WHERE id = $1 FOR UPDATE", int64(v.PatientID)); err != nil {
			return err
		}
		p, err := loadPatient(ctx, tx, v.PatientID)
		if err != nil {
			return err
		}
		if p.Status == records.PatientMerged {
			return records.Errorf(records.EConflict, "chart %s was merged into %s; add the folder there", p.MRN, p.MergedInto)
		}
		if v.RecordTypeID == 0 {
			id, err := defaultRecordType(ctx, tx)
			if err != nil {
				return err
			}
			v.RecordTypeID = records.ID(id)
		} else if _, err := loadRecordType(ctx, tx, v.RecordTypeID); err != nil {
			return err
		}
		if v.HomeID == 0 {
			id, err := defaultLocation(ctx, tx)
			if err != nil {
				return err
			}
			v.HomeID = records.ID(id)
		} else if _, err := loadLocation(ctx, tx, v.HomeID); err != nil {
			return err
		}
		if v.Number < 0 {
			return records.FieldError("Volume number", "must be 1 or more, not %d", v.Number)
		}
		if v.Number == 0 {
			err := tx.QueryRow(ctx, "SELECT coalesce(max(number), 0) + 1 FROM volumes WHERE patient_id = $1 AND record_type_id = $2",
				int64(v.PatientID), int64(v.RecordTypeID)).Scan(&v.Number)
			if err != nil {
				return err
			}
		}
		var id int64
		if err := tx.QueryRow(ctx, "SELECT nextval(pg_get_serial_sequence('volumes', 'id'))").Scan(&id); err != nil {
			return err
		}
		if strings.TrimSpace(v.Barcode) == "" {
			v.Barcode = records.GeneratedBarcode(records.ID(id))
		} else if v.Barcode, err = records.NormalizeScan(v.Barcode); err != nil {
			return records.FieldError("Barcode", "%s", records.ErrorMessage(err))
		}
		if v.Opened.IsZero() {
			v.Opened = s.today()
		}
		now := s.now().Truncate(time.Microsecond)
		_, err = tx.Exec(ctx, `INSERT INTO volumes (id, patient_id, record_type_id, number, barcode, home_id, state, opened, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, 'in-file', $7, $8)`,
			id, int64(v.PatientID), int64(v.RecordTypeID), v.Number, v.Barcode, int64(v.HomeID), dval(v.Opened), now)
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "23505" {
			if pgErr.ConstraintName == "volumes_barcode_key" {
				return records.Errorf(records.EConflict, "a folder with the barcode %s already exists", v.Barcode)
			}
			return records.Errorf(records.EConflict, "chart %s already has volume %d of that record type", p.MRN, v.Number)
		}
		if err != nil {
			return err
		}
		if err := addMovement(ctx, tx, a, records.ID(id), now, move{kind: records.MoveCreate, toLoc: v.HomeID}); err != nil {
			return err
		}
		if out, err = loadVolume(ctx, tx, records.ID(id)); err != nil {
			return err
		}
		_, err = s.appendAudit(ctx, tx, a, records.AuditCreate, "volume", out.ID, fmt.Sprintf("folder %s (%s) added to chart %s", out.Barcode, out.Label(), p.MRN))
		return err
	})
	return out, err
}

// ListVolumes streams the folders f selects, in the order it asks, to fn.
func (s *Store) ListVolumes(ctx context.Context, f records.VolumeFilter, fn func(records.Volume) error) error {
	if _, err := records.Require(ctx, records.RoleClerk, "list folders"); err != nil {
		return err
	}
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.LocationID != 0 {
		where = append(where, `v.home_id IN (WITH RECURSIVE inside(id) AS (SELECT `+arg(int64(f.LocationID))+`::bigint UNION ALL
			SELECT c.id FROM locations c JOIN inside ON c.parent_id = inside.id) SELECT id FROM inside)`)
	}
	if len(f.States) > 0 {
		states := make([]string, len(f.States))
		for i, st := range f.States {
			states[i] = string(st)
		}
		where = append(where, "v.state = ANY("+arg(states)+")")
	}
	if f.ExcludeDestroyed && !slices.Contains(f.States, records.StateDestroyed) {
		where = append(where, "v.state <> 'destroyed'")
	}
	if f.BorrowerID != 0 {
		where = append(where, "v.borrower_id = "+arg(int64(f.BorrowerID)))
	}
	if f.RecordTypeID != 0 {
		where = append(where, "v.record_type_id = "+arg(int64(f.RecordTypeID)))
	}
	if f.PatientID != 0 {
		where = append(where, "v.patient_id = "+arg(int64(f.PatientID)))
	}
	if len(f.Patients) > 0 {
		ids := make([]int64, len(f.Patients))
		for i, id := range f.Patients {
			ids[i] = int64(id)
		}
		where = append(where, "v.patient_id = ANY("+arg(ids)+")")
	}
	if !f.OverdueOn.IsZero() {
		// A coarse cut in SQL; records.Overdue decides each row below.
		where = append(where, "v.state IN ('checked-out', 'in-transit') AND v.due IS NOT NULL AND v.due < "+arg(f.OverdueOn.String())+"::date")
	}
	q := volumeSelect
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	switch f.Order {
	case records.OrderBorrower:
		q += ` ORDER BY lower(b.name) COLLATE "C", ` + filingOrder
	case records.OrderDue:
		q += " ORDER BY v.due IS NULL, v.due, " + filingOrder
	default:
		q += " ORDER BY " + filingOrder
	}
	return s.read(ctx, "the folders", func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			v, err := scanVolume(rows)
			if err != nil {
				return err
			}
			if !f.OverdueOn.IsZero() && !records.Overdue(v, f.OverdueOn) {
				continue
			}
			if err := fn(v); err != nil {
				return err
			}
		}
		return rows.Err()
	})
}

// Counts returns the live figures of the status bar, all read in one
// snapshot.
func (s *Store) Counts(ctx context.Context) (records.Counts, error) {
	if _, err := records.Require(ctx, records.RoleClerk, "see the counts"); err != nil {
		return records.Counts{}, err
	}
	today := s.today().String()
	var c records.Counts
	err := s.read(ctx, "the counts", func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT
			(SELECT count(*) FROM volumes WHERE state IN ('checked-out', 'in-transit', 'offsite')),
			(SELECT count(*) FROM volumes v JOIN borrowers b ON b.id = v.borrower_id
				WHERE v.state IN ('checked-out', 'in-transit') AND b.kind <> $2 AND v.due IS NOT NULL AND v.due < $1::date),
			(SELECT count(*) FROM requests WHERE state = 'pending' AND needed_on <= $1::date),
			(SELECT count(*) FROM loose_filing WHERE state = 'waiting'),
			(SELECT count(*) FROM volumes WHERE state = 'missing'),
			(SELECT count(*) FROM accounting_requests WHERE answered IS NULL),
			(SELECT count(*) FROM accounting_requests WHERE answered IS NULL AND due < $1::date)`, today, string(records.BorrowerOffsite)).
			Scan(&c.Out, &c.Overdue, &c.RequestsDue, &c.LooseWaiting, &c.Missing, &c.AccountingOpen, &c.AccountingOverdue)
	})
	return c, err
}
