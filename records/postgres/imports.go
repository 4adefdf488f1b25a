package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/chartroom/chartroom/records"
)

// errDryRun ends a dry run's transaction: write rolls it back and reports
// success, so the summary of what would be done is returned and nothing
// is kept.
var errDryRun = errors.New("dry run: rolled back")

// importChunk is how many checked rows share one lookup of stored patients
// and one batch of updates.
const importChunk = 500

// importFlush is how many new patients are held before they are written
// with COPY (their folders and "create" movements with them).
const importFlush = 5000

// ImportPatients adds or updates patients from an import in one
// transaction (supervisor), as the SQLite store does: a new patient gets
// volume 1 in file at the default location, an empty field keeps what is
// stored, bad rows are rejected by line, a dry run rolls back.
// records.PatientRowCheck and records.PatientImport decide each row; this
// store reads and writes them in runs (one look-up and one batch of
// updates per run, new patients with COPY), never a round trip per row. The patients lock is held
// throughout, so a patient added on another workstation meanwhile cannot
// take a chart number this import gives.
func (s *Store) ImportPatients(ctx context.Context, src records.PatientSource, dryRun bool) (records.ImportSummary, error) {
	a, err := records.Require(ctx, records.RoleSupervisor, "import patients")
	if err != nil {
		return records.ImportSummary{}, err
	}
	var sum records.ImportSummary
	err = s.write(ctx, "the import of patients", func(tx pgx.Tx) error {
		sum = records.ImportSummary{}
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(patientsLock)); err != nil {
			return err
		}
		st, err := loadSettings(ctx, tx)
		if err != nil {
			return err
		}
		im, err := s.newImporter(ctx, tx, st, a)
		if err != nil {
			return err
		}
		check := records.NewPatientRowCheck(st, im.today)
		var chunk []records.PatientRow
		var stop error
		// The source is read here, not on a goroutine: once this returns it
		// is not read again, and a cancelled import stops at the next row.
		for row, err := range src {
			if stop = firstError(err, ctx.Err()); stop != nil {
				break
			}
			row, reason := check.Check(row)
			if reason != "" {
				sum.Rejected = append(sum.Rejected, records.RowError{Line: row.Line, Reason: reason})
				continue
			}
			if chunk = append(chunk, row); len(chunk) == importChunk {
				if stop = im.apply(ctx, chunk, &sum); stop != nil {
					break
				}
				chunk = chunk[:0]
			}
		}
		if stop != nil {
			return stop
		}
		if err := im.apply(ctx, chunk, &sum); err != nil {
			return err
		}
		if err := im.flush(ctx); err != nil {
			return err
		}
		if _, err := s.appendAudit(ctx, tx, a, records.AuditImport, "patient", 0, records.PatientImportDetail(sum)); err != nil {
			return err
		}
		if dryRun {
			return errDryRun
		}
		return nil
	})
	return sum, err
}

// firstError is the first error that is not nil.
func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// importer writes an import's rows: it looks up the stored patients of a
// run of rows at once, sends their updates as one batch, and holds the new
// patients until there are enough to COPY.
type importer struct {
	tx     pgx.Tx
	st     records.Settings
	rules  *records.PatientImport
	actor  records.Actor
	now    time.Time
	today  records.Date
	typeID int64
	homeID int64
	fresh  bool              // the practice had no patients when the import began
	new    []records.Patient // waiting to be written
	keys   []patientKeys     // of each new patient
}

func (s *Store) newImporter(ctx context.Context, tx pgx.Tx, st records.Settings, a records.Actor) (*importer, error) {
	now := s.now().Truncate(time.Microsecond)
	im := &importer{tx: tx, st: st, rules: records.NewPatientImport(st), actor: a, now: now, today: records.DateOf(now)}
	var err error
	if im.typeID, err = defaultRecordType(ctx, tx); err != nil {
		return nil, err
	}
	if im.homeID, err = defaultLocation(ctx, tx); err != nil {
		return nil, err
	}
	err = tx.QueryRow(ctx, "SELECT NOT EXISTS (SELECT 1 FROM patients)").Scan(&im.fresh)
	return im, err
}

// existing looks up the stored patients of a run's chart numbers and
// external ids in one query.
func (im *importer) existing(ctx context.Context, chunk []records.PatientRow) (records.StoredPatients, error) {
	found := records.NewStoredPatients()
	if im.fresh {
		return found, nil // a fresh practice holds only this import's rows, and its ids are distinct
	}
	var mrns, externals []string
	for _, r := range chunk {
		if r.Patient.MRN != "" {
			mrns = append(mrns, r.Patient.MRN)
		}
		if r.Patient.ExternalID != "" {
			externals = append(externals, strings.ToLower(r.Patient.ExternalID))
		}
	}
	rows, err := im.tx.Query(ctx, `SELECT p.id, p.mrn, p.external_id, p.last_name, p.first_name, p.middle_name, p.dob, p.sex,
		p.deceased, p.last_visit, p.phone, p.status, (SELECT s.mrn FROM patients s WHERE s.id = p.merged_into_id)
		FROM patients p WHERE p.mrn = ANY($1) OR (p.external_id <> '' AND lower(p.external_id) = ANY($2))`, mrns, externals)
	if err != nil {
		return found, err
	}
	defer rows.Close()
	for rows.Next() {
		var old records.Patient
		if err := rows.Scan(&old.ID, &old.MRN, &old.ExternalID, &old.LastName, &old.FirstName, &old.MiddleName, dateCol{&old.DOB},
			&old.Sex, dateCol{&old.Deceased}, dateCol{&old.LastVisit}, &old.Phone, &old.Status, strCol{&old.MergedInto}); err != nil {
			return found, err
		}
		found.Add(old)
	}
	return found, rows.Err()
}

// highestMRN reads the highest stored chart number ("" when none).
func (im *importer) highestMRN(ctx context.Context) func() (string, error) {
	return func() (string, error) {
		var top *string
		if err := im.tx.QueryRow(ctx, "SELECT max(mrn) FROM patients").Scan(&top); err != nil || top == nil {
			return "", err
		}
		return *top, nil
	}
}

// apply decides a run of checked rows and writes what they change: the
// updates at once, the new patients when enough are waiting.
func (im *importer) apply(ctx context.Context, chunk []records.PatientRow, sum *records.ImportSummary) error {
	if len(chunk) == 0 {
		return nil
	}
	found, err := im.existing(ctx, chunk)
	if err != nil {
		return err
	}
	highest := im.highestMRN(ctx)
	var updates pgx.Batch
	var lines []int
	for _, row := range chunk {
		d, err := im.rules.Decide(row, found, highest, sum)
		if err != nil {
			return err
		}
		switch d.Outcome {
		case records.ImportNew:
			im.new = append(im.new, d.Patient)
			im.keys = append(im.keys, keysOf(im.st, d.Patient))
		case records.ImportUpdated:
			next := d.Patient
			k := keysOf(im.st, next)
			updates.Queue(`UPDATE patients SET external_id = $1, last_name = $2, first_name = $3, middle_name = $4, last_fold = $5,
				first_fold = $6, dob = $7, sex = $8, deceased = $9, last_visit = $10, phone = $11, filing_key = $12, updated_at = $13
				WHERE id = $14`, next.ExternalID, next.LastName, next.FirstName, next.MiddleName, k.lastFold, k.firstFold,
				dval(next.DOB), next.Sex, dval(next.Deceased), dval(next.LastVisit), next.Phone, k.filing, im.now, int64(d.Old.ID))
			lines = append(lines, row.Line)
		}
	}
	if updates.Len() > 0 {
		res := im.tx.SendBatch(ctx, &updates)
		for _, line := range lines {
			if _, err := res.Exec(); err != nil {
				res.Close()
				return fmt.Errorf("line %d: %w", line, err)
			}
		}
		if err := res.Close(); err != nil {
			return err
		}
	}
	if len(im.new) >= importFlush {
		return im.flush(ctx)
	}
	return nil
}

// flush writes the new patients waiting, each with volume 1 of the default
// record type in file at the default location and that folder's "create"
// movement, with COPY. Their ids and their folders' are drawn from the
// sequences first, so the rows refer to each other and the generated
// barcodes go in with them.
func (im *importer) flush(ctx context.Context) error {
	n := len(im.new)
	if n == 0 {
		return nil
	}
	patientIDs, err := im.drawIDs(ctx, "patients", n)
	if err != nil {
		return err
	}
	volumeIDs, err := im.drawIDs(ctx, "volumes", n)
	if err != nil {
		return err
	}
	patients := make([][]any, n)
	volumes := make([][]any, n)
	movements := make([][]any, n)
	for i, p := range im.new {
		k := im.keys[i]
		patients[i] = []any{patientIDs[i], p.MRN, p.ExternalID, p.LastName, p.FirstName, p.MiddleName, k.lastFold, k.firstFold,
			dateval(p.DOB), p.Sex, dateval(p.Deceased), dateval(p.LastVisit), string(p.Status), p.LegalHold, p.Phone, k.filing, im.now, im.now}
		volumes[i] = []any{volumeIDs[i], patientIDs[i], im.typeID, int32(1), records.GeneratedBarcode(records.ID(volumeIDs[i])), im.homeID,
			string(records.StateInFile), dateval(im.today), im.now}
		movements[i] = []any{volumeIDs[i], string(records.MoveCreate), im.now, idval(im.actor.UserID), im.homeID}
	}
	for _, c := range []struct {
		table string
		cols  []string
		rows  [][]any
	}{
		{"patients", []string{"id", "mrn", "external_id", "last_name", "first_name", "middle_name", "last_fold", "first_fold",
			"dob", "sex", "deceased", "last_visit", "status", "legal_hold", "phone", "filing_key", "created_at", "updated_at"}, patients},
		{"volumes", []string{"id", "patient_id", "record_type_id", "number", "barcode", "home_id", "state", "opened", "updated_at"}, volumes},
		{"movements", []string{"volume_id", "kind", "at", "user_id", "to_location_id"}, movements},
	} {
		if _, err := im.tx.CopyFrom(ctx, pgx.Identifier{c.table}, c.cols, pgx.CopyFromRows(c.rows)); err != nil {
			if uniqueViolation(err, "patients_mrn_key") {
				return records.Errorf(records.EConflict, "a patient with one of these chart numbers already exists")
			}
			if uniqueViolation(err, "patients_external_id") {
				// Ids that differ only in the case of a letter beyond ASCII,
				// which the server's collation folds and the import's check
				// does not.
				return records.Errorf(records.EConflict, "a patient with one of these external ids already exists (ids that differ only in upper and lower case are the same id)")
			}
			return err
		}
	}
	im.new, im.keys = im.new[:0], im.keys[:0]
	return nil
}

// drawIDs takes n ids from the sequence of table's id column (looked up
// once, not per id).
func (im *importer) drawIDs(ctx context.Context, table string, n int) ([]int64, error) {
	rows, err := im.tx.Query(ctx, `SELECT nextval(s.seq) FROM (SELECT pg_get_serial_sequence($1, 'id')::regclass AS seq) AS s,
		generate_series(1, $2)`, table, n)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// dateval is d for a nullable date column written with COPY: NULL when d
// is zero (an unknown day).
func dateval(d records.Date) pgtype.Date {
	return pgtype.Date{Time: d.Time(), Valid: !d.IsZero()}
}

// appointmentsLock is the advisory lock key held while appointments are
// imported: two workstations importing the same day's file at once create
// its requests once, the second finding them all unchanged.
const appointmentsLock = 0x63687274_0100 // "chrt", 256

// ImportAppointments creates a pending request per appointment row (clerk);
// see ImportAppointmentsWith.
func (s *Store) ImportAppointments(ctx context.Context, rows []records.AppointmentRow, dryRun bool) (records.ImportSummary, error) {
	return s.ImportAppointmentsWith(ctx, rows, records.AppointmentImport{DryRun: dryRun})
}

// ImportAppointmentsWith creates a pending request per appointment row
// (clerk; adding providers as borrowers takes a supervisor):
// records.ImportAppointmentRows decides each row, in one transaction. Rows
// already imported are counted unchanged, so importing a file twice
// creates nothing new; a dry run rolls back.
func (s *Store) ImportAppointmentsWith(ctx context.Context, rows []records.AppointmentRow, opt records.AppointmentImport) (records.ImportSummary, error) {
	role, what := records.RoleClerk, "import appointments"
	if opt.AddProviders {
		role, what = records.RoleSupervisor, "add providers as borrowers"
	}
	a, err := records.Require(ctx, role, what)
	if err != nil {
		return records.ImportSummary{}, err
	}
	var sum records.ImportSummary
	err = s.write(ctx, "the import of appointments", func(tx pgx.Tx) error {
		sum = records.ImportSummary{}
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(appointmentsLock)); err != nil {
			return err
		}
		st, err := loadSettings(ctx, tx)
		if err != nil {
			return err
		}
		to := &appointmentRecords{ctx: ctx, s: s, tx: tx, a: a, now: s.now().Truncate(time.Microsecond)}
		if err := to.loadImported(rows); err != nil {
			return err
		}
		if sum, err = records.ImportAppointmentRows(rows, st, s.today(), opt.AddProviders, to); err != nil {
			return err
		}
		if err := to.flush(); err != nil {
			return err
		}
		if _, err := s.appendAudit(ctx, tx, a, records.AuditImport, "request", 0, records.AppointmentImportDetail(sum)); err != nil {
			return err
		}
		if opt.DryRun {
			return errDryRun
		}
		return nil
	})
	return sum, err
}

// appointmentKey is what makes two appointment requests the same one.
type appointmentKey struct {
	patient, borrower records.ID
	day               string
	at                string
}

func keyOf(r records.Request) appointmentKey {
	return appointmentKey{r.PatientID, r.BorrowerID, r.NeededOn.String(), r.NeededAt}
}

// appointmentRecords is an appointments import's reads and writes in its
// transaction. The appointment requests already stored for the file's
// days are read at once, and the new ones written with COPY at the end.
type appointmentRecords struct {
	ctx      context.Context
	s        *Store
	tx       pgx.Tx
	a        records.Actor
	now      time.Time
	imported map[appointmentKey]bool
	pending  [][]any
}

// loadImported reads the appointment requests stored for the days rows
// name.
func (r *appointmentRecords) loadImported(rows []records.AppointmentRow) error {
	r.imported = map[appointmentKey]bool{}
	var days []string
	seen := map[string]bool{}
	for _, row := range rows {
		if d := row.Date.String(); !row.Date.IsZero() && !seen[d] {
			seen[d] = true
			days = append(days, d)
		}
	}
	if len(days) == 0 {
		return nil
	}
	found, err := r.tx.Query(r.ctx, `SELECT patient_id, borrower_id, needed_on, needed_at FROM requests
		WHERE source = 'appointment' AND needed_on = ANY($1::date[])`, days)
	if err != nil {
		return err
	}
	defer found.Close()
	for found.Next() {
		var k appointmentKey
		var day records.Date
		if err := found.Scan(&k.patient, &k.borrower, dateCol{&day}, &k.at); err != nil {
			return err
		}
		k.day = day.String()
		r.imported[k] = true
	}
	return found.Err()
}

func (r *appointmentRecords) PatientByExternalID(id string) (records.Patient, error) {
	return patientByExternalID(r.ctx, r.tx, id)
}

func (r *appointmentRecords) PatientByMRN(mrn string) (records.Patient, error) {
	p, _, err := resolveMRN(r.ctx, r.tx, mrn)
	return p, err
}

func (r *appointmentRecords) BorrowerNamed(name string) (records.Borrower, bool, error) {
	found, err := queryBorrowers(r.ctx, r.tx, "SELECT "+borrowerColumns+" FROM borrowers WHERE lower(name) = lower($1)", name)
	if err != nil || len(found) == 0 {
		return records.Borrower{}, false, err
	}
	return found[0], true, nil
}

func (r *appointmentRecords) AddProvider(b records.Borrower) (records.Borrower, error) {
	id, err := insertBorrower(r.ctx, r.tx, b)
	if err != nil {
		return b, err
	}
	b.ID = id
	_, err = r.s.appendAudit(r.ctx, r.tx, r.a, records.AuditCreate, "borrower", b.ID, records.AddedProviderDetail(b))
	return b, err
}

func (r *appointmentRecords) RequestImported(q records.Request) (bool, error) {
	return r.imported[keyOf(q)], nil
}

func (r *appointmentRecords) AddRequest(q records.Request) error {
	r.imported[keyOf(q)] = true
	r.pending = append(r.pending, []any{int64(q.PatientID), int64(q.BorrowerID), dateval(q.NeededOn), q.NeededAt, q.Reason,
		string(records.RequestPending), q.Source, r.now, idval(r.a.UserID), r.now})
	return nil
}

// flush writes the new requests.
func (r *appointmentRecords) flush() error {
	if len(r.pending) == 0 {
		return nil
	}
	_, err := r.tx.CopyFrom(r.ctx, pgx.Identifier{"requests"}, []string{"patient_id", "borrower_id", "needed_on", "needed_at", "reason",
		"state", "source", "created_at", "created_by", "updated_at"}, pgx.CopyFromRows(r.pending))
	r.pending = nil
	return err
}
