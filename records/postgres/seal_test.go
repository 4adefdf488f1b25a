package postgres

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/postgres/pgtest"
	"github.com/chartroom/chartroom/records/storetest"
)

// sealedPractice is a practice whose clerk checked a folder out and in,
// opened on a fresh database, with the ids the tamper tests aim at.
type sealedPractice struct {
	s        *Store
	f        *storetest.Fixture
	checkOut records.ID // the check-out movement, between others
	clerk    records.ID // cleo, who made movements
	sam      records.ID // the supervisor, who made none
}

func newSealedPractice(t *testing.T) sealedPractice {
	t.Helper()
	s, f := newPractice(t)
	v := f.FirstVolume(f.Patient("800001", "Quux", "Tampered"))
	if _, err := s.CheckOut(f.Clerk, records.CheckOutInput{Barcode: v.Barcode, BorrowerID: f.DrGrey.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CheckIn(f.Clerk, v.Barcode); err != nil {
		t.Fatal(err)
	}
	p := sealedPractice{s: s, f: f}
	hist, err := s.History(f.Clerk, records.HistoryFilter{VolumeID: v.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range hist {
		if m.Kind == records.MoveCheckOut {
			p.checkOut = m.ID
		}
	}
	for _, u := range []struct {
		name string
		id   *records.ID
	}{{"cleo", &p.clerk}, {"sam", &p.sam}} {
		got, err := s.UserByName(f.Admin, u.name)
		if err != nil {
			t.Fatal(err)
		}
		*u.id = got.ID
	}
	if problem, _, err := s.VerifyAudit(context.Background(), true); problem != nil || err != nil {
		t.Fatalf("before tampering: %+v %v", problem, err)
	}
	return p
}

// newPractice opens a store on a fresh database and sets up the contract
// suite's fixture practice in it.
func newPractice(t *testing.T) (*Store, *storetest.Fixture) {
	t.Helper()
	clock := storetest.NewClock()
	s, err := Open(context.Background(), pgtest.Database(t), Options{Now: clock.Now, PasswordParams: cheapParams})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, storetest.NewFixture(t, s, clock)
}

// tamper runs SQL as the database's owner would behind Chartroom's back,
// with the triggers that forbid it disabled first, as an attacker would;
// it returns the id a RETURNING clause gives (0 without one).
func (p sealedPractice) tamper(t *testing.T, sql string) records.ID {
	t.Helper()
	ctx := context.Background()
	for _, q := range []string{"ALTER TABLE movements DISABLE TRIGGER USER", "ALTER TABLE users DISABLE TRIGGER USER"} {
		if _, err := p.s.pool.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	var id records.ID
	var err error
	if strings.Contains(sql, "RETURNING") {
		err = p.s.pool.QueryRow(ctx, sql).Scan(&id)
	} else {
		_, err = p.s.pool.Exec(ctx, sql)
	}
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return id
}

// Movements and users changed, deleted or inserted behind the store's back
// are named by VerifyAudit, as on SQLite
// (records/sqlite's TestSecurityTamperMovementsAndUsers).
func TestSealsCatchTampering(t *testing.T) {
	tests := []struct {
		name    string
		tamper  string                                           // %[1]d: the check-out, %[2]d: the clerk, %[3]d: the supervisor
		bad     func(p sealedPractice, id records.ID) records.ID // the row named, from the practice and the RETURNING id
		table   string
		problem string
		// incremental: the check from the checkpoint sees it too (it
		// rechecks every user and what follows the newest seal, not the
		// movements verified before).
		incremental bool
	}{
		{"changed movement", "UPDATE movements SET to_borrower_id = (SELECT max(id) FROM borrowers) WHERE id = %[1]d",
			func(p sealedPractice, _ records.ID) records.ID { return p.checkOut }, "movements", "was changed", false},
		{"changed movement time", "UPDATE movements SET at = at + interval '1 microsecond' WHERE id = %[1]d",
			func(p sealedPractice, _ records.ID) records.ID { return p.checkOut }, "movements", "was changed", false},
		{"deleted movement", "DELETE FROM movements WHERE id = %[1]d",
			func(p sealedPractice, _ records.ID) records.ID { return p.checkOut }, "movements", "is gone", false},
		{"inserted movement", `INSERT INTO movements (volume_id, kind, at, user_id, note)
			SELECT volume_id, 'check-in', at, user_id, 'forged' FROM movements WHERE id = %[1]d RETURNING id`,
			func(_ sealedPractice, id records.ID) records.ID { return id }, "movements", "not recorded by Chartroom", true},
		{"changed role", "UPDATE users SET role = 'admin' WHERE id = %[2]d",
			func(p sealedPractice, _ records.ID) records.ID { return p.clerk }, "users", "changed behind Chartroom's back", true},
		{"changed hash", "UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE id = 1) WHERE id = %[2]d",
			func(p sealedPractice, _ records.ID) records.ID { return p.clerk }, "users", "changed behind Chartroom's back", true},
		{"unlocked", "UPDATE users SET active = NOT active WHERE id = %[2]d",
			func(p sealedPractice, _ records.ID) records.ID { return p.clerk }, "users", "changed behind Chartroom's back", true},
		{"inserted user", `INSERT INTO users (username, display_name, role, password_hash, created_at)
			SELECT 'mallory', 'Mallory', 'admin', password_hash, created_at FROM users WHERE id = %[2]d RETURNING id`,
			func(_ sealedPractice, id records.ID) records.ID { return id }, "users", "not created by Chartroom", true},
		{"deleted user", "DELETE FROM users WHERE id = %[3]d",
			func(p sealedPractice, _ records.ID) records.ID { return p.sam }, "users", "is gone", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := newSealedPractice(t)
			id := p.tamper(t, fmt.Sprintf(tc.tamper, p.checkOut, p.clerk, p.sam))
			bad := tc.bad(p, id)
			for _, full := range []bool{true, false} {
				if !full && !tc.incremental {
					continue
				}
				problem, _, err := p.s.VerifyAudit(context.Background(), full)
				if err != nil || problem == nil || problem.Table != tc.table || problem.RowID != bad || !strings.Contains(problem.Reason, tc.problem) {
					t.Fatalf("VerifyAudit(full %v) = %+v, %v; want %s row %d: %q", full, problem, err, tc.table, bad, tc.problem)
				}
			}
		})
	}
}

// A clerk who makes themself admin in the database and then signs in is
// refused, and nothing that touches the forged row (sign-in right or
// wrong, an admin's change, a new password) re-seals it, or the evidence
// would be gone.
func TestSealsSignInKeepsTamperEvidence(t *testing.T) {
	cases := []struct {
		name string
		act  func(p sealedPractice) error
	}{
		{"sign-in", func(p sealedPractice) error {
			a, err := p.s.SignIn(context.Background(), "cleo", storetest.TestPassword)
			if err == nil && a.Role == records.RoleAdmin {
				t.Error("a forged role signed in as admin")
			}
			return err
		}},
		{"wrong password", func(p sealedPractice) error {
			_, err := p.s.SignIn(context.Background(), "cleo", "not the password")
			return err
		}},
		{"admin changes the user", func(p sealedPractice) error {
			_, err := p.s.UpdateUser(p.f.Admin, records.User{ID: p.clerk, DisplayName: "Cleo", Role: records.RoleClerk, Active: true})
			return err
		}},
		{"admin sets a password", func(p sealedPractice) error {
			return p.s.SetPassword(p.f.Admin, p.clerk, "another long passphrase")
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := newSealedPractice(t)
			p.tamper(t, fmt.Sprintf("UPDATE users SET role = 'admin' WHERE id = %d", p.clerk))
			want := fmt.Sprintf("user %d (cleo) was changed behind Chartroom's back", p.clerk)
			err := c.act(p)
			if err == nil || !strings.Contains(records.ErrorMessage(err), want) || !strings.Contains(records.ErrorMessage(err), "chartroom verify") {
				t.Fatalf("%s on a forged user row: %v", c.name, err)
			}
			problem, _, err := p.s.VerifyAudit(context.Background(), true)
			if err != nil || problem == nil || !strings.Contains(problem.Reason, want) {
				t.Fatalf("after %s, VerifyAudit says %+v %v", c.name, problem, err)
			}
		})
	}
}

// Every movement and user the services write is sealed by the event of
// the change that wrote it, and a rolled-back transaction's gap in the ids
// does not break the next seal.
func TestSealsCoverEveryRowAndSurviveGaps(t *testing.T) {
	p := newSealedPractice(t)
	ctx := context.Background()
	// A check-out refused after its movement was written leaves a gap.
	if err := p.s.write(ctx, "a change that fails", func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO movements (volume_id, kind, at, user_id, note)
			SELECT volume_id, kind, at, user_id, 'rolled back' FROM movements WHERE id = $1`, int64(p.checkOut)); err != nil {
			return err
		}
		return records.Errorf(records.EConflict, "refused")
	}); err == nil {
		t.Fatal("the failing change succeeded")
	}
	v := p.f.FirstVolume(p.f.Patient("800002", "Quux", "Second"))
	if _, err := p.s.CheckOut(p.f.Clerk, records.CheckOutInput{Barcode: v.Barcode, BorrowerID: p.f.DrGrey.ID}); err != nil {
		t.Fatal(err)
	}
	var unsealed int
	if err := p.s.pool.QueryRow(ctx, `SELECT count(*) FROM movements m WHERE NOT EXISTS (SELECT 1 FROM audit
		WHERE seal_table = 'movements' AND m.id BETWEEN seal_first AND seal_last)`).Scan(&unsealed); err != nil {
		t.Fatal(err)
	}
	if unsealed != 0 {
		t.Errorf("%d movements no seal covers", unsealed)
	}
	for _, full := range []bool{true, false} {
		if problem, _, err := p.s.VerifyAudit(ctx, full); problem != nil || err != nil {
			t.Fatalf("VerifyAudit(full %v) after a gap: %+v %v", full, problem, err)
		}
	}
}

// The migration takes the lock the Go code calls auditLock.
func TestSealLockIsTheAuditLock(t *testing.T) {
	b, err := migrationFiles.ReadFile("migrations/0010_backups_seals.sql")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), fmt.Sprintf("pg_advisory_xact_lock(%d)", int64(auditLock))) {
		t.Errorf("0010 does not take auditLock (%d)", int64(auditLock))
	}
}

// A row's canonical text is the one records/sqlite's appendRowText gives
// for the same row as SQLite stores it (the wanted texts are its output),
// so seals copied between the stores verify; a covered time's nanoseconds
// past the microsecond (its _ns column) are in it.
func TestSealRowTextIsSQLites(t *testing.T) {
	s := openStore(t, pgtest.Database(t), storetest.NewClock())
	tests := []struct {
		table, row, want string
	}{
		{"users", `SELECT 3::bigint AS id, 'cleo'::text AS username, 'Cleo'::text AS display_name, 'clerk'::text AS role,
			true AS active, 'x'::text AS password_hash, 0 AS failed_logins, NULL::timestamptz AS locked_until,
			'2025-03-10T09:30:00.123456Z'::timestamptz AS created_at, NULL::timestamptz AS last_sign_in,
			0::smallint AS locked_until_ns, 789::smallint AS created_at_ns, 0::smallint AS last_sign_in_ns`,
			"integer:33,text:636C656F,text:436C656F,text:636C65726B,integer:31,text:78,integer:30,N," +
				"text:323032352D30332D31305430393A33303A30302E3132333435363738395A,N"},
		{"movements", `SELECT 7::bigint AS id, 2::bigint AS volume_id, 'check-out'::text AS kind,
			'2025-03-10T09:30:00.123456Z'::timestamptz AS at, 3::bigint AS user_id, NULL::bigint AS from_borrower_id,
			1::bigint AS to_borrower_id, 1::bigint AS from_location_id, NULL::bigint AS to_location_id,
			'2025-03-24'::date AS due, ''::text AS note, 0::smallint AS at_ns`,
			"integer:37,integer:32,text:636865636B2D6F7574,text:323032352D30332D31305430393A33303A30302E3132333435363030305A," +
				"integer:33,N,integer:31,integer:31,N,text:323032352D30332D3234,text:"},
	}
	conn, err := s.pool.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	// The session's time zone must not show in the text.
	if _, err := conn.Exec(context.Background(), "SET TIME ZONE 'America/Denver'"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		var got string
		if err := conn.QueryRow(context.Background(), "SELECT "+rowTextSQL(tc.table)+" FROM ("+tc.row+") AS "+tc.table).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("%s row text\n%s\nwant SQLite's\n%s", tc.table, got, tc.want)
		}
	}
}
