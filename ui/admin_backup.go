package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/chartroom/chartroom/records"
)

// backupTab makes backups, restores one (admin) and checks the database and
// its audit chain.
type backupTab struct {
	s       *shell
	result  *widget.Label
	busy    *widget.ProgressBarInfinite
	buttons []*widget.Button
	places  *backupPlacesCard
	root    fyne.CanvasObject
}

func newBackupTab(s *shell) *backupTab {
	b := &backupTab{s: s}
	b.result = widget.NewLabel("")
	b.result.Wrapping = fyne.TextWrapWord
	b.busy = widget.NewProgressBarInfinite()
	b.busy.Hide()
	backupNow := widget.NewButtonWithIcon("Back up now", theme.DocumentSaveIcon(), guarded(b.backupToSettingsDir))
	backupNow.Importance = widget.HighImportance
	backupTo := widget.NewButtonWithIcon("Back up to a folder…", theme.FolderIcon(), guarded(b.backupToChosen))
	restore := widget.NewButtonWithIcon("Restore a backup…", theme.HistoryIcon(), guarded(b.restore))
	check := widget.NewButtonWithIcon("Check the database", theme.ConfirmIcon(), guarded(b.check))
	b.buttons = []*widget.Button{backupNow, backupTo, restore, check}
	if !s.can(records.RoleAdmin) || s.deps.Restore == nil {
		restore.Hide()
	}
	b.places = newBackupPlacesCard(s)
	// It scrolls, as Settings does: with the places it is taller than a
	// 1024x768 window leaves it.
	b.root = container.NewVScroll(container.NewVBox(
		widget.NewCard("Backup", "A consistent copy of the whole database, checked before it is kept.",
			container.NewVBox(container.NewHBox(backupNow, backupTo),
				hint("\"Back up now\" uses the backup folder of the settings. Keep a copy away from this computer."))),
		// What the last action did shows near the top, where the clerk
		// is looking, not below the places.
		b.busy, b.result,
		widget.NewCard("Restore", "Replace this database with a backup. Everyone must sign in again.",
			container.NewVBox(container.NewHBox(restore), hint("Only an admin may restore."))),
		widget.NewCard("Checks", "SQLite's integrity check and the audit chain (tampering with the log shows here).",
			container.NewHBox(check)),
		b.places.root,
	))
	return b
}

func (b *backupTab) view() fyne.CanvasObject { return b.root }

func (b *backupTab) shown() { b.places.refresh() }

// running disables the buttons and shows progress while work runs.
func (b *backupTab) running(on bool) {
	for _, x := range b.buttons {
		if on {
			x.Disable()
		} else {
			x.Enable()
		}
	}
	if on {
		b.busy.Show()
		b.busy.Start()
	} else {
		b.busy.Stop()
		b.busy.Hide()
	}
}

func (b *backupTab) backupToSettingsDir() {
	b.backup(b.s.settings.BackupFolder(b.s.deps.DBPath))
}

func (b *backupTab) backupToChosen() {
	d := dialog.NewFolderOpen(guarded2(func(u fyne.ListableURI, err error) {
		if err != nil || u == nil {
			return
		}
		b.backup(u.Path())
	}), b.s.win)
	showFileDialog(b.s.win, d)
}

func (b *backupTab) backup(dir string) {
	b.running(true)
	b.result.SetText("Backing up to " + dir + "…")
	ctx, svc := b.s.ctx(), b.s.svc
	inBackground(b.s, func() (string, error) { return svc.Backup(ctx, dir) },
		func(path string, err error) {
			b.running(false)
			if err != nil {
				b.result.SetText("")
				b.s.showError(err)
				return
			}
			b.result.SetText("Backup saved: " + path)
			b.places.refresh()
		})
}

func (b *backupTab) restore() { b.s.chooseBackup(b.restoreFrom) }

// chooseBackup asks for a backup file, then for a confirmation, then hands
// the file's path to restore.
func (s *shell) chooseBackup(restore func(path string)) {
	d := dialog.NewFileOpen(guarded2(func(rc fyne.URIReadCloser, err error) {
		if err != nil || rc == nil {
			return
		}
		path := rc.URI().Path()
		rc.Close()
		dialog.ShowConfirm("Restore this backup?",
			"The database will be replaced by\n"+path+"\nChanges made since that backup are lost. Everyone signs in again.",
			guarded1(func(yes bool) {
				if yes {
					restore(path)
				}
			}), s.win)
	}), s.win)
	showFileDialog(s.win, d)
}

func (b *backupTab) restoreFrom(path string) {
	b.running(true)
	b.result.SetText("Restoring " + path + "…")
	s := b.s
	ctx := s.ctx()
	inBackground(s, func() (records.Service, error) { return s.deps.Restore(ctx, path) },
		func(svc records.Service, err error) {
			b.running(false)
			// After a failed restore main reopens the original database and
			// hands it back: keep working on whatever service came back.
			if svc != nil && err != nil {
				s.replaceService(svc)
			}
			if err != nil {
				b.result.SetText("")
				s.showError(err)
				return
			}
			s.replaceService(svc)
			s.signOut("Restored from " + path + ". Sign in again.")
			// The warnings of the file that was replaced no longer hold:
			// check the restored one.
			s.startupChecks()
		})
}

func (b *backupTab) check() {
	b.running(true)
	b.result.SetText("Checking…")
	ctx, svc := b.s.ctx(), b.s.svc
	inBackground(b.s, func() ([]string, error) { return svc.CheckIntegrity(ctx) },
		func(problems []string, err error) {
			b.running(false)
			if err != nil {
				b.result.SetText("")
				b.s.showError(err)
				return
			}
			if len(problems) == 0 {
				b.result.Importance = widget.SuccessImportance
				b.result.SetText("The database and its audit chain are intact (" + when(b.s.now()) + ").")
				return
			}
			b.result.Importance = widget.DangerImportance
			b.result.SetText("Problems found:\n" + strings.Join(problems, "\n"))
		})
}
