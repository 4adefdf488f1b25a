package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/chartroom/chartroom/records/sqlite"
)

// TestSecondPlaceOutOfReachTurnsTheStatusBarAmber: while the second backup
// place is reachable the status bar says nothing; after more days out of
// reach than the setting it says so in amber (not red), naming the place
// and its last copy, and the backup page names the last good copy in each
// place and the weekly check's result.
func TestSecondPlaceOutOfReachTurnsTheStatusBarAmber(t *testing.T) {
	sqlite.BackupKeyWorkFactor = 10 // a cheap scrypt cost for the key file
	f := newFixture(t, true)
	f.patient("100001", "Quux", "Audrey")
	if err := f.store.SetBackupPassphrase(f.admin, "", "a quiet shelf of blue folders", false); err != nil {
		t.Fatal(err)
	}
	second := filepath.Join(t.TempDir(), "usb-stick")
	if err := os.Mkdir(second, 0o700); err != nil {
		t.Fatal(err)
	}
	st, _ := f.store.Settings(f.admin)
	st.SecondBackupDir = second
	if _, err := f.store.UpdateSettings(f.admin, st); err != nil {
		t.Fatal(err)
	}
	m := f.mustSignIn(adminName, adminPassword)
	f.s.startAutoBackup()
	if m.status.caution.Visible() || m.status.alert.Visible() {
		t.Fatalf("warnings after a backup to both places: %q / %q", m.status.caution.Text, m.status.alert.Text)
	}
	if m.status.caution.Importance != widget.WarningImportance {
		t.Fatalf("the second place's warning is not amber")
	}

	// The stick stays at home for eight days.
	if err := os.Rename(second, second+"-home"); err != nil {
		t.Fatal(err)
	}
	for day := 1; day <= 8; day++ {
		f.clock.Advance(24 * time.Hour)
		f.s.autoBackup()
		if got := m.status.caution.Visible(); got != (day > 7) {
			t.Errorf("day %d: amber warning shown = %v (%q)", day, got, m.status.caution.Text)
		}
	}
	if text := m.status.caution.Text; !strings.Contains(text, second) || !strings.Contains(text, "more than 7 days") {
		t.Errorf("amber warning %q does not name the place and the days", text)
	}
	if m.status.alert.Visible() {
		t.Errorf("a red alert for a place merely out of reach: %q", m.status.alert.Text)
	}

	card := newBackupPlacesCard(f.s)
	card.refresh()
	text := card.text()
	if strings.Contains(text, "No backup passphrase") {
		t.Errorf("the backup page says no passphrase is set:\n%s", text)
	}
	for _, want := range []string{"Backup folder " + filepath.Join(filepath.Dir(f.s.deps.DBPath), "backups") + " (plain): last good copy ",
		"Second place " + second + " (encrypted): last good copy 2026-03-02 09:00; weekly check ok 2026-03-02 09:00"} {
		if !strings.Contains(text, want) {
			t.Errorf("the backup page does not say %q:\n%s", want, text)
		}
	}

	// Plugged in again: the next hourly check writes there and the warning goes.
	if err := os.Rename(second+"-home", second); err != nil {
		t.Fatal(err)
	}
	f.s.autoBackup()
	if m.status.caution.Visible() {
		t.Errorf("the amber warning stays after a copy: %q", m.status.caution.Text)
	}
}

// TestBackupPlacesDialogs: an admin sets the passphrase (typed twice) and
// then the second place in the backup page's dialogs; the second place gets
// its first encrypted backup at once.
func TestBackupPlacesDialogs(t *testing.T) {
	sqlite.BackupKeyWorkFactor = 10 // a cheap scrypt cost for the key file
	f := newFixture(t, true)
	f.mustSignIn(adminName, adminPassword)
	card := newBackupPlacesCard(f.s)
	card.refresh()
	entry := func(ed *editDialog, i int) *activeEntry { return ed.form.Items[i].Widget.(*activeEntry) }

	ed := card.editPassphrase()
	entry(ed, 0).SetText("a quiet shelf of blue folders")
	entry(ed, 1).SetText("a quiet shelf of blue folderz")
	test.Tap(ed.save)
	if got := ed.errs.text(); !strings.Contains(got, "differs") {
		t.Fatalf("a passphrase typed twice differently: %q", got)
	}
	entry(ed, 1).SetText("a quiet shelf of blue folders")
	test.Tap(ed.save)
	if st, err := f.store.BackupStatus(f.admin); err != nil || !st.PassphraseSet {
		t.Fatalf("after the passphrase dialog: set %v, %v (%q)", st.PassphraseSet, err, ed.errs.text())
	}

	second := filepath.Join(t.TempDir(), "usb-stick")
	ed = card.editSecondPlace()
	entry(ed, 0).SetText(second)
	test.Tap(ed.save)
	if got := ed.errs.text(); !strings.Contains(got, "cannot be reached") {
		t.Fatalf("a second place that is not there: %q", got)
	}
	if err := os.Mkdir(second, 0o700); err != nil {
		t.Fatal(err)
	}
	entry(ed, 2).SetText("4")
	test.Tap(ed.save)
	st, _ := f.store.Settings(f.admin)
	if st.SecondBackupDir != second || st.BackupKeepWeekly != 4 {
		t.Errorf("settings after the dialog: second place %q, weekly %d", st.SecondBackupDir, st.BackupKeepWeekly)
	}
	onStick, _ := filepath.Glob(filepath.Join(second, "chartroom-*.db.age"))
	if len(onStick) != 1 {
		t.Errorf("the new second place holds %v, want its first encrypted backup", onStick)
	}
}
