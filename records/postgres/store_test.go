package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/postgres/pgtest"
	"github.com/chartroom/chartroom/records/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func openStore(t *testing.T, address string, clock *records.ManualClock) *Store {
	t.Helper()
	s, err := Open(context.Background(), address, Options{Now: clock.Now})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// fingerprint is every row of every table of the store's database, the
// tables in name order and their rows in the order of their first column:
// two equal fingerprints are the same records (what the contract suite's
// Database.Fingerprint asks).
func fingerprint(t testing.TB, s *Store) string {
	t.Helper()
	ctx := context.Background()
	rows, err := s.pool.Query(ctx, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
	if err != nil {
		t.Fatal(err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, table := range tables {
		rows, err := s.pool.Query(ctx, "SELECT * FROM "+pgx.Identifier{table}.Sanitize()+" ORDER BY 1")
		if err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		fmt.Fprintf(&b, "%s\n", table)
		for rows.Next() {
			vals, err := rows.Values()
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%q\n", fmt.Sprint(vals...))
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

func schemaVersions(t *testing.T, s *Store) int {
	t.Helper()
	var n int
	if err := s.pool.QueryRow(context.Background(), "SELECT count(*) FROM schema_version").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Workstations opening a new database at once migrate it once between
// them; opening it again changes nothing.
func TestOpenMigratesOnce(t *testing.T) {
	address := pgtest.Database(t)
	clock := storetest.NewClock()
	steps, err := migrations()
	if err != nil || len(steps) == 0 {
		t.Fatalf("embedded migrations: %v %v", steps, err)
	}
	stores := make([]*Store, 4)
	errs := make([]error, len(stores))
	var wg sync.WaitGroup
	for i := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stores[i], errs[i] = Open(context.Background(), address, Options{Now: clock.Now})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("workstation %d: %v", i, err)
		}
		defer stores[i].Close()
	}
	if got := schemaVersions(t, stores[0]); got != len(steps) {
		t.Fatalf("%d schema steps recorded, want %d", got, len(steps))
	}
	again := openStore(t, address, clock)
	if got := schemaVersions(t, again); got != len(steps) {
		t.Fatalf("after reopening: %d schema steps, want %d", got, len(steps))
	}
}

func TestOpenRefusesANewerDatabase(t *testing.T) {
	address := pgtest.Database(t)
	s := openStore(t, address, storetest.NewClock())
	if _, err := s.pool.Exec(context.Background(), "INSERT INTO schema_version VALUES (999, '0999_future.sql', now())"); err != nil {
		t.Fatal(err)
	}
	_, err := Open(context.Background(), address, Options{})
	storetest.WantCode(t, err, records.EConflict)
	if !strings.Contains(err.Error(), "newer Chartroom") {
		t.Fatalf("refusal: %v", err)
	}
}

// A password never travels in the address (it would sit in a shortcut or a
// shell's history); the message says where it goes instead and does not
// repeat it.
func TestOpenRefusesAPasswordInTheAddress(t *testing.T) {
	for _, address := range []string{
		"postgres://chartroom:Secret-Tulip-42@db.example.org:5432/chartroom?sslmode=verify-full",
		"postgres://chartroom@db.example.org/chartroom?sslmode=require&password=Secret-Tulip-42",
	} {
		_, err := Open(context.Background(), address, Options{})
		storetest.WantCode(t, err, records.EInvalid)
		if msg := err.Error(); !strings.Contains(msg, "PGPASSWORD") || !strings.Contains(msg, "pgpass") || strings.Contains(msg, "Secret-Tulip-42") {
			t.Errorf("%s: %q", address, msg)
		}
	}
}

func TestOpenSaysWhenTheServerIsUnreachable(t *testing.T) {
	// Port 1 on this machine: nothing listens there.
	_, err := Open(context.Background(), "postgres://chartroom@127.0.0.1:1/chartroom?sslmode=disable&connect_timeout=5", Options{})
	storetest.WantCode(t, err, records.EInternal)
	if !strings.Contains(err.Error(), "cannot reach the practice server 127.0.0.1") {
		t.Fatalf("message: %v", err)
	}
}

// Several workstations (each a store with its own connections) append to
// the audit log at once, in transactions of several events: the log stays
// one unbroken chain with dense ids, which a full walk verifies.
func TestConcurrentAuditAppendsKeepOneChain(t *testing.T) {
	address := pgtest.Database(t)
	clock := storetest.NewClock()
	const workstations, transactions, perTransaction = 4, 25, 3
	var wg sync.WaitGroup
	errs := make(chan error, workstations*transactions)
	for w := range workstations {
		s := openStore(t, address, clock)
		actor := records.Actor{UserID: records.ID(w + 1), Username: fmt.Sprintf("clerk%d", w+1), Role: records.RoleClerk}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range transactions {
				errs <- s.write(context.Background(), "test appends", func(tx pgx.Tx) error {
					for j := range perTransaction {
						if _, err := s.appendAudit(context.Background(), tx, actor, records.AuditView, "patient", records.ID(i), fmt.Sprintf("look %d.%d", i, j)); err != nil {
							return err
						}
					}
					return nil
				})
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("append: %v", err)
		}
	}
	s := openStore(t, address, clock)
	problem, n, err := s.verifyAuditChain(context.Background())
	if err != nil || problem != nil {
		t.Fatalf("chain: %+v, %v", problem, err)
	}
	if want := workstations * transactions * perTransaction; n != want {
		t.Fatalf("%d events in the chain, want %d", n, want)
	}
	// Each transaction's events are consecutive: the lock is held to commit.
	rows, err := s.pool.Query(context.Background(), "SELECT username, detail FROM audit ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	type ev struct{ user, detail string }
	var evs []ev
	for rows.Next() {
		var e ev
		if err := rows.Scan(&e.user, &e.detail); err != nil {
			t.Fatal(err)
		}
		evs = append(evs, e)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(evs); i += perTransaction {
		for j := 1; j < perTransaction; j++ {
			if evs[i+j].user != evs[i].user {
				t.Fatalf("events %d..%d interleave two transactions: %v", i+1, i+perTransaction, evs[i:i+perTransaction])
			}
		}
	}
}

// The log is append-only in the database itself, whoever connects.
func TestAuditLogIsAppendOnly(t *testing.T) {
	address := pgtest.Database(t)
	s := openStore(t, address, storetest.NewClock())
	if err := s.write(context.Background(), "test append", func(tx pgx.Tx) error {
		_, err := s.appendAudit(context.Background(), tx, records.Actor{UserID: 1, Username: "ada"}, records.AuditView, "patient", 1, "a look")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	for _, sql := range []string{"UPDATE audit SET detail = 'nothing'", "DELETE FROM audit", "TRUNCATE audit"} {
		_, err := s.pool.Exec(context.Background(), sql)
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v", sql, err)
		}
	}
	if problem, n, err := s.verifyAuditChain(context.Background()); problem != nil || n != 1 || err != nil {
		t.Fatalf("chain after the attempts: %+v %d %v", problem, n, err)
	}
}

// The server restarts under an open store: while it is down a write is
// refused plainly with nothing saved; once it is back the same store
// writes again without being reopened, and the chain is whole.
func TestServerRestartGivesAClearMessageAndReconnects(t *testing.T) {
	address := pgtest.Database(t)
	cluster := pgtest.Server(t)
	s := openStore(t, address, storetest.NewClock())
	ctx := context.Background()
	appendOne := func(detail string) error {
		return s.write(ctx, "the test's look", func(tx pgx.Tx) error {
			_, err := s.appendAudit(ctx, tx, records.Actor{UserID: 1, Username: "ada"}, records.AuditView, "patient", 1, detail)
			return err
		})
	}
	if err := appendOne("before the restart"); err != nil {
		t.Fatal(err)
	}
	if err := cluster.StopServer(ctx); err != nil {
		t.Fatal(err)
	}
	restarted := false
	defer func() {
		if !restarted {
			if err := cluster.StartServer(ctx); err != nil {
				t.Errorf("starting the server again: %v", err)
			}
		}
	}()
	err := appendOne("while the server is down")
	storetest.WantCode(t, err, records.EInternal)
	if msg := records.ErrorMessage(err); !strings.Contains(msg, "cannot reach the practice server, so the test's look was not saved") {
		t.Fatalf("message while the server is down: %q", msg)
	}
	if err := cluster.StartServer(ctx); err != nil {
		t.Fatal(err)
	}
	restarted = true
	if err := appendOne("after the restart"); err != nil {
		t.Fatalf("the store did not reconnect: %v", err)
	}
	problem, n, err := s.verifyAuditChain(ctx)
	if problem != nil || err != nil || n != 2 {
		t.Fatalf("chain after the restart: %+v, %d events, %v", problem, n, err)
	}
}

func TestConnectionLost(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{&pgconn.PgError{Code: "57P01", Message: "terminating connection due to administrator command"}, true},
		{&pgconn.PgError{Code: "08006"}, true},
		{fmt.Errorf("reading: %w", io.ErrUnexpectedEOF), true},
		{&net.OpError{Op: "dial", Err: errors.New("connection refused")}, true},
		{&pgconn.PgError{Code: "23505", Message: "duplicate key value"}, false},
		{&pgconn.PgError{Code: "42P01", Message: "relation does not exist"}, false},
		{errors.New("something else"), false},
	}
	for _, tt := range tests {
		if got := connectionLost(tt.err); got != tt.want {
			t.Errorf("connectionLost(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}

// A schema step that fails keeps nothing of itself, neither its tables nor
// its version, and the steps before it stay; the store is refused.
func TestFailedMigrationStepKeepsNothing(t *testing.T) {
	address := pgtest.Database(t)
	s := openStore(t, address, storetest.NewClock())
	steps, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	empty := fingerprint(t, s)
	if err := s.write(context.Background(), "the test's look", func(tx pgx.Tx) error {
		_, err := s.appendAudit(context.Background(), tx, records.Actor{UserID: 1, Username: "ada"}, records.AuditView, "patient", 1, "a look")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	before := fingerprint(t, s)
	if before == empty {
		t.Fatal("the fingerprint does not see an added row")
	}
	broken := append(slices.Clone(steps), migration{version: len(steps) + 1, name: "0099_broken.sql",
		sql: "CREATE TABLE half_made (id bigint); INSERT INTO audit (id, at, action, prev_hash, hash) VALUES (99, now(), 'x', '', ''); INSERT INTO no_such_table VALUES (1)"})
	err = s.migrateSteps(context.Background(), broken)
	storetest.WantCode(t, err, records.EInternal)
	if !strings.Contains(err.Error(), "0099_broken.sql") || !strings.Contains(err.Error(), "nothing of that step was kept") {
		t.Fatalf("message: %v", err)
	}
	if got := schemaVersions(t, s); got != len(steps) {
		t.Fatalf("%d schema steps recorded, want %d", got, len(steps))
	}
	if after := fingerprint(t, s); after != before {
		t.Fatalf("the failed step changed the database:\nbefore %s\nafter %s", before, after)
	}
	var exists bool
	if err := s.pool.QueryRow(context.Background(), "SELECT to_regclass('half_made') IS NOT NULL").Scan(&exists); err != nil || exists {
		t.Fatalf("the failed step's table is there: %v %v", exists, err)
	}
}
