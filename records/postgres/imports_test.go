package postgres

import (
	"fmt"
	"testing"
	"time"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/postgres/pgtest"
	"github.com/chartroom/chartroom/records/storetest"
)

// A large import crosses the store's runs of rows and its COPY batches:
// every new patient gets its own folder and "create" movement, the same
// file again is all unchanged, and a file changing every other patient
// (among new ones) updates exactly those. (The contract suite's imports
// are smaller than one COPY batch.)
func TestLargeImportAcrossBatches(t *testing.T) {
	s, f, _ := openFixture(t)
	n := 2*importFlush + importChunk/2 + 3
	rows := storetest.FakeRows(11, 100000, n)

	for i, want := range []string{
		fmt.Sprintf("imported %d, updated 0, unchanged 0", n),
		fmt.Sprintf("imported 0, updated 0, unchanged %d", n),
	} {
		start := time.Now()
		sum, err := s.ImportPatients(f.Supervisor, records.PatientRows(rows), false)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("import %d of %d rows: %v", i+1, n, time.Since(start))
		if got := fmt.Sprintf("imported %d, updated %d, unchanged %d", sum.Imported, sum.Updated, sum.Unchanged); got != want || len(sum.Rejected) != 0 {
			t.Fatalf("import %d: %s (rejected %v), want %s", i+1, got, sum.Rejected, want)
		}
	}
	var patients, volumes, creates, distinctBarcodes int
	if err := s.pool.QueryRow(t.Context(), `SELECT (SELECT count(*) FROM patients), (SELECT count(*) FROM volumes),
		(SELECT count(*) FROM movements WHERE kind = 'create'), (SELECT count(DISTINCT barcode) FROM volumes)`).
		Scan(&patients, &volumes, &creates, &distinctBarcodes); err != nil {
		t.Fatal(err)
	}
	if patients != n || volumes != n || creates != n || distinctBarcodes != n {
		t.Fatalf("%d patients, %d folders, %d create movements, %d barcodes; want %d of each", patients, volumes, creates, distinctBarcodes, n)
	}

	changed := append([]records.PatientRow(nil), rows...)
	for i := 0; i < n; i += 2 {
		changed[i].Patient.Phone = "555-0199"
	}
	extra := storetest.FakeRows(12, 900000, 7)
	for i := range extra {
		extra[i].Line = n + 2 + i
	}
	changed = append(changed, extra...)
	sum, err := s.ImportPatients(f.Supervisor, records.PatientRows(changed), false)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Imported != 7 || sum.Updated != (n+1)/2 || sum.Unchanged != n/2 {
		t.Fatalf("changed file: %+v", sum)
	}
	p, err := s.PatientByMRN(f.Clerk, fmt.Sprint(100000+n-1))
	if err != nil || (n-1)%2 == 0 && p.Phone != "555-0199" {
		t.Fatalf("the last row's patient: %+v %v", p, err)
	}
	if p, err := s.PatientByMRN(f.Clerk, "900006"); err != nil || p.LastName != extra[6].Patient.LastName {
		t.Fatalf("the last new patient: %+v %v", p, err)
	}
}

// openFixture opens a store on a fresh database of the throwaway cluster
// with the contract suite's fixture in it, on a clock the test moves.
func openFixture(t *testing.T) (*Store, *storetest.Fixture, *records.ManualClock) {
	t.Helper()
	clock := storetest.NewClock()
	s, err := Open(t.Context(), pgtest.Database(t), Options{Now: clock.Now, PasswordParams: cheapParams})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, storetest.NewFixture(t, s, clock), clock
}
