package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/sqlite"
)

var benchCommand = &command{
	name:    "bench",
	usage:   "bench [--patients N] [--dir DIR] [--reps N] [--gui SCRIPT]",
	summary: "build a large demo practice and print the performance table",
	detail: `Builds a demo practice of N patients (default 1,000,000: about 1.5 million folders and
10 million movements) in bulk, and the same rows with the sqlite3 tool's .import for
comparison; then times import, search, check-out, the chart location report, the audit
chain check and (with --gui, under Xvfb) the desktop app's start and memory, and prints
one table with the median and p99 of each figure. Needs the sqlite3 tool on the PATH.
Takes about 12 minutes on two cores at the default size and 15 GB of free disk in DIR.`,
	setup: func(fs *flag.FlagSet) action {
		var o benchOptions
		fs.IntVar(&o.patients, "patients", 1_000_000, "the size of the practice (`N` patients)")
		fs.StringVar(&o.dir, "dir", "", "the working folder (`DIR`; default: a new temporary folder, removed after)")
		fs.IntVar(&o.reps, "reps", 1000, "repetitions of each fast figure (`N`; slow ones run fewer)")
		fs.StringVar(&o.gui, "gui", "", "the `SCRIPT` that measures the desktop app under Xvfb (.ci/bench-gui.sh)")
		fs.BoolVar(&o.skipCLI, "skip-sqlite3", false, "skip the sqlite3 tool's build of the same rows")
		fs.StringVar(&o.profile, "cpuprofile", "", "write a CPU profile of each step into `DIR` (for go tool pprof)")
		fs.StringVar(&o.only, "only", "", "run only the steps whose names contain `WORDS` (and the build), e.g. \"import\"")
		fs.BoolVar(&o.reuse, "reuse", false, "with --only: keep the practice already built in --dir")
		return func(ctx context.Context, c *invocation, args []string) error {
			if len(args) > 0 {
				return usagef("unexpected argument %q", args[0])
			}
			if o.patients < 1000 {
				return usagef("--patients must be at least 1000, not %d", o.patients)
			}
			return runBench(ctx, c, o)
		}
	},
}

type benchOptions struct {
	patients, reps int
	dir, gui       string
	skipCLI, reuse bool
	profile, only  string
}

// bench is one run of the benchmark suite.
type bench struct {
	c    *invocation
	o    benchOptions
	dir  string
	db   string
	self string // this program, run for the commands a user runs
	rows []benchRow

	buildTime          time.Duration
	builtRows          int // the table's rows up to the build's: the sqlite3 tool's go under them
	volumes, movements int
	sample             []records.Volume // 100,000 folders in filing order, read once
	importTimes        []time.Duration
}

func runBench(ctx context.Context, c *invocation, o benchOptions) error {
	b := &bench{c: c, o: o, dir: o.dir}
	var err error
	if b.self, err = os.Executable(); err != nil {
		return records.Internal("cannot find the chartroom program to run", err)
	}
	if b.dir == "" {
		if b.dir, err = os.MkdirTemp("", "chartroom-bench-"); err != nil {
			return records.Internal("cannot make a working folder", err)
		}
		defer os.RemoveAll(b.dir)
	} else if err := os.MkdirAll(b.dir, 0o700); err != nil {
		return records.Internal("cannot make the working folder "+b.dir, err)
	}
	b.db = filepath.Join(b.dir, "bench.db")
	if o.reuse && o.only == "" {
		return usagef("--reuse needs --only")
	}
	if !o.reuse {
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
		// Last: its 13 GB of CSV and copy pushed the practice out of the
		// page cache and kept the disk busy for minutes after (the audit
		// check and the check-out measured 7 % and 60 % slower after it).
		{"building it with the sqlite3 tool", b.buildCLI},
	}
	for i, s := range steps {
		if o.only != "" && !strings.Contains(s.name, o.only) && (i > 0 || o.reuse) {
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
	fmt.Fprintf(c.stdout, "\n%s\n\n", b.machine(ctx))
	printTable(c.stdout, b.rows)
	return nil
}

// profiled runs step i, with a CPU profile when asked for one.
func (b *bench) profiled(i int, run func() error) error {
	if b.o.profile == "" {
		return run()
	}
	if err := os.MkdirAll(b.o.profile, 0o700); err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(b.o.profile, fmt.Sprintf("step%d.cpu.prof", i)))
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
	fmt.Fprintf(b.c.stderr, "%s bench: %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

func (b *bench) add(r benchRow, m cpuMeter) {
	load := m.others()
	switch {
	case load < 0:
		r.note = strings.TrimPrefix(r.note+"; others' CPU unknown", "; ")
	default:
		r.note = strings.TrimPrefix(fmt.Sprintf("%s; others' CPU %.2f cores", r.note, load), "; ")
	}
	b.rows = append(b.rows, r)
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
		cpu, runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH, sqlite.LibraryVersion(), cli, commit, b.o.patients)
}
