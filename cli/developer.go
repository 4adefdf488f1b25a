package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"

	"github.com/chartroom/chartroom/cli/internal/bench"
	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/ui"
)

// The developers' commands: the performance bench (cli/internal/bench) and
// the bare window it weighs the app against. `chartroom help` lists them
// apart from the clerk's commands.

var benchCommand = &command{
	name:      "bench",
	usage:     "bench [--quick] [--patients N] [--dir DIR] [--reps N] [--gui SCRIPT] [--pg postgres://USER@HOST:PORT/DB]",
	summary:   "build a large demo practice and print the performance table",
	developer: true,
	detail: `Builds a demo practice of N patients (default 1,000,000: about 1.5 million folders and
10 million movements) in bulk; then times search, check-out, import, the chart location
report and the audit chain check, each beside its floor measured in the same run (a bare
query through the same driver, a bare write + fdatasync, the sqlite3 tool's build and
.import of the same rows, a bare gofpdf loop), and with --gui, under Xvfb, the desktop
app's start, memory and the latencies a clerk feels at the desk. Prints one table with the
median and p99 of each figure, its floor and the ratio. Needs the sqlite3 tool on the PATH.
At the default size it takes about 35 minutes on two idle cores and 15 GB of free disk in
DIR; --quick (50,000 patients, fewer repetitions) is sized for three.

With --pg (the address of an empty PostgreSQL database, best on a server on the same
machine; the password from PGPASSWORD or the pgpass file), the practice is then copied
into it as 'chartroom migrate' copies one, and search, check-out, the location report and
a patients import are timed on both stores in turn, printed in a second table with
PostgreSQL's median and p99 beside SQLite's and their ratio. 'make bench' and 'make
bench-quick-pg' start a throwaway server for it (.ci/bench-pg.sh) when PostgreSQL is installed.

To profile the desktop app itself, start it (or the bench, for the app that works the
desk) with CHARTROOM_CPUPROFILE=FILE (a pprof CPU profile), CHARTROOM_TRACE=FILE (an
execution trace for go tool trace) or CHARTROOM_HEAPPROFILE=FILE (a pprof profile of the
memory still in use as the window closes); each is written when the app's window closes.`,
	setup: func(fs *flag.FlagSet) action {
		o := bench.Options{Patients: 1_000_000, Reps: 1000}
		var quick bool
		fs.BoolVar(&quick, "quick", false, "a quick run: 50,000 patients and fewer repetitions (flags given beside it still apply)")
		fs.IntVar(&o.Patients, "patients", o.Patients, "the size of the practice (`N` patients)")
		fs.StringVar(&o.Dir, "dir", "", "the working folder (`DIR`; default: a new temporary folder, removed after)")
		fs.IntVar(&o.Reps, "reps", o.Reps, "repetitions of each fast figure (`N`; slow ones run fewer)")
		fs.IntVar(&o.AppStarts, "app-starts", 7, "times the app is started and signed in to under Xvfb (`N`)")
		fs.IntVar(&o.DeskReps, "desk-reps", 200, "surnames typed, folders scanned and charts opened in the app under Xvfb (`N`)")
		fs.StringVar(&o.GUI, "gui", "", "the `SCRIPT` that measures the desktop app under Xvfb (.ci/bench-gui.sh)")
		fs.BoolVar(&o.SkipSQLite3, "skip-sqlite3", false, "skip the sqlite3 tool's builds (the ratios to it are not printed)")
		fs.StringVar(&o.CPUProfile, "cpuprofile", "", "write a CPU profile of each step into `DIR` (for go tool pprof)")
		fs.StringVar(&o.Only, "only", "", "run only the steps whose names contain `WORDS` (and the build), e.g. \"import\"")
		fs.BoolVar(&o.Reuse, "reuse", false, "with --only: keep the practice already built in --dir")
		fs.StringVar(&o.PG, "pg", "", "also time the desk figures on PostgreSQL: the `ADDRESS` (postgres://...) of an empty database")
		return func(ctx context.Context, c *invocation, args []string) error {
			if len(args) > 0 {
				return usagef("unexpected argument %q", args[0])
			}
			if quick {
				o = bench.QuickOf(o, fs)
			}
			if err := o.Check(); err != nil {
				return usagef("%v", err)
			}
			self, err := os.Executable()
			if err != nil {
				return records.Internal("cannot find the chartroom program to run", err)
			}
			return bench.Run(ctx, o, bench.Env{Stdout: c.stdout, Stderr: c.stderr, Log: c.log, Self: self})
		}
	},
}

var benchWindowCommand = &command{
	name:      "bench-window",
	usage:     "bench-window",
	summary:   "open an empty window: the memory floor `chartroom bench` compares the app with",
	developer: true,
	setup: func(fs *flag.FlagSet) action {
		return func(ctx context.Context, c *invocation, args []string) error {
			if len(args) > 0 {
				return usagef("bench-window takes no arguments")
			}
			bench.Window(ctx, ui.AppID)
			return nil
		}
	},
}

// profileApp starts the profiles a developer asked for through the
// environment before the desktop app opens: CHARTROOM_CPUPROFILE=FILE (a
// pprof CPU profile), CHARTROOM_TRACE=FILE (a runtime/trace execution
// trace, for `go tool trace`) and CHARTROOM_HEAPPROFILE=FILE (the heap in
// use as the window closes). The returned stop writes them when the app's
// window closes (a SIGTERM closes it too). A profile that cannot be started
// is said on stderr and the app opens anyway.
func (c *invocation) profileApp() (stop func()) {
	var stops []func()
	for _, p := range []struct {
		env   string
		start func(io.Writer) error
		stop  func(io.Writer)
	}{
		{"CHARTROOM_CPUPROFILE", pprof.StartCPUProfile, func(io.Writer) { pprof.StopCPUProfile() }},
		{"CHARTROOM_TRACE", trace.Start, func(io.Writer) { trace.Stop() }},
		// The heap as the window closes: what is still live then.
		{"CHARTROOM_HEAPPROFILE", func(io.Writer) error { return nil }, func(w io.Writer) {
			runtime.GC()
			_ = pprof.Lookup("heap").WriteTo(w, 0)
		}},
	} {
		path := c.env(p.env)
		if path == "" {
			continue
		}
		f, err := os.Create(path)
		if err == nil {
			if err = p.start(f); err != nil {
				f.Close()
			}
		}
		if err != nil {
			fmt.Fprintf(c.stderr, "chartroom: %s: %v\n", p.env, err)
			continue
		}
		stops = append(stops, func() { p.stop(f); f.Close() })
	}
	return func() {
		for _, s := range stops {
			s()
		}
	}
}
