package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/chartroom/chartroom/records"
)

// importChunk is how many rows share one lookup of existing chart numbers.
const importChunk = 500

// ImportPatients adds or updates patients from an import in one transaction
// (supervisor): a new chart number creates the patient with volume 1 in file
// at the default location; a known one with different details updates it
// (an empty field in the file keeps what is stored, so a file without a
// phone column wipes no phones); identical rows are counted unchanged. Bad
// rows are rejected by line and the good ones still import. A dry run
// reports the same summary and rolls back.
func (s *Store) ImportPatients(ctx context.Context, rows []records.PatientRow, dryRun bool) (records.ImportSummary, error) {
	a, err := records.Require(ctx, records.RoleSupervisor, "import patients")
	if err != nil {
		return records.ImportSummary{}, err
	}
	var sum records.ImportSummary
	// Foreign keys are not checked during an import: every row it writes
	// refers to rows it wrote itself just before (the patient, the folder)
	// or read in the same transaction (the default record type and
	// location, the importing user), so the check could never fail, and it
	// cost a lookup per reference, a tenth of an import (make bench-go).
	// TestImportKeepsForeignKeys runs SQLite's foreign_key_check after one.
	// Every failure rolls the whole import back, so a multi-row INSERT need
	// not undo its own rows: with OR FAIL (insert.go) and no foreign key
	// checked, SQLite keeps no statement journal (pprof: a copy of every page
	// each batch touched).
	err = s.writeWith(ctx, "import patients", "foreign_keys = OFF", "foreign_keys = ON", true, func(tx *sql.Tx) error {
		sum = records.ImportSummary{}
		st, err := loadSettings(ctx, tx)
		if err != nil {
			return err
		}
		rebuild, err := suspendIndexes(ctx, tx, len(rows))
		if err != nil {
			return err
		}
		im, err := s.newImporter(ctx, tx, st, a)
		if err != nil {
			return err
		}
		defer im.close()
		firstLine := make(map[string]int, len(rows))
		var chunk []records.PatientRow
		for _, row := range rows {
			p := row.Patient
			if err := records.ValidatePatient(&p, st, im.ins.today); err != nil {
				reject(&sum, row.Line, "%s", records.ErrorMessage(err))
				continue
			}
			if p.Status == records.PatientMerged {
				reject(&sum, row.Line, "Status: a merged chart cannot be imported")
				continue
			}
			if first, seen := firstLine[p.MRN]; seen {
				reject(&sum, row.Line, "chart number %s is repeated (first on line %d)", records.FormatMRN(p.MRN, st.Filing), first)
				continue
			}
			firstLine[p.MRN] = row.Line
			chunk = append(chunk, records.PatientRow{Line: row.Line, Patient: p})
			if len(chunk) == importChunk {
				if err := im.apply(ctx, chunk, &sum); err != nil {
					return err
				}
				chunk = chunk[:0]
			}
		}
		if err := im.apply(ctx, chunk, &sum); err != nil {
			return err
		}
		if err := im.ins.flush(ctx); err != nil {
			return err
		}
		s.preseal(tx, im.ins.seal.take())
		if err := rebuild(); err != nil {
			return err
		}
		if err := s.auditor(tx, a).add(ctx, records.AuditImport, "patient", 0, "patients imported: %d new, %d updated, %d unchanged, %d rejected",
			sum.Imported, sum.Updated, sum.Unchanged, len(sum.Rejected)); err != nil {
			return err
		}
		if dryRun {
			return errDryRun
		}
		return nil
	})
	return sum, err
}

// reject names a bad line in the summary.
func reject(sum *records.ImportSummary, line int, format string, args ...any) {
	sum.Rejected = append(sum.Rejected, records.RowError{Line: line, Reason: fmt.Sprintf(format, args...)})
}

// importer holds an import's prepared statements.
type importer struct {
	tx     *sql.Tx
	st     records.Settings
	ins    *patientInserter
	update *sql.Stmt
}

func (s *Store) newImporter(ctx context.Context, tx *sql.Tx, st records.Settings, a records.Actor) (*importer, error) {
	ins, err := s.newPatientInserter(ctx, tx, st, a)
	if err != nil {
		return nil, err
	}
	im := &importer{tx: tx, st: st, ins: ins}
	if im.update, err = tx.PrepareContext(ctx, `UPDATE patients SET last_name = ?, first_name = ?, middle_name = ?, last_fold = ?,
		first_fold = ?, dob = ?, sex = ?, deceased = ?, last_visit = ?, phone = ?, filing_key = ?, updated_at = ? WHERE id = ?`); err != nil {
		im.close()
		return nil, err
	}
	return im, nil
}

func (im *importer) close() {
	im.ins.close()
	if im.update != nil {
		im.update.Close()
	}
}

// existing looks up the stored patients of a chunk's chart numbers at once.
func (im *importer) existing(ctx context.Context, chunk []records.PatientRow) (map[string]records.Patient, error) {
	found := make(map[string]records.Patient, len(chunk))
	if len(chunk) == 0 {
		return found, nil
	}
	args := make([]any, len(chunk))
	for i, r := range chunk {
		args[i] = r.Patient.MRN
	}
	rows, err := im.tx.QueryContext(ctx, `SELECT p.id, p.mrn, p.last_name, p.first_name, p.middle_name, p.dob, p.sex, p.deceased,
		p.last_visit, p.phone, p.status, (SELECT s.mrn FROM patients s WHERE s.id = p.merged_into_id)
		FROM patients p WHERE p.mrn IN (`+strings.TrimSuffix(strings.Repeat("?, ", len(chunk)), ", ")+")", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var old records.Patient
		if err := rows.Scan(&old.ID, &old.MRN, &old.LastName, &old.FirstName, &old.MiddleName, dateCol{&old.DOB}, &old.Sex,
			dateCol{&old.Deceased}, dateCol{&old.LastVisit}, &old.Phone, &old.Status, strCol{&old.MergedInto}); err != nil {
			return nil, err
		}
		found[old.MRN] = old
	}
	return found, rows.Err()
}

// apply imports a chunk of validated rows with distinct chart numbers.
func (im *importer) apply(ctx context.Context, chunk []records.PatientRow, sum *records.ImportSummary) error {
	stored, err := im.existing(ctx, chunk)
	if err != nil {
		return err
	}
	for _, row := range chunk {
		p := row.Patient
		old, ok := stored[p.MRN]
		if !ok {
			if _, err := im.ins.add(ctx, p); err != nil {
				return err
			}
			sum.Imported++
			continue
		}
		if old.Status == records.PatientMerged {
			reject(sum, row.Line, "chart number %s was retired when it was merged into %s",
				records.FormatMRN(p.MRN, im.st.Filing), records.FormatMRN(old.MergedInto, im.st.Filing))
			continue
		}
		next := mergeImported(old, p)
		if samePatientDetails(old, next) {
			sum.Unchanged++
			continue
		}
		_, err = im.update.ExecContext(ctx, next.LastName, next.FirstName, next.MiddleName, records.FoldName(next.LastName),
			records.FoldName(next.FirstName), dval(next.DOB), next.Sex, dval(next.Deceased), dval(next.LastVisit), next.Phone,
			records.FilingKey(im.st.Filing, p.MRN, next.LastName, next.FirstName, next.DOB), tval(im.ins.now), int64(old.ID))
		if err != nil {
			return fmt.Errorf("line %d: %w", row.Line, err)
		}
		sum.Updated++
	}
	return nil
}

// mergeImported lays an imported row over the stored patient: what the file
// says wins, except that an empty optional field keeps the stored value.
func mergeImported(old, in records.Patient) records.Patient {
	next := old
	next.LastName = in.LastName
	if in.FirstName != "" {
		next.FirstName = in.FirstName
	}
	if in.MiddleName != "" {
		next.MiddleName = in.MiddleName
	}
	if !in.DOB.IsZero() {
		next.DOB = in.DOB
	}
	if in.Sex != "" && in.Sex != records.SexUnknown {
		next.Sex = in.Sex
	}
	if !in.Deceased.IsZero() {
		next.Deceased = in.Deceased
	}
	if !in.LastVisit.IsZero() {
		next.LastVisit = in.LastVisit
	}
	if in.Phone != "" {
		next.Phone = in.Phone
	}
	return next
}

func samePatientDetails(a, b records.Patient) bool {
	return a.LastName == b.LastName && a.FirstName == b.FirstName && a.MiddleName == b.MiddleName && a.DOB.Equal(b.DOB) &&
		a.Sex == b.Sex && a.Deceased.Equal(b.Deceased) && a.LastVisit.Equal(b.LastVisit) && a.Phone == b.Phone
}
