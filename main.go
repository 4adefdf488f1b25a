// Command chartroom is Chartroom's composition root: with no command it
// opens the desktop app on the database, otherwise it hands the arguments
// to the command line (package cli, see 'chartroom help').
package main

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"github.com/chartroom/chartroom/assets"
	"github.com/chartroom/chartroom/cli"
	"github.com/chartroom/chartroom/ui"
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

// runGUI opens the desktop app on the database at dbPath and returns the
// process's exit status when its window closes.
func runGUI(ctx context.Context, dbPath string, log *slog.Logger) int {
	// A clerk's screen needs little garbage-collector throughput; a
	// smaller heap keeps the app light beside the GL driver (the README's
	// performance section has the measurements).
	debug.SetGCPercent(25)
	a := app.NewWithID(ui.AppID)
	a.SetIcon(fyne.NewStaticResource("chartroom.png", assets.Icon))

	db := cli.NewDatabase(dbPath, log)
	deps := ui.Deps{
		DBPath:   dbPath,
		Logger:   log,
		Now:      time.Now,
		Restore:  db.Restore,
		MakeDemo: db.MakeDemo,
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
