package cli

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The desktop app is profiled while it runs when the environment asks:
// each profile is written once the app returns, and a profile that cannot
// be written is said on stderr without keeping the app from opening.
func TestTheDesktopAppIsProfiledWhenAsked(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name       string
		env        map[string]string
		written    []string
		complaints []string
	}{
		{"none asked", map[string]string{}, nil, nil},
		{"all three", map[string]string{"CHARTROOM_CPUPROFILE": filepath.Join(dir, "cpu.prof"), "CHARTROOM_TRACE": filepath.Join(dir, "trace.out"),
			"CHARTROOM_HEAPPROFILE": filepath.Join(dir, "heap.prof")},
			[]string{"cpu.prof", "trace.out", "heap.prof"}, nil},
		{"an unwritable profile", map[string]string{"CHARTROOM_CPUPROFILE": filepath.Join(dir, "missing", "cpu.prof"), "CHARTROOM_TRACE": filepath.Join(dir, "trace2.out")},
			[]string{"trace2.out"}, []string{"CHARTROOM_CPUPROFILE"}},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			opened := false
			code := Run(context.Background(), []string{"--db", filepath.Join(dir, "practice.db")}, Process{Stdin: strings.NewReader(""),
				Stdout: &out, Stderr: &errOut, Getenv: func(k string) string { return tt.env[k] },
				OpenApp: func(context.Context, string, *slog.Logger) int {
					opened = true
					for _, name := range tt.written {
						if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
							t.Errorf("%s not created when the app opened: %v", name, err)
						}
					}
					return ExitOK
				}})
			if code != ExitOK || !opened {
				t.Fatalf("exit %d, app opened %v; stderr: %s", code, opened, errOut.String())
			}
			for _, name := range tt.written {
				if st, err := os.Stat(filepath.Join(dir, name)); err != nil || st.Size() == 0 {
					t.Errorf("%s not written after the app closed (%v)", name, err)
				}
			}
			for _, c := range tt.complaints {
				if !strings.Contains(errOut.String(), c) {
					t.Errorf("stderr does not name %s: %q", c, errOut.String())
				}
			}
			if len(tt.complaints) == 0 && errOut.Len() > 0 {
				t.Errorf("stderr: %q, want nothing", errOut.String())
			}
		})
	}
}
