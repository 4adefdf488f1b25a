package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
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
		firstExternal := map[string]int{}
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
			var err error
			if row.AssignMRN {
				p.MRN = ""
				err = records.ValidatePatientDetails(&p, today)
				if err == nil && p.ExternalID == "" {
					err = records.FieldError("External id", "is required of a row whose chart number Chartroom assigns")
				}
			} else {
				err = records.ValidatePatient(&p, st, today)
			}
			extKey := externalKey(p.ExternalID)
			if err != nil {
				reason = records.ErrorMessage(err)
			} else if p.Status == records.PatientMerged {
				reason = "Status: a merged chart cannot be imported"
			} else if first, seen := firstLine[p.MRN]; seen && p.MRN != "" {
				reason = fmt.Sprintf("chart number %s is repeated (first on line %d)", records.FormatMRN(p.MRN, st.Filing), first)
			} else if first, seen := firstExternal[extKey]; seen && extKey != "" {
				reason = fmt.Sprintf("external id %s is repeated (first on line %d)", p.ExternalID, first)
			}
			if reason != "" {
				b.rejected = append(b.rejected, records.RowError{Line: row.Line, Reason: reason})
				continue
			}
			if p.MRN != "" {
				firstLine[p.MRN] = row.Line
			}
			if extKey != "" {
				firstExternal[extKey] = row.Line
			}
			b.rows = append(b.rows, importRow{records.PatientRow{Line: row.Line, Patient: p, AssignMRN: row.AssignMRN}, keysOf(st, p)})
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

// externalKey is the form two external ids are compared in: case does not
// tell them apart (the column's NOCASE collation folds ASCII letters only).
func externalKey(id string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	}, id)
}

// importer holds an import's prepared statements.
type importer struct {
	tx     *sql.Tx
	st     records.Settings
	ins    *patientInserter
	update *sql.Stmt
	fresh  bool // the practice had no patients when the import began
	// The chart numbers given out: the highest one written so far (read
	// from the store at the first need), and the line of each one assigned.
	topMRN      uint64
	topMRNKnown bool
	assigned    map[string]int
}

func (s *Store) newImporter(ctx context.Context, tx *sql.Tx, st records.Settings, a records.Actor) (*importer, error) {
	ins, err := s.newPatientInserter(ctx, tx, st, a)
	if err != nil {
		return nil, err
	}
	im := &importer{tx: tx, st: st, ins: ins, assigned: map[string]int{}}
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

// stored are the patients a chunk's rows may be: by chart number and by
// external id (externalKey).
type stored struct {
	byMRN, byExternal map[string]records.Patient
}

// existing looks up the stored patients of a chunk's chart numbers and
// external ids at once.
func (im *importer) existing(ctx context.Context, chunk []importRow) (stored, error) {
	found := stored{byMRN: map[string]records.Patient{}, byExternal: map[string]records.Patient{}}
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
			found.byMRN[old.MRN] = old
			if old.ExternalID != "" {
				found.byExternal[externalKey(old.ExternalID)] = old
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return found, err
		}
	}
	return found, nil
}

// match finds the stored patient a row is: by its external id first (the
// other system's id is what the file is sure of), else by its chart number.
// reason is set when the two disagree with what is stored.
func (im *importer) match(p records.Patient, st stored) (old records.Patient, ok bool, reason string) {
	format := func(mrn string) string { return records.FormatMRN(mrn, im.st.Filing) }
	if p.ExternalID != "" {
		if old, ok = st.byExternal[externalKey(p.ExternalID)]; ok {
			if p.MRN != "" && p.MRN != old.MRN {
				return old, false, fmt.Sprintf("external id %s belongs to chart %s, but the file gives it chart number %s",
					p.ExternalID, format(old.MRN), format(p.MRN))
			}
			return old, true, ""
		}
	}
	if p.MRN == "" {
		return old, false, ""
	}
	if old, ok = st.byMRN[p.MRN]; ok && old.ExternalID != "" && p.ExternalID != "" {
		return old, false, fmt.Sprintf("chart %s has the external id %s, but the file gives it %s", format(old.MRN), old.ExternalID, p.ExternalID)
	}
	if !ok {
		if line, taken := im.assigned[p.MRN]; taken {
			return old, false, fmt.Sprintf("chart number %s was given to the new patient of line %d in this import", format(p.MRN), line)
		}
	}
	return old, ok, ""
}

// nextMRN is the practice's next free chart number: one more than the
// highest there is, at the practice's width.
func (im *importer) nextMRN(ctx context.Context) (string, error) {
	if !im.topMRNKnown {
		var top sql.NullString
		if err := im.tx.QueryRowContext(ctx, "SELECT max(mrn) FROM patients").Scan(&top); err != nil {
			return "", err
		}
		im.noteMRN(top.String)
		im.topMRNKnown = true
	}
	next := strconv.FormatUint(im.topMRN+1, 10)
	if len(next) > im.st.MRNWidth {
		return "", records.Errorf(records.EConflict, "every chart number of %d digits up to %s is taken; there is no next free one",
			im.st.MRNWidth, strings.Repeat("9", im.st.MRNWidth))
	}
	return strings.Repeat("0", im.st.MRNWidth-len(next)) + next, nil
}

// noteMRN keeps the highest chart number written, so that an assigned one
// is never one already given.
func (im *importer) noteMRN(mrn string) {
	if n, err := strconv.ParseUint(mrn, 10, 64); err == nil && n > im.topMRN {
		im.topMRN = n
	}
}

// apply imports a chunk of validated rows with distinct chart numbers and
// external ids.
func (im *importer) apply(ctx context.Context, chunk []importRow, sum *records.ImportSummary) error {
	st, err := im.existing(ctx, chunk)
	if err != nil {
		return err
	}
	for _, row := range chunk {
		p := row.Patient
		old, ok, reason := im.match(p, st)
		if reason != "" {
			reject(sum, row.Line, "%s", reason)
			continue
		}
		if !ok {
			keys := row.keys
			if p.MRN == "" {
				mrn, err := im.nextMRN(ctx)
				if err != nil {
					reject(sum, row.Line, "%s", records.ErrorMessage(err))
					continue
				}
				p.MRN = mrn
				keys = keysOf(im.st, p)
				im.assigned[mrn] = row.Line
				sum.AssignedMRNs = append(sum.AssignedMRNs, mrn)
			}
			if _, err := im.ins.add(ctx, p, keys); err != nil {
				return err
			}
			im.noteMRN(p.MRN)
			sum.Imported++
			continue
		}
		if old.Status == records.PatientMerged {
			reject(sum, row.Line, "chart number %s was retired when it was merged into %s",
				records.FormatMRN(old.MRN, im.st.Filing), records.FormatMRN(old.MergedInto, im.st.Filing))
			continue
		}
		next := mergeImported(old, p)
		if samePatientDetails(old, next) {
			sum.Unchanged++
			continue
		}
		k := keysOf(im.st, next)
		_, err = im.update.ExecContext(ctx, next.ExternalID, next.LastName, next.FirstName, next.MiddleName, k.lastFold, k.firstFold,
			dval(next.DOB), next.Sex, dval(next.Deceased), dval(next.LastVisit), next.Phone, k.filing, tval(im.ins.now), int64(old.ID))
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
	if old.ExternalID == "" {
		next.ExternalID = in.ExternalID
	}
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
	return a.ExternalID == b.ExternalID && a.LastName == b.LastName && a.FirstName == b.FirstName && a.MiddleName == b.MiddleName && a.DOB.Equal(b.DOB) &&
		a.Sex == b.Sex && a.Deceased.Equal(b.Deceased) && a.LastVisit.Equal(b.LastVisit) && a.Phone == b.Phone
}
