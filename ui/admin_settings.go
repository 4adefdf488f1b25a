package ui

import (
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/chartroom/chartroom/records"
)

// settingsTab edits the practice's choices (admin only).
type settingsTab struct {
	s       *shell
	errs    *formErrors
	current records.Settings

	practice, address, idle, expiry *activeEntry
	backupDir, backupKeep           *activeEntry
	width, filing, paper            *widget.Select
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
	t.width = widget.NewSelect(widths, nil)
	t.filing = widget.NewSelect(filingLabels(), nil)
	t.paper = widget.NewSelect([]string{string(records.PaperLetter), string(records.PaperA4)}, nil)
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
	if err == nil {
		st, err = t.s.svc.UpdateSettings(t.s.ctx(), st)
	}
	t.errs.show(t.s.win, err)
	if err != nil {
		t.saved.SetText("")
		return
	}
	t.s.settings = st
	t.fill(st)
	t.saved.SetText("Saved " + when(t.s.now()) + ".")
}
