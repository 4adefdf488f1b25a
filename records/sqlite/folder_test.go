package sqlite

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// The database file is private wherever it is; the folder around it is
// made private only when Chartroom creates it, never when it is the
// user's own (their Documents, a shared drive).
func TestDatabaseFolderPrivateOnlyWhenMadeForIt(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("modes mean nothing on Windows; privatefile's Windows test reads the access list")
	}
	mode := func(path string) fs.FileMode {
		t.Helper()
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return info.Mode().Perm()
	}
	tests := []struct {
		name       string
		existing   bool
		wantFolder fs.FileMode
	}{
		{"a folder made for the database", false, 0o700},
		{"the user's own folder", true, 0o755},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "office", "records")
			if tt.existing {
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(dir, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			path := filepath.Join(dir, "chartroom.db")
			openTestStore(t, path, newClock())
			if got := mode(dir); got != tt.wantFolder {
				t.Errorf("folder mode %v, want %v", got, tt.wantFolder)
			}
			if got := mode(path); got != 0o600 {
				t.Errorf("database mode %v, want 0600", got)
			}
		})
	}
}
