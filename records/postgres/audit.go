package postgres

import (
	"context"
	"errors"
	"fmt"
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
// first.
func (s *Store) appendAudit(ctx context.Context, tx pgx.Tx, a records.Actor, action, entity string, entityID records.ID, detail string) (records.AuditEvent, error) {
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(auditLock)); err != nil {
		return records.AuditEvent{}, err
	}
	var lastID records.ID
	var last string
	err := tx.QueryRow(ctx, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").Scan(&lastID, &last)
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
	}
	e.Hash = records.AuditHash(e)
	_, err = tx.Exec(ctx, `INSERT INTO audit (id, at, user_id, username, action, entity, entity_id, detail, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		int64(e.ID), e.At, int64(e.UserID), e.Username, e.Action, e.Entity, int64(e.EntityID), e.Detail, e.PrevHash, e.Hash)
	return e, err
}

// verifyAuditChain walks the whole chain in id order and returns the first
// event that does not follow from the one before it, and how many events
// it checked.
func (s *Store) verifyAuditChain(ctx context.Context) (*records.ChainProblem, int, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, at, user_id, username, action, entity, entity_id, detail, prev_hash, hash
		FROM audit ORDER BY id`)
	if err != nil {
		return nil, 0, records.Internal("cannot read the audit log", err)
	}
	defer rows.Close()
	var prevID records.ID
	var prevHash string
	n := 0
	for rows.Next() {
		var e records.AuditEvent
		if err := rows.Scan(&e.ID, &e.At, &e.UserID, &e.Username, &e.Action, &e.Entity, &e.EntityID, &e.Detail, &e.PrevHash, &e.Hash); err != nil {
			return nil, n, records.Internal("cannot read the audit log", err)
		}
		if reason := records.ChainStepProblem(e.ID, e.PrevHash, records.AuditHash(e) == e.Hash, prevHash, prevID); reason != "" {
			return &records.ChainProblem{EventID: e.ID, Reason: reason}, n, nil
		}
		prevID, prevHash = e.ID, e.Hash
		n++
	}
	if err := rows.Err(); err != nil {
		return nil, n, records.Internal(fmt.Sprintf("reading the audit log stopped after %d events", n), err)
	}
	return nil, n, nil
}
