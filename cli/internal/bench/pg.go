package bench

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/demo"
	"github.com/chartroom/chartroom/records/postgres"
	"github.com/chartroom/chartroom/reports"
)

// The PostgreSQL column: the bench's practice copied into an empty
// PostgreSQL database (records.TableCopier, as `chartroom migrate` copies
// it), then the desk figures timed on both stores in turn, one operation on
// SQLite and the same on PostgreSQL, so that both see the same machine at
// the same moment.

// deskStore is what the comparison asks of either store.
type deskStore interface {
	reports.Store
	records.TableCopier
	SignIn(ctx context.Context, username, password string) (records.Actor, error)
	Search(ctx context.Context, query string, limit int) ([]records.SearchHit, error)
	FindBorrower(ctx context.Context, badgeOrName string) (records.Borrower, error)
	CheckOut(ctx context.Context, in records.CheckOutInput) (records.CheckOutResult, error)
	CheckIn(ctx context.Context, barcode string) (records.CheckInResult, error)
	ImportPatients(ctx context.Context, src records.PatientSource, dryRun bool) (records.ImportSummary, error)
	Close() error
}

// storeSide is one store of the comparison, signed in as the clerk.
type storeSide struct {
	st  deskStore
	ctx context.Context
}

// pgRow is one line of the PostgreSQL table: the same figure on both stores.
type pgRow struct {
	figure         string
	n              int
	sqlite, server sample
	others         string
	note           string
}

// postgres copies the practice into the --pg database and times the desk
// figures on both stores.
func (b *bench) postgres(ctx context.Context) error {
	if err := b.loadSample(ctx); err != nil {
		return err
	}
	lite, err := b.open(ctx, b.db)
	if err != nil {
		return err
	}
	defer lite.Close()
	server, err := openServer(ctx, b.o.PG)
	if err != nil {
		return err
	}
	defer server.Close()
	if err := b.copyToServer(ctx, lite, server); err != nil {
		return err
	}
	var sides [2]storeSide
	for i, st := range []deskStore{lite, server} {
		a, err := st.SignIn(ctx, demo.ClerkUser, demo.ClerkPassword)
		if err != nil {
			return err
		}
		sides[i] = storeSide{st: st, ctx: records.WithActor(ctx, a)}
	}
	for _, f := range []func([2]storeSide) error{b.pgSearches, b.pgCheckOuts, b.pgReport} {
		if err := f(sides); err != nil {
			return err
		}
	}
	// Last: it adds patients to both practices.
	return b.pgImport(ctx, [2]deskStore{lite, server})
}

// pgImport times `chartroom import patients` of one file of new patients
// into the practice on each store: chart numbers the practice does not
// hold, so every row is a new patient with its first folder.
func (b *bench) pgImport(ctx context.Context, stores [2]deskStore) error {
	a, err := stores[0].SignIn(ctx, demo.AdminUser, demo.AdminPassword)
	if err != nil {
		return err
	}
	liteCtx := records.WithActor(ctx, a)
	settings, err := stores[0].Settings(liteCtx)
	if err != nil {
		return err
	}
	used := map[string]bool{}
	if err := stores[0].ListVolumes(liteCtx, records.VolumeFilter{}, func(v records.Volume) error { used[v.MRN] = true; return nil }); err != nil {
		return err
	}
	rows := b.importRows()
	var mrns []string
	for k := 1; len(mrns) < rows; k++ {
		if mrn := fmt.Sprintf("%0*d", settings.MRNWidth, k); !used[mrn] {
			mrns = append(mrns, mrn)
		}
	}
	csvPath := filepath.Join(b.dir, "new-patients.csv")
	if err := writePatientsCSV(csvPath, rows, func(i int) string { return mrns[i-1] }); err != nil {
		return err
	}
	defer os.Remove(csvPath)
	m := startCPU()
	var took [2]sample
	for i, st := range stores {
		a, err := st.SignIn(ctx, demo.AdminUser, demo.AdminPassword)
		if err != nil {
			return err
		}
		d, err := importFile(records.WithActor(ctx, a), st, csvPath, rows)
		if err != nil {
			return err
		}
		took[i] = sample{float64(d.Microseconds()) / 1000}
	}
	b.pgRows = append(b.pgRows, pgRow{figure: fmt.Sprintf("`chartroom import patients`, %s new rows into the practice", count(rows)), n: 1,
		sqlite: took[0], server: took[1], others: othersText(m),
		note: fmt.Sprintf("CSV parse + validation + import, committed, one run on each store (SQLite %.0f rows/s, PostgreSQL %.0f rows/s); "+
			"unlike the table above, into the bench's practice, not a new one (the server database holds one practice)",
			float64(rows)/(took[0][0]/1000), float64(rows)/(took[1][0]/1000))})
	return nil
}

// copyToServer copies every table of the practice into the empty server
// database in one transaction, as `chartroom migrate` does, timed.
func (b *bench) copyToServer(ctx context.Context, lite, server deskStore) error {
	a, err := lite.SignIn(ctx, demo.AdminUser, demo.AdminPassword)
	if err != nil {
		return err
	}
	ctx = records.WithActor(ctx, a)
	tables, err := server.CopyTables(ctx)
	if err != nil {
		return err
	}
	m := startCPU()
	start := time.Now()
	rows, err := records.CopyPractice(ctx, lite, server, b.db, tables, nil)
	if err != nil {
		return err
	}
	took := msSince(start)
	b.pgRows = append(b.pgRows, pgRow{figure: "copy the practice into PostgreSQL (TableCopier, as `chartroom migrate`)", n: 1,
		server: sample{took}, others: othersText(m),
		note: fmt.Sprintf("%d rows in %d tables, one transaction, %.0f rows/s; no SQLite figure", rows, len(tables), float64(rows)/(took/1000))})
	return nil
}

// pgSearches times the three searches of the desk on both stores, each
// text searched on SQLite then on PostgreSQL.
func (b *bench) pgSearches(sides [2]storeSide) error {
	rng := rand.New(rand.NewPCG(7, 7))
	pick := func() records.Volume { return b.sample[rng.IntN(len(b.sample))] }
	for _, q := range []struct {
		figure string
		query  func() (text, by string)
	}{
		{"search: exact chart number", func() (string, string) { return pick().MRN, "mrn" }},
		{"search: exact barcode", func() (string, string) { return pick().Barcode, "barcode" }},
		{"search as you type: surname prefix, first 50", func() (string, string) { return surnamePrefix(pick().PatientName), "name" }},
	} {
		m := startCPU()
		var took [2]sample
		for range b.o.Reps {
			text, want := q.query()
			for i, s := range sides {
				start := time.Now()
				hits, err := s.st.Search(s.ctx, text, 50)
				took[i] = append(took[i], msSince(start))
				if err == nil && (len(hits) == 0 || hits[0].MatchedBy != want) {
					err = fmt.Errorf("search %q found %d hits, not by %s", text, len(hits), want)
				}
				if err != nil {
					return err
				}
			}
		}
		b.pgRows = append(b.pgRows, pgRow{figure: q.figure, n: b.o.Reps, sqlite: took[0], server: took[1], others: othersText(m),
			note: "Search() as the app calls it: the query and its audit event, committed"})
	}
	return nil
}

// pgCheckOuts times check-outs of folders in file on both stores, each put
// back by an untimed check-in before the other store's turn.
func (b *bench) pgCheckOuts(sides [2]storeSide) error {
	var borrowers [2]records.Borrower
	for i, s := range sides {
		var err error
		if borrowers[i], err = s.st.FindBorrower(s.ctx, "B00101"); err != nil {
			return err
		}
	}
	var inFile []records.Volume
	for _, v := range b.sample {
		if v.State == records.StateInFile {
			inFile = append(inFile, v)
		}
	}
	rng := rand.New(rand.NewPCG(9, 9))
	rng.Shuffle(len(inFile), func(i, j int) { inFile[i], inFile[j] = inFile[j], inFile[i] })
	n := min(b.o.Reps, len(inFile))
	m := startCPU()
	var took [2]sample
	for _, v := range inFile[:n] {
		for i, s := range sides {
			start := time.Now()
			if _, err := s.st.CheckOut(s.ctx, records.CheckOutInput{Barcode: v.Barcode, BorrowerID: borrowers[i].ID}); err != nil {
				return err
			}
			took[i] = append(took[i], msSince(start))
			if _, err := s.st.CheckIn(s.ctx, v.Barcode); err != nil {
				return err
			}
		}
	}
	b.pgRows = append(b.pgRows, pgRow{figure: "scan-station check-out (folder + movement + audit event)", n: n, sqlite: took[0], server: took[1],
		others: othersText(m), note: "CheckOut() committed (SQLite synchronous=FULL; PostgreSQL as the server is set, fsync on); the check-in that puts it back is not timed"})
	return nil
}

// pgReport times the chart location report of every folder of the
// practice, read from each store by reports.Generate, the stores in turn.
func (b *bench) pgReport(sides [2]storeSide) error {
	now := time.Now()
	m := startCPU()
	var took [2]sample
	var size int64
	runs := 3
	for range runs {
		for i, s := range sides {
			w := &byteCounter{}
			start := time.Now()
			if err := reports.Generate(s.ctx, s.st, reports.ReportLocation, reports.Params{Now: now}, w); err != nil {
				return err
			}
			took[i] = append(took[i], msSince(start))
			size = w.n
		}
	}
	b.pgRows = append(b.pgRows, pgRow{figure: "chart location report, every folder, read from the store", n: runs, sqlite: took[0], server: took[1],
		others: othersText(m), note: fmt.Sprintf("reports.Generate over the store's ListVolumes, PDF bytes out (%.1f MB)", float64(size)/1e6)})
	return nil
}

// printPGTable writes the PostgreSQL rows as a second Markdown table.
func printPGTable(w io.Writer, rows []pgRow) {
	fmt.Fprintln(w, "| figure | n | SQLite median | SQLite p99 | PostgreSQL median | PostgreSQL p99 | PostgreSQL / SQLite, median | p99 | others' CPU | notes |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
	for _, r := range rows {
		liteMedian, liteP99, medianRatio, p99Ratio := "-", "-", "-", "-"
		if len(r.sqlite) > 0 {
			liteMedian, liteP99 = ms(r.sqlite.median()), ms(r.sqlite.p99())
			medianRatio, p99Ratio = ratio(r.server.median()/r.sqlite.median()), ratio(r.server.p99()/r.sqlite.p99())
		}
		fmt.Fprintf(w, "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s |\n", r.figure, r.n, liteMedian, liteP99,
			ms(r.server.median()), ms(r.server.p99()), medianRatio, p99Ratio, r.others, r.note)
	}
}

// openServer opens the PostgreSQL database at address as the app does.
func openServer(ctx context.Context, address string) (*postgres.Store, error) {
	return postgres.Open(ctx, address, postgres.Options{})
}
