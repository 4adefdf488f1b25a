package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/chartroom/chartroom/records"
)

// auditor appends audit events inside one write transaction; it remembers
// the chain's end so several events in one call cost one lookup.
type auditor struct {
	tx     *sql.Tx
	s      *Store
	actor  records.Actor
	lastID records.ID
	last   string
	loaded bool
}

func (s *Store) auditor(tx *sql.Tx, a records.Actor) *auditor {
	return &auditor{tx: tx, s: s, actor: a}
}

// add appends one event: its id follows the last one, its hash covers it and
// the last event's hash. It seals what the transaction wrote (seal.go).
func (au *auditor) add(ctx context.Context, action, entity string, entityID records.ID, format string, args ...any) error {
	seal, err := au.s.sealFor(ctx, au.tx, entity, entityID)
	if err != nil {
		return err
	}
	return au.addSealed(ctx, seal, action, entity, entityID, format, args...)
}

// addSealed appends one event carrying the given seal.
func (au *auditor) addSealed(ctx context.Context, seal records.Seal, action, entity string, entityID records.ID, format string, args ...any) error {
	if !au.loaded {
		err := au.tx.QueryRowContext(ctx, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").Scan(&au.lastID, &au.last)
		if err != nil && err != sql.ErrNoRows {
			return err
		}
		au.loaded = true
	}
	e := records.AuditEvent{
		ID:       au.lastID + 1,
		At:       au.s.now(),
		UserID:   au.actor.UserID,
		Username: au.actor.Username,
		Action:   action,
		Entity:   entity,
		EntityID: entityID,
		Detail:   fmt.Sprintf(format, args...),
		PrevHash: au.last,
		Seal:     seal,
	}
	e.Hash = records.AuditHash(e)
	_, err := au.tx.ExecContext(ctx, `INSERT INTO audit (id, at, user_id, username, action, entity, entity_id, detail, prev_hash, hash,
		seal_table, seal_first, seal_last, seal_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		int64(e.ID), tval(e.At), int64(e.UserID), e.Username, e.Action, e.Entity, int64(e.EntityID), e.Detail, e.PrevHash, e.Hash,
		seal.Table, int64(seal.First), int64(seal.Last), seal.Hash)
	if err != nil {
		return err
	}
	au.lastID, au.last = e.ID, e.Hash
	return nil
}

const auditColumns = "id, at, user_id, username, action, entity, entity_id, detail, prev_hash, hash"

// sealColumns hold an event's seal (migration 5); scanAudit reads
// auditColumns followed by them.
const sealColumns = "seal_table, seal_first, seal_last, seal_hash"

// auditColumnsOf is what scanAudit reads, for a file that may predate seals
// (a backup being checked): such a file reads as having none.
func auditColumnsOf(ctx context.Context, q querier) (string, error) {
	ok, err := hasSeals(ctx, q)
	if err != nil || ok {
		return auditColumns + ", " + sealColumns, err
	}
	return auditColumns + ", '', 0, 0, ''", nil
}

func scanAudit(sc interface{ Scan(...any) error }, e *records.AuditEvent) error {
	return sc.Scan(&e.ID, timeCol{&e.At}, &e.UserID, &e.Username, &e.Action, &e.Entity, &e.EntityID, &e.Detail, &e.PrevHash, &e.Hash,
		&e.Seal.Table, &e.Seal.First, &e.Seal.Last, &e.Seal.Hash)
}

// ListAudit returns audit events, newest first (supervisor or admin).
func (s *Store) ListAudit(ctx context.Context, f records.AuditFilter) ([]records.AuditEvent, error) {
	if _, err := records.Require(ctx, records.RoleSupervisor, "read the audit log"); err != nil {
		return nil, err
	}
	var where []string
	var args []any
	if !f.From.IsZero() {
		where, args = append(where, "at >= ?"), append(args, tval(f.From))
	}
	if !f.To.IsZero() {
		where, args = append(where, "at < ?"), append(args, tval(f.To))
	}
	if f.UserID != 0 {
		where, args = append(where, "user_id = ?"), append(args, int64(f.UserID))
	}
	if f.Entity != "" {
		where, args = append(where, "entity = ?"), append(args, f.Entity)
	}
	if f.EntityID != 0 {
		where, args = append(where, "entity_id = ?"), append(args, int64(f.EntityID))
	}
	q := "SELECT " + auditColumns + ", " + sealColumns + " FROM audit"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY id DESC"
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	var out []records.AuditEvent
	err := s.read(ctx, "read the audit log", func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e records.AuditEvent
			if err := scanAudit(rows, &e); err != nil {
				return err
			}
			out = append(out, e)
		}
		return rows.Err()
	})
	return out, err
}

// checkpoint is the last audit event known to verify.
type checkpoint struct {
	id   records.ID
	hash string
}

// VerifyAudit walks the audit chain from the start (full) or from the last
// verified event, and returns the first event that does not verify with the
// number of events checked. On success the checkpoint moves to the end of
// the chain, so the next start-up checks only what is new. It needs no
// signed-in user: it reveals nothing about patients.
func (s *Store) VerifyAudit(ctx context.Context, full bool) (*records.ChainProblem, int, error) {
	var cp checkpoint
	var problem *records.ChainProblem
	var n int
	// A full check walks two long lists, the chain of events and the
	// sealed movements. They are walked side by side, each in its own read
	// transaction (each compares the rows of one snapshot), so on two cores
	// the check takes the longer walk's time, not both (`chartroom bench`:
	// ten million events).
	var seals chan sealOutcome
	if full {
		seals = make(chan sealOutcome, 1)
		go func() {
			var o sealOutcome
			o.err = s.read(ctx, "verify the audit log", func(tx *sql.Tx) error {
				var err error
				o.problem, err = verifySeals(ctx, tx, true, 0)
				return err
			})
			seals <- o
		}()
	}
	err := s.read(ctx, "verify the audit log", func(tx *sql.Tx) error {
		var err error
		cp, err = readCheckpoint(ctx, tx)
		if err != nil {
			return err
		}
		var end checkpoint
		if full {
			problem, n, end, err = verifyFull(ctx, tx, cp)
		} else {
			problem, n, end, err = verifyChain(ctx, tx, cp)
			if err == nil && problem == nil {
				// The chain holds; now the rows it vouches for.
				problem, err = verifySeals(ctx, tx, false, cp.id)
			}
		}
		cp = end
		return err
	})
	if full {
		// A problem in the chain comes first: the seals sit in it.
		if o := <-seals; err == nil && problem == nil {
			problem, err = o.problem, o.err
		}
	}
	if err != nil || problem != nil {
		return problem, n, err
	}
	if cp.id == 0 {
		return nil, n, nil
	}
	err = s.write(ctx, "record the audit check", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO audit_checkpoint (id, event_id, hash, at) VALUES (1, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET event_id = excluded.event_id, hash = excluded.hash, at = excluded.at
			WHERE excluded.event_id >= audit_checkpoint.event_id`, int64(cp.id), cp.hash, tval(s.now()))
		return err
	})
	return nil, n, err
}

// sealOutcome is what the walk of the sealed rows found.
type sealOutcome struct {
	problem *records.ChainProblem
	err     error
}

// verifyFull checks the whole chain and that it still reaches the
// checkpoint cp: events verified before must not have vanished from the end.
func verifyFull(ctx context.Context, q querier, cp checkpoint) (*records.ChainProblem, int, checkpoint, error) {
	problem, n, end, err := verifyChain(ctx, q, checkpoint{})
	if err != nil || problem != nil {
		return problem, n, end, err
	}
	if cp.id > end.id {
		return &records.ChainProblem{EventID: end.id + 1, Reason: fmt.Sprintf("audit events %d to %d were verified before but are gone (deleted?)", end.id+1, cp.id)}, n, end, nil
	}
	return nil, n, end, nil
}

func readCheckpoint(ctx context.Context, q querier) (checkpoint, error) {
	var cp checkpoint
	err := q.QueryRowContext(ctx, "SELECT event_id, hash FROM audit_checkpoint WHERE id = 1").Scan(&cp.id, &cp.hash)
	if err == sql.ErrNoRows {
		return checkpoint{}, nil
	}
	return cp, err
}

// verifyChain checks every event after start (start itself must still be
// there, unchanged) and returns the first problem, the number of events
// checked and the last good event.
func verifyChain(ctx context.Context, q querier, start checkpoint) (*records.ChainProblem, int, checkpoint, error) {
	cols, err := auditColumnsOf(ctx, q)
	if err != nil {
		return nil, 0, start, err
	}
	if start.id > 0 {
		var e records.AuditEvent
		err := scanAudit(q.QueryRowContext(ctx, "SELECT "+cols+" FROM audit WHERE id = ?", int64(start.id)), &e)
		if err == sql.ErrNoRows {
			return &records.ChainProblem{EventID: start.id, Reason: fmt.Sprintf("audit event %d was verified before but is gone (deleted?)", start.id)}, 0, start, nil
		}
		if err != nil {
			return nil, 0, start, err
		}
		if e.Hash != start.hash || records.AuditHash(e) != e.Hash {
			return &records.ChainProblem{EventID: start.id, Reason: fmt.Sprintf("audit event %d was changed after it was verified", start.id)}, 0, start, nil
		}
	}
	// Each event's own hash is compared in the query (chartroom_audit_ok:
	// one value read instead of fourteen); the links between events here.
	rows, err := q.QueryContext(ctx, "SELECT id, prev_hash, hash, chartroom_audit_ok("+cols+") FROM audit WHERE id > ? ORDER BY id", int64(start.id))
	if err != nil {
		return nil, 0, start, err
	}
	defer rows.Close()
	prev, n := start, 0
	var rowID int64 // not a records.ID: database/sql converts those through reflect
	var prevHash, hash string
	var holds bool
	for rows.Next() {
		if err := rows.Scan(&rowID, &prevHash, &hash, &holds); err != nil {
			return nil, n, prev, err
		}
		id := records.ID(rowID)
		if prev.id == 0 && id != 1 {
			return &records.ChainProblem{EventID: 1, Reason: fmt.Sprintf("audit events 1 to %d are missing (deleted?)", id-1)}, n, prev, nil
		}
		if reason := records.ChainStepProblem(id, prevHash, holds, prev.hash, prev.id); reason != "" {
			bad := id
			if prev.id != 0 && id != prev.id+1 {
				bad = prev.id + 1
			}
			return &records.ChainProblem{EventID: bad, Reason: reason}, n, prev, nil
		}
		prev = checkpoint{id: id, hash: hash}
		n++
	}
	return nil, n, prev, rows.Err()
}
