//go:build !windows

package privatefile

import "os"

// protect sets the owner-only mode (os.MkdirAll and os.OpenFile leave a
// mode the umask narrowed, or an existing file's mode, as it was).
func protect(path string, dir bool) error {
	mode := os.FileMode(0o600)
	if dir {
		mode = 0o700
	}
	return os.Chmod(path, mode)
}
