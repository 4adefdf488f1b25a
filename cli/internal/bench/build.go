package bench

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/chartroom/chartroom/records/sqlite/sqlitebench"
)

// build makes the practice the way a user would: `chartroom demo` in bulk,
// timed from start to exit (setup, generation, load, indexes).
func (b *bench) build(ctx context.Context) error {
	m := startCPU()
	start := time.Now()
	var out strings.Builder
	cmd := exec.CommandContext(ctx, b.self, "demo", "--db", b.db, "--patients", strconv.Itoa(b.o.Patients), "--seed", "1", "--bulk")
	cmd.Stdout, cmd.Stderr = &out, b.env.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("chartroom demo: %w", err)
	}
	b.buildTime = time.Since(start)
	b.logf("%s", strings.TrimSpace(strings.Split(out.String(), "\n")[0]))
	if m := regexp.MustCompile(`(\d+) folders, (\d+) movements`).FindStringSubmatch(out.String()); m != nil {
		b.volumes, _ = strconv.Atoi(m[1])
		b.movements, _ = strconv.Atoi(m[2])
	}
	size := fileSize(b.db) + fileSize(b.db+"-wal")
	b.buildRow = len(b.rows)
	b.add(benchRow{figure: "build the practice: `chartroom demo --bulk` (generation + load + indexes)", n: 1,
		median: ms(float64(b.buildTime.Milliseconds())), p99: ms(float64(b.buildTime.Milliseconds())),
		floor: "-", ratio: "-", target: "≤ 1.3x sqlite3 tool", met: "not run",
		note: fmt.Sprintf("%d patients, %d folders, %d movements; one run; the floor: the sqlite3 tool building the same rows (not run)",
			b.o.Patients, b.volumes, b.movements)}, m)
	b.rows = append(b.rows, benchRow{figure: "database size", n: 1,
		median: fmt.Sprintf("%.0f bytes/patient", float64(size)/float64(b.o.Patients)), p99: "-", target: "reported",
		note: fmt.Sprintf("%.2f GB file, all tables and indexes", float64(size)/1e9)})
	return nil
}

// buildCLI dumps every table of the practice to CSV with the sqlite3 tool
// (not timed), then times the tool building a new database from the CSV
// files with the same schema and indexes (sqlitebench.CLIScripts): the
// build's floor, filled into the build's row.
func (b *bench) buildCLI(ctx context.Context) error {
	if b.o.SkipSQLite3 || b.buildRow < 0 {
		return nil
	}
	csvDir := filepath.Join(b.dir, "csv")
	cliDB := filepath.Join(b.dir, "sqlite3.db")
	os.RemoveAll(csvDir)
	os.Remove(cliDB)
	defer os.RemoveAll(csvDir)
	defer os.Remove(cliDB)
	if err := os.MkdirAll(csvDir, 0o700); err != nil {
		return err
	}
	sc, err := sqlitebench.CLIScripts(ctx, b.db, csvDir)
	if err != nil {
		return err
	}
	if err := sqlite3(ctx, b.db, sc.Dump); err != nil {
		return fmt.Errorf("dumping the rows to CSV: %w", err)
	}
	m := startCPU()
	start := time.Now()
	if err := sqlite3(ctx, cliDB, sc.Load); err != nil {
		return fmt.Errorf("loading the CSV files: %w", err)
	}
	took := time.Since(start)
	r := &b.rows[b.buildRow]
	r.floor = ms(float64(took.Milliseconds()))
	x := b.buildTime.Seconds() / took.Seconds()
	r.ratio, r.met = ratio(x), verdict(x <= 1.3)
	r.note = fmt.Sprintf("%d patients, %d folders, %d movements; one run; chartroom's time includes generating the rows and hashing the audit chain. "+
		"The floor: the sqlite3 tool, schema + `.import` of the same rows as CSV (written beforehand, not timed) + the same indexes, same pragmas, "+
		"%.2f GB file, run after the other steps (others' CPU then %s)",
		b.o.Patients, b.volumes, b.movements, float64(fileSize(cliDB))/1e9, othersText(m))
	return nil
}

// sqlite3 runs the sqlite3 tool on db with script on its standard input.
func sqlite3(ctx context.Context, db, script string) error {
	cmd := exec.CommandContext(ctx, "sqlite3", "-batch", "-bail", db)
	cmd.Stdin = strings.NewReader(script)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%w: %s", err, strings.TrimSpace(string(out)))
	}
	return nil
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}
