//go:build !windows

package ui

import "os/exec"

// hideConsoleWindow does nothing: only Windows opens a window for a
// console program started by a windowed one.
func hideConsoleWindow(*exec.Cmd) {}
