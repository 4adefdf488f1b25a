package records

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"strconv"
)

// Tamper evidence beyond the audit log.
//
// The audit chain proves that no audit event was changed, deleted or
// inserted. Movements (where every folder went) and users (who may sign in,
// with which role and password) are evidence too, so the audit chain also
// vouches for them: an audit event may carry a Seal, the SHA-256 of the rows
// it vouches for as they were when it was written.
//
//   - A movement is never changed after it is written, so every movement is
//     sealed exactly once, by the audit event of the change that wrote it (or
//     one event for a range of movements, e.g. an import). Verification
//     recomputes each seal from the rows now in the table: a changed row
//     breaks its seal, a deleted row leaves its seal without its row, and an
//     inserted row is covered by no seal.
//   - A user row changes (sign-ins, role, password), so every change seals the
//     row's new content and only the latest seal of each user must match.
//
// Because the seals sit inside hashed audit events, changing a row and its
// seal to match also breaks the chain. What this cannot stop is someone
// rewriting every hash from the tampered event onwards by hand: the chain
// is unkeyed. Backups (and the checkpoint the store keeps of the last
// verified event) are what a practice compares against then.

// AuditSeal is the action of an audit event that only seals rows written by
// a change that wrote no other event for them.
const AuditSeal = "seal"

// Seal vouches for the rows First..Last (ids) of Table.
type Seal struct {
	Table       string
	First, Last ID
	Hash        string
}

// IsZero reports whether there is no seal.
func (s Seal) IsZero() bool { return s.Table == "" }

// String is the seal as the audit hash covers it: "movements:3-7:hex".
func (s Seal) String() string { return string(s.appendText(nil)) }

// appendText appends the seal as String writes it (AuditHash uses it
// without the string).
func (s Seal) appendText(b []byte) []byte {
	if s.IsZero() {
		return b
	}
	b = append(b, s.Table...)
	b = append(b, ':')
	b = strconv.AppendInt(b, int64(s.First), 10)
	b = append(b, '-')
	b = strconv.AppendInt(b, int64(s.Last), 10)
	b = append(b, ':')
	return append(b, s.Hash...)
}

// SealHasher computes a seal's hash over rows given in id order, each as
// its canonical text (the store decides the text; it must be the same
// every time the same row is read).
type SealHasher struct {
	h   hash.Hash
	n   int
	pre []byte // a row's length and colon, reused
}

// NewSealHasher starts an empty seal hash.
func NewSealHasher() *SealHasher { return &SealHasher{h: sha256.New()} }

// Add adds the next row; each is written with its length so that no two
// different sequences of rows hash the same input.
func (s *SealHasher) Add(row string) { s.AddBytes([]byte(row)) }

// AddBytes is Add for a row's text in a buffer the caller reuses: a full
// verification and a bulk load hash ten million rows.
func (s *SealHasher) AddBytes(row []byte) {
	s.pre = strconv.AppendInt(s.pre[:0], int64(len(row)), 10)
	s.pre = append(s.pre, ':')
	s.h.Write(s.pre)
	s.h.Write(row)
	s.h.Write(semicolon)
	s.n++
}

var semicolon = []byte{';'}

// Reset empties the hash for the next seal.
func (s *SealHasher) Reset() {
	s.h.Reset()
	s.n = 0
}

// Rows is how many rows were added.
func (s *SealHasher) Rows() int { return s.n }

// Sum is the hex SHA-256 of the rows added so far.
func (s *SealHasher) Sum() string { return hex.EncodeToString(s.h.Sum(nil)) }

// UserSealProblem judges a user's row, as its canonical text, against the
// hash of its latest seal, carried by audit event event (found false: the
// user has no seal at all). Both stores judge their rows by it.
func UserSealProblem(id ID, name, text string, event ID, sealHash string, found bool) *ChainProblem {
	if !found {
		return &ChainProblem{Table: "users", RowID: id, Reason: fmt.Sprintf("user %d (%s) was not created by Chartroom (inserted behind its back?)", id, name)}
	}
	h := NewSealHasher()
	h.Add(text)
	if h.Sum() != sealHash {
		return &ChainProblem{Table: "users", RowID: id, EventID: event,
			Reason: fmt.Sprintf("user %d (%s) was changed behind Chartroom's back after audit event %d", id, name, event)}
	}
	return nil
}
