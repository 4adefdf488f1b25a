// Package privatefile makes the files that hold protected health
// information (the database, its backups, the PDFs waiting for the viewer or
// the printer) readable by their user alone: mode 0600 for a file and 0700 for
// a folder on Linux and macOS, and on Windows, where file modes mean nothing,
// an access list of its own that admits only that user, SYSTEM and the
// computer's Administrators.
package privatefile

import (
	"fmt"
	"os"
)

// Protect makes the file or folder at path readable by the user alone. On
// Windows a folder passes its access list on to what is later created in it,
// so a file SQLite makes beside the database (-wal, -shm) or a PDF written
// into the report folder is private as it is made.
func Protect(path string) error {
	info, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("make %s private: %w", path, err)
	}
	if err := protect(path, info.IsDir()); err != nil {
		return fmt.Errorf("make %s private: %w", path, err)
	}
	return nil
}

// MkdirAll creates the folder dir as os.MkdirAll does and protects it; a
// folder that was already there is protected too, as the user may have
// loosened it, or made it before Chartroom did.
func MkdirAll(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return Protect(dir)
}
