package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/chartroom/chartroom/records"
)

// volumeSelect reads a folder with what a clerk sees of it: the patient, the
// record type, its home and its borrower.
const volumeSelect = `SELECT v.id, v.patient_id, v.record_type_id, v.number, v.barcode, v.home_id, v.state, v.borrower_id,
	v.out_since, v.due, v.opened, v.updated_at, p.mrn, p.last_name, p.first_name, p.middle_name, p.dob,
	t.name, t.code, t.color, l.path, b.name, b.kind, b.phone, b.room, p.filing_key
	FROM volumes v
	JOIN patients p ON p.id = v.patient_id
	JOIN record_types t ON t.id = v.record_type_id
	JOIN locations l ON l.id = v.home_id
	LEFT JOIN borrowers b ON b.id = v.borrower_id`

// filingOrder is the shelf order of folders.
const filingOrder = "p.filing_key, v.record_type_id, v.number"

func scanVolume(sc interface{ Scan(...any) error }) (records.Volume, error) {
	var v records.Volume
	var last, first, middle, phone, room string
	err := sc.Scan(&v.ID, &v.PatientID, &v.RecordTypeID, &v.Number, &v.Barcode, &v.HomeID, &v.State, idCol{&v.BorrowerID},
		timeCol{&v.OutSince}, dateCol{&v.Due}, dateCol{&v.Opened}, timeCol{&v.UpdatedAt}, &v.MRN, &last, &first, &middle,
		dateCol{&v.DOB}, &v.TypeName, &v.TypeCode, &v.TypeColor, &v.HomePath, strCol{&v.BorrowerName},
		strCol{(*string)(&v.BorrowerKind)}, strCol{&phone}, strCol{&room}, &v.FilingKey)
	if err != nil {
		return v, err
	}
	v.PatientName = records.PersonName(last, first, middle)
	v.BorrowerTel = records.BorrowerContact(phone, room)
	return v, nil
}

func loadVolume(ctx context.Context, q querier, id records.ID) (records.Volume, error) {
	v, err := scanVolume(q.QueryRowContext(ctx, volumeSelect+" WHERE v.id = ?", int64(id)))
	if err == sql.ErrNoRows {
		return v, records.Errorf(records.ENotFound, "there is no folder with id %d", id)
	}
	return v, err
}

// volumeByScan finds the folder a scanned or typed barcode names.
func volumeByScan(ctx context.Context, q querier, scan string) (records.Volume, error) {
	code, err := records.NormalizeScan(scan)
	if err != nil {
		return records.Volume{}, err
	}
	v, err := scanVolume(q.QueryRowContext(ctx, volumeSelect+" WHERE v.barcode = ?", code))
	if err == sql.ErrNoRows {
		return v, records.Errorf(records.ENotFound, "no folder has the barcode %s", code)
	}
	return v, err
}

func queryVolumes(ctx context.Context, q querier, query string, args ...any) ([]records.Volume, error) {
	rows, err := q.QueryContext(ctx, query, args...)
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
	return s.viewVolume(ctx, func(tx *sql.Tx) (records.Volume, error) { return loadVolume(ctx, tx, id) })
}

// VolumeByBarcode returns the folder a barcode names and records the view.
func (s *Store) VolumeByBarcode(ctx context.Context, barcode string) (records.Volume, error) {
	return s.viewVolume(ctx, func(tx *sql.Tx) (records.Volume, error) { return volumeByScan(ctx, tx, barcode) })
}

func (s *Store) viewVolume(ctx context.Context, find func(*sql.Tx) (records.Volume, error)) (records.Volume, error) {
	a, err := records.Require(ctx, records.RoleClerk, "look at folders")
	if err != nil {
		return records.Volume{}, err
	}
	var v records.Volume
	err = s.look(ctx, "find the folder", func(tx *sql.Tx) error {
		if v, err = find(tx); err != nil {
			return err
		}
		return s.auditor(tx, a).add(ctx, records.AuditView, "volume", v.ID, "viewed folder %s of chart %s", v.Barcode, v.MRN)
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
	err = s.look(ctx, "list the patient's folders", func(tx *sql.Tx) error {
		p, err := loadPatient(ctx, tx, patientID)
		if err != nil {
			return err
		}
		if out, err = queryVolumes(ctx, tx, volumeSelect+" WHERE v.patient_id = ? ORDER BY "+filingOrder, int64(patientID)); err != nil {
			return err
		}
		return s.auditor(tx, a).add(ctx, records.AuditView, "patient", p.ID, "viewed the folders of chart %s", p.MRN)
	})
	return out, err
}

// AddVolume opens a new folder in file (clerk). Record type, home, number
// and barcode default to the default type, the default location, the next
// number for the patient and type, and a generated code.
func (s *Store) AddVolume(ctx context.Context, v records.Volume) (records.Volume, error) {
	a, err := records.Require(ctx, records.RoleClerk, "add folders")
	if err != nil {
		return records.Volume{}, err
	}
	var out records.Volume
	err = s.write(ctx, "add the folder", func(tx *sql.Tx) error {
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
			err := tx.QueryRowContext(ctx, "SELECT coalesce(max(number), 0) + 1 FROM volumes WHERE patient_id = ? AND record_type_id = ?",
				int64(v.PatientID), int64(v.RecordTypeID)).Scan(&v.Number)
			if err != nil {
				return err
			}
		}
		var id int64
		if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) + 1 FROM volumes").Scan(&id); err != nil {
			return err
		}
		if strings.TrimSpace(v.Barcode) == "" {
			v.Barcode = generatedBarcode(id)
		} else if v.Barcode, err = records.NormalizeScan(v.Barcode); err != nil {
			return records.FieldError("Barcode", "%s", records.ErrorMessage(err))
		}
		if v.Opened.IsZero() {
			v.Opened = s.today()
		}
		now := s.now()
		_, err = tx.ExecContext(ctx, `INSERT INTO volumes (id, patient_id, record_type_id, number, barcode, home_id, state, opened, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, 'in-file', ?, ?)`,
			id, int64(v.PatientID), int64(v.RecordTypeID), v.Number, v.Barcode, int64(v.HomeID), dval(v.Opened), tval(now))
		if col, ok := uniqueViolation(err); ok {
			if col == "volumes.barcode" {
				return records.Errorf(records.EConflict, "a folder with the barcode %s already exists", v.Barcode)
			}
			return records.Errorf(records.EConflict, "chart %s already has volume %d of that record type", p.MRN, v.Number)
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO movements (volume_id, kind, at, user_id, to_location_id) VALUES (?, 'create', ?, ?, ?)`,
			id, tval(now), idval(a.UserID), int64(v.HomeID)); err != nil {
			return err
		}
		if out, err = loadVolume(ctx, tx, records.ID(id)); err != nil {
			return err
		}
		return s.auditor(tx, a).add(ctx, records.AuditCreate, "volume", out.ID, "folder %s (%s) added to chart %s", out.Barcode, out.Label(), p.MRN)
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
	if f.LocationID != 0 {
		where = append(where, `v.home_id IN (WITH RECURSIVE inside(id) AS (SELECT ? UNION ALL
			SELECT c.id FROM locations c JOIN inside ON c.parent_id = inside.id) SELECT id FROM inside)`)
		args = append(args, int64(f.LocationID))
	}
	if len(f.States) > 0 {
		inFile := false
		for _, st := range f.States {
			args = append(args, string(st))
			inFile = inFile || st == records.StateInFile
		}
		where = append(where, inList("v.state", len(f.States)))
		if !inFile {
			where = append(where, "v.state <> 'in-file'") // lets SQLite use the volumes_out index
		}
	}
	if f.ExcludeDestroyed && !slices.Contains(f.States, records.StateDestroyed) {
		where = append(where, "v.state <> 'destroyed'")
	}
	if f.BorrowerID != 0 {
		where, args = append(where, "v.borrower_id = ?"), append(args, int64(f.BorrowerID))
	}
	if f.RecordTypeID != 0 {
		where, args = append(where, "v.record_type_id = ?"), append(args, int64(f.RecordTypeID))
	}
	if f.PatientID != 0 {
		where, args = append(where, "v.patient_id = ?"), append(args, int64(f.PatientID))
	}
	if len(f.Patients) > 0 {
		for _, id := range f.Patients {
			args = append(args, int64(id))
		}
		where = append(where, inList("v.patient_id", len(f.Patients)))
	}
	if !f.OverdueOn.IsZero() {
		// A coarse cut in SQL; records.Overdue decides each row below.
		where = append(where, "v.state <> 'in-file' AND v.state IN ('checked-out', 'in-transit') AND v.due IS NOT NULL AND v.due < ?")
		args = append(args, f.OverdueOn.String())
	}
	q := volumeSelect
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	switch f.Order {
	case records.OrderBorrower:
		q += " ORDER BY b.name COLLATE NOCASE, " + filingOrder
	case records.OrderDue:
		q += " ORDER BY v.due IS NULL, v.due, " + filingOrder
	default:
		q += " ORDER BY " + filingOrder
	}
	return s.read(ctx, "list folders", func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, q, args...)
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

// Counts returns the live figures of the status bar.
func (s *Store) Counts(ctx context.Context) (records.Counts, error) {
	if _, err := records.Require(ctx, records.RoleClerk, "see the counts"); err != nil {
		return records.Counts{}, err
	}
	today := s.today().String()
	var c records.Counts
	err := s.read(ctx, "count folders", func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, fmt.Sprintf(`SELECT
			(SELECT count(*) FROM volumes WHERE state <> 'in-file' AND state IN ('checked-out', 'in-transit', 'offsite')),
			(SELECT count(*) FROM volumes v WHERE v.state <> 'in-file' AND v.state IN ('checked-out', 'in-transit')
				AND v.due IS NOT NULL AND v.due < ? AND v.borrower_id IS NOT NULL
				AND v.borrower_id NOT IN (SELECT id FROM borrowers WHERE kind = '%s')),
			(SELECT count(*) FROM requests WHERE state = 'pending' AND needed_on <= ?),
			(SELECT count(*) FROM loose_filing WHERE state = 'waiting'),
			(SELECT count(*) FROM volumes WHERE state <> 'in-file' AND state = 'missing'),
			(SELECT count(*) FROM accounting_requests WHERE answered IS NULL),
			(SELECT count(*) FROM accounting_requests WHERE answered IS NULL AND due < ?)`, records.BorrowerOffsite), today, today, today).
			Scan(&c.Out, &c.Overdue, &c.RequestsDue, &c.LooseWaiting, &c.Missing, &c.AccountingOpen, &c.AccountingOverdue)
	})
	return c, err
}

// inList is "column IN (?, ?, ...)" with n placeholders (n > 0).
func inList(column string, n int) string {
	return column + " IN (" + strings.TrimSuffix(strings.Repeat("?, ", n), ", ") + ")"
}
