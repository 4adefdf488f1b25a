// Package needtool lets a test say which command-line tool it runs
// (pdftotext, zbarimg, ...): on a developer's machine without the tool the
// test is skipped, saying which package to install; under CI (the CI
// environment variable set, as every CI service does) a missing tool fails
// the test, so a build machine cannot pass by checking nothing.
package needtool

import (
	"os"
	"os/exec"
	"testing"
)

// aptPackages are the Debian and Ubuntu packages the tools come in.
var aptPackages = map[string]string{
	"pdftotext": "poppler-utils",
	"pdftoppm":  "poppler-utils",
	"pdfinfo":   "poppler-utils",
	"zbarimg":   "zbar-tools",
	"sqlite3":   "sqlite3",
}

// Need skips t, or fails it under CI, when the tool called name is not on
// the PATH.
func Need(t testing.TB, name string) {
	t.Helper()
	need(t, name, exec.LookPath, os.Getenv("CI"))
}

// tb is the part of testing.TB that need uses.
type tb interface {
	Helper()
	Fatalf(format string, args ...any)
	Skipf(format string, args ...any)
}

func need(t tb, name string, lookPath func(string) (string, error), ci string) {
	t.Helper()
	if _, err := lookPath(name); err == nil {
		return
	}
	pkg, ok := aptPackages[name]
	if !ok {
		pkg = name
	}
	if underCI(ci) {
		t.Fatalf("%s is not installed, and CI must run this test with it: apt-get install %s", name, pkg)
		return
	}
	t.Skipf("%s is not installed (apt-get install %s); CI runs this test", name, pkg)
}

// underCI reads the CI variable: set to anything but "false" or "0".
func underCI(v string) bool {
	return v != "" && v != "false" && v != "0"
}
