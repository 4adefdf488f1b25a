package ui

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chartroom/chartroom/records"
)

// tamper changes the database behind Chartroom's back, as someone with the
// sqlite3 tool could: the append-only triggers are no obstacle to them.
func tamper(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// backupFiles lists the backups in the default folder beside the database.
func backupFiles(t *testing.T, f *fixture) []string {
	t.Helper()
	dir := filepath.Join(filepath.Dir(f.s.deps.DBPath), "backups")
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		fi, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("backup %s has mode %v, want 0600", e.Name(), fi.Mode().Perm())
		}
		out = append(out, e.Name())
	}
	return out
}

func TestStartupChecksCleanDatabase(t *testing.T) {
	f := newFixture(t, true)
	f.patient("100001", "Quux", "Audrey")
	f.s.startupChecks()
	if len(f.s.alerts) != 0 {
		t.Fatalf("alerts on a clean database: %v", f.s.alerts)
	}
	if f.win.Canvas().Overlays().Top() != nil {
		t.Fatal("a dialog shows on a clean database")
	}
	if got := backupFiles(t, f); len(got) != 1 {
		t.Fatalf("backups after start-up: %v, want one", got)
	}
	// The next start-up the same day makes no second copy.
	f.clock.Advance(3 * time.Hour)
	f.s.startupChecks()
	if got := backupFiles(t, f); len(got) != 1 {
		t.Fatalf("backups after a second start-up: %v, want one", got)
	}
	m := f.mustSignIn(adminName, adminPassword)
	if m.status.alert.Visible() {
		t.Fatalf("status bar alert on a clean database: %q", m.status.alert.Text)
	}
}

func TestStartupChecksWarnOfTampering(t *testing.T) {
	f := newFixture(t, true)
	f.patient("100001", "Quux", "Audrey") // writes movement 1
	tamper(t, f.s.deps.DBPath,
		"DROP TRIGGER movements_no_update",
		"UPDATE movements SET note = 'x' WHERE id = 1")

	f.s.startupChecks()

	warning := f.s.alerts[alertAudit]
	for _, want := range []string{"changed outside Chartroom", "movement", "chartroom verify", "backup"} {
		if !strings.Contains(warning, want) {
			t.Errorf("warning %q does not say %q", warning, want)
		}
	}
	if f.win.Canvas().Overlays().Top() == nil {
		t.Fatal("no dialog warns of the tampering")
	}
	// The backup's own check refuses to keep a copy of tampered records,
	// and says so.
	if !strings.Contains(f.s.alerts[alertBackup], "Automatic backup failed") {
		t.Errorf("backup alert %q", f.s.alerts[alertBackup])
	}
	if got := backupFiles(t, f); len(got) != 0 {
		t.Errorf("a backup of tampered records was kept: %v", got)
	}

	// The warning stays in red in the status bar once someone signs in.
	f.win.Canvas().Overlays().Top().Hide()
	m := f.mustSignIn(adminName, adminPassword)
	if !m.status.alert.Visible() || !strings.Contains(m.status.alert.Text, warning) {
		t.Fatalf("status bar alert %q (visible %v), want %q", m.status.alert.Text, m.status.alert.Visible(), warning)
	}
}

// verifyFails is the real store whose audit check cannot run.
type verifyFails struct{ records.Service }

func (verifyFails) VerifyAudit(context.Context, bool) (*records.ChainProblem, int, error) {
	return nil, 0, records.Errorf(records.EConflict, "the database is busy")
}

func TestStartupChecksWarnWhenTheCheckFails(t *testing.T) {
	f := newFixture(t, true)
	f.s.replaceService(verifyFails{f.store})
	f.s.startupChecks()
	if w := f.s.alerts[alertAudit]; !strings.Contains(w, "could not check") || !strings.Contains(w, "database is busy") {
		t.Fatalf("warning %q", w)
	}
	if f.win.Canvas().Overlays().Top() == nil {
		t.Fatal("no dialog")
	}
	// The backup still runs.
	if got := backupFiles(t, f); len(got) != 1 {
		t.Fatalf("backups: %v", got)
	}
}

func TestAutoBackupFailureShowsInStatusBar(t *testing.T) {
	f := newFixture(t, true)
	// A file where the backup folder should be: the folder cannot be made.
	blocker := filepath.Join(t.TempDir(), "not-a-folder")
	if err := os.WriteFile(blocker, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	st, _ := f.store.Settings(f.admin)
	st.BackupDir = filepath.Join(blocker, "backups")
	if _, err := f.store.UpdateSettings(f.admin, st); err != nil {
		t.Fatal(err)
	}
	m := f.mustSignIn(adminName, adminPassword)
	f.s.autoBackup()
	if !m.status.alert.Visible() || !strings.Contains(m.status.alert.Text, "Automatic backup failed") ||
		!strings.Contains(m.status.alert.Text, "backup folder") {
		t.Fatalf("status bar alert %q (visible %v)", m.status.alert.Text, m.status.alert.Visible())
	}
	// Once the folder is fixed, the next check backs up and clears it.
	st.BackupDir = ""
	if _, err := f.store.UpdateSettings(f.admin, st); err != nil {
		t.Fatal(err)
	}
	f.s.autoBackup()
	if m.status.alert.Visible() {
		t.Fatalf("alert still shows: %q", m.status.alert.Text)
	}
	if got := backupFiles(t, f); len(got) != 1 {
		t.Fatalf("backups: %v", got)
	}
}

// gatedBackup is the real store whose automatic backup reports that it was
// asked and waits for the test, so the test can look at the window while
// the app's background goroutines are parked; watched is closed once the
// backup's state has been read after it (the last file work of the chain).
type gatedBackup struct {
	records.Service
	asked, release, watched chan struct{}
}

func (g gatedBackup) BackupStatus(ctx context.Context) (records.BackupStatus, error) {
	defer close(g.watched)
	return g.Service.BackupStatus(ctx)
}

func (g gatedBackup) AutoBackup(ctx context.Context) (string, bool, error) {
	close(g.asked)
	<-g.release
	return g.Service.AutoBackup(ctx)
}

func TestStartupChecksRunInTheBackground(t *testing.T) {
	f := newFixture(t, true)
	f.patient("100001", "Quux", "Audrey")
	tamper(t, f.s.deps.DBPath,
		"DROP TRIGGER movements_no_update",
		"UPDATE movements SET note = 'x' WHERE id = 1")
	g := gatedBackup{Service: f.store, asked: make(chan struct{}), release: make(chan struct{}), watched: make(chan struct{})}
	f.s.replaceService(g)
	f.s.async = true
	f.s.startupChecks() // returns at once; the checks run on goroutines
	<-g.asked           // the audit check is done and its warning posted
	if !strings.Contains(f.s.alerts[alertAudit], "changed outside Chartroom") {
		t.Errorf("warning %q", f.s.alerts[alertAudit])
	}
	if f.win.Canvas().Overlays().Top() == nil {
		t.Error("no dialog")
	}
	close(g.release)
	<-g.watched // the backup and the backup check are done before the test's folder is removed
}

// The automatic backup runs with no one signed in: a start-up before the
// first sign-in still backs up.
func TestAutoBackupNeedsNoSignIn(t *testing.T) {
	f := newFixture(t, true)
	if f.s.signedIn {
		t.Fatal("signed in already")
	}
	f.s.autoBackup()
	if got := backupFiles(t, f); len(got) != 1 || len(f.s.alerts) != 0 {
		t.Fatalf("backups %v, alerts %v", got, f.s.alerts)
	}
}
