package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/csvimport"
	"github.com/chartroom/chartroom/records/sqlite"
	"github.com/chartroom/chartroom/records/sqlite/sqlitebench"
	"github.com/chartroom/chartroom/reports"
)

// importRows is the size of the patients file the bench imports: 100,000
// rows, or as many as the practice has patients when it has fewer.
func (b *bench) importRows() int { return min(100_000, b.o.Patients) }

// importPatients times `chartroom import patients` of a 100,000-row file
// into a new practice: the parse and the import the command runs once the
// user is signed in (csvimport and the store's ImportPatients), each run
// followed by the floor, the sqlite3 tool's .import of the same file into
// another new practice (sqlitebench.ImportScript).
func (b *bench) importPatients(ctx context.Context) error {
	csvPath := filepath.Join(b.dir, "patients.csv")
	rows := b.importRows()
	if err := writePatientsCSV(csvPath, rows, strconv.Itoa); err != nil {
		return err
	}
	defer os.Remove(csvPath)
	m := startCPU()
	var ours, tool sample // rows/s
	for i := range 3 {
		took, err := b.importOnce(ctx, csvPath, i)
		if err != nil {
			return err
		}
		ours = append(ours, float64(rows)/took.Seconds())
		if b.o.SkipSQLite3 {
			continue
		}
		if took, err = b.importTool(ctx, csvPath, i); err != nil {
			return err
		}
		tool = append(tool, float64(rows)/took.Seconds())
	}
	// The slowest run is the p99 of the rate (the lowest rate).
	r := benchRow{figure: fmt.Sprintf("`chartroom import patients`, %s new rows", count(rows)), n: len(ours),
		median: fmt.Sprintf("%.0f rows/s", ours.median()), p99: fmt.Sprintf("%.0f rows/s", ours.quantile(0.01)),
		floor: "not run", ratio: "-", target: "≥ 0.6x sqlite3 tool", met: "not run",
		note: "CSV parse + validation + import into a new practice, committed (synchronous=FULL)"}
	if len(tool) > 0 {
		x := ours.median() / tool.median()
		r.floor, r.ratio, r.met = fmt.Sprintf("%.0f rows/s", tool.median()), ratio(x), verdict(x >= 0.6)
		r.note += fmt.Sprintf(". The floor: the sqlite3 tool's `.import` of the same file into a new practice, then the same patient, folder and movement rows "+
			"under the same indexes, WAL, synchronous=FULL, one transaction (no validation, no accent folding, no audit event); slowest %.0f rows/s", tool.quantile(0.01))
	}
	b.add(r, m)
	return nil
}

// newPractice makes a new, empty practice at path, as `chartroom init`
// does, and returns it open with its administrator signed in.
func (b *bench) newPractice(ctx context.Context, path string) (*sqlite.Store, context.Context, error) {
	st, err := b.open(ctx, path)
	if err != nil {
		return nil, ctx, err
	}
	settings := records.DefaultSettings()
	settings.PracticeName = "Import Bench Practice (demo)"
	if _, err := st.Initialize(ctx, records.InitInput{Settings: settings, AdminUsername: "admin", AdminName: "Avery Admin (demo)",
		AdminPassword: "bench-admin"}); err != nil {
		st.Close()
		return nil, ctx, err
	}
	a, err := st.SignIn(ctx, "admin", "bench-admin")
	if err != nil {
		st.Close()
		return nil, ctx, err
	}
	return st, records.WithActor(ctx, a), nil
}

// importOnce imports the file into a new practice and times the import.
func (b *bench) importOnce(ctx context.Context, csvPath string, i int) (time.Duration, error) {
	path := filepath.Join(b.dir, fmt.Sprintf("import-%d.db", i))
	defer removeDB(path)
	st, ctx, err := b.newPractice(ctx, path)
	if err != nil {
		return 0, err
	}
	defer st.Close()
	return importFile(ctx, st, csvPath, b.importRows())
}

// importFile imports the patients file into st, as `chartroom import
// patients` does once the user is signed in, and times it; all want rows
// must be imported as new patients.
func importFile(ctx context.Context, st interface {
	Settings(context.Context) (records.Settings, error)
	ImportPatients(context.Context, records.PatientSource, bool) (records.ImportSummary, error)
}, csvPath string, want int) (time.Duration, error) {
	f, err := os.Open(csvPath)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	start := time.Now()
	settings, err := st.Settings(ctx)
	if err != nil {
		return 0, err
	}
	file, err := csvimport.OpenPatients(f, csvimport.Options{Settings: settings, Today: records.DateOf(time.Now())})
	if err != nil {
		return 0, err
	}
	sum, err := st.ImportPatients(ctx, file.Rows(), false)
	took := time.Since(start)
	if err == nil && (sum.Imported != want || len(file.Rejected())+len(sum.Rejected) > 0) {
		err = fmt.Errorf("imported %d of %d rows", sum.Imported, want)
	}
	return took, err
}

// importTool times the sqlite3 tool loading the file into a new practice.
func (b *bench) importTool(ctx context.Context, csvPath string, i int) (time.Duration, error) {
	path := filepath.Join(b.dir, fmt.Sprintf("import-tool-%d.db", i))
	defer removeDB(path)
	st, _, err := b.newPractice(ctx, path)
	if err != nil {
		return 0, err
	}
	if err := st.Close(); err != nil {
		return 0, err
	}
	start := time.Now()
	if err := sqlite3(ctx, path, sqlitebench.ImportScript(csvPath, time.Now())); err != nil {
		return 0, fmt.Errorf("the sqlite3 tool's import: %w", err)
	}
	return time.Since(start), nil
}

// writePatientsCSV writes n fictitious patients, the i-th (from 1) with
// chart number mrn(i).
func writePatientsCSV(path string, n int, mrn func(i int) string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	rng := rand.New(rand.NewPCG(11, 11))
	syllables := []string{"qua", "zor", "bli", "mun", "tek", "vos", "pra", "dil", "gru", "fen", "ñu", "jax", "wim", "lop", "rés", "kib"}
	name := func(parts int) string {
		s := ""
		for i := 0; i < parts; i++ {
			s += syllables[rng.IntN(len(syllables))]
		}
		return s
	}
	fmt.Fprintln(w, "MRN,Last Name,First Name,DOB,Sex,Phone")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(w, "%s,%s,%s,%04d-%02d-%02d,%s,555-%04d\n", mrn(i), name(2+rng.IntN(2)), name(2), 1930+rng.IntN(90), 1+rng.IntN(12),
			1+rng.IntN(28), []string{"F", "M"}[rng.IntN(2)], rng.IntN(10000))
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func removeDB(path string) {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(path + suffix)
	}
}

// report times the chart location report of 100,000 folders of the
// practice, as reports.Generate makes it, against two bare gofpdf loops
// writing the same cells (barepdf.go): plain, and with bold names and
// stripes, the floor it is held to. Each report run is followed by a run of
// each loop, so the three see the same machine.
func (b *bench) report(ctx context.Context) error {
	if err := b.loadSample(ctx); err != nil {
		return err
	}
	now := time.Now()
	src := &sampleService{vols: b.sample, settings: records.DefaultSettings()}
	src.settings.PracticeName = "Riverbend Family Practice (demo)"
	src.settings.Paper, src.settings.Filing = records.PaperLetter, records.FilingTerminalDigit
	var full, bare, styled sample
	var fullSize, bareSize, styledSize int64
	timed := func(s *sample, size *int64, write func(io.Writer) error) error {
		w := &byteCounter{}
		start := time.Now()
		if err := write(w); err != nil {
			return err
		}
		*s, *size = append(*s, msSince(start)), w.n
		return nil
	}
	m := startCPU()
	for range 3 {
		if err := timed(&full, &fullSize, func(w io.Writer) error {
			return reports.Generate(ctx, src, reports.ReportLocation, reports.Params{Now: now}, w)
		}); err != nil {
			return err
		}
		if err := timed(&styled, &styledSize, func(w io.Writer) error { return barePDF(w, now, b.sample, true) }); err != nil {
			return err
		}
		if err := timed(&bare, &bareSize, func(w io.Writer) error { return barePDF(w, now, b.sample, false) }); err != nil {
			return err
		}
	}
	x := full.median() / styled.median()
	b.add(benchRow{figure: fmt.Sprintf("chart location report, %d rows, PDF bytes out", len(b.sample)), n: len(full),
		median: ms(full.median()), p99: ms(full.p99()), floor: ms(styled.median()), ratio: ratio(x),
		target: "≤ 1.3x floor", met: verdict(x <= 1.3),
		note: fmt.Sprintf("reports.Generate, folders from memory; report %.1f MB with header, footer, titles, stripes. "+
			"The floor: a bare gofpdf loop of the same cells with bold names and stripes (%.1f MB); "+
			"without them, %s (%.1f MB): the report is %.2fx that", float64(fullSize)/1e6, float64(styledSize)/1e6,
			ms(bare.median()), float64(bareSize)/1e6, full.median()/bare.median())}, m)
	return nil
}

// sampleService serves the bench's sample of folders, in memory, to
// reports.Generate: only what the location report reads (the practice's
// settings and the folders) is answered; any other call would panic on the
// nil Store.
type sampleService struct {
	reports.Store
	settings records.Settings
	vols     []records.Volume
}

func (s *sampleService) Settings(context.Context) (records.Settings, error) { return s.settings, nil }

func (s *sampleService) ListVolumes(_ context.Context, _ records.VolumeFilter, fn func(records.Volume) error) error {
	for _, v := range s.vols {
		if err := fn(v); err != nil {
			return err
		}
	}
	return nil
}

type byteCounter struct{ n int64 }

func (c *byteCounter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}
