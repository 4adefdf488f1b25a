package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/chartroom/chartroom/records"
)

// auditLock is the advisory lock key that serialises appends to the audit
// chain. It is a transaction lock: held from the append to the commit, so
// a second workstation's append waits and then sees the first one's event
// as the chain's end. Without it two transactions would read the same end
// and write two events claiming the same predecessor.
const auditLock = 0x63687274_0002 // "chrt", 2

// appendAudit appends one event to the chain inside tx, taking auditLock
// first (chartroom_seal_begin, migration 0010, which also starts the
// transaction's sealing); the event seals what tx wrote (seal.go).
func (s *Store) appendAudit(ctx context.Context, tx pgx.Tx, a records.Actor, action, entity string, entityID records.ID, detail string) (records.AuditEvent, error) {
	if err := beginSeals(ctx, tx); err != nil {
		return records.AuditEvent{}, err
	}
	seal, err := sealFor(ctx, tx, entity, entityID)
	if err != nil {
		return records.AuditEvent{}, err
	}
	var lastID records.ID
	var last string
	err = tx.QueryRow(ctx, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").Scan(&lastID, &last)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return records.AuditEvent{}, err
	}
	e := records.AuditEvent{
		ID: lastID + 1,
		// PostgreSQL keeps microseconds: the hash covers the time as it
		// will be read back.
		At:       s.now().Truncate(time.Microsecond),
		UserID:   a.UserID,
		Username: a.Username,
		Action:   action,
		Entity:   entity,
		EntityID: entityID,
		Detail:   detail,
		PrevHash: last,
		Seal:     seal,
	}
	e.Hash = records.AuditHash(e)
	_, err = tx.Exec(ctx, `INSERT INTO audit (id, at, user_id, username, action, entity, entity_id, detail, prev_hash, hash,
			seal_table, seal_first, seal_last, seal_hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		int64(e.ID), e.At, int64(e.UserID), e.Username, e.Action, e.Entity, int64(e.EntityID), e.Detail, e.PrevHash, e.Hash,
		seal.Table, int64(seal.First), int64(seal.Last), seal.Hash)
	if err != nil {
		return e, err
	}
	return e, notifyChange(ctx, tx, action, entity)
}

// verifyAuditChain walks the whole chain in id order and returns the first
// event that does not follow from the one before it, and how many events
// it checked.
func (s *Store) verifyAuditChain(ctx context.Context) (*records.ChainProblem, int, error) {
	var problem *records.ChainProblem
	var n int
	err := s.read(ctx, "the audit log", func(tx pgx.Tx) error {
		var err error
		problem, n, _, err = verifyChain(ctx, tx, checkpoint{})
		return err
	})
	return problem, n, err
}

// checkpoint is the last audit event known to verify.
type checkpoint struct {
	id   records.ID
	hash string
}

func readCheckpoint(ctx context.Context, tx pgx.Tx) (checkpoint, error) {
	var cp checkpoint
	err := tx.QueryRow(ctx, "SELECT event_id, hash FROM audit_checkpoint WHERE id = 1").Scan(&cp.id, &cp.hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return checkpoint{}, nil
	}
	return cp, err
}

// VerifyAudit walks the audit chain from the start (full) or from the last
// verified event, and returns the first event that does not verify with the
// number of events checked. On success the checkpoint moves to the end of
// the chain, so the next start-up checks only what is new. It needs no
// signed-in user: it reveals nothing about patients.
// Once the chain verifies, the rows of movements and users its events seal
// are checked against them (seal.go): every movement when full, else those
// sealed since the checkpoint; every user.
func (s *Store) VerifyAudit(ctx context.Context, full bool) (*records.ChainProblem, int, error) {
	var cp checkpoint
	var problem *records.ChainProblem
	var n int
	err := s.read(ctx, "the audit log", func(tx pgx.Tx) error {
		var err error
		if cp, err = readCheckpoint(ctx, tx); err != nil {
			return err
		}
		start := cp
		if full {
			start = checkpoint{}
		}
		var end checkpoint
		if problem, n, end, err = verifyChain(ctx, tx, start); err != nil || problem != nil {
			return err
		}
		if problem, err = verifySeals(ctx, tx, full, start.id); err != nil || problem != nil {
			return err
		}
		if full && cp.id > end.id {
			// Events verified before must not have vanished from the end.
			problem = &records.ChainProblem{EventID: end.id + 1, Reason: fmt.Sprintf("audit events %d to %d were verified before but are gone (deleted?)", end.id+1, cp.id)}
		}
		cp = end
		return nil
	})
	if err != nil || problem != nil || cp.id == 0 {
		return problem, n, err
	}
	err = s.write(ctx, "the audit check", func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO audit_checkpoint (id, event_id, hash, at) VALUES (1, $1, $2, $3)
			ON CONFLICT (id) DO UPDATE SET event_id = EXCLUDED.event_id, hash = EXCLUDED.hash, at = EXCLUDED.at
			WHERE EXCLUDED.event_id >= audit_checkpoint.event_id`, int64(cp.id), cp.hash, s.now())
		return err
	})
	return nil, n, err
}

// verifyChain checks every event after start (start itself must still be
// there, unchanged) and returns the first problem, the number of events
// checked and the last good event.
func verifyChain(ctx context.Context, tx pgx.Tx, start checkpoint) (*records.ChainProblem, int, checkpoint, error) {
	if start.id > 0 {
		var e records.AuditEvent
		err := scanAudit(tx.QueryRow(ctx, "SELECT "+auditColumns+" FROM audit WHERE id = $1", int64(start.id)), &e)
		if errors.Is(err, pgx.ErrNoRows) {
			return &records.ChainProblem{EventID: start.id, Reason: fmt.Sprintf("audit event %d was verified before but is gone (deleted?)", start.id)}, 0, start, nil
		}
		if err != nil {
			return nil, 0, start, err
		}
		if e.Hash != start.hash || records.AuditHash(e) != e.Hash {
			return &records.ChainProblem{EventID: start.id, Reason: fmt.Sprintf("audit event %d was changed after it was verified", start.id)}, 0, start, nil
		}
	}
	rows, err := tx.Query(ctx, "SELECT "+auditColumns+" FROM audit WHERE id > $1 ORDER BY id", int64(start.id))
	if err != nil {
		return nil, 0, start, err
	}
	defer rows.Close()
	prev, n := start, 0
	for rows.Next() {
		var e records.AuditEvent
		if err := scanAudit(rows, &e); err != nil {
			return nil, n, prev, err
		}
		if prev.id == 0 && e.ID != 1 {
			return &records.ChainProblem{EventID: 1, Reason: fmt.Sprintf("audit events 1 to %d are missing (deleted?)", e.ID-1)}, n, prev, nil
		}
		if reason := records.ChainStepProblem(e.ID, e.PrevHash, records.AuditHash(e) == e.Hash, prev.hash, prev.id); reason != "" {
			bad := e.ID
			if prev.id != 0 && e.ID != prev.id+1 {
				bad = prev.id + 1
			}
			return &records.ChainProblem{EventID: bad, Reason: reason}, n, prev, nil
		}
		prev = checkpoint{id: e.ID, hash: e.Hash}
		n++
	}
	return nil, n, prev, rows.Err()
}

// auditColumns are what scanAudit reads: the time whole, with the
// nanoseconds the hash covers (exacttimes.go).
const auditColumns = "id, at, at_ns, user_id, username, action, entity, entity_id, detail, prev_hash, hash, seal_table, seal_first, seal_last, seal_hash"

func scanAudit(row pgx.Row, e *records.AuditEvent) error {
	var nanos int16
	err := row.Scan(&e.ID, &e.At, &nanos, &e.UserID, &e.Username, &e.Action, &e.Entity, &e.EntityID, &e.Detail, &e.PrevHash, &e.Hash,
		&e.Seal.Table, &e.Seal.First, &e.Seal.Last, &e.Seal.Hash)
	e.At = withNanos(e.At, nanos)
	return err
}

// ListAudit returns audit events, newest first (supervisor or admin).
func (s *Store) ListAudit(ctx context.Context, f records.AuditFilter) ([]records.AuditEvent, error) {
	if _, err := records.Require(ctx, records.RoleSupervisor, "read the audit log"); err != nil {
		return nil, err
	}
	var where []string
	var args []any
	add := func(cond string, arg any) {
		args = append(args, arg)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if !f.From.IsZero() {
		add("at >= $%d", f.From)
	}
	if !f.To.IsZero() {
		add("at < $%d", f.To)
	}
	if f.UserID != 0 {
		add("user_id = $%d", int64(f.UserID))
	}
	if f.Entity != "" {
		add("entity = $%d", f.Entity)
	}
	if f.EntityID != 0 {
		add("entity_id = $%d", int64(f.EntityID))
	}
	q := "SELECT " + auditColumns + " FROM audit"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY id DESC"
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	var out []records.AuditEvent
	err := s.read(ctx, "the audit log", func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, q, args...)
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
