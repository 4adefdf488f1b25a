package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"

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
//
// The rows are read and checked on a goroutine of their own (checkRows)
// while this one writes the rows before them: the CSV parse and the checks
// run beside SQLite's work on a second core.
func (s *Store) ImportPatients(ctx context.Context, src records.PatientSource, dryRun bool) (records.ImportSummary, error) {
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
		im, err := s.newImporter(ctx, tx, st, a)
		if err != nil {
			return err
		}
		defer im.close()
		apply := func(b checkedRows) error {
			sum.Rejected = append(sum.Rejected, b.rejected...)
			return im.apply(ctx, b.rows, &sum)
		}
		batches, stop := checkRows(src, st, im.ins.today)
		defer stop()
		// The first rows wait until there are enough of them to tell
		// whether rebuilding the indexes pays (import_indexes.go): at
		// least rebuildIndexesFrom, then at least the patients already
		// there (counted only then: a count of a million rows is not free).
		// Into a practice with no patients yet (the first load) it always
		// pays, and no row can be stored already.
		var held []checkedRows
		heldRows, rebuildAt, counted, decided := 0, rebuildIndexesFrom, false, false
		rebuild := func() error { return nil }
		if im.fresh {
			if rebuild, err = suspendIndexes(ctx, tx); err != nil {
				return err
			}
			decided = true
		}
		for {
			b, more, err := nextBatch(ctx, batches)
			if err != nil {
				return err
			}
			if !more {
				break
			}
			held = append(held, b)
			if !decided {
				if heldRows += len(b.rows) + len(b.rejected); heldRows < rebuildAt {
					continue
				}
				if !counted {
					counted = true
					if rebuildAt, err = patientCount(ctx, tx); err != nil {
						return err
					}
					if heldRows < rebuildAt {
						continue
					}
				}
				if rebuild, err = suspendIndexes(ctx, tx); err != nil {
					return err
				}
				decided = true
			}
			for _, h := range held {
				if err := apply(h); err != nil {
					return err
				}
			}
			held = held[:0]
		}
		for _, h := range held {
			if err := apply(h); err != nil {
				return err
			}
		}
		if err := im.ins.flush(ctx); err != nil {
			return err
		}
		s.preseal(tx, im.ins.seal.take())
		if err := rebuild(); err != nil {
			return err
		}
		if err := s.auditor(tx, a).add(ctx, records.AuditImport, "patient", 0, "%s", records.PatientImportDetail(sum)); err != nil {
			return err
		}
		if dryRun {
			return errDryRun
		}
		return nil
	})
	return sum, err
}

// checkedRows is a run of an import's rows checked on their own, before any
// is compared with what is stored: the good rows, with their chart numbers
// normalised, and the lines refused.
type checkedRows struct {
	rows     []importRow
	rejected []records.RowError
	err      error // the source failed: the import stops
}

// importRow is a checked row with its keys, which a new patient needs
// (computed on the reading goroutine: folding names is not cheap).
type importRow struct {
	records.PatientRow
	keys patientKeys
}

// nextBatch waits for the next run of checked rows (more is false after the
// last), or for ctx to end: a source that blocks does not keep a cancelled
// import waiting.
func nextBatch(ctx context.Context, batches <-chan checkedRows) (b checkedRows, more bool, err error) {
	select {
	case <-ctx.Done():
		return b, false, ctx.Err()
	case b, more = <-batches:
		return b, more, b.err
	}
}

// checkRows reads src on a goroutine of its own and hands on its rows in
// runs of importChunk good rows: each row validated, no merged status, no
// chart number twice, its keys computed. stop ends the goroutine early and
// waits for it, so that src is not read after the import returns.
func checkRows(src records.PatientSource, st records.Settings, today records.Date) (batches <-chan checkedRows, stop func()) {
	out := make(chan checkedRows, 4)
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		defer close(out)
		send := func(b checkedRows) bool {
			select {
			case out <- b:
				return true
			case <-done:
				return false
			}
		}
		check := records.NewPatientRowCheck(st, today)
		var b checkedRows
		for row, err := range src {
			select {
			case <-done: // the import failed; a file of bad lines would send nothing for long
				return
			default:
			}
			if err != nil {
				send(checkedRows{err: err})
				return
			}
			row, reason := check.Check(row)
			if reason != "" {
				b.rejected = append(b.rejected, records.RowError{Line: row.Line, Reason: reason})
				continue
			}
			b.rows = append(b.rows, importRow{row, keysOf(st, row.Patient)})
			if len(b.rows) == importChunk {
				if !send(b) {
					return
				}
				b = checkedRows{}
			}
		}
		send(b)
	}()
	var once sync.Once
	return out, func() {
		once.Do(func() { close(done) })
		<-finished
	}
}

// importer holds an import's prepared statements and the rules deciding
// each row (records.PatientImport).
type importer struct {
	tx     *sql.Tx
	st     records.Settings
	ins    *patientInserter
	update *sql.Stmt
	fresh  bool // the practice had no patients when the import began
	rules  *records.PatientImport
}

func (s *Store) newImporter(ctx context.Context, tx *sql.Tx, st records.Settings, a records.Actor) (*importer, error) {
	ins, err := s.newPatientInserter(ctx, tx, st, a)
	if err != nil {
		return nil, err
	}
	im := &importer{tx: tx, st: st, ins: ins, rules: records.NewPatientImport(st)}
	if err := tx.QueryRowContext(ctx, "SELECT NOT EXISTS (SELECT 1 FROM patients)").Scan(&im.fresh); err != nil {
		im.close()
		return nil, err
	}
	if im.update, err = tx.PrepareContext(ctx, `UPDATE patients SET external_id = ?, last_name = ?, first_name = ?, middle_name = ?, last_fold = ?,
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

// existing looks up the stored patients of a chunk's chart numbers and
// external ids at once.
func (im *importer) existing(ctx context.Context, chunk []importRow) (records.StoredPatients, error) {
	found := records.NewStoredPatients()
	if len(chunk) == 0 || im.fresh {
		return found, nil // a fresh practice holds only this import's rows, and its ids are distinct
	}
	var mrns, externals []any
	for _, r := range chunk {
		if r.Patient.MRN != "" {
			mrns = append(mrns, r.Patient.MRN)
		}
		if r.Patient.ExternalID != "" {
			externals = append(externals, r.Patient.ExternalID)
		}
	}
	for _, q := range []struct {
		where string
		args  []any
	}{{"p.mrn IN ", mrns}, {"p.external_id <> '' AND p.external_id IN ", externals}} {
		if len(q.args) == 0 {
			continue
		}
		rows, err := im.tx.QueryContext(ctx, `SELECT p.id, p.mrn, p.external_id, p.last_name, p.first_name, p.middle_name, p.dob, p.sex,
			p.deceased, p.last_visit, p.phone, p.status, (SELECT s.mrn FROM patients s WHERE s.id = p.merged_into_id)
			FROM patients p WHERE `+q.where+"("+strings.TrimSuffix(strings.Repeat("?, ", len(q.args)), ", ")+")", q.args...)
		if err != nil {
			return found, err
		}
		for rows.Next() {
			var old records.Patient
			if err := rows.Scan(&old.ID, &old.MRN, &old.ExternalID, &old.LastName, &old.FirstName, &old.MiddleName, dateCol{&old.DOB},
				&old.Sex, dateCol{&old.Deceased}, dateCol{&old.LastVisit}, &old.Phone, &old.Status, strCol{&old.MergedInto}); err != nil {
				rows.Close()
				return found, err
			}
			found.Add(old)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return found, err
		}
	}
	return found, nil
}

// highestMRN is the highest stored chart number ("" when none).
func (im *importer) highestMRN(ctx context.Context) func() (string, error) {
	return func() (string, error) {
		var top sql.NullString
		err := im.tx.QueryRowContext(ctx, "SELECT max(mrn) FROM patients").Scan(&top)
		return top.String, err
	}
}

// apply imports a chunk of checked rows with distinct chart numbers and
// external ids.
func (im *importer) apply(ctx context.Context, chunk []importRow, sum *records.ImportSummary) error {
	st, err := im.existing(ctx, chunk)
	if err != nil {
		return err
	}
	highest := im.highestMRN(ctx)
	for _, row := range chunk {
		d, err := im.rules.Decide(row.PatientRow, st, highest, sum)
		if err != nil {
			return err
		}
		switch d.Outcome {
		case records.ImportNew:
			keys := row.keys
			if row.AssignMRN {
				keys = keysOf(im.st, d.Patient)
			}
			if _, err := im.ins.add(ctx, d.Patient, keys); err != nil {
				return err
			}
		case records.ImportUpdated:
			next := d.Patient
			k := keysOf(im.st, next)
			_, err = im.update.ExecContext(ctx, next.ExternalID, next.LastName, next.FirstName, next.MiddleName, k.lastFold, k.firstFold,
				dval(next.DOB), next.Sex, dval(next.Deceased), dval(next.LastVisit), next.Phone, k.filing, tval(im.ins.now), int64(d.Old.ID))
			if err != nil {
				return fmt.Errorf("line %d: %w", row.Line, err)
			}
		}
	}
	return nil
}
