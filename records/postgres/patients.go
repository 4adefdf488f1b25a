package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/chartroom/chartroom/records"
)

// patientColumns reads a patient row aliased p; the survivor's chart number
// of a merged patient comes along.
const patientColumns = `p.id, p.mrn, p.external_id, p.last_name, p.first_name, p.middle_name, p.dob, p.sex, p.deceased, p.last_visit,
	p.status, (SELECT s.mrn FROM patients s WHERE s.id = p.merged_into_id), p.legal_hold, p.phone, p.created_at, p.updated_at`

func patientDest(p *records.Patient) []any {
	return []any{&p.ID, &p.MRN, &p.ExternalID, &p.LastName, &p.FirstName, &p.MiddleName, dateCol{&p.DOB}, &p.Sex, dateCol{&p.Deceased},
		dateCol{&p.LastVisit}, &p.Status, strCol{&p.MergedInto}, &p.LegalHold, &p.Phone, &p.CreatedAt, &p.UpdatedAt}
}

func loadPatient(ctx context.Context, tx pgx.Tx, id records.ID) (records.Patient, error) {
	var p records.Patient
	err := tx.QueryRow(ctx, "SELECT "+patientColumns+" FROM patients p WHERE p.id = $1", int64(id)).Scan(patientDest(&p)...)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, records.Errorf(records.ENotFound, "there is no patient with id %d", id)
	}
	return p, err
}

func (s *Store) today() records.Date { return records.DateOf(s.now()) }

// CreatePatient adds a patient with volume 1 of the default record type,
// in file at the default location (clerk: registering a new chart is front
// desk work; changing one is a supervisor's).
func (s *Store) CreatePatient(ctx context.Context, p records.Patient) (records.Patient, error) {
	a, err := records.Require(ctx, records.RoleClerk, "add patients")
	if err != nil {
		return records.Patient{}, err
	}
	return s.createPatient(ctx, a, p, "")
}

// CreateDuplicatePatient adds a patient although a chart with the same
// surname, given name and birth date exists: a supervisor's decision, with
// the reason kept in the audit log.
func (s *Store) CreateDuplicatePatient(ctx context.Context, p records.Patient, reason string) (records.Patient, error) {
	a, err := records.Require(ctx, records.RoleSupervisor, "add a second chart for the same person")
	if err != nil {
		return records.Patient{}, err
	}
	reason, err = records.ValidateDuplicateReason(reason)
	if err != nil {
		return records.Patient{}, err
	}
	return s.createPatient(ctx, a, p, reason)
}

// patientsLock is the advisory lock key held while a new patient is
// checked and written: two workstations registering the same person (or
// the same chart number) at once are told in turn, the second seeing the
// first one's chart, as one writer at a time sees it in SQLite.
const patientsLock = 0x63687274_0007 // "chrt", 7

// createPatient writes a new patient; a patient that matches an existing
// chart is refused unless the supervisor's reason comes with it.
func (s *Store) createPatient(ctx context.Context, a records.Actor, p records.Patient, duplicateReason string) (records.Patient, error) {
	err := s.write(ctx, "the new patient", func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(patientsLock)); err != nil {
			return err
		}
		st, err := loadSettings(ctx, tx)
		if err != nil {
			return err
		}
		if err := records.ValidatePatient(&p, st, s.today()); err != nil {
			return err
		}
		if p.Status == records.PatientMerged {
			return records.FieldError("Status", "a new patient cannot be merged")
		}
		var taken bool
		if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM patients WHERE mrn = $1)", p.MRN).Scan(&taken); err != nil {
			return err
		}
		if taken {
			return mrnTaken(p.MRN, st)
		}
		if p.ExternalID != "" {
			other, err := patientByExternalID(ctx, tx, p.ExternalID)
			if err == nil {
				return records.Errorf(records.EConflict, "the external id %s already belongs to chart %s", p.ExternalID, records.FormatMRN(other.MRN, st.Filing))
			}
			if records.ErrorCode(err) != records.ENotFound {
				return err
			}
		}
		same, err := duplicatesOf(ctx, tx, p)
		if err != nil {
			return err
		}
		if len(same) > 0 && duplicateReason == "" {
			return records.DuplicatePatientError(same, st.Filing)
		}
		if p, err = s.insertPatient(ctx, tx, st, a, p); err != nil {
			return err
		}
		detail := fmt.Sprintf("chart %s created", p.MRN)
		if len(same) > 0 {
			detail = fmt.Sprintf("chart %s created although chart %s has the same name and birth date; reason: %s",
				p.MRN, same[0].MRN, duplicateReason)
		}
		_, err = s.appendAudit(ctx, tx, a, records.AuditCreate, "patient", p.ID, detail)
		return err
	})
	if err != nil {
		return records.Patient{}, err
	}
	return p, nil
}

// insertPatient writes a validated patient with volume 1 of the default
// record type, in file at the default location, and that folder's
// "create" movement. The folder's id is drawn first, so its generated
// barcode goes in with the row.
func (s *Store) insertPatient(ctx context.Context, tx pgx.Tx, st records.Settings, a records.Actor, p records.Patient) (records.Patient, error) {
	typeID, err := defaultRecordType(ctx, tx)
	if err != nil {
		return p, err
	}
	homeID, err := defaultLocation(ctx, tx)
	if err != nil {
		return p, err
	}
	now := s.now().Truncate(time.Microsecond)
	k := keysOf(st, p)
	if err := tx.QueryRow(ctx, `INSERT INTO patients (mrn, external_id, last_name, first_name, middle_name, last_fold, first_fold,
		dob, sex, deceased, last_visit, status, legal_hold, phone, filing_key, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16) RETURNING id`,
		p.MRN, p.ExternalID, p.LastName, p.FirstName, p.MiddleName, k.lastFold, k.firstFold,
		dval(p.DOB), p.Sex, dval(p.Deceased), dval(p.LastVisit), string(p.Status), p.LegalHold, p.Phone, k.filing, now).Scan(&p.ID); err != nil {
		return p, err
	}
	var volumeID int64
	if err := tx.QueryRow(ctx, "SELECT nextval(pg_get_serial_sequence('volumes', 'id'))").Scan(&volumeID); err != nil {
		return p, err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO volumes (id, patient_id, record_type_id, number, barcode, home_id, state, opened, updated_at)
		VALUES ($1, $2, $3, 1, $4, $5, $6, $7, $8)`,
		volumeID, int64(p.ID), typeID, records.GeneratedBarcode(records.ID(volumeID)), homeID, string(records.StateInFile),
		s.today().String(), now); err != nil {
		return p, err
	}
	if _, err := tx.Exec(ctx, "INSERT INTO movements (volume_id, kind, at, user_id, to_location_id) VALUES ($1, $2, $3, $4, $5)",
		volumeID, string(records.MoveCreate), now, idval(a.UserID), homeID); err != nil {
		return p, err
	}
	p.CreatedAt, p.UpdatedAt = now, now
	return p, nil
}

// patientKeys are a patient's derived columns: the folded names the name
// search reads and the filing key that is the shelf order.
type patientKeys struct{ lastFold, firstFold, filing string }

func keysOf(st records.Settings, p records.Patient) patientKeys {
	return patientKeys{records.FoldName(p.LastName), records.FoldName(p.FirstName),
		records.FilingKey(st.Filing, p.MRN, p.LastName, p.FirstName, p.DOB)}
}

// defaultRecordType is the type a new patient's first folder gets.
func defaultRecordType(ctx context.Context, tx pgx.Tx) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, "SELECT id FROM record_types WHERE is_default ORDER BY id LIMIT 1").Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, records.Errorf(records.EConflict, "there is no default record type; a supervisor must choose one first")
	}
	return id, err
}

// defaultLocation is where new folders are filed.
func defaultLocation(ctx context.Context, tx pgx.Tx) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, "SELECT id FROM locations WHERE is_default ORDER BY id LIMIT 1").Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, records.Errorf(records.EConflict, "there is no default location; a supervisor must choose one first")
	}
	return id, err
}

// DuplicatePatients lists the charts with p's surname, given name and birth
// date (folded as the search folds them), so the desk sees them before it
// adds a second chart for the same person. The look is audited as a
// search by name and birth date.
func (s *Store) DuplicatePatients(ctx context.Context, p records.Patient) ([]records.Patient, error) {
	a, err := records.Require(ctx, records.RoleClerk, "look for existing charts")
	if err != nil {
		return nil, err
	}
	var out []records.Patient
	err = s.write(ctx, "the look for existing charts", func(tx pgx.Tx) error {
		var err error
		if out, err = duplicatesOf(ctx, tx, p); err != nil {
			return err
		}
		_, err = s.appendAudit(ctx, tx, a, records.AuditSearch, "patient", 0, fmt.Sprintf("existing charts for %q born %s: %d",
			records.PersonName(p.LastName, p.FirstName, ""), p.DOB.String(), len(out)))
		return err
	})
	return out, err
}

// duplicatesOf finds the live charts that match p by folded names and birth
// date; a patient without a birth date matches none.
func duplicatesOf(ctx context.Context, tx pgx.Tx, p records.Patient) ([]records.Patient, error) {
	if p.DOB.IsZero() || p.LastName == "" {
		return nil, nil
	}
	rows, err := tx.Query(ctx, "SELECT "+patientColumns+` FROM patients p
		WHERE p.last_fold = $1 AND p.first_fold = $2 AND p.dob = $3 AND p.status <> 'merged' ORDER BY p.mrn`,
		records.FoldName(p.LastName), records.FoldName(p.FirstName), dval(p.DOB))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []records.Patient
	for rows.Next() {
		var d records.Patient
		if err := rows.Scan(patientDest(&d)...); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

func mrnTaken(mrn string, st records.Settings) error {
	return records.Errorf(records.EConflict, "a patient with MRN %s already exists", records.FormatMRN(mrn, st.Filing))
}

// patientByExternalID finds the patient another system knows by id (case
// not telling ids apart), without following a merge.
func patientByExternalID(ctx context.Context, tx pgx.Tx, id string) (records.Patient, error) {
	var p records.Patient
	err := tx.QueryRow(ctx, "SELECT "+patientColumns+" FROM patients p WHERE lower(p.external_id) = lower($1) AND p.external_id <> ''", id).
		Scan(patientDest(&p)...)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, records.Errorf(records.ENotFound, "no patient has the external id %s", id)
	}
	return p, err
}

// maxMergeHops bounds the walk from a retired chart number to its survivor
// (a survivor may itself have been merged later).
const maxMergeHops = 10

// resolveMRN is the one place a chart number is looked up: it finds the
// patient with the stored chart number mrn and follows merges to the
// survivor, saying whether it did.
func resolveMRN(ctx context.Context, tx pgx.Tx, mrn string) (p records.Patient, merged bool, err error) {
	var next *int64
	err = tx.QueryRow(ctx, "SELECT "+patientColumns+", p.merged_into_id FROM patients p WHERE p.mrn = $1", mrn).
		Scan(append(patientDest(&p), &next)...)
	for hops := 0; err == nil && next != nil; hops++ {
		if hops == maxMergeHops {
			return p, true, records.Errorf(records.EConflict, "chart %s was merged too many times over to follow", mrn)
		}
		merged = true
		err = tx.QueryRow(ctx, "SELECT "+patientColumns+", p.merged_into_id FROM patients p WHERE p.id = $1", *next).
			Scan(append(patientDest(&p), &next)...)
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return p, false, records.Errorf(records.ENotFound, "no patient has the chart number %s", mrn)
	}
	return p, merged, err
}

// Patient returns a patient and records that the user looked at it.
func (s *Store) Patient(ctx context.Context, id records.ID) (records.Patient, error) {
	a, err := records.Require(ctx, records.RoleClerk, "look at patients")
	if err != nil {
		return records.Patient{}, err
	}
	var p records.Patient
	err = s.write(ctx, "the look at the patient", func(tx pgx.Tx) error {
		if p, err = loadPatient(ctx, tx, id); err != nil {
			return err
		}
		_, err = s.appendAudit(ctx, tx, a, records.AuditView, "patient", p.ID, "viewed chart "+p.MRN)
		return err
	})
	return p, err
}

// PatientByMRN finds a patient by chart number (any accepted spelling),
// following a merge to the survivor, and records the view.
func (s *Store) PatientByMRN(ctx context.Context, mrn string) (records.Patient, error) {
	a, err := records.Require(ctx, records.RoleClerk, "look at patients")
	if err != nil {
		return records.Patient{}, err
	}
	var p records.Patient
	err = s.write(ctx, "the look at the patient", func(tx pgx.Tx) error {
		st, err := loadSettings(ctx, tx)
		if err != nil {
			return err
		}
		norm, err := records.NormalizeMRN(mrn, st.MRNWidth)
		if err != nil {
			return records.FieldError("MRN", "%s", err.Error())
		}
		var merged bool
		if p, merged, err = resolveMRN(ctx, tx, norm); err != nil {
			return err
		}
		detail := "viewed chart " + p.MRN
		if merged {
			detail += " (found by retired chart number " + norm + ")"
		}
		_, err = s.appendAudit(ctx, tx, a, records.AuditView, "patient", p.ID, detail)
		return err
	})
	return p, err
}

// UpdatePatient changes a patient's index entry (supervisor or admin). The
// external id is not changed here: it is the other system's, and only an
// import of that system's file sets it. The patient's row is locked while
// it is checked and changed, and the patients lock held, so that a chart
// number it takes is not being given to a new patient at the same time.
func (s *Store) UpdatePatient(ctx context.Context, p records.Patient) (records.Patient, error) {
	a, err := records.Require(ctx, records.RoleSupervisor, "change patients")
	if err != nil {
		return records.Patient{}, err
	}
	var out records.Patient
	err = s.write(ctx, "the patient's changes", func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(patientsLock)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "SELECT 1 FROM patients WHERE id = $1 FOR UPDATE", int64(p.ID)); err != nil {
			return err
		}
		old, err := loadPatient(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		st, err := loadSettings(ctx, tx)
		if err != nil {
			return err
		}
		if err := records.ValidatePatientEdit(old, &p, st, s.today()); err != nil {
			return err
		}
		k := keysOf(st, p)
		_, err = tx.Exec(ctx, `UPDATE patients SET mrn = $1, last_name = $2, first_name = $3, middle_name = $4, last_fold = $5,
			first_fold = $6, dob = $7, sex = $8, deceased = $9, last_visit = $10, status = $11, legal_hold = $12, phone = $13,
			filing_key = $14, updated_at = $15 WHERE id = $16`,
			p.MRN, p.LastName, p.FirstName, p.MiddleName, k.lastFold, k.firstFold,
			dval(p.DOB), p.Sex, dval(p.Deceased), dval(p.LastVisit), string(p.Status), p.LegalHold, p.Phone,
			k.filing, s.now().Truncate(time.Microsecond), int64(p.ID))
		if uniqueViolation(err, "patients_mrn_key") {
			return mrnTaken(p.MRN, st)
		}
		if err != nil {
			return err
		}
		if out, err = loadPatient(ctx, tx, p.ID); err != nil {
			return err
		}
		_, err = s.appendAudit(ctx, tx, a, records.AuditUpdate, "patient", p.ID,
			fmt.Sprintf("chart %s changed: %s", p.MRN, records.PatientChanges(old, out)))
		return err
	})
	return out, err
}

// uniqueViolation reports whether err is PostgreSQL refusing a row that
// would repeat a value the unique constraint named keeps distinct.
func uniqueViolation(err error, constraint string) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505" && pgErr.ConstraintName == constraint
}
