package sqlite

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"github.com/chartroom/chartroom/records"
)

// generatedBarcode is the barcode of a folder whose label Chartroom prints.
func generatedBarcode(volumeID int64) string { return records.GeneratedBarcode(records.ID(volumeID)) }

// insertBatch is how many patients one multi-row INSERT writes: per-statement
// overhead, not SQLite's b-trees, dominates a row-at-a-time import. The
// bench's 100,000-row import, two or four runs each: 100 rows 49,200 to
// 49,900 rows/s, 250 rows 51,500, 500 rows 51,300 to 52,100, 1,000 rows
// 50,600.
const insertBatch = 500

// The three tables a new patient touches, each row's values: "?" is a value
// of the row, "s.name" a value every row of the batch shares (the time, the
// record type, the home location, the user), bound once per batch instead
// of once per row: database/sql and the driver copy every bound text value
// (pprof: binding was a fifth of an import). The shared values are a one-row
// subquery joined to the rows; plain "?" parameters only, because the
// driver looks each numbered one (?NNN) up by name, a linear search per
// parameter.
var (
	patientInsert = batchInsert{head: `INSERT OR FAIL INTO patients (id, mrn, external_id, last_name, first_name, middle_name, last_fold,
		first_fold, dob, sex, deceased, last_visit, status, legal_hold, phone, filing_key, created_at, updated_at)`,
		shared: "? AS now", row: "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, s.now, s.now"}
	volumeInsert = batchInsert{head: `INSERT OR FAIL INTO volumes (id, patient_id, record_type_id, number, barcode, home_id, state,
		opened, updated_at)`, shared: "? AS type, ? AS home, ? AS state, ? AS today, ? AS now",
		row: "?, ?, s.type, 1, ?, s.home, s.state, s.today, s.now"}
	movementInsert = batchInsert{head: `INSERT OR FAIL INTO movements (id, volume_id, kind, at, user_id, to_location_id)`,
		shared: "? AS kind, ? AS now, ? AS user, ? AS home", row: "?, ?, s.kind, s.now, s.user, s.home"}
)

// batchInsert builds a multi-row INSERT: of cols bound values a row, or,
// with shared values, of the columns row names.
type batchInsert struct {
	head   string
	cols   int    // without shared values: how many values each row binds
	shared string // the shared values' subquery columns, or ""
	row    string // with shared values: the inserted columns, "?" standing for the row's values in turn
}

// sql is the INSERT of n rows; its parameters are the shared values, then
// each row's.
func (b batchInsert) sql(n int) string {
	cols := b.cols
	if b.shared != "" {
		cols = strings.Count(b.row, "?")
	}
	values := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	rows := strings.TrimSuffix(strings.Repeat(values+", ", n), ", ")
	if b.shared == "" {
		return b.head + " VALUES " + rows
	}
	sel, k := b.row, 0
	for strings.Contains(sel, "?") {
		k++
		sel = strings.Replace(sel, "?", "v.column"+strconv.Itoa(k), 1)
	}
	return b.head + " SELECT " + sel + " FROM (SELECT " + b.shared + ") AS s, (VALUES " + rows + ") AS v"
}

// patientKeys are a patient's derived columns: the folded names the name
// search reads and the filing key that is the shelf order.
type patientKeys struct{ lastFold, firstFold, filing string }

func keysOf(st records.Settings, p records.Patient) patientKeys {
	return patientKeys{records.FoldName(p.LastName), records.FoldName(p.FirstName),
		records.FilingKey(st.Filing, p.MRN, p.LastName, p.FirstName, p.DOB)}
}

// patientInserter adds new patients, each with volume 1 of the default
// record type in file at the default location and its "create" movement.
// Ids are handed out by the inserter (the write transaction holds the only
// write lock), so a folder's generated barcode is known before its row is
// written, and rows are written in batches.
type patientInserter struct {
	tx          *sql.Tx
	st          records.Settings
	actor       records.Actor
	now         time.Time
	today       records.Date
	typeID      int64
	homeID      int64
	nextPatient int64
	nextVolume  int64
	nextMove    int64
	seal        movementSeal // of the movements written, for the audit event (seal.go)
	full        [3]*sql.Stmt // prepared for a whole batch
	pending     [3][]any     // patients, volumes, movements
	n           int          // patients pending
}

func (s *Store) newPatientInserter(ctx context.Context, tx *sql.Tx, st records.Settings, a records.Actor) (*patientInserter, error) {
	ins := &patientInserter{tx: tx, st: st, actor: a, now: s.now()}
	ins.today = records.DateOf(ins.now)
	var err error
	if ins.typeID, err = defaultRecordType(ctx, tx); err != nil {
		return nil, err
	}
	if ins.homeID, err = defaultLocation(ctx, tx); err != nil {
		return nil, err
	}
	err = tx.QueryRowContext(ctx, `SELECT (SELECT coalesce(max(id), 0) + 1 FROM patients), (SELECT coalesce(max(id), 0) + 1 FROM volumes),
		(SELECT coalesce(max(id), 0) + 1 FROM movements)`).Scan(&ins.nextPatient, &ins.nextVolume, &ins.nextMove)
	return ins, err
}

func (ins *patientInserter) close() {
	for _, st := range ins.full {
		if st != nil {
			st.Close()
		}
	}
}

// add queues a validated patient, with its keys (keysOf), and its first
// folder; flush writes them. The returned patient has its id.
func (ins *patientInserter) add(ctx context.Context, p records.Patient, k patientKeys) (records.Patient, error) {
	now := tval(ins.now)
	pid, vid, mid := ins.nextPatient, ins.nextVolume, ins.nextMove
	ins.nextPatient++
	ins.nextVolume++
	ins.nextMove++
	if ins.n == 0 {
		ins.pending[0] = append(ins.pending[0][:0], now)
		ins.pending[1] = append(ins.pending[1][:0], ins.typeID, ins.homeID, string(records.StateInFile), ins.today.String(), now)
		ins.pending[2] = append(ins.pending[2][:0], string(records.MoveCreate), now, idval(ins.actor.UserID), ins.homeID)
	}
	ins.pending[0] = append(ins.pending[0], pid, p.MRN, p.ExternalID, p.LastName, p.FirstName, p.MiddleName,
		k.lastFold, k.firstFold, dval(p.DOB), p.Sex, dval(p.Deceased), dval(p.LastVisit),
		string(p.Status), bval(p.LegalHold), p.Phone, k.filing)
	ins.pending[1] = append(ins.pending[1], vid, pid, generatedBarcode(vid))
	ins.pending[2] = append(ins.pending[2], mid, vid)
	// The movement as the table will hold it: the columns not written are
	// NULL, the note ''.
	ins.seal.add(records.ID(mid), []any{mid, vid, string(records.MoveCreate), now, idval(ins.actor.UserID), nil, nil, nil, ins.homeID, nil, ""})
	ins.n++
	p.ID, p.CreatedAt, p.UpdatedAt = records.ID(pid), ins.now, ins.now
	if ins.n == insertBatch {
		return p, ins.flush(ctx)
	}
	return p, nil
}

// flush writes the queued patients, folders and movements.
func (ins *patientInserter) flush(ctx context.Context) error {
	if ins.n == 0 {
		return nil
	}
	for i, b := range []batchInsert{patientInsert, volumeInsert, movementInsert} {
		var err error
		if ins.n == insertBatch {
			if ins.full[i] == nil {
				if ins.full[i], err = ins.tx.PrepareContext(ctx, b.sql(insertBatch)); err != nil {
					return err
				}
			}
			_, err = ins.full[i].ExecContext(ctx, ins.pending[i]...)
		} else {
			_, err = ins.tx.ExecContext(ctx, b.sql(ins.n), ins.pending[i]...)
		}
		if col, ok := uniqueViolation(err); ok && col == "patients.mrn" {
			return records.Errorf(records.EConflict, "a patient with one of these chart numbers already exists")
		}
		if err != nil {
			return err
		}
		ins.pending[i] = ins.pending[i][:0]
	}
	ins.n = 0
	return nil
}

// defaultRecordType is the type a new patient's first folder gets.
func defaultRecordType(ctx context.Context, q querier) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, "SELECT id FROM record_types WHERE is_default = 1 ORDER BY id LIMIT 1").Scan(&id)
	if err == sql.ErrNoRows {
		return 0, records.Errorf(records.EConflict, "there is no default record type; a supervisor must choose one first")
	}
	return id, err
}

// defaultLocation is where new folders are filed.
func defaultLocation(ctx context.Context, q querier) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, "SELECT id FROM locations WHERE is_default = 1 ORDER BY id LIMIT 1").Scan(&id)
	if err == sql.ErrNoRows {
		return 0, records.Errorf(records.EConflict, "there is no default location; a supervisor must choose one first")
	}
	return id, err
}
