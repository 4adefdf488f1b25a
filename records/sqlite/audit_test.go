package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/chartroom/chartroom/records"
)

// rawDB opens the file behind the store's back, as a tamperer would.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", dsn(path, "_pragma=busy_timeout(5000)"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	f := newFixture(t)
	f.Patient("100001", "Quux", "Audrey") // a movement to tamper with
	db := rawDB(t, f.path)
	for _, stmt := range []string{
		"UPDATE audit SET detail = 'nothing happened' WHERE id = 1",
		"DELETE FROM audit WHERE id = 1",
		"UPDATE movements SET note = 'x'",
		"DELETE FROM movements",
	} {
		if _, err := db.Exec(stmt); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: want an append-only refusal, got %v", stmt, err)
		}
	}
}

func TestAuditTamperDetection(t *testing.T) {
	tests := []struct {
		name    string
		tamper  []string
		badID   records.ID
		problem string
	}{
		{"changed row", []string{"UPDATE audit SET detail = 'nothing to see' WHERE id = 3"}, 3, "changed"},
		{"deleted row", []string{"DELETE FROM audit WHERE id = 4"}, 4, "missing"},
		{"deleted first row", []string{"DELETE FROM audit WHERE id = 1"}, 1, "missing"},
		{"inserted row", []string{`INSERT INTO audit (id, at, user_id, username, action, entity, entity_id, detail, prev_hash, hash)
			SELECT max(id) + 1, '2025-03-10T09:30:00.000000000Z', 1, 'ada', 'view', 'patient', 1, 'forged', 'abc', 'def' FROM audit`}, 0, "does not follow"},
		{"rehashed row", []string{"UPDATE audit SET detail = 'x', hash = 'ffff' WHERE id = 2"}, 2, "changed"},
		{"deleted tail after check", []string{"DELETE FROM audit WHERE id >= (SELECT max(id) - 1 FROM audit)"}, 0, "gone"},
		// The same digits as text (the column swapped for one without a
		// type, which keeps text as text): it reads as the same number, but
		// it is not what Chartroom wrote.
		{"a number stored as text", []string{"ALTER TABLE audit RENAME entity_id TO e", "ALTER TABLE audit ADD COLUMN entity_id",
			"UPDATE audit SET entity_id = CASE WHEN id = 3 THEN CAST(e AS TEXT) ELSE e END"}, 3, "changed"},
		{"an unreadable time", []string{"UPDATE audit SET at = 'yesterday' WHERE id = 2"}, 2, "changed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			f.Patient("100001", "Quux", "Audrey")
			if problem, _, err := f.s.VerifyAudit(context.Background(), true); problem != nil || err != nil {
				t.Fatalf("clean chain: %v %v", problem, err)
			}
			var last records.ID
			if err := f.s.r.QueryRow("SELECT max(id) FROM audit").Scan(&last); err != nil {
				t.Fatal(err)
			}
			db := rawDB(t, f.path)
			for _, stmt := range append([]string{"DROP TRIGGER audit_no_update", "DROP TRIGGER audit_no_delete"}, tc.tamper...) {
				if _, err := db.Exec(stmt); err != nil {
					t.Fatalf("%s: %v", stmt, err)
				}
			}
			problem, _, err := f.s.VerifyAudit(context.Background(), true)
			if err != nil {
				t.Fatal(err)
			}
			if problem == nil {
				t.Fatal("tampering not detected")
			}
			want := tc.badID
			switch tc.name {
			case "inserted row":
				want = last + 1
			case "deleted tail after check":
				want = last - 1
			}
			if problem.EventID != want || !strings.Contains(problem.Reason, tc.problem) {
				t.Fatalf("problem = %+v, want event %d and %q", problem, want, tc.problem)
			}
			problems, err := f.s.CheckIntegrity(f.Supervisor)
			if err != nil || len(problems) == 0 || !strings.Contains(strings.Join(problems, ";"), "audit log") {
				t.Fatalf("CheckIntegrity = %v, %v", problems, err)
			}
		})
	}
}
