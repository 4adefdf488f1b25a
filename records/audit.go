package records

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"
)

// AuditHash returns the hex SHA-256 that chains an audit event to the one
// before it. Every field that means something is covered, each written with
// its length so that no two different events hash the same input.
//
// `chartroom verify` hashes every event of the log (ten million at a
// million patients), so the input is built in one buffer without the
// intermediate strings; TestAuditHashIsStable pins the result.
func AuditHash(e AuditEvent) string {
	var stack [512]byte
	b := stack[:0]
	var num [40]byte // an int64 or an RFC 3339 time
	field := func(s []byte) {
		b = strconv.AppendInt(b, int64(len(s)), 10)
		b = append(b, ':')
		b = append(b, s...)
		b = append(b, ';')
	}
	text := func(s string) {
		b = strconv.AppendInt(b, int64(len(s)), 10)
		b = append(b, ':')
		b = append(b, s...)
		b = append(b, ';')
	}
	field(strconv.AppendInt(num[:0], int64(e.ID), 10))
	field(e.At.UTC().AppendFormat(num[:0], time.RFC3339Nano))
	field(strconv.AppendInt(num[:0], int64(e.UserID), 10))
	text(e.Username)
	text(e.Action)
	text(e.Entity)
	field(strconv.AppendInt(num[:0], int64(e.EntityID), 10))
	text(e.Detail)
	text(e.PrevHash)
	if !e.Seal.IsZero() {
		// Only sealing events have the tenth field, so events written
		// before seals existed keep their hashes.
		var seal [160]byte
		field(e.Seal.appendText(seal[:0]))
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// ChainProblem describes the first audit event (or sealed row) that does
// not verify.
type ChainProblem struct {
	EventID ID
	Reason  string
	// Table and RowID name the first bad row of a sealed table (movements,
	// users) when the problem is there rather than in the audit log itself;
	// EventID is then the audit event whose seal it breaks (0: none).
	Table string
	RowID ID
}

// ChainStepProblem checks one event (id, its stored prev_hash, and whether
// its stored hash is AuditHash of its fields) against the hash of the event
// before it and the id that should follow; it returns a reason or "". The
// hash is compared by the caller: a full check compares ten million inside
// the query that reads them.
func ChainStepProblem(id ID, storedPrevHash string, hashHolds bool, prevHash string, prevID ID) string {
	if prevID != 0 && id != prevID+1 {
		return "audit event " + strconv.FormatInt(int64(prevID+1), 10) + " is missing (deleted?) before event " + strconv.FormatInt(int64(id), 10)
	}
	if storedPrevHash != prevHash {
		return "audit event " + strconv.FormatInt(int64(id), 10) + " does not follow the event before it (inserted or reordered?)"
	}
	if !hashHolds {
		return "audit event " + strconv.FormatInt(int64(id), 10) + " was changed after it was written"
	}
	return ""
}

// AuditEvent is one entry of the append-only, hash-chained audit log.
type AuditEvent struct {
	ID       ID
	At       time.Time
	UserID   ID
	Username string
	Action   string // see the Audit* constants
	Entity   string // "patient", "volume", "user", ...
	EntityID ID
	Detail   string
	PrevHash string // hex SHA-256 of the previous event, "" for the first
	Hash     string // hex SHA-256 over this event's content and PrevHash
	Seal     Seal   // the rows this event vouches for (see seal.go); zero when none
}

// Audit actions.
const (
	AuditSignIn       = "sign-in"
	AuditSignInFailed = "sign-in-failed"
	AuditLocked       = "account-locked"
	AuditView         = "view"
	AuditSearch       = "search"
	AuditCreate       = "create"
	AuditUpdate       = "update"
	AuditMove         = "move"
	AuditImport       = "import"
	AuditBackup       = "backup"
	AuditRestore      = "restore"
	AuditReport       = "report"
	AuditInit         = "init"
)

// AuditService reads and verifies the audit log.
type AuditService interface {
	ListAudit(ctx context.Context, f AuditFilter) ([]AuditEvent, error) // supervisor or admin
	// VerifyAudit walks the chain from the start (full) or from the last
	// verified event; it returns the first problem or nil.
	VerifyAudit(ctx context.Context, full bool) (*ChainProblem, int, error)
}

// AuditFilter selects audit events; zero fields do not filter.
type AuditFilter struct {
	From, To time.Time
	UserID   ID
	Entity   string
	EntityID ID
	Limit    int
}
