package records

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// AuditHash returns the hex SHA-256 that chains an audit event to the one
// before it. Every field that means something is covered, each written with
// its length so that no two different events hash the same input.
func AuditHash(e AuditEvent) string {
	var b strings.Builder
	field := func(s string) {
		b.WriteString(strconv.Itoa(len(s)))
		b.WriteByte(':')
		b.WriteString(s)
		b.WriteByte(';')
	}
	field(strconv.FormatInt(int64(e.ID), 10))
	field(e.At.UTC().Format(time.RFC3339Nano))
	field(strconv.FormatInt(int64(e.UserID), 10))
	field(e.Username)
	field(e.Action)
	field(e.Entity)
	field(strconv.FormatInt(int64(e.EntityID), 10))
	field(e.Detail)
	field(e.PrevHash)
	if !e.Seal.IsZero() {
		// Only sealing events have the tenth field, so events written
		// before seals existed keep their hashes.
		field(e.Seal.String())
	}
	sum := sha256.Sum256([]byte(b.String()))
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

// VerifyChainStep checks one event against the hash of the event before it
// and the id that should follow; it returns a reason or "".
func VerifyChainStep(e AuditEvent, prevHash string, prevID ID) string {
	if prevID != 0 && e.ID != prevID+1 {
		return "audit event " + strconv.FormatInt(int64(prevID+1), 10) + " is missing (deleted?) before event " + strconv.FormatInt(int64(e.ID), 10)
	}
	if e.PrevHash != prevHash {
		return "audit event " + strconv.FormatInt(int64(e.ID), 10) + " does not follow the event before it (inserted or reordered?)"
	}
	if AuditHash(e) != e.Hash {
		return "audit event " + strconv.FormatInt(int64(e.ID), 10) + " was changed after it was written"
	}
	return ""
}
