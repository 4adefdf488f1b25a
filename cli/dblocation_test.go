package cli

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAddressScheme(t *testing.T) {
	tests := []struct {
		loc    string
		scheme string // "" when loc is a file name
	}{
		{"postgres://ann@db.example.org:5432/chartroom?sslmode=verify-full", "postgres"},
		{"PostgreSQL://db.example.org/chartroom", "postgresql"},
		{"mysql://db.example.org/chartroom", "mysql"},
		{"file:///var/lib/chartroom/chartroom.db", "file"},
		{"svn+ssh://host/x", "svn+ssh"},
		{"chartroom.db", ""},
		{"/var/lib/chartroom/chartroom.db", ""},
		{`C:\Chartroom\chartroom.db`, ""},
		{"C://Chartroom/chartroom.db", ""}, // a drive letter, not a scheme
		{"./postgres://x", ""},             // a relative path that contains "://"
		{"/srv/data/ftp://x.db", ""},
		{"1ftp://x", ""},
		{"://x", ""},
		{"post gres://x", ""},
		{"postgres:/x", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, ok := addressScheme(tt.loc)
		if got != tt.scheme || ok != (tt.scheme != "") {
			t.Errorf("addressScheme(%q) = %q, %v; want %q", tt.loc, got, ok, tt.scheme)
		}
	}
}

func FuzzAddressScheme(f *testing.F) {
	for _, s := range []string{"postgres://a@b/c", "C://x", "chartroom.db", "a+b-c.d://", "://"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, loc string) {
		scheme, ok := addressScheme(loc)
		if !ok {
			if scheme != "" {
				t.Fatalf("%q: scheme %q without ok", loc, scheme)
			}
			return
		}
		if len(scheme) < 2 || !strings.HasPrefix(strings.ToLower(loc), scheme+"://") {
			t.Fatalf("%q: scheme %q is not what the location starts with", loc, scheme)
		}
	})
}

// A --db or CHARTROOM_DB written as an address Chartroom does not serve is
// bad usage, for the desktop app and every command alike, and leaves no file
// or folder behind.
func TestUnservedAddressIsRefused(t *testing.T) {
	t.Chdir(t.TempDir())
	const addr = "mysql://ann@db.example.org/chartroom"
	tests := []struct {
		name     string
		args     []string
		env      map[string]string
		wantFrom string
		scheme   string
	}{
		{"app, --db", []string{"--db", addr}, nil, "--db", "mysql"},
		{"app, CHARTROOM_DB", nil, map[string]string{"CHARTROOM_DB": addr}, "CHARTROOM_DB", "mysql"},
		{"command, --db before", []string{"--db", addr, "where", "12-34-56"}, nil, "--db", "mysql"},
		{"command, --db after", []string{"init", "--admin", "ada", "--db", addr}, nil, "--db", "mysql"},
		{"command, CHARTROOM_DB", []string{"verify"}, map[string]string{"CHARTROOM_DB": addr}, "CHARTROOM_DB", "mysql"},
		{"upper-case scheme", []string{"--db", "FTP://files.example.org/chartroom.db", "verify"}, nil, "--db", "ftp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr strings.Builder
			env := func(k string) string { return tt.env[k] }
			code := Run(context.Background(), tt.args, Process{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: &stderr, Getenv: env,
				OpenApp: func(context.Context, string, *slog.Logger) int {
					t.Error("the desktop app was opened on a refused address")
					return ExitOK
				}})
			if code != ExitUsage {
				t.Errorf("exit %d, want %d; stderr: %s", code, ExitUsage, stderr.String())
			}
			msg := stderr.String()
			for _, want := range []string{tt.wantFrom, tt.scheme + "://", "cannot open", "path of a database file"} {
				if !strings.Contains(msg, want) {
					t.Errorf("stderr %q does not say %q", msg, want)
				}
			}
		})
	}
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("the refused address left %s in the working folder", e.Name())
	}
}

// Help and version open no database: a wrong CHARTROOM_DB does not stop
// them, while a file name keeps working as before.
func TestAddressCheckLeavesHelpAndFilesAlone(t *testing.T) {
	env := func(k string) string {
		if k == "CHARTROOM_DB" {
			return "mysql://db.example.org/chartroom"
		}
		return ""
	}
	for _, args := range [][]string{{"help"}, {"version"}, {"help", "where"}} {
		if code := Run(context.Background(), args, Process{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard, Getenv: env}); code != ExitOK {
			t.Errorf("%q with an address in CHARTROOM_DB: exit %d", args, code)
		}
	}
	h := newHarness(t)
	h.db = filepath.Join(t.TempDir(), "odd:name", "chartroom.db")
	h.must("init", "--admin", adminUser, "--practice", "Colon Street Clinic (fictitious)")
	if _, err := os.Stat(h.db); err != nil {
		t.Errorf("a file name with a colon was not created: %v", err)
	}
}
