package ui

import (
	"fmt"
	"path/filepath"
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
	places *widget.Label
	status records.BackupStatus
	root   fyne.CanvasObject
}

func newBackupPlacesCard(s *shell) *backupPlacesCard {
	c := &backupPlacesCard{s: s}
	c.places = widget.NewLabel("")
	c.places.Wrapping = fyne.TextWrapWord
	check := widget.NewButtonWithIcon("Check the backups now", theme.ConfirmIcon(), c.checkNow)
	passphrase := widget.NewButtonWithIcon("Backup passphrase…", theme.VisibilityOffIcon(), c.editPassphrase)
	second := widget.NewButtonWithIcon("Second place and keeping…", theme.StorageIcon(), c.editSecondPlace)
	if !s.can(records.RoleAdmin) {
		passphrase.Hide()
		second.Hide()
	}
	c.root = widget.NewCard("Backup places", "Each automatic backup goes to every place; the newest in each is opened and checked once a week.",
		container.NewVBox(c.places, container.NewHBox(check, passphrase, second),
			hint("Keep the second place away from this computer (a drive taken home, a network folder). Backups there are encrypted with the backup passphrase: write it down and keep it safe.")))
	return c
}

// refresh reads the places' state.
func (c *backupPlacesCard) refresh() {
	ctx, svc := c.s.ctxQuiet(), c.s.svc
	inBackground(c.s, func() (records.BackupStatus, error) { return svc.BackupStatus(ctx) },
		func(st records.BackupStatus, err error) {
			if err != nil {
				c.places.SetText("The backup places cannot be read: " + records.ErrorMessage(err))
				return
			}
			c.status = st
			c.places.SetText(backupPlacesText(st))
			c.s.showBackupStatus(st)
		})
}

// backupPlacesText describes the passphrase and each place for the card.
func backupPlacesText(st records.BackupStatus) string {
	var b strings.Builder
	if st.PassphraseSet {
		b.WriteString("Backup passphrase: set.\n")
	} else {
		b.WriteString("Backup passphrase: not set; backups are not encrypted and no second place can be chosen.\n")
	}
	for _, p := range st.Places {
		name, enc := "Backup folder", "plain"
		if p.Second {
			name = "Second place"
		}
		if p.Encrypted {
			enc = "encrypted"
		}
		fmt.Fprintf(&b, "\n%s: %s (%s)\n", name, p.Dir, enc)
		if p.LastCopy == "" {
			b.WriteString("   Last good copy: none yet\n")
		} else {
			fmt.Fprintf(&b, "   Last good copy: %s, %s\n", filepath.Base(p.LastCopy), when(p.LastCopyAt))
		}
		switch {
		case p.Check.At.IsZero():
			b.WriteString("   Weekly check: not yet\n")
		case p.Check.OK:
			fmt.Fprintf(&b, "   Weekly check: ok on %s (%s)\n", when(p.Check.At), filepath.Base(p.Check.File))
		default:
			fmt.Fprintf(&b, "   Weekly check: FAILED on %s (%s): %s\n", when(p.Check.At), filepath.Base(p.Check.File), p.Check.Problems)
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// checkNow opens and checks the newest backup in each place at once.
func (c *backupPlacesCard) checkNow() {
	ctx, svc := c.s.ctx(), c.s.svc
	c.places.SetText("Checking the newest backup in each place…")
	inBackground(c.s, func() ([]records.BackupPlace, error) { return svc.CheckBackups(ctx, true) },
		func(_ []records.BackupPlace, err error) {
			if err != nil {
				c.s.showError(err)
			}
			c.refresh()
		})
}

// editPassphrase sets or changes the backup passphrase.
func (c *backupPlacesCard) editPassphrase() {
	errs := newFormErrors()
	current := errs.field("Current passphrase", newPasswordEntry(c.s, ""))
	next := errs.field("Backup passphrase", newPasswordEntry(c.s, fmt.Sprintf("at least %d characters, a short sentence", records.MinBackupPassphraseLength)))
	again := errs.field("Again", newPasswordEntry(c.s, ""))
	var items []*widget.FormItem
	if c.status.PassphraseSet {
		items = append(items, widget.NewFormItem("Current passphrase", current))
	}
	items = append(items, widget.NewFormItem("New passphrase", next), widget.NewFormItem("Again", again))
	showEditDialog(c.s, "Backup passphrase", "Save", items, errs, func() error {
		if next.Text != again.Text {
			return records.FieldError("Again", "differs from the new passphrase")
		}
		if err := c.s.svc.SetBackupPassphrase(c.s.ctx(), current.Text, next.Text, false); err != nil {
			return err
		}
		c.refresh()
		return nil
	})
}

// editSecondPlace sets the second backup place, how long it may be out of
// reach before the status bar warns, and the weekly and monthly backups
// each place keeps (the newest N are in Settings).
func (c *backupPlacesCard) editSecondPlace() {
	st, err := c.s.svc.Settings(c.s.ctx())
	if err != nil {
		c.s.showError(err)
		return
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
	showEditDialog(c.s, "Second place and keeping", "Save", items, errs, func() error {
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
				return err
			}
			*n.dst = v
		}
		st.SecondBackupDir = strings.TrimSpace(dir.Text)
		saved, err := c.s.svc.UpdateSettings(c.s.ctx(), st)
		if err != nil {
			return err
		}
		c.s.settings = saved
		c.refresh()
		return nil
	})
}
