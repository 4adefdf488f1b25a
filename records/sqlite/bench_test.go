package sqlite

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/storetest"
)

// benchPatients is the size of the generated practice the benchmarks run
// against (a large practice; the index plans do not change with size).
const benchPatients = 200_000

var (
	benchOnce sync.Once
	benchDir  string
	benchErr  error
)

func TestMain(m *testing.M) {
	// A cheap scrypt cost for the backup key files: the tests open many.
	BackupKeyWorkFactor = 10
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// benchDB builds (once per run) a practice of benchPatients patients.
func benchDB(b *testing.B) string {
	benchOnce.Do(func() {
		benchDir, benchErr = os.MkdirTemp("", "chartroom-bench-")
		if benchErr != nil {
			return
		}
		path := filepath.Join(benchDir, "bench.db")
		ctx := context.Background()
		s, err := Open(ctx, path, Options{PasswordParams: cheapParams, Bulk: true})
		if err != nil {
			benchErr = err
			return
		}
		defer s.Close()
		if _, err := s.Initialize(ctx, records.InitInput{Settings: records.Settings{PracticeName: "Bench Practice"},
			AdminUsername: "ada", AdminPassword: testPassword}); err != nil {
			benchErr = err
			return
		}
		a, _ := s.SignIn(ctx, "ada", testPassword)
		_, benchErr = s.ImportPatients(records.WithActor(ctx, a), records.PatientRows(storetest.FakeRows(1, 1, benchPatients)), false)
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return filepath.Join(benchDir, "bench.db")
}

func benchStore(b *testing.B) (*Store, context.Context) {
	path := benchDB(b)
	ctx := context.Background()
	s, err := Open(ctx, path, Options{PasswordParams: cheapParams})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	a, err := s.SignIn(ctx, "ada", testPassword)
	if err != nil {
		b.Fatal(err)
	}
	return s, records.WithActor(ctx, a)
}

// latencies records each operation's time so a benchmark can report its
// median and p99 (the targets are percentiles, not means).
type latencies struct {
	b     *testing.B
	start time.Time
	took  []time.Duration
}

func newLatencies(b *testing.B) *latencies { return &latencies{b: b} }

func (l *latencies) begin() { l.start = time.Now() }
func (l *latencies) end()   { l.took = append(l.took, time.Since(l.start)) }

// report adds p50-ms and p99-ms (nearest rank) to the benchmark's line.
func (l *latencies) report() {
	if len(l.took) == 0 {
		return
	}
	slices.Sort(l.took)
	rank := func(p float64) time.Duration { return l.took[int(math.Ceil(p*float64(len(l.took))))-1] }
	l.b.ReportMetric(float64(rank(0.50).Microseconds())/1000, "p50-ms")
	l.b.ReportMetric(float64(rank(0.99).Microseconds())/1000, "p99-ms")
}

// BenchmarkSearchNamePrefix is the search box's service call: the query and
// its audit event, committed (a look: synchronous=NORMAL, tx.go).
func BenchmarkSearchNamePrefix(b *testing.B) {
	s, ctx := benchStore(b)
	prefixes := []string{"quazor", "Ñu", "blimun, te", "vosprá", "kib"}
	lat := newLatencies(b)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		lat.begin()
		hits, err := s.Search(ctx, prefixes[i%len(prefixes)], 50)
		lat.end()
		if err != nil || len(hits) == 0 {
			b.Fatalf("%v %v", hits, err)
		}
	}
	lat.report()
}

// BenchmarkNamePrefixQuery is the name-prefix query alone, on a reader: the
// part that must stay under a millisecond at a million patients.
func BenchmarkNamePrefixQuery(b *testing.B) {
	s, ctx := benchStore(b)
	prefixes := [][2]string{{"quazor", ""}, {"nu", ""}, {"blimun", "te"}, {"vospra", ""}, {"kib", ""}}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		p := prefixes[i%len(prefixes)]
		hits, err := searchLookups{s.r}.NamePrefix(ctx, p[0], p[1], 50)
		if err != nil || len(hits) == 0 {
			b.Fatalf("%v %v", hits, err)
		}
	}
}

func BenchmarkSearchMRN(b *testing.B) {
	s, ctx := benchStore(b)
	lat := newLatencies(b)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		mrn := fmt.Sprint(1 + (i*7919)%benchPatients)
		lat.begin()
		hits, err := s.Search(ctx, mrn, 50)
		lat.end()
		if err != nil || len(hits) == 0 || hits[0].MatchedBy != "mrn" {
			b.Fatalf("%s: %v %v", mrn, hits, err)
		}
	}
	lat.report()
}

// BenchmarkCheckOut is one scan at the desk: check-out (and, untimed, the
// check-in that puts the folder back).
func BenchmarkCheckOut(b *testing.B) {
	s, ctx := benchStore(b)
	// A new borrower per run: -count and the b.N ramp reuse the database.
	bw, err := s.SaveBorrower(ctx, records.Borrower{Name: fmt.Sprintf("Dr. Bench %d", time.Now().UnixNano()), Kind: records.BorrowerProvider})
	if err != nil {
		b.Fatal(err)
	}
	lat := newLatencies(b)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		code := generatedBarcode(int64(1 + (i*104729)%benchPatients))
		lat.begin()
		_, err := s.CheckOut(ctx, records.CheckOutInput{Barcode: code, BorrowerID: bw.ID})
		lat.end()
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if _, err := s.CheckIn(ctx, code); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	lat.report()
}

// BenchmarkImportPatients imports 100k new patients into a fresh practice
// with normal durability (Bulk off); rows/s is the figure to watch.
func BenchmarkImportPatients(b *testing.B) {
	const n = 100_000
	rows := storetest.FakeRows(2, 1, n)
	for b.Loop() {
		b.StopTimer()
		path := filepath.Join(b.TempDir(), "import.db")
		ctx := context.Background()
		s, err := Open(ctx, path, Options{PasswordParams: cheapParams})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Initialize(ctx, records.InitInput{Settings: records.Settings{PracticeName: "Import Practice"},
			AdminUsername: "ada", AdminPassword: testPassword}); err != nil {
			b.Fatal(err)
		}
		a, _ := s.SignIn(ctx, "ada", testPassword)
		b.StartTimer()
		sum, err := s.ImportPatients(records.WithActor(ctx, a), records.PatientRows(rows), false)
		if err != nil || sum.Imported != n {
			b.Fatalf("imported %d of %d (%d rejected): %v", sum.Imported, n, len(sum.Rejected), err)
		}
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
}
