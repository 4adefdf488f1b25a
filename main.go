// Command chartroom is Chartroom's composition root: with no command it
// opens the desktop app on the database, otherwise it hands the arguments
// to the command line (package cli, see 'chartroom help').
package main

import (
	"context"
	_ "embed"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"github.com/BurntSushi/toml"
	"github.com/chartroom/chartroom/assets"
	"github.com/chartroom/chartroom/cli"
	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/ui"
	"github.com/go-gl/glfw/v3.4/glfw"
)

func main() {
	// Ctrl-C (or a SIGTERM at log-out or shutdown) cancels the context: a
	// running command's transaction rolls back, and the desktop app quits
	// cleanly, making its exit backup.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], cli.Process{
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv,
		OpenApp: runGUI,
	})
	stop()
	os.Exit(code)
}

// runGUI opens the desktop app on the database at dbPath (a file, or a
// practice server's postgres:// address) and returns the process's exit
// status when its window closes.
func runGUI(ctx context.Context, dbPath string, log *slog.Logger) int {
	// A clerk's screen needs little garbage-collector throughput; a
	// smaller heap keeps the app light beside the GL driver (the README's
	// performance section has the measurements).
	debug.SetGCPercent(25)
	app.SetMetadata(appMeta)
	a := app.NewWithID(ui.AppID)
	a.SetIcon(fyne.NewStaticResource("chartroom.png", assets.Icon))

	db := cli.NewDatabase(dbPath, log)
	deps := ui.Deps{
		DBPath:   dbPath,
		Logger:   log,
		Now:      time.Now,
		Restore:  db.Restore,
		MakeDemo: db.MakeDemo,
		Screen:   screenWorkArea,
		ConnectServer: func(ctx context.Context, a ui.ServerAccess) (records.Service, string, error) {
			return db.ConnectServer(ctx, cli.ServerAccess(a))
		},
		UseLocalFile: db.UseLocalFile,
		TLSModes:     cli.SSLModes,
	}
	if svc, err := db.Open(ctx); err != nil {
		log.Error("cannot open the database", "path", dbPath, "err", err)
		deps.OpenError = err
	} else {
		deps.Service = svc
	}

	w := ui.Start(a, deps)
	go func() {
		<-ctx.Done()
		fyne.Do(a.Quit)
	}()
	w.ShowAndRun()
	db.AutoBackup(ctx)
	if err := db.Close(); err != nil {
		log.Error("closing the database", "err", err)
		return cli.ExitRefused
	}
	return cli.ExitOK
}

// screenWorkArea is the primary screen's work area (the screen less the
// task bar) in pixels. Fyne has no call for it; the window toolkit it runs
// on has, and the app asks once it has started, on the main thread.
func screenWorkArea() (width, height int, ok bool) {
	m := glfw.GetPrimaryMonitor()
	if m == nil {
		return 0, 0, false
	}
	_, _, w, h := m.GetWorkarea()
	if w <= 0 || h <= 0 {
		return 0, 0, false
	}
	return w, h, true
}

// fyneAppTOML is the app's metadata file, the one place Chartroom's version
// is written: the fyne packager, make dist (the release files' names, the
// Windows version resource, the installer) and 'chartroom version' all read
// it there.
//
//go:embed FyneApp.toml
var fyneAppTOML string

// appMeta is FyneApp.toml as the app runs with it, whoever built the
// program: the fyne packager writes the file into the program it builds,
// but a go build's program looks for it at run time beside its source,
// which an installed copy has not.
var appMeta = mustAppMetadata(fyneAppTOML)

// The command line's version is FyneApp.toml's Details.Version.
func init() { cli.Version = appMeta.Version }

// appMetadata reads the Details and Migrations tables of FyneApp.toml's
// text. Migrations.fyneDo says every change to the window is made on Fyne's
// main goroutine (fyne.Do at ui's boundary): with it Fyne stops checking,
// at each redraw of each widget, which goroutine it runs on (a stack
// trace each time).
func appMetadata(text string) (fyne.AppMetadata, error) {
	var file struct {
		Details struct {
			ID, Name, Version string
			Build             int
		}
		Migrations map[string]bool
	}
	if _, err := toml.Decode(text, &file); err != nil {
		return fyne.AppMetadata{}, fmt.Errorf("FyneApp.toml: %w", err)
	}
	if file.Details.Version == "" {
		return fyne.AppMetadata{}, fmt.Errorf("FyneApp.toml has no Details.Version")
	}
	return fyne.AppMetadata{
		ID: file.Details.ID, Name: file.Details.Name,
		Version: file.Details.Version, Build: file.Details.Build,
		Custom: map[string]string{}, Migrations: file.Migrations,
	}, nil
}

// mustAppMetadata is appMetadata for the embedded file, which the build
// carries: a broken one is a mistake of the build, caught by its tests.
func mustAppMetadata(text string) fyne.AppMetadata {
	m, err := appMetadata(text)
	if err != nil {
		panic(err)
	}
	return m
}
