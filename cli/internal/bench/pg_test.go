package bench

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/demo"
	"github.com/chartroom/chartroom/records/postgres/pgtest"
	"github.com/chartroom/chartroom/records/sqlite"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// The PostgreSQL part of a run at a tiny size: the demo practice copied
// into an empty database on the throwaway cluster, then every figure timed
// on both stores, each repetition on each, and printed side by side.
func TestPostgresColumnAtATinySize(t *testing.T) {
	address := pgtest.Database(t)
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "bench.db")
	today := time.Date(2026, time.March, 2, 9, 0, 0, 0, time.UTC)
	clock := records.NewManualClock(today)
	st, err := sqlite.Open(ctx, db, sqlite.Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Generate(ctx, st, clock.Set, demo.Options{Patients: 60, Seed: 1, Today: today}); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	var stderr bytes.Buffer
	b := &bench{env: Env{Stdout: io.Discard, Stderr: &stderr, Log: slog.New(slog.DiscardHandler)},
		o: Options{Patients: 60, Reps: 10, PG: address}, dir: dir, db: db, buildRow: -1}
	if err := b.postgres(ctx); err != nil {
		t.Fatalf("the PostgreSQL step: %v\n%s", err, stderr.String())
	}

	want := []struct {
		figure string
		n      int
		sqlite bool
	}{
		{"copy the practice into PostgreSQL", 1, false},
		{"search: exact chart number", 10, true},
		{"search: exact barcode", 10, true},
		{"search as you type: surname prefix", 10, true},
		{"scan-station check-out", 10, true},
		{"chart location report", 3, true},
		{"`chartroom import patients`, 60 new rows", 1, true},
	}
	if len(b.pgRows) != len(want) {
		t.Fatalf("got %d rows, want %d: %+v", len(b.pgRows), len(want), b.pgRows)
	}
	for i, w := range want {
		r := b.pgRows[i]
		if !strings.HasPrefix(r.figure, w.figure) || r.n != w.n || len(r.server) != w.n {
			t.Errorf("row %d: %q n=%d with %d PostgreSQL timings, want %q n=%d", i, r.figure, r.n, len(r.server), w.figure, w.n)
		}
		if w.sqlite != (len(r.sqlite) == w.n) {
			t.Errorf("row %q: %d SQLite timings, want them: %v", r.figure, len(r.sqlite), w.sqlite)
		}
	}

	// The copy is the practice: the server holds the folders SQLite holds.
	server, err := openServer(ctx, address)
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	a, err := server.SignIn(ctx, demo.ClerkUser, demo.ClerkPassword)
	if err != nil {
		t.Fatal(err)
	}
	folders := 0
	if err := server.ListVolumes(records.WithActor(ctx, a), records.VolumeFilter{}, func(records.Volume) error { folders++; return nil }); err != nil {
		t.Fatal(err)
	}
	if imported := b.importRows(); folders != len(b.sample)+imported {
		t.Errorf("PostgreSQL holds %d folders, not SQLite's %d and the %d imported", folders, len(b.sample), imported)
	}

	var out bytes.Buffer
	printPGTable(&out, b.pgRows)
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2+len(want) || !strings.Contains(lines[0], "PostgreSQL / SQLite") {
		t.Errorf("the table:\n%s", out.String())
	}
	if !strings.Contains(lines[2], "| - | - |") || strings.Contains(lines[3], "| - |") {
		t.Errorf("the copy has no SQLite figure and the searches have every figure:\n%s", out.String())
	}
}
