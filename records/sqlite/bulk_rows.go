package sqlite

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"

	"github.com/chartroom/chartroom/records"
)

// bulkRowsPerInsert is how many rows one multi-row INSERT of a bulk load
// carries: per-statement work, not the b-tree, dominates row-at-a-time
// inserts, and 100 rows of the widest table stay far below SQLite's limit
// of bound parameters.
const bulkRowsPerInsert = 100

// bulkTable is one table a bulk load writes, with the columns in the order
// the sink converts rows.
type bulkTable struct {
	name string
	cols string
	n    int // columns
}

const (
	tPatients = iota
	tVolumes
	tMovements
	tRequests
	tLoose
	tAudit
	bulkTableCount
)

var bulkTableDefs = [bulkTableCount]bulkTable{
	tPatients: {"patients", "id, mrn, last_name, first_name, middle_name, last_fold, first_fold, dob, sex, deceased, last_visit, status, legal_hold, phone, filing_key, created_at, updated_at", 17},
	tVolumes:  {"volumes", "id, patient_id, record_type_id, number, barcode, home_id, state, borrower_id, out_since, due, opened, updated_at", 12},
	tMovements: {"movements", "id, volume_id, kind, at, user_id, from_borrower_id, to_borrower_id, from_location_id, to_location_id, due, note",
		11},
	tRequests: {"requests", "id, patient_id, volume_id, borrower_id, needed_on, needed_at, reason, state, state_reason, source, created_at, created_by, updated_at", 13},
	tLoose:    {"loose_filing", "id, patient_id, received, description, from_whom, state, filed_at, filed_by, created_at", 9},
	tAudit:    {"audit", auditColumns + ", seal_table, seal_first, seal_last, seal_hash", 14},
}

// insertSQL is the INSERT of rows rows of t.
func (t bulkTable) insertSQL(rows int) string {
	return batchInsert{head: "INSERT INTO " + t.name + " (" + t.cols + ")", cols: t.n}.sql(rows)
}

// bulkBatch is a run of rows of one table, as the driver binds them.
type bulkBatch struct {
	table int
	rows  int
	args  []driver.NamedValue
}

// bulkLoader is the sink of a bulk load. The generator runs on the
// caller's goroutine and the sink turns its rows into stored values and
// hashes the audit chain there; full batches go to a writer goroutine that
// does nothing but bind and step. Two cores: one makes rows, one writes.
type bulkLoader struct {
	settings records.Settings
	today    records.Date
	start    records.BulkStart
	chain    checkpoint // the audit chain's end
	rows     int
	seal     movementSeal // movements written since the last seal
	last     records.AuditEvent

	fill    [bulkTableCount]*bulkBatch
	out     chan *bulkBatch
	free    [bulkTableCount]chan []driver.NamedValue
	written chan error // the writer's result
	stop    chan struct{}
	times   timeText
}

// run starts the writer, lets fill produce every row, and waits for the
// writer to commit.
func (l *bulkLoader) run(ctx context.Context, dc any, fill records.BulkFill) error {
	conn, ok := dc.(execer)
	if !ok {
		return records.Internal("the SQLite driver cannot run a bulk load", fmt.Errorf("%T lacks ExecContext/PrepareContext", dc))
	}
	l.out = make(chan *bulkBatch, 64)
	l.written = make(chan error, 1)
	l.stop = make(chan struct{})
	for i := range l.free {
		l.free[i] = make(chan []driver.NamedValue, 80)
	}
	go func() { l.written <- l.write(conn) }()
	err := fill(ctx, l.start, l)
	if err == nil {
		err = l.sealRest()
	}
	if err == nil {
		for t := range l.fill {
			if err = l.send(t); err != nil {
				break
			}
		}
	}
	close(l.out)
	if werr := <-l.written; werr != nil {
		return mapErr(werr, "write the practice")
	}
	if err != nil {
		return err
	}
	return ctx.Err()
}

// write runs on its own goroutine: one transaction, one prepared statement
// per table for full batches. It uses a context without a Done channel on
// purpose: the driver would start a watcher goroutine per statement for
// one; cancellation reaches the loop through the producer instead.
func (l *bulkLoader) write(conn execer) (err error) {
	bg := context.Background()
	defer func() {
		if err != nil {
			close(l.stop)
			for range l.out { // let the producer finish its sends
			}
		}
	}()
	if _, err := conn.ExecContext(bg, "BEGIN", nil); err != nil {
		return err
	}
	var full [bulkTableCount]driver.Stmt
	defer func() {
		for _, st := range full {
			if st != nil {
				st.Close()
			}
		}
	}()
	for b := range l.out {
		st := full[b.table]
		if b.rows == bulkRowsPerInsert && st == nil {
			if st, err = conn.PrepareContext(bg, bulkTableDefs[b.table].insertSQL(b.rows)); err != nil {
				return err
			}
			full[b.table] = st
		}
		if b.rows == bulkRowsPerInsert {
			_, err = st.(driver.StmtExecContext).ExecContext(bg, b.args)
		} else {
			_, err = conn.ExecContext(bg, bulkTableDefs[b.table].insertSQL(b.rows), b.args)
		}
		if err != nil {
			return fmt.Errorf("writing %s: %w", bulkTableDefs[b.table].name, err)
		}
		select {
		case l.free[b.table] <- b.args[:0]:
		default:
		}
	}
	_, err = conn.ExecContext(bg, "COMMIT", nil)
	return err
}

var errBulkStopped = errors.New("the bulk load stopped")

// add appends one row's values to its table's batch, sending it when full.
func (l *bulkLoader) add(t int, vals ...any) error {
	b := l.fill[t]
	if b == nil {
		var args []driver.NamedValue
		select {
		case args = <-l.free[t]:
		default:
			args = make([]driver.NamedValue, 0, bulkRowsPerInsert*bulkTableDefs[t].n)
		}
		b = &bulkBatch{table: t, args: args}
		l.fill[t] = b
	}
	for _, v := range vals {
		b.args = append(b.args, driver.NamedValue{Ordinal: len(b.args) + 1, Value: v})
	}
	b.rows++
	l.rows++
	if b.rows == bulkRowsPerInsert {
		return l.send(t)
	}
	return nil
}

func (l *bulkLoader) send(t int) error {
	b := l.fill[t]
	if b == nil {
		return nil
	}
	l.fill[t] = nil
	select {
	case l.out <- b:
		return nil
	case <-l.stop:
		return errBulkStopped
	}
}

// Patient stores a validated patient; a bulk load refuses what the
// services would refuse.
func (l *bulkLoader) Patient(p records.Patient) error {
	if err := records.ValidatePatient(&p, l.settings, l.today); err != nil {
		return fmt.Errorf("patient %s: %w", p.MRN, err)
	}
	created, k := l.times.of(p.CreatedAt), keysOf(l.settings, p)
	return l.add(tPatients, int64(p.ID), p.MRN, p.LastName, p.FirstName, p.MiddleName, k.lastFold, k.firstFold,
		nullDate(p.DOB), p.Sex, nullDate(p.Deceased), nullDate(p.LastVisit), string(p.Status), int64(bval(p.LegalHold)), p.Phone,
		k.filing, created, l.times.of(p.UpdatedAt))
}

// Volume stores a folder; one without a barcode gets the generated one.
func (l *bulkLoader) Volume(v records.Volume) error {
	if v.Barcode == "" {
		v.Barcode = generatedBarcode(int64(v.ID))
	}
	return l.add(tVolumes, int64(v.ID), int64(v.PatientID), int64(v.RecordTypeID), int64(v.Number), v.Barcode, int64(v.HomeID),
		string(v.State), nullID(v.BorrowerID), l.times.orNull(v.OutSince), nullDate(v.Due), nullDate(v.Opened), l.times.of(v.UpdatedAt))
}

// Movement stores a movement; the next audit event seals it.
func (l *bulkLoader) Movement(m records.Movement) error {
	vals := [11]any{int64(m.ID), int64(m.VolumeID), string(m.Kind), l.times.of(m.At), nullID(m.UserID),
		nullID(m.FromBorrowerID), nullID(m.ToBorrowerID), nullID(m.FromLocationID), nullID(m.ToLocationID), nullDate(m.Due), m.Note}
	l.seal.add(m.ID, vals[:])
	return l.add(tMovements, vals[:]...)
}

func (l *bulkLoader) Request(r records.Request) error {
	source := r.Source
	if source == "" {
		source = "manual"
	}
	return l.add(tRequests, int64(r.ID), int64(r.PatientID), nullID(r.VolumeID), int64(r.BorrowerID), nullDate(r.NeededOn), r.NeededAt,
		r.Reason, string(r.State), r.StateReason, source, l.times.of(r.CreatedAt), nullID(r.CreatedBy), l.times.of(r.UpdatedAt))
}

func (l *bulkLoader) LooseFiling(f records.LooseFiling) error {
	return l.add(tLoose, int64(f.ID), int64(f.PatientID), nullDate(f.Received), f.Description, f.From, string(f.State),
		l.times.orNull(f.FiledAt), nullID(f.FiledBy), l.times.of(f.CreatedAt))
}

// Audit appends an event to the chain: it gets the next id, it seals the
// movements written since the last seal (as the services' auditor does,
// seal.go), and its hash covers it and the event before.
func (l *bulkLoader) Audit(e records.AuditEvent) error {
	e.ID = l.chain.id + 1
	e.At = e.At.UTC().Truncate(0)
	e.PrevHash = l.chain.hash
	e.Seal = l.seal.take()
	e.Hash = records.AuditHash(e)
	l.chain, l.last = checkpoint{id: e.ID, hash: e.Hash}, e
	return l.add(tAudit, int64(e.ID), l.times.of(e.At), int64(e.UserID), e.Username, e.Action, e.Entity, int64(e.EntityID),
		e.Detail, e.PrevHash, e.Hash, e.Seal.Table, int64(e.Seal.First), int64(e.Seal.Last), e.Seal.Hash)
}

// sealRest seals the movements no audit event sealed, as finishSeals does.
func (l *bulkLoader) sealRest() error {
	if l.seal.rows == nil {
		return nil
	}
	first, last := l.seal.first, l.seal.last
	return l.Audit(records.AuditEvent{At: l.last.At, UserID: l.last.UserID, Username: l.last.Username, Action: records.AuditSeal,
		Entity: "movement", EntityID: first, Detail: fmt.Sprintf("movements %d to %d recorded", first, last)})
}

// The driver binds only these types: int64, string, nil.

func nullDate(d records.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

func nullID(id records.ID) any {
	if id == 0 {
		return nil
	}
	return int64(id)
}

// timeText formats instants in the stored layout, remembering the last
// one: a bulk load writes runs of rows with the same instant.
type timeText struct {
	last time.Time
	text string
}

func (c *timeText) of(t time.Time) string {
	if !t.Equal(c.last) || c.text == "" {
		c.last, c.text = t, t.UTC().Format(timeLayout)
	}
	return c.text
}

func (c *timeText) orNull(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return c.of(t)
}
