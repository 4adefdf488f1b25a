package privatefile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestProtect(t *testing.T) {
	tests := []struct {
		name string
		make func(t *testing.T, path string)
		dir  bool
	}{
		{"a file others could read", func(t *testing.T, path string) {
			if err := os.WriteFile(path, []byte("chart 12-34-56"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, false},
		{"a folder others could list", func(t *testing.T, path string) {
			if err := os.Mkdir(path, 0o755); err != nil {
				t.Fatal(err)
			}
		}, true},
		{"a name with spaces and accents", func(t *testing.T, path string) {
			if err := os.Mkdir(path, 0o777); err != nil {
				t.Fatal(err)
			}
		}, true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), []string{"chartroom.db", "backups", "Zoë Ångström reports"}[i])
			tt.make(t, path)
			if err := Protect(path); err != nil {
				t.Fatal(err)
			}
			checkPrivate(t, path, tt.dir)
		})
	}
}

func TestMkdirAllProtectsNewAndExistingFolders(t *testing.T) {
	base := t.TempDir()
	made := filepath.Join(base, "chartroom", "reports")
	if err := MkdirAll(made); err != nil {
		t.Fatal(err)
	}
	checkPrivate(t, made, true)

	loose := filepath.Join(base, "loose")
	if err := os.Mkdir(loose, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := MkdirAll(loose); err != nil {
		t.Fatal(err)
	}
	checkPrivate(t, loose, true)

	// A file made later in a protected folder is private too on Windows
	// (inherited); elsewhere the code that makes it gives it its mode.
	inside := filepath.Join(made, "list.pdf")
	if err := os.WriteFile(inside, []byte("%PDF"), 0o600); err != nil {
		t.Fatal(err)
	}
	checkPrivate(t, inside, false)
}

func TestProtectMissingPathNamesIt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no-such.db")
	err := Protect(path)
	if err == nil || !strings.Contains(err.Error(), path) || !os.IsNotExist(unwrapAll(err)) {
		t.Fatalf("Protect(missing) = %v, want a not-exist error naming %s", err, path)
	}
}

func unwrapAll(err error) error {
	for {
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return err
		}
		err = u.Unwrap()
	}
}
