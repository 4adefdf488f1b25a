package sqlite

import (
	"context"
	"database/sql"

	"github.com/chartroom/chartroom/records"
)

// patientColumns reads a patient row aliased p; the survivor's chart number
// of a merged patient comes along.
const patientColumns = `p.id, p.mrn, p.external_id, p.last_name, p.first_name, p.middle_name, p.dob, p.sex, p.deceased, p.last_visit,
	p.status, (SELECT s.mrn FROM patients s WHERE s.id = p.merged_into_id), p.legal_hold, p.phone, p.created_at, p.updated_at`

func patientDest(p *records.Patient) []any {
	return []any{&p.ID, &p.MRN, &p.ExternalID, &p.LastName, &p.FirstName, &p.MiddleName, dateCol{&p.DOB}, &p.Sex, dateCol{&p.Deceased},
		dateCol{&p.LastVisit}, &p.Status, strCol{&p.MergedInto}, boolCol{&p.LegalHold}, &p.Phone, timeCol{&p.CreatedAt}, timeCol{&p.UpdatedAt}}
}

func loadPatient(ctx context.Context, q querier, id records.ID) (records.Patient, error) {
	var p records.Patient
	err := q.QueryRowContext(ctx, "SELECT "+patientColumns+" FROM patients p WHERE p.id = ?", int64(id)).Scan(patientDest(&p)...)
	if err == sql.ErrNoRows {
		return p, records.Errorf(records.ENotFound, "there is no patient with id %d", id)
	}
	return p, err
}

// maxMergeHops bounds the walk from a retired chart number to its survivor
// (a survivor may itself have been merged later).
const maxMergeHops = 10

// resolveMRN is the one place a chart number is looked up: it finds the
// patient with the stored chart number mrn and follows merges to the
// survivor, saying whether it did. Search, PatientByMRN, Where, the imports
// and the scan desk all come through here.
func resolveMRN(ctx context.Context, q querier, mrn string) (p records.Patient, merged bool, err error) {
	return lookupMRN(ctx, q, mrn, true)
}

// patientRowByMRN is the patient row with the stored chart number mrn, a
// retired one included, without following a merge: what a merge itself
// works on.
func patientRowByMRN(ctx context.Context, q querier, mrn string) (records.Patient, error) {
	p, _, err := lookupMRN(ctx, q, mrn, false)
	return p, err
}

func lookupMRN(ctx context.Context, q querier, mrn string, follow bool) (p records.Patient, merged bool, err error) {
	var next sql.NullInt64
	err = q.QueryRowContext(ctx, "SELECT "+patientColumns+", p.merged_into_id FROM patients p WHERE p.mrn = ?", mrn).
		Scan(append(patientDest(&p), &next)...)
	for hops := 0; follow && err == nil && next.Valid; hops++ {
		if hops == maxMergeHops {
			return p, true, records.Errorf(records.EConflict, "chart %s was merged too many times over to follow", mrn)
		}
		merged = true
		err = q.QueryRowContext(ctx, "SELECT "+patientColumns+", p.merged_into_id FROM patients p WHERE p.id = ?", next.Int64).
			Scan(append(patientDest(&p), &next)...)
	}
	if err == sql.ErrNoRows {
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
	err = s.look(ctx, "read the patient", func(tx *sql.Tx) error {
		if p, err = loadPatient(ctx, tx, id); err != nil {
			return err
		}
		return s.auditor(tx, a).add(ctx, records.AuditView, "patient", p.ID, "viewed chart %s", p.MRN)
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
	err = s.look(ctx, "find the patient", func(tx *sql.Tx) error {
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
		return s.auditor(tx, a).add(ctx, records.AuditView, "patient", p.ID, "%s", detail)
	})
	return p, err
}

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

// createPatient writes a new patient; a patient that matches an existing
// chart is refused unless the supervisor's reason comes with it.
func (s *Store) createPatient(ctx context.Context, a records.Actor, p records.Patient, duplicateReason string) (records.Patient, error) {
	err := s.write(ctx, "add the patient", func(tx *sql.Tx) error {
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
		var taken int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM patients WHERE mrn = ?", p.MRN).Scan(&taken); err != nil {
			return err
		}
		if taken > 0 {
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
		ins, err := s.newPatientInserter(ctx, tx, st, a)
		if err != nil {
			return err
		}
		defer ins.close()
		if p, err = ins.add(ctx, p, keysOf(st, p)); err != nil {
			return err
		}
		if err := ins.flush(ctx); err != nil {
			return err
		}
		au := s.auditor(tx, a)
		if len(same) > 0 {
			return au.add(ctx, records.AuditCreate, "patient", p.ID, "chart %s created although chart %s has the same name and birth date; reason: %s",
				p.MRN, same[0].MRN, duplicateReason)
		}
		return au.add(ctx, records.AuditCreate, "patient", p.ID, "chart %s created", p.MRN)
	})
	if err != nil {
		return records.Patient{}, err
	}
	return p, nil
}

// DuplicatePatients lists the charts with p's surname, given name and birth
// date (folded as the search folds them), so the desk sees them before it
// adds a second chart for the same person.
// The look is audited as a search by name and birth date.
func (s *Store) DuplicatePatients(ctx context.Context, p records.Patient) ([]records.Patient, error) {
	a, err := records.Require(ctx, records.RoleClerk, "look for existing charts")
	if err != nil {
		return nil, err
	}
	var out []records.Patient
	err = s.look(ctx, "look for existing charts", func(tx *sql.Tx) error {
		var err error
		if out, err = duplicatesOf(ctx, tx, p); err != nil {
			return err
		}
		return s.auditor(tx, a).add(ctx, records.AuditSearch, "patient", 0, "existing charts for %q born %s: %d",
			records.PersonName(p.LastName, p.FirstName, ""), p.DOB.String(), len(out))
	})
	return out, err
}

// duplicatesOf finds the live charts that match p by folded names and birth
// date; a patient without a birth date matches none.
func duplicatesOf(ctx context.Context, q querier, p records.Patient) ([]records.Patient, error) {
	if p.DOB.IsZero() || p.LastName == "" {
		return nil, nil
	}
	rows, err := q.QueryContext(ctx, "SELECT "+patientColumns+` FROM patients p
		WHERE p.last_fold = ? AND p.first_fold = ? AND p.dob = ? AND p.status <> 'merged' ORDER BY p.mrn`,
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

// UpdatePatient changes a patient's index entry (supervisor or admin). The
// external id is not changed here: it is the other system's, and only an
// import of that system's file sets it.
func (s *Store) UpdatePatient(ctx context.Context, p records.Patient) (records.Patient, error) {
	a, err := records.Require(ctx, records.RoleSupervisor, "change patients")
	if err != nil {
		return records.Patient{}, err
	}
	var out records.Patient
	err = s.write(ctx, "save the patient", func(tx *sql.Tx) error {
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
		now := s.now()
		k := keysOf(st, p)
		_, err = tx.ExecContext(ctx, `UPDATE patients SET mrn = ?, last_name = ?, first_name = ?, middle_name = ?, last_fold = ?,
			first_fold = ?, dob = ?, sex = ?, deceased = ?, last_visit = ?, status = ?, legal_hold = ?, phone = ?, filing_key = ?,
			updated_at = ? WHERE id = ?`,
			p.MRN, p.LastName, p.FirstName, p.MiddleName, k.lastFold, k.firstFold,
			dval(p.DOB), p.Sex, dval(p.Deceased), dval(p.LastVisit), string(p.Status), bval(p.LegalHold), p.Phone,
			k.filing, tval(now), int64(p.ID))
		if col, ok := uniqueViolation(err); ok && col == "patients.mrn" {
			return mrnTaken(p.MRN, st)
		}
		if err != nil {
			return err
		}
		if out, err = loadPatient(ctx, tx, p.ID); err != nil {
			return err
		}
		return s.auditor(tx, a).add(ctx, records.AuditUpdate, "patient", p.ID, "chart %s changed: %s", p.MRN, records.PatientChanges(old, out))
	})
	return out, err
}

func mrnTaken(mrn string, st records.Settings) error {
	return records.Errorf(records.EConflict, "a patient with MRN %s already exists", records.FormatMRN(mrn, st.Filing))
}

// patientByExternalID finds the patient another system knows by id (case
// not telling ids apart), without following a merge.
func patientByExternalID(ctx context.Context, q querier, id string) (records.Patient, error) {
	var p records.Patient
	err := q.QueryRowContext(ctx, "SELECT "+patientColumns+" FROM patients p WHERE p.external_id = ? AND p.external_id <> ''", id).
		Scan(patientDest(&p)...)
	if err == sql.ErrNoRows {
		return p, records.Errorf(records.ENotFound, "no patient has the external id %s", id)
	}
	return p, err
}
