package records

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"
)

// TestAuditHashIsStable pins the hash of known events: every database's
// chain was written with it, so a faster AuditHash must give the same
// bytes, or every existing log would stop verifying.
func TestAuditHashIsStable(t *testing.T) {
	at := time.Date(2026, 11, 29, 15, 4, 5, 120000000, time.FixedZone("EST", -5*3600))
	cases := []struct {
		name string
		e    AuditEvent
		want string
	}{
		{"plain", AuditEvent{ID: 1, At: at, UserID: 2, Username: "cleo", Action: AuditView, Entity: "patient", EntityID: 77,
			Detail: "viewed chart 000077", PrevHash: ""}, "0589df52697f98781e59a35a53f95472f1b5cb6d596152f0f5cfca67d9b14510"},
		{"sealed", AuditEvent{ID: 9876543, At: at.Add(987 * time.Nanosecond), UserID: 0, Username: "chartroom", Action: AuditMove, Entity: "volume",
			EntityID: 12, Detail: "check-out V-00012 (Médical 1, chart 000012) to Dr. Zed Grey due 2026-12-13",
			PrevHash: "ab0f5e0c0b7c0e4b2a7f0a4b8e3a1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7",
			Seal:     Seal{Table: "movements", First: 100, Last: 101, Hash: "00ff"}}, "36c9c85cc022097c5cb1491aa6c77fe0c6b447a74e8f0969c0dbc9b4cacc08a1"},
		{"whole second", AuditEvent{ID: 2, At: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), Username: "ada", Action: AuditSearch,
			Entity: "patient", Detail: `search "o'brien": 0 hits`, PrevHash: "x"}, "c7cd715173fcdc8ad4bf83425d7bea34ddfc8e074e6df2faf4fda78cb154af0f"},
	}
	for _, c := range cases {
		if got := AuditHash(c.e); got != c.want {
			t.Errorf("%s: AuditHash = %s, want %s (as every existing chain has it)", c.name, got, c.want)
		}
	}
}

// TestSealHasherIsStable: the seal of a list of rows is the SHA-256 of each
// row written as its length, a colon, the row and a semicolon, however the
// rows are added and whether the hasher is new or reset.
func TestSealHasherIsStable(t *testing.T) {
	rows := []string{"integer:31,text:4164,N", "", "blob:00FF"}
	want := sha256.Sum256([]byte("22:integer:31,text:4164,N;0:;9:blob:00FF;"))
	h := NewSealHasher()
	h.Add("left over from an earlier seal")
	h.Reset()
	for i, r := range rows {
		if i%2 == 0 {
			h.Add(r)
		} else {
			h.AddBytes([]byte(r))
		}
	}
	if got := h.Sum(); got != hex.EncodeToString(want[:]) || h.Rows() != len(rows) {
		t.Errorf("Sum = %s over %d rows, want %x over %d", got, h.Rows(), want, len(rows))
	}
}
