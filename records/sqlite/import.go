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
		firstLine := map[string]int{}
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
			p := row.Patient
			reason := ""
			if err := records.ValidatePatient(&p, st, today); err != nil {
				reason = records.ErrorMessage(err)
			} else if p.Status == records.PatientMerged {
				reason = "Status: a merged chart cannot be imported"
			} else if first, seen := firstLine[p.MRN]; seen {
				reason = fmt.Sprintf("chart number %s is repeated (first on line %d)", records.FormatMRN(p.MRN, st.Filing), first)
			}
			if reason != "" {
				b.rejected = append(b.rejected, records.RowError{Line: row.Line, Reason: reason})
				continue
			}
			firstLine[p.MRN] = row.Line
			b.rows = append(b.rows, importRow{records.PatientRow{Line: row.Line, Patient: p}, keysOf(st, p)})
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
	fresh  bool // the practice had no patients when the import began
}

func (s *Store) newImporter(ctx context.Context, tx *sql.Tx, st records.Settings, a records.Actor) (*importer, error) {
	ins, err := s.newPatientInserter(ctx, tx, st, a)
	if err != nil {
		return nil, err
	}
	im := &importer{tx: tx, st: st, ins: ins}
	if err := tx.QueryRowContext(ctx, "SELECT NOT EXISTS (SELECT 1 FROM patients)").Scan(&im.fresh); err != nil {
		im.close()
		return nil, err
	}
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
func (im *importer) existing(ctx context.Context, chunk []importRow) (map[string]records.Patient, error) {
	found := make(map[string]records.Patient, len(chunk))
	if len(chunk) == 0 || im.fresh {
		return found, nil // a fresh practice holds only this import's rows, and its chart numbers are distinct
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
func (im *importer) apply(ctx context.Context, chunk []importRow, sum *records.ImportSummary) error {
	stored, err := im.existing(ctx, chunk)
	if err != nil {
		return err
	}
	for _, row := range chunk {
		p := row.Patient
		old, ok := stored[p.MRN]
		if !ok {
			if _, err := im.ins.add(ctx, p, row.keys); err != nil {
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
		k := keysOf(im.st, next)
		_, err = im.update.ExecContext(ctx, next.LastName, next.FirstName, next.MiddleName, k.lastFold, k.firstFold, dval(next.DOB),
			next.Sex, dval(next.Deceased), dval(next.LastVisit), next.Phone, k.filing, tval(im.ins.now), int64(old.ID))
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
