package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chartroom/chartroom/records"
)

func TestOpenCreatesPrivateFiles(t *testing.T) {
	f := newFixture(t)
	f.Patient("100001", "Quux", "Private") // something in the WAL
	for _, p := range []string{f.path, f.path + "-wal", f.path + "-shm"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", filepath.Base(p), fi.Mode().Perm())
		}
	}
	var mode string
	var fk, timeout, sync int
	if err := f.s.w.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q %v", mode, err)
	}
	f.s.w.QueryRow("PRAGMA foreign_keys").Scan(&fk)
	f.s.w.QueryRow("PRAGMA busy_timeout").Scan(&timeout)
	f.s.w.QueryRow("PRAGMA synchronous").Scan(&sync)
	if fk != 1 || timeout != busyTimeoutMS || sync != 2 {
		t.Errorf("writer pragmas: foreign_keys=%d busy_timeout=%d synchronous=%d", fk, timeout, sync)
	}
	// No memory map: a page read stays in the bounded page cache, not
	// resident with its neighbours (store.go).
	for name, db := range map[string]*sql.DB{"writer": f.s.w, "reader": f.s.r} {
		var mmap, cache int
		db.QueryRow("PRAGMA mmap_size").Scan(&mmap)
		db.QueryRow("PRAGMA cache_size").Scan(&cache)
		if mmap != 0 || cache >= 0 || -cache > writerCacheKiB {
			t.Errorf("%s: mmap_size=%d cache_size=%d, want 0 and at most %d KiB", name, mmap, cache, writerCacheKiB)
		}
	}
	if _, err := f.s.r.Exec("DELETE FROM loose_filing"); err == nil {
		t.Error("the reader pool can write")
	}
}

func TestOpenRefusesForeignFiles(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.txt")
	os.WriteFile(text, []byte("Dear diary, today I filed charts.\n"), 0o600)

	other := filepath.Join(dir, "other.db")
	db, err := sql.Open("sqlite", other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE recipes (name TEXT)"); err != nil {
		t.Fatal(err)
	}
	db.Close()

	newer := filepath.Join(dir, "newer.db")
	s := openTestStore(t, newer, newClock())
	s.Close()
	db, _ = sql.Open("sqlite", newer)
	if _, err := db.Exec(fmt.Sprintf("PRAGMA user_version = %d", SchemaVersion+1)); err != nil {
		t.Fatal(err)
	}
	db.Close()

	tests := []struct {
		path, code, msg string
	}{
		{text, records.EInvalid, "not a Chartroom database"},
		{other, records.EInvalid, "not a Chartroom database"},
		{newer, records.EConflict, "newer version of Chartroom"},
	}
	for _, tc := range tests {
		before, _ := os.ReadFile(tc.path)
		_, err := Open(context.Background(), tc.path, Options{})
		wantCode(t, err, tc.code)
		if !strings.Contains(err.Error(), tc.msg) || !strings.Contains(err.Error(), "update Chartroom") && tc.code == records.EConflict {
			t.Errorf("Open(%s): %q", filepath.Base(tc.path), err)
		}
		if after, _ := os.ReadFile(tc.path); tc.path != newer && string(after) != string(before) {
			t.Errorf("Open changed %s", filepath.Base(tc.path))
		}
	}
}

// seedAtVersion writes rows that every schema version since 1 can hold.
func seedAtVersion(t *testing.T, db *sql.DB) {
	t.Helper()
	hash, err := records.HashPassword(testPassword, *cheapParams)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	ev := records.AuditEvent{ID: 1, At: at, UserID: 1, Username: "ada", Action: records.AuditInit, Entity: "settings", EntityID: 1, Detail: "old"}
	ev.Hash = records.AuditHash(ev)
	stmts := []struct {
		q    string
		args []any
	}{
		{`INSERT INTO settings (id, practice_name, mrn_width, filing, paper, idle_lock_minutes, request_expiry_days, adult_years,
			majority_age, minor_years, deceased_years, billing_years, backup_keep) VALUES (1, 'Old Practice', 6, 'terminal-digit',
			'Letter', 10, 14, 10, 18, 10, 5, 7, 14)`, nil},
		{"INSERT INTO users (id, username, display_name, role, password_hash, created_at) VALUES (1, 'ada', 'Ada', 'admin', ?, ?)", []any{hash, tval(at)}},
		{"INSERT INTO record_types (id, name, code, loan_days, color, is_default) VALUES (1, 'Medical', 'M', 14, '#3A6EA5', 1)", nil},
		{"INSERT INTO locations (id, name, kind, path, is_default) VALUES (1, 'Record room', 'room', 'Record room', 1)", nil},
		{`INSERT INTO patients (id, mrn, last_name, first_name, last_fold, first_fold, filing_key, created_at, updated_at)
			VALUES (1, '123456', 'Oldtimer', 'Olga', 'oldtimer', 'olga', '563412', ?, ?)`, []any{tval(at), tval(at)}},
		{`INSERT INTO volumes (id, patient_id, record_type_id, number, barcode, home_id, updated_at) VALUES (1, 1, 1, 1, 'V0000001', 1, ?)`, []any{tval(at)}},
		{"INSERT INTO audit (id, at, user_id, username, action, entity, entity_id, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			[]any{1, tval(ev.At), 1, ev.Username, ev.Action, ev.Entity, 1, ev.Detail, "", ev.Hash}},
	}
	for _, st := range stmts {
		if _, err := db.Exec(st.q, st.args...); err != nil {
			t.Fatalf("%s: %v", st.q, err)
		}
	}
}

func TestMigrateFromEveryVersion(t *testing.T) {
	for k := 0; k < SchemaVersion; k++ {
		t.Run(fmt.Sprintf("from version %d", k), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "old.db")
			db, err := sql.Open("sqlite", dsn(path, "_txlock=immediate", "_pragma=foreign_keys(1)"))
			if err != nil {
				t.Fatal(err)
			}
			db.SetMaxOpenConns(1)
			if err := migrateTo(context.Background(), db, path, k); err != nil {
				t.Fatal(err)
			}
			var v int
			db.QueryRow("PRAGMA user_version").Scan(&v)
			if v != k {
				t.Fatalf("user_version = %d, want %d", v, k)
			}
			if k >= 1 {
				seedAtVersion(t, db)
			}
			if k >= 5 {
				// From version 5 on, Chartroom seals the rows it writes;
				// rows written raw here would be taken for forged ones.
				tx, err := db.Begin()
				if err != nil {
					t.Fatal(err)
				}
				if err := sealExisting(context.Background(), tx); err != nil {
					t.Fatal(err)
				}
				if err := tx.Commit(); err != nil {
					t.Fatal(err)
				}
			}
			db.Close()

			clock := newClock()
			s := openTestStore(t, path, clock)
			s.w.QueryRow("PRAGMA user_version").Scan(&v)
			if v != SchemaVersion {
				t.Fatalf("after Open user_version = %d, want %d", v, SchemaVersion)
			}
			if k == 0 {
				return
			}
			a, err := s.SignIn(context.Background(), "ada", testPassword)
			if err != nil {
				t.Fatal(err)
			}
			ctx := records.WithActor(context.Background(), a)
			hits, err := s.Search(ctx, "oldt", 5)
			if err != nil || len(hits) != 1 || hits[0].MRN != "123456" {
				t.Fatalf("search after migration: %+v %v", hits, err)
			}
			if problem, n, err := s.VerifyAudit(context.Background(), false); problem != nil || err != nil || n < 3 {
				t.Fatalf("audit after migration: %v %d %v", problem, n, err)
			}
			if _, err := s.CheckOut(ctx, records.CheckOutInput{Barcode: "V0000001", BorrowerID: mustBorrower(t, s, ctx).ID}); err != nil {
				t.Fatal(err)
			}
			if problems, err := s.CheckIntegrity(ctx); err != nil || len(problems) != 0 {
				t.Fatalf("integrity after migration: %v %v", problems, err)
			}
			// An old chart has no external id; an import gives it one, and
			// a new chart without one sits beside it.
			sum, err := s.ImportPatients(ctx, records.PatientRows([]records.PatientRow{
				{Line: 2, Patient: records.Patient{MRN: "123456", ExternalID: "OLD-1", LastName: "Oldtimer", FirstName: "Olga"}},
				{Line: 3, Patient: records.Patient{MRN: "123457", LastName: "Newcomer"}},
			}), false)
			if err != nil || sum.Updated != 1 || sum.Imported != 1 || len(sum.Rejected) != 0 {
				t.Fatalf("import after migration: %+v %v", sum, err)
			}
			if hits, err := s.Search(ctx, "old-1", 5); err != nil || len(hits) != 1 || hits[0].MRN != "123456" || hits[0].ExternalID != "OLD-1" {
				t.Fatalf("external id after migration: %+v %v", hits, err)
			}
		})
	}
}

func mustBorrower(t *testing.T, s *Store, ctx context.Context) records.Borrower {
	t.Helper()
	b, err := s.SaveBorrower(ctx, records.Borrower{Name: "Dr. Migrated", Kind: records.BorrowerProvider})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestErrorMapping(t *testing.T) {
	tests := []struct {
		err  error
		code string
		msg  string
	}{
		{records.Errorf(records.ENotFound, "no such chart"), records.ENotFound, "no such chart"},
		{context.Canceled, records.EConflict, "try again"},
		{fmt.Errorf("plain"), records.EInternal, "could not save"},
	}
	for _, tc := range tests {
		err := mapErr(tc.err, "save")
		wantCode(t, err, tc.code)
		if !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("mapErr(%v) = %q", tc.err, err)
		}
	}
	// A real unique violation and a real busy database.
	f := newFixture(t)
	db := rawDB(t, f.path)
	_, err := db.Exec("INSERT INTO borrowers (name, kind) VALUES (?, 'staff')", f.DrGrey.Name)
	if col, ok := uniqueViolation(err); !ok || col != "borrowers.name" {
		t.Fatalf("uniqueViolation(%v) = %q, %v", err, col, ok)
	}
	if m := mapErr(err, "save"); records.ErrorCode(m) != records.EConflict || !strings.Contains(m.Error(), "a borrower with that name already exists") {
		t.Fatalf("mapErr(unique) = %v", m)
	}
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(context.Background(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(context.Background(), "ROLLBACK")
	short, err := sql.Open("sqlite", dsn(f.path, "_txlock=immediate", "_pragma=busy_timeout(50)"))
	if err != nil {
		t.Fatal(err)
	}
	defer short.Close()
	_, err = short.Begin()
	if m := mapErr(err, "save"); records.ErrorCode(m) != records.EConflict || records.ErrorMessage(m) != "the database is busy; try again" {
		t.Fatalf("mapErr(busy) = %v (from %v)", m, err)
	}
}

// TestLookRelaxesOnlyItsOwnCommit: a search or view commits its audit event
// at synchronous=NORMAL, and no change ever commits at less than FULL, even
// with looks and changes racing for the one writer connection.
func TestLookRelaxesOnlyItsOwnCommit(t *testing.T) {
	f := newFixture(t)
	f.Patient("100001", "Quux", "Lookable")
	synchronous := func(q querier) int {
		t.Helper()
		var n int
		if err := q.QueryRowContext(context.Background(), "PRAGMA synchronous").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	var during int
	if err := f.s.look(f.Clerk, "test look", func(tx *sql.Tx) error { during = synchronous(tx); return nil }); err != nil {
		t.Fatal(err)
	}
	if during != 1 || synchronous(f.s.w) != 2 {
		t.Errorf("synchronous during a look %d (want 1, NORMAL), after %d (want 2, FULL)", during, synchronous(f.s.w))
	}
	failed := f.s.look(f.Clerk, "test look", func(tx *sql.Tx) error { return records.Errorf(records.ENotFound, "nothing") })
	wantCode(t, failed, records.ENotFound)
	if got := synchronous(f.s.w); got != 2 {
		t.Errorf("after a failed look synchronous = %d, want 2", got)
	}

	before := auditCount(t, f, records.AuditSearch)
	var wg sync.WaitGroup
	changes := make(chan int, 40)
	for i := 0; i < 40; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			if _, err := f.s.Search(f.Clerk, "quux", 10); err != nil {
				t.Error(err)
			}
		}()
		go func() {
			defer wg.Done()
			err := f.s.write(f.Clerk, "test change", func(tx *sql.Tx) error {
				changes <- synchronous(tx)
				return nil
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	close(changes)
	for n := range changes {
		if n != 2 {
			t.Fatalf("a change ran at synchronous=%d while looks were running, want 2", n)
		}
	}
	if got := auditCount(t, f, records.AuditSearch) - before; got != 40 {
		t.Errorf("%d search events committed, want 40", got)
	}
	if p, _, err := f.s.VerifyAudit(f.Admin, true); err != nil || p != nil {
		t.Errorf("chain after racing looks and changes: %v %v", p, err)
	}
}

func auditCount(t *testing.T, f *fixture, action string) int {
	t.Helper()
	var n int
	if err := f.s.r.QueryRow("SELECT count(*) FROM audit WHERE action = ?", action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
