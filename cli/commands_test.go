package cli

import (
	"context"
	"flag"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/chartroom/chartroom/ui"
)

func TestUsageErrorsExit2(t *testing.T) {
	h := newHarness(t) // no database: bad usage is refused before one is opened
	tests := []struct {
		name string
		args []string
		want string // in stderr
	}{
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"unknown global flag", []string{"--colour", "where", "x"}, "flag provided but not defined: -colour"},
		{"unknown command flag", []string{"where", "--bogus", "x"}, "flag provided but not defined: -bogus"},
		{"where without query", []string{"where"}, "missing QUERY"},
		{"checkout without borrower", []string{"checkout", "V1"}, "--to BORROWER is required"},
		{"checkout without barcode", []string{"checkout", "--to", "Dr. X"}, "missing BARCODE"},
		{"checkout impossible due date", []string{"checkout", "--to", "X", "--due", "2026-02-30", "V1"}, "--due"},
		{"checkin without barcode", []string{"checkin"}, "missing BARCODE"},
		{"import without kind", []string{"import"}, "import needs one of: patients, appointments"},
		{"import unknown kind", []string{"import", "doctors", "x.csv"}, `unknown command "import" "doctors"`},
		{"import without file", []string{"import", "patients"}, "name one CSV file"},
		{"import two files", []string{"import", "patients", "a.csv", "b.csv"}, "name one CSV file"},
		{"init without admin", []string{"init"}, "--admin NAME is required"},
		{"init unknown filing", []string{"init", "--admin", "a", "--filing", "by-colour"}, "--filing must be"},
		{"init non-numeric width", []string{"init", "--admin", "a", "--mrn-width", "six"}, "invalid value"},
		{"demo no patients", []string{"demo", "--patients", "0"}, "--patients must be at least 1"},
		{"users without verb", []string{"users"}, "users needs one of: add, list, disable, enable, passwd"},
		{"users add without role", []string{"users", "add", "bo"}, "--role admin|supervisor|clerk is required"},
		{"users add bad role", []string{"users", "add", "bo", "--role", "janitor"}, "--role must be"},
		{"borrowers add bad kind", []string{"borrowers", "add", "X", "--kind", "friend"}, "--kind must be"},
		{"borrowers add two names", []string{"borrowers", "add", "Dr.", "Quill"}, "name one borrower NAME"},
		{"report without name", []string{"report"}, "name one report"},
		{"report unknown", []string{"report", "no-such-report"}, `there is no report "no-such-report"`},
		{"report bad state", []string{"report", "location", "--state", "lost"}, `--state "lost"`},
		{"report bad order", []string{"report", "location", "--order", "random"}, "--order must be"},
		{"report reversed range", []string{"report", "history", "--from", "2026-03-02", "--to", "2026-03-01"}, "is before --from"},
		{"restore without file", []string{"restore"}, "name one backup FILE"},
		{"verify with argument", []string{"verify", "now"}, `unexpected argument "now"`},
		{"help unknown", []string{"help", "fly"}, `unknown command "fly"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.run(tt.args...)
			if r.code != ExitUsage {
				t.Fatalf("exit %d, want %d\nstderr: %s", r.code, ExitUsage, r.stderr)
			}
			if !strings.Contains(r.stderr, tt.want) {
				t.Errorf("stderr does not say %q:\n%s", tt.want, r.stderr)
			}
			if !strings.Contains(r.stderr, "usage: chartroom") && !strings.Contains(r.stderr, "Usage:") {
				t.Errorf("stderr shows no usage:\n%s", r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("stdout not empty: %q", r.stdout)
			}
		})
	}
	if _, err := os.Stat(h.db); err == nil {
		t.Errorf("a usage error created the database %s", h.db)
	}
}

func TestHelpAndVersionExit0(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		args []string
		want []string // in stdout
	}{
		{[]string{"help"}, []string{"checkout", "import patients", "users passwd", "Exit status"}},
		{[]string{"--help"}, []string{"open the desktop app", "where"}},
		{[]string{"checkout", "--help"}, []string{"usage: chartroom checkout --to BORROWER", "--handoff", "--due DATE", "--db FILE"}},
		{[]string{"help", "report"}, []string{"--location LOCATION", "--barcode BARCODE", "-o FILE"}},
		{[]string{"help", "users"}, []string{"users add NAME --role", "users disable NAME", "users passwd NAME"}},
		{[]string{"help", "import", "patients"}, []string{"imported N, updated U, unchanged C, rejected R", "--dry-run"}},
		{[]string{"version"}, []string{"chartroom " + Version}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := h.run(tt.args...)
			if r.code != ExitOK {
				t.Fatalf("exit %d; stderr: %s", r.code, r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, r.stdout)
				}
			}
		})
	}
}

// The developers' commands are listed apart, after every clerk's command.
func TestHelpListsDevelopersCommandsApart(t *testing.T) {
	out := newHarness(t).run("help").stdout
	clerks, developers, ok := strings.Cut(out, "\nFor developers:\n")
	if !ok {
		t.Fatalf("the overview has no \"For developers\" section:\n%s", out)
	}
	developers, _, _ = strings.Cut(developers, "\n\n")
	for _, cmd := range commands {
		listed := regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(cmd.name) + `  `)
		in, notIn := clerks, developers
		if cmd.developer {
			in, notIn = developers, clerks
		}
		if !listed.MatchString(in) || listed.MatchString(notIn) {
			t.Errorf("%s (developer: %v) is not listed in its section alone:\n%s", cmd.name, cmd.developer, out)
		}
	}
	for _, name := range []string{"bench", "bench-window"} {
		if !strings.Contains(developers, "  "+name+" ") {
			t.Errorf("%s is not among the developers' commands:\n%s", name, developers)
		}
	}
}

func TestEveryCommandHasHelp(t *testing.T) {
	h := newHarness(t)
	for _, cmd := range commands {
		r := h.run(append(strings.Fields(cmd.name), "--help")...)
		if r.code != ExitOK || !strings.Contains(r.stdout, "usage: chartroom "+cmd.usage) {
			t.Errorf("%s --help: exit %d\n%s%s", cmd.name, r.code, r.stdout, r.stderr)
		}
		if !strings.HasPrefix(cmd.usage, cmd.name) {
			t.Errorf("the usage of %q does not start with its name: %q", cmd.name, cmd.usage)
		}
	}
}

func TestParseInterspersed(t *testing.T) {
	tests := []struct {
		args     []string
		wantPos  []string
		wantDry  bool
		wantUser string
	}{
		{[]string{"patients.csv", "--dry-run"}, []string{"patients.csv"}, true, ""},
		{[]string{"--dry-run", "a", "b"}, []string{"a", "b"}, true, ""},
		{[]string{"a", "--user", "bo", "b", "--dry-run"}, []string{"a", "b"}, true, "bo"},
		{[]string{"a", "--", "--dry-run", "-x"}, []string{"a", "--dry-run", "-x"}, false, ""},
		{[]string{"--user=cy", "-"}, []string{"-"}, false, "cy"},
		{nil, nil, false, ""},
	}
	for _, tt := range tests {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		dry := fs.Bool("dry-run", false, "")
		user := fs.String("user", "", "")
		pos, err := parseInterspersed(fs, tt.args)
		if err != nil {
			t.Fatalf("%q: %v", tt.args, err)
		}
		if !reflect.DeepEqual(pos, tt.wantPos) || *dry != tt.wantDry || *user != tt.wantUser {
			t.Errorf("%q: got %q dry=%v user=%q; want %q dry=%v user=%q", tt.args, pos, *dry, *user, tt.wantPos, tt.wantDry, tt.wantUser)
		}
	}
}

func TestNoCommandOpensTheDesktopApp(t *testing.T) {
	var gotPath string
	openApp := func(_ context.Context, path string, _ *slog.Logger) int {
		gotPath = path
		return 0
	}
	tests := []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--db", "/tmp/x/flag.db"}, map[string]string{"CHARTROOM_DB": "/tmp/x/env.db"}, "/tmp/x/flag.db"},
		{nil, map[string]string{"CHARTROOM_DB": "/tmp/x/env.db"}, "/tmp/x/env.db"},
		{[]string{"--verbose"}, map[string]string{}, defaultDBPath()},
	}
	for _, tt := range tests {
		gotPath = ""
		code := Run(context.Background(), tt.args, Process{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard,
			Getenv: func(k string) string { return tt.env[k] }, OpenApp: openApp})
		if code != 0 || gotPath != tt.want {
			t.Errorf("%q: exit %d, app opened %q; want %q", tt.args, code, gotPath, tt.want)
		}
	}
	if !strings.HasSuffix(defaultDBPath(), "chartroom.db") {
		t.Errorf("default database path %q", defaultDBPath())
	}
}

// The version comes from FyneApp.toml itself (package main's version.go).
func TestAppIDMatchesFyneAppToml(t *testing.T) {
	b, err := os.ReadFile("../FyneApp.toml")
	if err != nil {
		t.Fatalf("FyneApp.toml: %v", err)
	}
	id := regexp.MustCompile(`(?m)^\s*ID\s*=\s*"([^"]+)"`).FindSubmatch(b)
	if id == nil || string(id[1]) != ui.AppID {
		t.Errorf("FyneApp.toml ID %q, ui.AppID %q", id, ui.AppID)
	}
}

// A bulk demo into a file named relative to the working folder lands
// there and opens (its loader once looked for the file at the root of the
// disk and called it "not a Chartroom database").
func TestDemoBulkIntoARelativePath(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	h := newHarness(t).as(demoAdmin, demoAdminPass)
	h.db = "big.db"
	h.must("demo", "--bulk", "--patients", "30", "--seed", "5")
	if _, err := os.Stat(filepath.Join(dir, "big.db")); err != nil {
		t.Fatalf("the demo is not in the working folder: %v", err)
	}
	if out := h.must("verify"); !strings.HasPrefix(out, "ok: ") {
		t.Fatalf("verify: %s", out)
	}
}
