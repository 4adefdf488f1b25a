package records

import (
	"context"
	"strings"
	"testing"
	"time"
)

var cheap = PasswordParams{Memory: 64, Time: 1, Threads: 1}

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("correct horse", cheap)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("hash %q does not carry its parameters", h)
	}
	if !CheckPassword("correct horse", h) {
		t.Error("the right password was refused")
	}
	for _, wrong := range []string{"correct hors", "Correct horse", ""} {
		if CheckPassword(wrong, h) {
			t.Errorf("wrong password %q accepted", wrong)
		}
	}
	h2, _ := HashPassword("correct horse", cheap)
	if h2 == h {
		t.Error("two hashes of one password are equal: no salt?")
	}
	for _, bad := range []string{"", "$argon2id$", "$argon2i$v=19$m=64,t=1,p=1$c2FsdA$aGFzaA", "$argon2id$v=19$m=0,t=1,p=1$c2FsdA$aGFzaA", strings.Replace(h, "$v=19$", "$v=18$", 1)} {
		if CheckPassword("correct horse", bad) {
			t.Errorf("malformed hash %q matched", bad)
		}
	}
}

func TestValidatePassword(t *testing.T) {
	if ValidatePassword("short") == nil || ValidatePassword("        ") == nil {
		t.Error("weak password accepted")
	}
	if err := ValidatePassword("long enough"); err != nil {
		t.Error(err)
	}
}

func TestAuditChain(t *testing.T) {
	at := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	var chain []AuditEvent
	prev := ""
	for i := 1; i <= 3; i++ {
		e := AuditEvent{ID: ID(i), At: at.Add(time.Duration(i) * time.Minute), UserID: 1, Username: "clerk", Action: AuditView, Entity: "patient", EntityID: 7, PrevHash: prev}
		e.Hash = AuditHash(e)
		prev = e.Hash
		chain = append(chain, e)
	}
	verify := func(events []AuditEvent) string {
		prevHash, prevID := "", ID(0)
		for _, e := range events {
			if r := ChainStepProblem(e.ID, e.PrevHash, AuditHash(e) == e.Hash, prevHash, prevID); r != "" {
				return r
			}
			prevHash, prevID = e.Hash, e.ID
		}
		return ""
	}
	if r := verify(chain); r != "" {
		t.Fatalf("intact chain fails: %s", r)
	}
	changed := append([]AuditEvent(nil), chain...)
	changed[1].Detail = "edited"
	if r := verify(changed); !strings.Contains(r, "event 2 was changed") {
		t.Errorf("changed row: %q", r)
	}
	deleted := []AuditEvent{chain[0], chain[2]}
	if r := verify(deleted); !strings.Contains(r, "event 2 is missing") {
		t.Errorf("deleted row: %q", r)
	}
	deletedLast := chain[:2]
	if r := verify(deletedLast); r != "" {
		t.Errorf("a chain cut at its end verifies step by step (the store keeps a checkpoint for that): %q", r)
	}
	inserted := append([]AuditEvent(nil), chain...)
	inserted[2].PrevHash = strings.Repeat("0", 64)
	inserted[2].Hash = AuditHash(inserted[2])
	if r := verify(inserted); !strings.Contains(r, "event 3 does not follow") {
		t.Errorf("inserted row: %q", r)
	}
	// Field boundaries are part of the hash: moving text between fields changes it.
	a := AuditEvent{ID: 1, Entity: "ab", Detail: "c"}
	b := AuditEvent{ID: 1, Entity: "a", Detail: "bc"}
	if AuditHash(a) == AuditHash(b) {
		t.Error("hash ignores field boundaries")
	}
}

func TestRequire(t *testing.T) {
	ctx := context.Background()
	if _, err := Require(ctx, RoleClerk, "search"); ErrorCode(err) != EUnauthorized {
		t.Errorf("no actor: %v", err)
	}
	clerk := WithActor(ctx, Actor{UserID: 1, Username: "casey", Role: RoleClerk})
	if _, err := Require(clerk, RoleClerk, "search"); err != nil {
		t.Error(err)
	}
	_, err := Require(clerk, RoleAdmin, "manage users")
	if ErrorCode(err) != EForbidden || !strings.Contains(ErrorMessage(err), "only a user with the admin role") {
		t.Errorf("clerk as admin: %v", err)
	}
	admin := WithActor(ctx, Actor{UserID: 2, Username: "avery", Role: RoleAdmin})
	if _, err := Require(admin, RoleSupervisor, "edit patients"); err != nil {
		t.Error(err)
	}
}
