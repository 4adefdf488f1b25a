package ui

import (
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/reports"
)

// settingsTab edits the practice's choices (admin only).
type settingsTab struct {
	s       *shell
	errs    *formErrors
	current records.Settings

	practice, address, idle, expiry *activeEntry
	backupDir, backupKeep           *activeEntry
	width, filing, paper            *selectBox
	saved                           *widget.Label
	root                            fyne.CanvasObject
}

func newSettingsTab(s *shell) *settingsTab {
	t := &settingsTab{s: s, errs: newFormErrors()}
	f := t.errs.field
	t.practice = f("Practice name", newEntry(s, ""))
	t.address = f("Practice address", newEntry(s, "printed on notices"))
	t.idle = f("Idle lock", newEntry(s, "minutes; 0 never locks"))
	t.expiry = f("Request expiry", newEntry(s, "days after the date needed; 0 never"))
	// Left empty, backups go to the default folder; the placeholder names it.
	t.backupDir = f("Backup folder", newEntry(s, records.Settings{}.BackupFolder(s.deps.DBPath)))
	t.backupKeep = f("Backups kept", newEntry(s, ""))
	var widths []string
	for w := records.MinMRNWidth; w <= records.MaxMRNWidth; w++ {
		widths = append(widths, strconv.Itoa(w))
	}
	t.width = newSelect(widths, nil)
	t.filing = newSelect(filingLabels(), nil)
	t.paper = newSelect([]string{string(records.PaperLetter), string(records.PaperA4)}, nil)
	t.saved = hint("")
	save := widget.NewButtonWithIcon("Save settings", theme.DocumentSaveIcon(), guarded(t.save))
	save.Importance = widget.HighImportance
	practice := widget.NewForm(
		widget.NewFormItem("Practice name", t.practice),
		widget.NewFormItem("Practice address", t.address),
		widget.NewFormItem("MRN width (digits)", t.width),
		widget.NewFormItem("Filing system", t.filing),
		widget.NewFormItem("Paper size", t.paper),
		widget.NewFormItem("Idle lock (minutes)", t.idle),
		widget.NewFormItem("Request expiry (days)", t.expiry),
	)
	// The retention policy has its own tab (admin_retention.go).
	backups := widget.NewForm(
		widget.NewFormItem("Backup folder", t.backupDir),
		widget.NewFormItem("Backups kept", t.backupKeep),
	)
	backupsHelp := hint("Chartroom also backs up on its own once a day, at start-up or when it closes.")
	cols := container.NewGridWithColumns(2,
		widget.NewCard("Practice", "", practice),
		widget.NewCard("Backups", "", container.NewVBox(backups, backupsHelp)))
	t.root = container.NewVScroll(container.NewVBox(cols, t.errs.label, container.NewHBox(save, t.saved)))
	return t
}

func (t *settingsTab) view() fyne.CanvasObject { return t.root }

func (t *settingsTab) shown() {
	st, err := t.s.svc.Settings(t.s.ctx())
	if err != nil {
		t.s.showError(err)
		return
	}
	t.fill(st)
}

func (t *settingsTab) fill(st records.Settings) {
	t.current = st
	t.practice.SetText(st.PracticeName)
	t.address.SetText(st.PracticeAddress)
	t.width.SetSelected(strconv.Itoa(st.MRNWidth))
	t.filing.SetSelected(st.Filing.Label())
	t.paper.SetSelected(string(st.Paper))
	t.idle.SetText(strconv.Itoa(st.IdleLockMinutes))
	t.expiry.SetText(strconv.Itoa(st.RequestExpiryDays))
	t.backupDir.SetText(st.BackupDir)
	t.backupKeep.SetText(strconv.Itoa(st.BackupKeep))
}

// read turns the form into Settings; a number that is not one names its field.
func (t *settingsTab) read() (records.Settings, error) {
	st := t.current
	st.PracticeName, st.PracticeAddress = t.practice.Text, t.address.Text
	st.MRNWidth, _ = strconv.Atoi(t.width.Selected)
	st.Filing = filingFromLabel(t.filing.Selected)
	st.Paper = records.PaperSize(t.paper.Selected)
	st.BackupDir = t.backupDir.Text
	nums := []struct {
		field string
		e     *activeEntry
		dst   *int
	}{
		{"Idle lock", t.idle, &st.IdleLockMinutes},
		{"Request expiry", t.expiry, &st.RequestExpiryDays},
		{"Backups kept", t.backupKeep, &st.BackupKeep},
	}
	for _, n := range nums {
		v, err := atoiField(n.field, n.e.Text)
		if err != nil {
			return st, err
		}
		*n.dst = v
	}
	return st, nil
}

func (t *settingsTab) save() {
	st, err := t.read()
	t.errs.show(t.s.win, err)
	if err != nil {
		t.saved.SetText("")
		return
	}
	if st.MRNWidth != t.current.MRNWidth || st.Filing != t.current.Filing {
		t.confirmRenumber(st)
		return
	}
	t.write(st, false)
}

// liveFolders are the states of folders that have a label on a shelf or a
// desk: every state but destroyed.
var liveFolders = []records.VolumeState{records.StateInFile, records.StateCheckedOut, records.StateInTransit, records.StateMissing, records.StateOffsite}

// confirmRenumber says what a new chart-number width or filing system does
// to the room before it is saved: every chart number prints anew, so every
// folder label must be reprinted.
func (t *settingsTab) confirmRenumber(st records.Settings) {
	old := t.current
	ctx, svc := t.s.ctx(), t.s.svc
	type tally struct {
		folders int
		example string // a stored chart number
	}
	t.saved.SetText("Counting the folders this changes…")
	inBackground(t.s, func() (tally, error) {
		var n tally
		err := svc.ListVolumes(ctx, records.VolumeFilter{States: liveFolders}, func(v records.Volume) error {
			if n.folders == 0 {
				n.example = v.MRN
			}
			n.folders++
			return nil
		})
		return n, err
	}, func(n tally, err error) {
		t.saved.SetText("")
		if err != nil {
			t.s.showError(err)
			return
		}
		msg := renumberNotice(old, st, n.folders, n.example)
		d := dialog.NewConfirm("Change how every chart number prints?", msg, guarded1(func(yes bool) {
			if yes {
				t.write(st, n.folders > 0)
			} else {
				t.fill(old)
			}
		}), t.s.win)
		d.SetConfirmText("Change and reprint labels")
		d.SetDismissText("Keep as it is")
		d.Show()
	})
}

// renumberNotice tells the admin what a change of width or filing does,
// with one chart number before and after.
func renumberNotice(old, st records.Settings, folders int, example string) string {
	var what []string
	if st.MRNWidth != old.MRNWidth {
		what = append(what, fmt.Sprintf("chart numbers go from %d to %d digits", old.MRNWidth, st.MRNWidth))
	}
	if st.Filing != old.Filing {
		what = append(what, "the filing system becomes "+st.Filing.Label())
	}
	msg := "If you save, " + strings.Join(what, " and ") + "."
	if example != "" {
		after := strings.TrimLeft(example, "0")
		if len(after) < st.MRNWidth {
			after = strings.Repeat("0", st.MRNWidth-len(after)) + after
		}
		msg += fmt.Sprintf("\n\nChart %s will print as %s.", records.FormatMRN(example, old.Filing), records.FormatMRN(after, st.Filing))
	}
	if folders > 0 {
		msg += fmt.Sprintf("\n\nThe labels of all %s in the room will be wrong until they are reprinted: about %s of labels. You can print them next.",
			plural(folders, "folder"), plural((folders+reports.LabelsPerSheet-1)/reports.LabelsPerSheet, "sheet"))
	}
	return msg
}

// saveSettings saves the practice's settings in the background, shows a
// refusal under the form (errs) or "Saved" (saved), and hands the stored
// settings to then; the Settings and Retention tabs both save so.
func (s *shell) saveSettings(st records.Settings, errs *formErrors, saved *widget.Label, then func(records.Settings)) {
	ctx, svc := s.ctx(), s.svc
	inBackground(s, func() (records.Settings, error) { return svc.UpdateSettings(ctx, st) }, func(st records.Settings, err error) {
		errs.show(s.win, err)
		if err != nil {
			saved.SetText("")
			return
		}
		s.settings = st
		saved.SetText("Saved " + when(s.now()) + ".")
		then(st)
	})
}

// write saves the settings in the background; relabel offers the label run
// that a new chart-number format needs.
func (t *settingsTab) write(st records.Settings, relabel bool) {
	t.s.saveSettings(st, t.errs, t.saved, func(st records.Settings) {
		t.fill(st)
		if t.s.main != nil {
			t.s.main.changed()
		}
		if relabel {
			dialog.ShowConfirm("Print the new labels?", "Open Folder labels in Reports to print the labels of every folder now?", guarded1(func(yes bool) {
				if yes && t.s.main != nil {
					t.s.main.openReport(reports.ReportLabels)
				}
			}), t.s.win)
		}
	})
}
