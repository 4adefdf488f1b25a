package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/chartroom/chartroom/records"
)

// Version is Chartroom's version, which 'chartroom version' prints. Package
// main sets it from FyneApp.toml, the one place it is written, before
// anything runs; "devel" only in this package's own tests.
var Version = "devel"

// Exit statuses of the command line, as DESIGN.md promises them.
const (
	ExitOK      = 0
	ExitRefused = 1 // the operation was refused or failed; the reason is on stderr
	ExitUsage   = 2 // unknown command or flag, missing argument
)

// invocation is one run of the command line: its streams, its environment and
// the global options. Everything a command needs from the outside world comes
// through here, so tests run commands in-process.
type invocation struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	env            func(string) string
	now            func() time.Time
	globals        globals
	log            *slog.Logger
	lines          *lineReader // stdin read line by line, created on first use
}

// globals are the options every command accepts, before or after its name.
type globals struct {
	db      string
	user    string
	verbose bool
}

// Process is what a command line runs in: the standard streams, the
// environment, and the desktop app to open when no command is given (main
// wires the GUI; tests pass their own).
type Process struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	OpenApp        func(ctx context.Context, dbPath string, log *slog.Logger) int
}

// Run executes one command line and returns the process's exit status. With
// no command it opens the desktop app.
func Run(ctx context.Context, args []string, p Process) int {
	stdout, stderr := p.Stdout, p.Stderr
	c := &invocation{stdin: p.Stdin, stdout: stdout, stderr: stderr, env: p.Getenv, now: clockNow}

	top := flag.NewFlagSet("chartroom", flag.ContinueOnError)
	top.SetOutput(io.Discard)
	c.globals.register(top)
	if err := top.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printOverview(stdout)
			return ExitOK
		}
		fmt.Fprintf(stderr, "chartroom: %v\n\n", err)
		printOverview(stderr)
		return ExitUsage
	}
	rest := top.Args()
	if len(rest) == 0 {
		if err := c.checkDBLocation(); err != nil {
			fmt.Fprintf(stderr, "chartroom: %v\n", err)
			return ExitUsage
		}
		c.log = c.newLogger()
		if p.OpenApp == nil {
			fmt.Fprintln(stderr, "chartroom: this program has no desktop app; name a command")
			printOverview(stderr)
			return ExitUsage
		}
		stopProfiles := c.profileApp()
		defer stopProfiles()
		return p.OpenApp(ctx, c.dbPath(), c.log)
	}

	cmd, cmdArgs, err := lookupCommand(rest)
	if err != nil {
		fmt.Fprintf(stderr, "chartroom: %v\n\n", err)
		printOverview(stderr)
		return ExitUsage
	}
	return c.runCommand(ctx, cmd, cmdArgs)
}

// runCommand parses a command's flags and runs it, turning what it returns
// into an exit status and a message on stderr.
func (c *invocation) runCommand(ctx context.Context, cmd *command, args []string) int {
	fs := flag.NewFlagSet("chartroom "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c.globals.register(fs)
	action := cmd.setup(fs)
	positional, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		printCommandHelp(c.stdout, cmd, fs)
		return ExitOK
	}
	if err != nil {
		c.usageFailure(cmd, err.Error())
		return ExitUsage
	}
	if err := c.checkDBLocationFor(cmd); err != nil {
		c.usageFailure(cmd, err.Error())
		return ExitUsage
	}
	c.log = c.newLogger()

	err = action(ctx, c, positional)
	var usage *usageError
	var reported *alreadyReported
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &usage):
		c.usageFailure(cmd, usage.msg)
		return ExitUsage
	case errors.As(err, &reported):
		return ExitRefused
	default:
		c.log.Debug("command failed", "command", cmd.name, "err", err)
		fmt.Fprintf(c.stderr, "chartroom %s: %s\n", cmd.name, records.ErrorMessage(err))
		return ExitRefused
	}
}

func (c *invocation) usageFailure(cmd *command, msg string) {
	fmt.Fprintf(c.stderr, "chartroom %s: %s\n", cmd.name, msg)
	fmt.Fprintf(c.stderr, "usage: chartroom %s\n", cmd.usage)
	fmt.Fprintf(c.stderr, "Run 'chartroom help %s' for the options.\n", cmd.name)
}

// usageError is bad usage of a command: exit status 2 and a short usage.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// alreadyReported means the command has written its refusals to stderr
// itself (one per barcode, say) and only the exit status remains to be set.
type alreadyReported struct{ count int }

func (e *alreadyReported) Error() string { return fmt.Sprintf("%d refused", e.count) }

// clockNow is the command line's clock; tests may replace it.
var clockNow = time.Now

func (c *invocation) newLogger() *slog.Logger {
	level := slog.LevelWarn
	if c.globals.verbose {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(c.stderr, &slog.HandlerOptions{Level: level}))
}

func (g *globals) register(fs *flag.FlagSet) {
	fs.StringVar(&g.db, "db", g.db, "the database `FILE`, or a practice server's postgres://user@host:port/dbname?sslmode=... (default: $CHARTROOM_DB, else the server this computer was connected to, else chartroom.db in the user's config folder)")
	fs.StringVar(&g.user, "user", g.user, "the acting user's `NAME` (default: $CHARTROOM_USER); the password comes from $CHARTROOM_PASSWORD or a prompt")
	fs.BoolVar(&g.verbose, "verbose", g.verbose, "log debugging detail on stderr")
}
