package ui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/chartroom/chartroom/records"
)

// findButton finds the button labelled text anywhere under o.
func findButton(o fyne.CanvasObject, text string) *widget.Button {
	switch w := o.(type) {
	case *widget.Button:
		if w.Text == text {
			return w
		}
	case *fyne.Container:
		for _, c := range w.Objects {
			if b := findButton(c, text); b != nil {
				return b
			}
		}
	case *container.Scroll:
		return findButton(w.Content, text)
	case *widget.Card:
		return findButton(w.Content, text)
	}
	return nil
}

func TestOpenErrorOffersRestoreOnlyForADamagedFile(t *testing.T) {
	f := newFixture(t, true)
	restored := ""
	f.s.deps.Restore = func(_ context.Context, path string) (records.Service, error) {
		restored = path
		return f.store, nil
	}
	cases := []struct {
		name        string
		err         error
		wantRestore bool
	}{
		{"damaged", records.Errorf(records.EInvalid, "the database /x/t.db is damaged and cannot be opened; restore the latest backup"), true},
		{"read-only", records.Internal("the database file /x/t.db is read-only for you; Chartroom must write to it", nil), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f.s.deps.OpenError = c.err
			f.s.showStart()
			content := f.win.Content()
			if got := findButton(content, "Restore a backup…") != nil; got != c.wantRestore {
				t.Fatalf("restore button shown %v, want %v", got, c.wantRestore)
			}
			if findButton(content, "Quit") == nil {
				t.Fatal("no Quit button")
			}
		})
	}
	// The restore itself: the backup replaces the file and sign-in follows.
	f.s.deps.OpenError = cases[0].err
	f.s.showStart()
	f.s.setAlert(alertAudit, "a warning about the damaged file")
	var failed error
	f.s.restoreDamaged("/backups/chartroom-20260301-090000.db", func(err error) { failed = err })
	if failed != nil || restored != "/backups/chartroom-20260301-090000.db" {
		t.Fatalf("restore: %v (restored %q)", failed, restored)
	}
	if f.s.deps.OpenError != nil || f.s.signIn == nil {
		t.Fatal("after the restore the sign-in screen is not showing")
	}
	if len(f.s.alerts) != 0 {
		t.Fatalf("after the restore the old warnings stay: %v", f.s.alerts)
	}
	f.mustSignIn(adminName, adminPassword)
}

// After an admin restores a backup from Administration, the warnings about
// the file that was replaced give way to a check of the restored one.
func TestRestoreFromAdministrationRechecks(t *testing.T) {
	f := newFixture(t, true)
	f.s.deps.Restore = func(_ context.Context, path string) (records.Service, error) { return f.store, nil }
	f.mustSignIn(adminName, adminPassword)
	f.s.setAlert(alertAudit, "a warning about the file before the restore")
	newBackupTab(f.s).restoreFrom("/backups/chartroom-20260301-090000.db")
	if f.s.signIn == nil {
		t.Fatal("after the restore the sign-in screen is not showing")
	}
	if len(f.s.alerts) != 0 {
		t.Fatalf("after the restore the old warnings stay: %v", f.s.alerts)
	}
}
