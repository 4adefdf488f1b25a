package needtool

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// recorder is a tb that remembers how the test ended.
type recorder struct{ fatal, skip string }

func (r *recorder) Helper()                           {}
func (r *recorder) Fatalf(format string, args ...any) { r.fatal = fmt.Sprintf(format, args...) }
func (r *recorder) Skipf(format string, args ...any)  { r.skip = fmt.Sprintf(format, args...) }

func TestNeed(t *testing.T) {
	found := func(string) (string, error) { return "/usr/bin/tool", nil }
	missing := func(string) (string, error) { return "", errors.New("not found") }
	tests := []struct {
		name     string
		tool     string
		lookPath func(string) (string, error)
		ci       string
		fatal    string // what the failure says; "" for none
		skip     string // what the skip says; "" for none
	}{
		{"installed, on a desk", "pdftotext", found, "", "", ""},
		{"installed, under CI", "zbarimg", found, "true", "", ""},
		{"missing, on a desk", "pdftotext", missing, "", "", "pdftotext is not installed (apt-get install poppler-utils)"},
		{"missing, CI false", "zbarimg", missing, "false", "", "zbarimg is not installed (apt-get install zbar-tools)"},
		{"missing, CI 0", "pdfinfo", missing, "0", "", "apt-get install poppler-utils"},
		{"missing, CI true", "zbarimg", missing, "true", "zbarimg is not installed, and CI must run this test with it: apt-get install zbar-tools", ""},
		{"missing, CI 1", "pdftoppm", missing, "1", "apt-get install poppler-utils", ""},
		{"an unlisted tool names itself", "qpdf", missing, "yes", "apt-get install qpdf", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r recorder
			need(&r, tt.tool, tt.lookPath, tt.ci)
			if (tt.fatal == "") != (r.fatal == "") || !strings.Contains(r.fatal, tt.fatal) {
				t.Errorf("failure %q, want one saying %q", r.fatal, tt.fatal)
			}
			if (tt.skip == "") != (r.skip == "") || !strings.Contains(r.skip, tt.skip) {
				t.Errorf("skip %q, want one saying %q", r.skip, tt.skip)
			}
		})
	}
}
