package ui

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/chartroom/chartroom/records"
)

// backupPlacesCard shows each backup place (the backup folder, the second
// place), its last good copy and its latest check, and lets an admin set
// the backup passphrase and the second place.
type backupPlacesCard struct {
	s      *shell
	places *fyne.Container // a label a line
	status records.BackupStatus
	root   fyne.CanvasObject
}

func newBackupPlacesCard(s *shell) *backupPlacesCard {
	c := &backupPlacesCard{s: s}
	c.places = container.NewVBox()
	check := widget.NewButtonWithIcon("Check the backups now", theme.ConfirmIcon(), guarded(c.checkNow))
	passphrase := widget.NewButtonWithIcon("Backup passphrase…", theme.VisibilityOffIcon(), guarded(func() { c.editPassphrase() }))
	second := widget.NewButtonWithIcon("Second place and keeping…", theme.StorageIcon(), guarded(func() { c.editSecondPlace() }))
	if !s.can(records.RoleAdmin) {
		passphrase.Hide()
		second.Hide()
	}
	c.root = widget.NewCard("Backup places", "Keep the second place away from this computer; the newest backup in each place is checked weekly.",
		container.NewVBox(c.places, container.NewHBox(check, passphrase, second)))
	return c
}

// refresh reads the places' state.
func (c *backupPlacesCard) refresh() {
	ctx, svc := c.s.ctxQuiet(), c.s.svc
	inBackground(c.s, func() (records.BackupStatus, error) { return svc.BackupStatus(ctx) },
		func(st records.BackupStatus, err error) {
			lines := []string{"The backup places cannot be read: " + records.ErrorMessage(err)}
			if err == nil {
				c.status = st
				lines = backupPlacesLines(st)
				c.s.showBackupStatus(st)
			}
			c.showLines(lines)
		})
}

// showLines shows one label a line, each cut with an ellipsis: the page
// has little room at 1024x768, and the status bar says a failure in full.
func (c *backupPlacesCard) showLines(lines []string) {
	c.places.RemoveAll()
	for _, l := range lines {
		label := widget.NewLabel(l)
		label.Truncation = fyne.TextTruncateEllipsis
		c.places.Add(label)
	}
}

// text is what the card shows, a line a label, for tests.
func (c *backupPlacesCard) text() string {
	var lines []string
	for _, o := range c.places.Objects {
		lines = append(lines, o.(*widget.Label).Text)
	}
	return strings.Join(lines, "\n")
}

// backupPlacesLines describes each place in a line (its last good copy and
// its latest check), and a missing passphrase.
func backupPlacesLines(st records.BackupStatus) []string {
	var lines []string
	if !st.PassphraseSet {
		lines = append(lines, "No backup passphrase: backups are not encrypted, and no second place can be chosen.")
	}
	for _, p := range st.Places {
		name, enc := "Backup folder", "plain"
		if p.Second {
			name = "Second place"
		}
		if p.Encrypted {
			enc = "encrypted"
		}
		copyText := "no good copy yet"
		if p.LastCopy != "" {
			copyText = "last good copy " + when(p.LastCopyAt)
		}
		checkText := "weekly check not yet"
		switch {
		case p.Check.At.IsZero():
		case p.Check.OK:
			checkText = "weekly check ok " + when(p.Check.At)
		default:
			checkText = "weekly check FAILED " + when(p.Check.At) + ": " + p.Check.Problems
		}
		lines = append(lines, fmt.Sprintf("%s %s (%s): %s; %s", name, p.Dir, enc, copyText, checkText))
	}
	return lines
}

// checkNow opens and checks the newest backup in each place at once.
func (c *backupPlacesCard) checkNow() {
	ctx, svc := c.s.ctx(), c.s.svc
	c.showLines([]string{"Checking the newest backup in each place…"})
	inBackground(c.s, func() ([]records.BackupPlace, error) { return svc.CheckBackups(ctx, true) },
		func(_ []records.BackupPlace, err error) {
			if err != nil {
				c.s.showError(err)
			}
			c.refresh()
		})
}

// editPassphrase sets or changes the backup passphrase.
func (c *backupPlacesCard) editPassphrase() *editDialog {
	errs := newFormErrors()
	current := errs.field("Current passphrase", newPasswordEntry(c.s, ""))
	next := errs.field("Backup passphrase", newPasswordEntry(c.s, fmt.Sprintf("at least %d characters, a short sentence", records.MinBackupPassphraseLength)))
	again := errs.field("Again", newPasswordEntry(c.s, ""))
	var items []*widget.FormItem
	if c.status.PassphraseSet {
		items = append(items, widget.NewFormItem("Current passphrase", current))
	}
	items = append(items, widget.NewFormItem("New passphrase", next), widget.NewFormItem("Again", again))
	return showWriteDialog(c.s, "Backup passphrase", "Save", items, errs, func() (formWrite, error) {
		if next.Text != again.Text {
			return formWrite{}, records.FieldError("Again", "differs from the new passphrase")
		}
		old, fresh := current.Text, next.Text
		return c.s.serviceWrite(func(ctx context.Context, svc records.Service) error {
			return svc.SetBackupPassphrase(ctx, old, fresh, false)
		}, c.refresh), nil
	})
}

// editSecondPlace sets the second backup place, how long it may be out of
// reach before the status bar warns, and the weekly and monthly backups
// each place keeps (the newest N are in Settings).
func (c *backupPlacesCard) editSecondPlace() *editDialog {
	st, err := c.s.svc.Settings(c.s.ctx())
	if err != nil {
		c.s.showError(err)
		return nil
	}
	errs := newFormErrors()
	dir := errs.field("Second backup place", newEntry(c.s, "a folder on a removable drive or a network folder; empty: none"))
	days := errs.field("Second place warning", newEntry(c.s, ""))
	weekly := errs.field("Weekly backups kept", newEntry(c.s, ""))
	monthly := errs.field("Monthly backups kept", newEntry(c.s, ""))
	dir.SetText(st.SecondBackupDir)
	days.SetText(strconv.Itoa(st.SecondPlaceDays))
	weekly.SetText(strconv.Itoa(st.BackupKeepWeekly))
	monthly.SetText(strconv.Itoa(st.BackupKeepMonthly))
	items := []*widget.FormItem{
		widget.NewFormItem("Second place", dir),
		widget.NewFormItem("Warn after (days)", days),
		widget.NewFormItem("Weekly backups kept", weekly),
		widget.NewFormItem("Monthly backups kept", monthly),
	}
	return showWriteDialog(c.s, "Second place and keeping", "Save", items, errs, func() (formWrite, error) {
		for _, n := range []struct {
			field string
			e     *activeEntry
			dst   *int
		}{
			{"Second place warning", days, &st.SecondPlaceDays},
			{"Weekly backups kept", weekly, &st.BackupKeepWeekly},
			{"Monthly backups kept", monthly, &st.BackupKeepMonthly},
		} {
			v, err := atoiField(n.field, n.e.Text)
			if err != nil {
				return formWrite{}, err
			}
			*n.dst = v
		}
		st.SecondBackupDir = strings.TrimSpace(dir.Text)
		var saved records.Settings
		return c.s.serviceWrite(func(ctx context.Context, svc records.Service) (err error) {
			saved, err = svc.UpdateSettings(ctx, st)
			return err
		}, func() {
			c.s.settings = saved
			c.refresh()
			// A new second place has no backup yet: the automatic backup
			// writes one now instead of within the hour.
			c.s.autoBackup()
		}), nil
	})
}
