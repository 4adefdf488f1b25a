package ui

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/reports"
)

// Report PDFs left in the private folder go after a day at start-up, and
// all of them as the app closes; other files are left alone.
func TestCleanReportFiles(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	files := map[string]time.Duration{ // name: age
		"location-old.pdf":   25 * time.Hour,
		"labels-fresh.pdf":   time.Hour,
		"notes.txt":          48 * time.Hour,
		"pull-list-just.pdf": 23 * time.Hour,
	}
	cases := []struct {
		name   string
		cutoff time.Time
		left   []string
	}{
		{"at start-up: older than a day", now.Add(-reportFilesMaxAge), []string{"labels-fresh.pdf", "notes.txt", "pull-list-just.pdf"}},
		{"as the app closes: every PDF", time.Time{}, []string{"notes.txt"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, age := range files {
				p := filepath.Join(dir, name)
				if err := os.WriteFile(p, []byte("%PDF"), 0o600); err != nil {
					t.Fatal(err)
				}
				if err := os.Chtimes(p, now.Add(-age), now.Add(-age)); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := cleanReportFiles(dir, c.cutoff); err != nil {
				t.Fatal(err)
			}
			entries, _ := os.ReadDir(dir)
			var left []string
			for _, e := range entries {
				left = append(left, e.Name())
			}
			if !slices.Equal(left, c.left) {
				t.Errorf("left %v, want %v", left, c.left)
			}
		})
	}
	if n, err := cleanReportFiles(filepath.Join(t.TempDir(), "never-made"), time.Time{}); n != 0 || err != nil {
		t.Errorf("a folder not made yet: %d, %v", n, err)
	}
}

// The folder PDFs wait in is the user's own, readable by the user alone,
// even when it existed with a looser mode.
func TestReportFilesDirIsPrivate(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	dir, err := reportFilesDir()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path, err := writeTempPDF("location", []byte("%PDF-1.3"))
	if err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]os.FileMode{dir: 0o700, path: 0o600} {
		info, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := info.Mode().Perm(); got != want {
			t.Errorf("%s has mode %v, want %v", p, got, want)
		}
	}
}

func TestReportBaseName(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	path, err := writeTempPDF("location-2026-12-01", []byte("%PDF-1.3"))
	if err != nil {
		t.Fatal(err)
	}
	if got := reportBaseName(path); got != "location-2026-12-01" {
		t.Errorf("reportBaseName(%s) = %q", path, got)
	}
}

// What a report's pages warn of reaches the person printing, not only the
// page: a name in a script the report font cannot print.
func TestReportWarningsAreShown(t *testing.T) {
	f := newFixture(t, true)
	f.patient("123456", "王", "小明")
	f.mustSignIn(adminName, adminPassword)
	made, err := makeReport(f.s.ctx(), f.s.svc, reports.ReportLabels, reports.Params{Now: f.clock.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if len(made.warnings) == 0 || reports.PageCount(made.pdf) != 1 {
		t.Fatalf("labels of a Chinese name: %d pages, warnings %q; want one page and a warning", reports.PageCount(made.pdf), made.warnings)
	}
	showReportWarnings(f.s, made.warnings)
	if f.win.Canvas().Overlays().Top() == nil {
		t.Error("the warning was not shown")
	}
}

func TestWithPDFExtension(t *testing.T) {
	dir := t.TempDir()
	cases := []struct{ name, want string }{
		{"pull list.pdf", "pull list.pdf"},
		{"LABELS.PDF", "LABELS.PDF"},
		{"overdue", "overdue.pdf"},
	}
	for _, c := range cases {
		p := filepath.Join(dir, c.name)
		if err := os.WriteFile(p, []byte("%PDF"), 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := withPDFExtension(p)
		if err != nil || got != filepath.Join(dir, c.want) {
			t.Errorf("%s: %s %v, want %s", c.name, got, err, c.want)
		}
		if _, err := os.Stat(got); err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}

func TestPrintOutcome(t *testing.T) {
	exit := func(code int) error {
		return exec.Command("sh", "-c", fmt.Sprintf("exit %d", code)).Run()
	}
	tests := []struct {
		name      string
		out       string
		err       error
		wantMsg   string
		wantError string
	}{
		{"sent", "request id is office-17 (1 file(s))", nil, "request id is office-17 (1 file(s))", ""},
		{"opened in the viewer instead", "", exit(exitOpenedInstead), "", "the PDF is open in the PDF viewer instead: print it there"},
		{"refused with a reason", "lp: The printer or class does not exist.", exit(1), "", "could not be printed: lp: The printer or class does not exist."},
		{"refused without a word", "", exit(4), "", "could not be printed: exit status 4"},
		{"not started", "", exec.ErrNotFound, "", "could not be printed: executable file not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg, err := printOutcome(tt.out, tt.err)
			if msg != tt.wantMsg {
				t.Errorf("message %q, want %q", msg, tt.wantMsg)
			}
			switch {
			case tt.wantError == "" && err != nil:
				t.Errorf("error %v, want none", err)
			case tt.wantError != "" && (err == nil || !strings.Contains(records.ErrorMessage(err), tt.wantError)):
				t.Errorf("error %v, want one saying %q", err, tt.wantError)
			}
		})
	}
}
