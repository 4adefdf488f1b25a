package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/demo"
	"github.com/chartroom/chartroom/records/sqlite"
)

// guiFigures runs the Xvfb script (.ci/bench-gui.sh) on the practice and
// turns what it prints into rows: start to window, sign-in to main
// window, memory beside a bare Fyne window's.
func (b *bench) guiFigures(ctx context.Context) error {
	if b.o.GUI == "" {
		return nil
	}
	if err := b.dayBackup(ctx); err != nil {
		return err
	}
	if err := b.loadSample(ctx); err != nil {
		return err
	}
	// The desk's script, what the script printed and the app's log stay in
	// the working folder, to read after a run given --dir (the temporary
	// one goes with its files).
	deskPath, appLog := filepath.Join(b.dir, "desk.txt"), filepath.Join(b.dir, "desk-app.log")
	if err := os.WriteFile(deskPath, []byte(b.deskScript()), 0o600); err != nil {
		return err
	}
	m := startCPU()
	cmd := exec.CommandContext(ctx, "xvfb-run", "-a", "-s", "-screen 0 1280x800x24", "bash", b.o.GUI, b.self, b.db, strconv.Itoa(b.o.AppStarts),
		deskPath, appLog)
	cmd.Stderr = b.env.Stderr
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("%s: %w", b.o.GUI, err)
	}
	if err := os.WriteFile(filepath.Join(b.dir, "desk-times.txt"), out, 0o600); err != nil {
		return err
	}
	got := map[string]sample{}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 2 {
			continue
		}
		if v, err := strconv.ParseFloat(f[1], 64); err == nil {
			got[f[0]] = append(got[f[0]], v)
		}
	}
	start, signin := got["start_ms"], got["signin_ms"]
	if len(start) == 0 || len(signin) == 0 || len(got["rss_kb"]) == 0 || len(got["bare_rss_kb"]) == 0 {
		return fmt.Errorf("%s printed no figures: %q", b.o.GUI, out)
	}
	b.add(benchRow{figure: fmt.Sprintf("app start to its window (sign-in form), %s patients, Xvfb", count(b.o.Patients)), n: len(start),
		median: ms(start.median()), p99: ms(start.p99()), target: "< 1 s", met: verdict(start.p99() < 1000),
		note: "launch to window mapped (xdotool polling); opening the database included"}, m)
	b.add(benchRow{figure: "sign-in to usable main window", n: len(signin), median: ms(signin.median()), p99: ms(signin.p99()),
		target: "(with start) < 1 s", met: verdict(start.p99()+signin.p99() < 1000),
		note: "Enter to the title naming the clerk; argon2id password check included; typing excluded"}, m)
	rss, hwm, bare := got["rss_kb"][0]/1024, got["hwm_kb"][0]/1024, got["bare_rss_kb"][0]/1024
	var split string
	if len(got["anon_kb"]) > 0 && len(got["file_kb"]) > 0 {
		split = fmt.Sprintf(" (%.0f MB heap and stacks, %.0f MB mapped files: the program and database pages)", got["anon_kb"][0]/1024, got["file_kb"][0]/1024)
	}
	// The target is the memory while browsing; the peak, reported beside
	// it, is the sign-in's password hashing (argon2id takes 64 MiB).
	b.add(benchRow{figure: fmt.Sprintf("app memory (RSS) browsing the %s-patient practice", count(b.o.Patients)), n: 1,
		median: fmt.Sprintf("%.1f MB", rss), p99: fmt.Sprintf("%.0f MB peak", hwm), target: "< 200 MB", met: verdict(rss < 200),
		note: fmt.Sprintf("after find-as-you-type, a chart and a second search%s; a bare Fyne window of the same program: %.0f MB", split, bare)}, m)
	logText, err := os.ReadFile(appLog)
	if err != nil {
		return fmt.Errorf("reading the app's log of the desk: %w", err)
	}
	for _, r := range deskRows(string(out), string(logText)) {
		b.add(r, m)
	}
	return nil
}

// dayBackup puts a plain copy of the closed practice in its backup folder,
// stamped now, as the day's backup, checked. Without it every start of the app
// would begin the daily automatic backup in the background (at a million
// patients VACUUM INTO and its check take minutes) and
// the bench, which stops the app after seconds, would time and weigh the
// first start of the day every time instead of the app a clerk uses the
// rest of the day.
func (b *bench) dayBackup(ctx context.Context) error {
	st, ctx, err := b.signedIn(ctx, demo.ClerkUser, demo.ClerkPassword)
	if err != nil {
		return err
	}
	settings, err := st.Settings(ctx)
	if cerr := st.Close(); err == nil {
		err = cerr // closing folds the log into the file the copy reads
	}
	if err != nil {
		return err
	}
	dir := settings.BackupFolder(b.db)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return records.Internal("cannot make the backup folder "+dir, err)
	}
	if err := copyFile(b.db, filepath.Join(dir, sqlite.BackupFileName(time.Now()))); err != nil {
		return err
	}
	// The app checks a backup it has not checked for a week in the
	// background at its start: an integrity check and the whole audit
	// chain of the copy, a core's work for seconds to minutes. A
	// practice's is done once a week; done here, it does not run beside
	// the desk's figures of every start.
	st, ctx, err = b.signedIn(ctx, demo.ClerkUser, demo.ClerkPassword)
	if err != nil {
		return err
	}
	_, err = st.CheckBackups(ctx, false)
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("checking the day's backup before the app starts: %w", err)
	}
	return nil
}

// copyFile copies src to a new file dst (mode 0600).
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return records.Internal("cannot read "+src, err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return records.Internal("cannot write "+dst, err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return records.Internal("cannot write "+dst, err)
	}
	// On disk before the app is timed, so the system's writing it back
	// does not run beside the measurements.
	if err := out.Sync(); err != nil {
		out.Close()
		return records.Internal("cannot write "+dst, err)
	}
	return out.Close()
}

// Window opens an empty Fyne window titled "Chartroom bare window" and
// runs until ctx ends or the window is closed: the memory floor the bench
// compares the app with (`chartroom bench-window`).
func Window(ctx context.Context, appID string) {
	a := app.NewWithID(appID + ".bench")
	w := a.NewWindow("Chartroom bare window")
	w.SetContent(widget.NewLabel("A bare Fyne window: nothing but this label."))
	w.Resize(fyne.NewSize(1024, 700))
	go func() {
		<-ctx.Done()
		fyne.Do(a.Quit)
	}()
	w.ShowAndRun()
}
