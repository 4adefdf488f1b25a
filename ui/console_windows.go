//go:build windows

package ui

import (
	"os/exec"
	"syscall"
)

// createNoWindow keeps a console program started by the app (PowerShell,
// to print) from flashing a console window over it.
const createNoWindow = 0x08000000

// hideConsoleWindow starts cmd without a console window of its own.
func hideConsoleWindow(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{HideWindow: true, CreationFlags: createNoWindow}
}
