//go:build windows

package main

import (
	"os"

	"golang.org/x/sys/windows"
)

// Chartroom ships two programs built from this source: chartroom.exe, a
// windowed program (no console window opens on a double click), and
// chartroom-cli.exe, a console program for the command line, which the
// console waits for and whose exit status it gets. When chartroom.exe itself
// is given a command in a console, it writes into that console so its
// output is not lost (the console does not wait for a windowed program:
// scripts use chartroom-cli.exe).
func init() {
	if len(os.Args) > 1 {
		attachParentConsole()
	}
}

// attachParentProcess is AttachConsole's "the console of the process that
// started me".
const attachParentProcess = ^uint32(0)

// attachParentConsole points standard output and error that lead nowhere
// (a windowed program has none) at the console of the program that started
// this one, if it has one. Output redirected to a file or a pipe is kept.
func attachParentConsole() {
	attach := windows.NewLazySystemDLL("kernel32.dll").NewProc("AttachConsole")
	if r, _, _ := attach.Call(uintptr(attachParentProcess)); r == 0 {
		return // no parent console, or this program has its own already
	}
	for _, std := range []struct {
		handle uint32
		file   **os.File
	}{
		{windows.STD_OUTPUT_HANDLE, &os.Stdout},
		{windows.STD_ERROR_HANDLE, &os.Stderr},
	} {
		if h, err := windows.GetStdHandle(std.handle); err == nil && h != 0 && h != windows.InvalidHandle {
			if t, _ := windows.GetFileType(h); t != windows.FILE_TYPE_UNKNOWN {
				continue // redirected to a file or pipe
			}
		}
		out, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0)
		if err != nil {
			continue
		}
		windows.SetStdHandle(std.handle, windows.Handle(out.Fd()))
		*std.file = out
	}
}
