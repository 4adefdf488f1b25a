package sqlite

import (
	"path/filepath"
	"testing"
)

// BenchmarkBulkDemo builds a 20,000-patient demo practice in bulk
// (generation, load, indexes); rows/s is the figure to watch. `chartroom
// bench` runs the same at a million patients beside the sqlite3 tool.
func BenchmarkBulkDemo(b *testing.B) {
	var movements int
	for b.Loop() {
		res := bulkDemo(b, filepath.Join(b.TempDir(), "bulk.db"), 20_000)
		movements = res.Movements
	}
	b.ReportMetric(float64(movements*b.N)/b.Elapsed().Seconds(), "movements/s")
}

// BenchmarkVerifyAuditIncremental is the start-up check with nothing new:
// it must not grow with the size of the audit log.
func BenchmarkVerifyAuditIncremental(b *testing.B) {
	s, ctx := benchStore(b)
	if _, _, err := s.VerifyAudit(ctx, true); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if p, _, err := s.VerifyAudit(ctx, false); err != nil || p != nil {
			b.Fatal(p, err)
		}
	}
}

// BenchmarkVerifyAuditFull walks the whole chain and every sealed movement.
func BenchmarkVerifyAuditFull(b *testing.B) {
	s, ctx := benchStore(b)
	var n int
	for b.Loop() {
		p, events, err := s.VerifyAudit(ctx, true)
		if err != nil || p != nil {
			b.Fatal(p, err)
		}
		n = events
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkSearchBarcode is a scan into the search box: the lookup and its
// audit event, committed.
func BenchmarkSearchBarcode(b *testing.B) {
	s, ctx := benchStore(b)
	lat := newLatencies(b)
	for i := 0; b.Loop(); i++ {
		code := generatedBarcode(int64(1 + (i*7919)%benchPatients))
		lat.begin()
		hits, err := s.Search(ctx, code, 50)
		lat.end()
		if err != nil || len(hits) != 1 {
			b.Fatalf("%s: %v %v", code, hits, err)
		}
	}
	lat.report()
}
