package bench

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/sqlite/sqlitebench"
)

// Options choose what a run measures and where.
type Options struct {
	Patients    int    // the size of the practice
	Reps        int    // repetitions of each fast figure (slow ones run fewer)
	Dir         string // the working folder; "" = a new temporary folder, removed after
	GUI         string // the script that measures the desktop app under Xvfb (.ci/bench-gui.sh); "" = none
	SkipSQLite3 bool   // skip the sqlite3 tool's builds (the ratios to it are then not printed)
	CPUProfile  string // a folder to write a CPU profile of each step into
	Only        string // run only the steps whose names contain these words (and the build)
	Reuse       bool   // with Only: keep the practice already built in Dir
	// AppStarts is how many times the desktop app is started and signed
	// in to under Xvfb.
	AppStarts int
	// DeskReps is how many surnames are typed, folders scanned and charts
	// opened in the desktop app under Xvfb.
	DeskReps int
	// PG is the address of an empty PostgreSQL database the practice is
	// copied into to time the same desk figures there; "" = SQLite only.
	PG string
}

// Quick are the options of `make bench-quick`: a practice a reviewer can
// build and measure in under three minutes, with every ratio of the full
// run.
func Quick() Options {
	return Options{Patients: 50_000, Reps: 300, AppStarts: 3, DeskReps: 15}
}

// QuickOf is o with the quick run's size and repetitions where the flags
// in fs that set them were not given.
func QuickOf(o Options, fs *flag.FlagSet) Options {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	q := Quick()
	if !given["patients"] {
		o.Patients = q.Patients
	}
	if !given["reps"] {
		o.Reps = q.Reps
	}
	if !given["desk-reps"] {
		o.DeskReps = q.DeskReps
	}
	if !given["app-starts"] {
		o.AppStarts = q.AppStarts
	}
	return o
}

// Env is what a run needs from the command line around it.
type Env struct {
	Stdout, Stderr io.Writer
	Log            *slog.Logger
	// Self is this program, run as a user runs it (`chartroom demo`, the app).
	Self string
}

// Check says what is wrong with o, in words for the --flags that set it.
func (o Options) Check() error {
	if o.Patients < 1000 {
		return fmt.Errorf("--patients must be at least 1000, not %d", o.Patients)
	}
	if o.Reps < 10 {
		return fmt.Errorf("--reps must be at least 10, not %d", o.Reps)
	}
	if o.PG != "" && !strings.HasPrefix(o.PG, "postgres://") && !strings.HasPrefix(o.PG, "postgresql://") {
		return fmt.Errorf("--pg must be the postgres:// address of an empty database, such as postgres://bench@127.0.0.1:5432/bench?sslmode=disable, not %q", o.PG)
	}
	if o.Reuse && o.Only == "" {
		return fmt.Errorf("--reuse needs --only")
	}
	return nil
}

// bench is one run of the benchmark suite.
type bench struct {
	env  Env
	o    Options
	dir  string
	db   string
	self string // this program, run for the commands a user runs
	rows []benchRow
	// pgRows are the figures timed on both stores (--pg), a second table.
	pgRows []pgRow

	buildTime          time.Duration
	buildRow           int // the build's row in rows, which the sqlite3 tool's build fills in; -1 before
	volumes, movements int
	sample             []records.Volume // 100,000 folders in filing order, read once
}

// Run builds the practice, measures it and prints the table on env.Stdout;
// what it is doing goes to env.Stderr as it goes.
func Run(ctx context.Context, o Options, env Env) error {
	if err := o.Check(); err != nil {
		return err
	}
	if o.DeskReps < 1 {
		o.DeskReps = 200
	}
	if o.AppStarts < 1 {
		o.AppStarts = 7
	}
	b := &bench{env: env, o: o, dir: o.Dir, self: env.Self, buildRow: -1}
	var err error
	if b.dir == "" {
		if b.dir, err = os.MkdirTemp("", "chartroom-bench-"); err != nil {
			return records.Internal("cannot make a working folder", err)
		}
		defer os.RemoveAll(b.dir)
	} else if err := os.MkdirAll(b.dir, 0o700); err != nil {
		return records.Internal("cannot make the working folder "+b.dir, err)
	}
	b.db = filepath.Join(b.dir, "bench.db")
	if !o.Reuse {
		removeDB(b.db)
	}
	steps := []struct {
		name string
		run  func(context.Context) error
	}{
		{"building the practice", b.build},
		{"timing the audit chain check", b.verify},
		{"timing search and check-out", b.desk},
		{"timing the start-up check", b.startupCheck},
		{"timing the patients import", b.importPatients},
		{"timing the location report", b.report},
		{"measuring the desktop app", b.guiFigures},
		// Last: its gigabytes of CSV and copy pushed the practice out of
		// the page cache and kept the disk busy for minutes after (the
		// audit check and the check-out were measured slower after it).
		{"building it with the sqlite3 tool", b.buildCLI},
	}
	if o.PG != "" {
		// After the sqlite3 tool's build, which dumps the practice: the
		// patients imported here would otherwise be in its rows.
		steps = append(steps, struct {
			name string
			run  func(context.Context) error
		}{"timing the PostgreSQL store beside SQLite", b.postgres})
	}
	for i, s := range steps {
		if o.Only != "" && !strings.Contains(s.name, o.Only) && (i > 0 || o.Reuse) {
			continue
		}
		b.logf("%s...", s.name)
		settleDisk()
		// A step that fails is reported in the table; the others still run.
		if err := b.profiled(i, func() error { return s.run(ctx) }); err != nil {
			if i == 0 || ctx.Err() != nil {
				return fmt.Errorf("%s: %w", s.name, err)
			}
			b.logf("%s failed: %v", s.name, err)
			b.rows = append(b.rows, benchRow{figure: s.name, median: "-", p99: "-", met: "FAILED", note: err.Error()})
		}
	}
	fmt.Fprintf(env.Stdout, "\n%s\n\n", b.machine(ctx))
	printTable(env.Stdout, b.rows)
	if o.PG == "" {
		fmt.Fprintln(env.Stdout, "\nPostgreSQL: not run (no --pg address).")
	} else if len(b.pgRows) > 0 {
		fmt.Fprintf(env.Stdout, "\nThe same practice copied into PostgreSQL (server on this machine), both stores timed in turn in this run:\n\n")
		printPGTable(env.Stdout, b.pgRows)
	}
	return nil
}

// profiled runs step i, with a CPU profile when asked for one.
func (b *bench) profiled(i int, run func() error) error {
	if b.o.CPUProfile == "" {
		return run()
	}
	if err := os.MkdirAll(b.o.CPUProfile, 0o700); err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(b.o.CPUProfile, fmt.Sprintf("step%d.cpu.prof", i)))
	if err != nil {
		return err
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return err
	}
	defer pprof.StopCPUProfile()
	return run()
}

func (b *bench) logf(format string, args ...any) {
	fmt.Fprintf(b.env.Stderr, "%s bench: %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

func (b *bench) add(r benchRow, m cpuMeter) {
	r.others = othersText(m)
	b.rows = append(b.rows, r)
}

// othersText is the CPU the rest of the machine used since m started.
func othersText(m cpuMeter) string {
	if load := m.others(); load >= 0 {
		return fmt.Sprintf("%.2f cores", load)
	}
	return "unknown"
}

// machine names the computer and the versions the figures belong to.
func (b *bench) machine(ctx context.Context) string {
	cpu := "unknown CPU"
	if info, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(info), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	// The commit the binary was built from, not the checkout's: the two
	// differ when the tree changed after `make build`.
	commit := "unknown commit"
	if info, ok := debug.ReadBuildInfo(); ok {
		var rev, modified string
		for _, kv := range info.Settings {
			switch kv.Key {
			case "vcs.revision":
				rev = kv.Value
			case "vcs.modified":
				modified = kv.Value
			}
		}
		if len(rev) >= 7 {
			commit = rev[:7]
			if modified == "true" {
				commit += " with uncommitted changes"
			}
		}
	}
	if commit == "unknown commit" { // built with -buildvcs=false: say what the checkout is
		if out, err := exec.CommandContext(ctx, "git", "rev-parse", "--short", "HEAD").Output(); err == nil {
			commit = "checkout at " + strings.TrimSpace(string(out)) + " (the binary names none)"
		}
	}
	cli := "sqlite3 tool not run"
	if out, err := exec.CommandContext(ctx, "sqlite3", "--version").Output(); err == nil {
		cli = "sqlite3 tool " + strings.Fields(string(out))[0]
	}
	return fmt.Sprintf("Machine: %s, %d cores, %s %s/%s; SQLite %s (modernc.org/sqlite), %s; commit %s; %d patients.",
		cpu, runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH, sqlitebench.LibraryVersion(), cli, commit, b.o.Patients)
}
