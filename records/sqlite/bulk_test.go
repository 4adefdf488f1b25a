package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/demo"
)

// bulkDemo builds a demo practice of n patients in bulk at path, as
// `chartroom demo --bulk` does.
func bulkDemo(t testing.TB, path string, n int) demo.Result {
	t.Helper()
	ctx := context.Background()
	today := time.Date(2026, 3, 5, 12, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	now := today
	s, err := Open(ctx, path, Options{PasswordParams: cheapParams, Now: func() time.Time { mu.Lock(); defer mu.Unlock(); return now }})
	if err != nil {
		t.Fatal(err)
	}
	setNow := func(t time.Time) { mu.Lock(); now = t; mu.Unlock() }
	res, err := demo.GenerateBulk(ctx, s, setNow, func(fill records.BulkFill) error {
		if err := s.Close(); err != nil {
			return err
		}
		_, err := BulkLoad(ctx, path, nil, fill)
		return err
	}, demo.Options{Patients: n, Seed: 3, Today: today})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestBulkLoadBuildsAPracticeThatVerifies(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bulk.db")
	res := bulkDemo(t, path, 400)
	if res.Patients != 400 || res.Volumes < 400 || res.Movements < 2000 {
		t.Fatalf("made %+v; want 400 patients, their folders and about 4000 movements", res)
	}
	ctx := context.Background()
	s, err := Open(ctx, path, Options{PasswordParams: cheapParams})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	problem, n, err := s.VerifyAudit(ctx, true)
	if err != nil || problem != nil {
		t.Fatalf("VerifyAudit(full) = %+v, %v", problem, err)
	}
	if n < res.Movements {
		t.Errorf("verified %d audit events; want at least one per movement (%d)", n, res.Movements)
	}
	a, err := s.SignIn(ctx, demo.AdminUser, demo.AdminPassword)
	if err != nil {
		t.Fatal(err)
	}
	actx := records.WithActor(ctx, a)
	problems, err := s.CheckIntegrity(actx)
	if err != nil || len(problems) > 0 {
		t.Fatalf("CheckIntegrity = %v, %v", problems, err)
	}
	var mode string
	var indexes int
	if err := s.w.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal after the load", mode, err)
	}
	if err := s.w.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema WHERE name IN ('patients_name', 'movements_volume', 'audit_at')").Scan(&indexes); err != nil || indexes != 3 {
		t.Errorf("%d of the dropped indexes are back (%v); want 3", indexes, err)
	}
	// The practice works like any other: a search finds a patient by name.
	hits, err := s.Search(actx, "Bramble", 10)
	if err != nil || len(hits) == 0 {
		t.Errorf("Search(Bramble) = %d hits, %v", len(hits), err)
	}
}

func TestBulkLoadIsDeterministic(t *testing.T) {
	dir := t.TempDir()
	digest := func(path string) string {
		db, err := sql.Open("sqlite", dsn(path))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		h := sha256.New()
		for _, q := range []string{
			"SELECT mrn, last_name, first_name, dob, sex, deceased, last_visit FROM patients ORDER BY id",
			"SELECT patient_id, number, barcode, state, borrower_id, due FROM volumes ORDER BY id",
			"SELECT volume_id, kind, at, to_borrower_id, due FROM movements ORDER BY id",
		} {
			rows, err := db.Query(q)
			if err != nil {
				t.Fatal(err)
			}
			cols, _ := rows.Columns()
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			for rows.Next() {
				if err := rows.Scan(ptrs...); err != nil {
					t.Fatal(err)
				}
				fmt.Fprintln(h, vals...)
			}
			rows.Close()
		}
		return hex.EncodeToString(h.Sum(nil))
	}
	a, b := filepath.Join(dir, "a.db"), filepath.Join(dir, "b.db")
	bulkDemo(t, a, 150)
	bulkDemo(t, b, 150)
	if da, db := digest(a), digest(b); da != db {
		t.Errorf("two bulk demos with the same seed and day differ: %s vs %s", da, db)
	}
}

func TestBulkLoadRefusesAPracticeWithPatients(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bulk.db")
	bulkDemo(t, path, 20)
	_, err := BulkLoad(context.Background(), path, nil, func(context.Context, records.BulkStart, records.BulkSink) error { return nil })
	if records.ErrorCode(err) != records.EConflict || !strings.Contains(records.ErrorMessage(err), "already has patients") {
		t.Errorf("BulkLoad over a filled practice = %v; want a conflict naming the patients", err)
	}
}

// The canonical text of a row is written in Go (appendRowText) and read
// back through the SQL function chartroom_row_text. Seals made before it was
// Go were computed by this SQL expression, so all three must write every
// kind of value the same way, or an old file's seals would no longer hold.
func TestRowTextMatchesSQL(t *testing.T) {
	db, err := sql.Open("sqlite", dsn(filepath.Join(t.TempDir(), "text.db")))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE movements (id INTEGER PRIMARY KEY, volume_id INTEGER, kind TEXT, at TEXT, user_id INTEGER,
		from_borrower_id INTEGER, to_borrower_id INTEGER, from_location_id INTEGER, to_location_id INTEGER, due TEXT, note TEXT)`); err != nil {
		t.Fatal(err)
	}
	var legacy []string
	for _, c := range sealedColumns["movements"] {
		legacy = append(legacy, "(CASE WHEN "+c+" IS NULL THEN 'N' ELSE typeof("+c+")||':'||hex("+c+") END)")
	}
	legacySQL := strings.Join(legacy, "||','||")
	tests := []struct {
		name string
		vals []any
	}{
		{"nulls", []any{int64(1), int64(7), "create", "2026-03-05T08:00:00.000000000Z", nil, nil, nil, nil, int64(1), nil, ""}},
		{"all set", []any{int64(2), int64(1234567), "check-out", "2026-03-05T08:30:00.000000000Z", int64(3), int64(4), int64(5), int64(6), int64(7), "2026-03-19", "Records requested by subpoena (demo)"}},
		{"accents and quotes", []any{int64(3), int64(9), "missing", "2026-03-05T16:40:00.000000000Z", int64(1), int64(2), nil, nil, nil, nil, "Núñez's \"desk\", 12,5 €"}},
		{"big id", []any{int64(9_876_543_210), int64(1), "check-in", "2026-03-06T08:15:00.000000000Z", int64(1), int64(2), nil, nil, int64(1), nil, ""}},
		{"a blob where text belongs", []any{int64(4), int64(1), "check-in", []byte("2026-03-06\x00"), int64(1), nil, nil, nil, int64(1), nil, []byte{0xff, 0}}},
		{"negative, and a NUL in text", []any{int64(5), int64(-12), "check-in", "2026-03-06T08:15:00Z", int64(0), nil, nil, nil, int64(1), nil, "a\x00b"}},
	}
	var b []byte
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := db.Exec("INSERT INTO movements VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", tt.vals...); err != nil {
				t.Fatal(err)
			}
			var want string
			var got []byte
			if err := db.QueryRow("SELECT "+legacySQL+", "+rowTextSQL("movements")+" FROM movements WHERE id = ?", tt.vals[0]).Scan(&want, &got); err != nil {
				t.Fatal(err)
			}
			if string(got) != want {
				t.Errorf("chartroom_row_text = %q\nthe SQL expression of older files gives %q", got, want)
			}
			b = appendRowText(b[:0], tt.vals)
			if string(b) != want {
				t.Errorf("appendRowText = %q\nthe SQL expression of older files gives %q", b, want)
			}
		})
	}
}
