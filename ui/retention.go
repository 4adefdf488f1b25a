package ui

import (
	"fmt"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/reports"
)

// retentionScreen is the yearly retention review (supervisor): the folders
// the policy allows to destroy on a day, a choice of them, the destruction
// batch and its certificate.
type retentionScreen struct {
	s        *shell
	asOf     *activeEntry
	errs     *formErrors
	summary  *widget.Label
	table    *rowTable[retentionRow]
	rows     []retentionRow
	chosen   map[records.ID]bool
	day      records.Date // of the list on show
	destroy  *widget.Button
	batches  *selectBox
	list     []records.DestructionBatch
	lastForm *destructionForm // the form on show, for tests
	root     fyne.CanvasObject
}

// retentionRow is one listed folder.
type retentionRow struct {
	records.RetentionCandidate
	chosen bool
}

func newRetentionScreen(s *shell) *retentionScreen {
	r := &retentionScreen{s: s, errs: newFormErrors(), chosen: map[records.ID]bool{}}
	r.asOf = r.errs.field("As of", newEntry(s, "YYYY-MM-DD"))
	r.asOf.OnSubmitted = guarded1(func(string) { r.review() })
	review := widget.NewButtonWithIcon("Review", theme.SearchIcon(), guarded(r.review))
	review.Importance = widget.HighImportance
	r.summary = hint("")
	r.table = newRowTable([]column[retentionRow]{
		{"Destroy", 70, func(x retentionRow) string { return checkMark(x.chosen) }},
		{"Patient", 190, func(x retentionRow) string { return x.Volume.PatientName }},
		{"MRN", 80, func(x retentionRow) string { return s.mrn(x.Volume.MRN) }},
		{"Folder", 110, func(x retentionRow) string { return x.Volume.Label() }},
		{"Last visit", 95, func(x retentionRow) string { return x.Patient.LastVisit.String() }},
		{"Born / died", 215, func(x retentionRow) string { return bornDied(x.Patient) }},
		{"Rule", 75, func(x retentionRow) string { return x.Decision.Rule.Label() }},
		{"Eligible since", 110, func(x retentionRow) string { return x.Decision.EligibleOn.String() }},
		{"Where", 200, func(x retentionRow) string { return retentionWhere(x.RetentionCandidate) }},
	}, nil)
	r.table.onSelect = func(x retentionRow) { r.toggle(x.Volume.ID) }
	all := widget.NewButtonWithIcon("Select all in file", theme.CheckButtonCheckedIcon(), guarded(r.selectAll))
	none := widget.NewButtonWithIcon("Select none", theme.CheckButtonIcon(), guarded(r.selectNone))
	r.destroy = widget.NewButtonWithIcon("Record destruction…", theme.DeleteIcon(), guarded(r.openForm))
	r.destroy.Importance = widget.DangerImportance
	r.destroy.Disable()
	pdf := widget.NewButtonWithIcon("Review PDF", theme.DocumentPrintIcon(), guarded(func() {
		if day, err := r.readDay(); err == nil {
			openReport(s, reports.ReportRetention, reports.Params{Date: day}, "retention-"+day.String())
		}
	}))
	r.batches = newSelect(nil, nil)
	r.batches.PlaceHolder = "Destruction batches"
	cert := widget.NewButtonWithIcon("Certificate", theme.DocumentPrintIcon(), guarded(func() {
		if i := r.batches.SelectedIndex(); i >= 0 && i < len(r.list) {
			r.certificate(r.list[i].ID)
		}
	}))
	top := container.NewVBox(
		container.New(layout.NewRowWrapLayout(), widget.NewLabel("As of:"), container.New(minWidth{140}, r.asOf), review, pdf,
			container.New(minWidth{300}, r.batches), cert),
		r.errs.label,
		container.New(layout.NewRowWrapLayout(), all, none, r.destroy, r.summary),
	)
	help := "Folders the retention policy allows to destroy on the day, in filing order. Click a row (or press Space on it) to choose it; only folders in file can be destroyed. Charts on legal hold are never listed."
	r.root = screenFrame("Retention review", help, top, r.table.view())
	return r
}

func checkMark(on bool) string {
	if on {
		return "☑"
	}
	return "☐"
}

// retentionWhere is where a listed folder is, and what to do when it is
// not in file.
func retentionWhere(c records.RetentionCandidate) string {
	if b := c.Blocked(); b != "" {
		return stateLabel(c.Volume.State) + ": " + c.Volume.Where()
	}
	return c.Volume.HomePath
}

func bornDied(p records.Patient) string {
	s := p.DOB.String()
	if !p.Deceased.IsZero() {
		s += " – d. " + p.Deceased.String()
	}
	return s
}

func (r *retentionScreen) view() fyne.CanvasObject { return r.root }

func (r *retentionScreen) shown() {
	if r.asOf.Text == "" {
		r.asOf.SetText(r.s.today().String())
	}
	r.loadBatches()
	r.review()
}

func (r *retentionScreen) readDay() (records.Date, error) {
	day, err := dateField("As of", r.asOf.Text)
	if err == nil && day.IsZero() {
		day = r.s.today()
	}
	r.errs.show(r.s.win, err)
	return day, err
}

// review lists the eligible folders for the day in the box.
func (r *retentionScreen) review() {
	day, err := r.readDay()
	if err != nil {
		return
	}
	ctx, svc := r.s.ctx(), r.s.svc
	r.summary.SetText("Reviewing…")
	inBackground(r.s, func() ([]retentionRow, error) {
		var rows []retentionRow
		err := svc.ReviewRetention(ctx, day, func(c records.RetentionCandidate) error {
			rows = append(rows, retentionRow{RetentionCandidate: c})
			return nil
		})
		return rows, err
	}, func(rows []retentionRow, err error) {
		if err != nil {
			r.summary.SetText("")
			r.s.showError(err)
			return
		}
		r.day, r.rows, r.chosen = day, rows, map[records.ID]bool{}
		r.refresh()
	})
}

// refresh shows the rows with their choice marks and the summary.
func (r *retentionScreen) refresh() {
	blocked := 0
	for i := range r.rows {
		r.rows[i].chosen = r.chosen[r.rows[i].Volume.ID]
		if r.rows[i].Blocked() != "" {
			blocked++
		}
	}
	r.table.set(r.rows, "No folder may be destroyed on "+r.day.String()+" under the retention policy.")
	text := fmt.Sprintf("%s eligible on %s", plural(len(r.rows), "folder"), r.day)
	if blocked > 0 {
		text += fmt.Sprintf(" (%d not in file)", blocked)
	}
	text += fmt.Sprintf("; %d chosen.", len(r.chosen))
	r.summary.SetText(text)
	if len(r.chosen) > 0 {
		r.destroy.Enable()
	} else {
		r.destroy.Disable()
	}
}

// toggle chooses or un-chooses a folder; one not in file cannot be chosen.
func (r *retentionScreen) toggle(id records.ID) {
	for _, x := range r.rows {
		if x.Volume.ID != id {
			continue
		}
		if b := x.Blocked(); b != "" && !r.chosen[id] {
			r.summary.SetText(x.Volume.Barcode + " cannot be chosen: " + b + ".")
			return
		}
	}
	if r.chosen[id] {
		delete(r.chosen, id)
	} else {
		r.chosen[id] = true
	}
	r.refreshKeepingScroll()
}

// refreshKeepingScroll redraws the marks without moving the list.
func (r *retentionScreen) refreshKeepingScroll() {
	for i := range r.rows {
		r.rows[i].chosen = r.chosen[r.rows[i].Volume.ID]
	}
	r.table.rows = r.rows
	r.table.table.Refresh()
	r.summary.SetText(fmt.Sprintf("%s eligible on %s; %d chosen.", plural(len(r.rows), "folder"), r.day, len(r.chosen)))
	if len(r.chosen) > 0 {
		r.destroy.Enable()
	} else {
		r.destroy.Disable()
	}
}

func (r *retentionScreen) selectAll() {
	for _, x := range r.rows {
		if x.Blocked() == "" {
			r.chosen[x.Volume.ID] = true
		}
	}
	r.refresh()
}

func (r *retentionScreen) selectNone() {
	r.chosen = map[records.ID]bool{}
	r.refresh()
}

// destructionForm is the batch form, then the confirmation.
type destructionForm struct {
	r                          *retentionScreen
	method, by, witness, date  *activeEntry
	note                       *activeEntry
	edit                       *editDialog
	confirm                    *dialog.CustomDialog
	confirmYes, confirmNo      *widget.Button
	input                      records.DestructionInput
	result                     records.DestructionBatch
	resultErr                  error
	doneDialog                 *dialog.CustomDialog
	openCertificate, closeDone *widget.Button
}

// openForm asks for the batch's facts; Save asks to confirm.
func (r *retentionScreen) openForm() {
	if len(r.chosen) == 0 {
		return
	}
	errs := newFormErrors()
	f := &destructionForm{r: r}
	f.method = errs.field("Method", newEntry(r.s, "e.g. cross-cut shredding by a bonded vendor"))
	f.by = errs.field("Destroyed by", newEntry(r.s, "the person who destroyed them"))
	f.witness = errs.field("Witness", newEntry(r.s, "another person who saw it done"))
	f.date = errs.field("Date", newEntry(r.s, "YYYY-MM-DD"))
	f.date.SetText(r.s.today().String())
	f.note = errs.field("Note", newEntry(r.s, "optional"))
	items := []*widget.FormItem{
		widget.NewFormItem("Method", f.method), widget.NewFormItem("Destroyed by", f.by),
		widget.NewFormItem("Witness", f.witness), widget.NewFormItem("Date destroyed", f.date),
		widget.NewFormItem("Note", f.note),
	}
	var ids []records.ID
	for _, x := range r.rows {
		if r.chosen[x.Volume.ID] {
			ids = append(ids, x.Volume.ID)
		}
	}
	r.lastForm = f
	f.edit = showEditDialog(r.s, "Record the destruction of "+plural(len(ids), "folder"), "Continue…", items, errs, func() error {
		d, err := dateField("Date", f.date.Text)
		if err != nil {
			return err
		}
		f.input = records.DestructionInput{Date: d, Method: f.method.Text, DestroyedBy: f.by.Text, Witness: f.witness.Text, Note: f.note.Text, VolumeIDs: ids}
		check := f.input
		if err := records.ValidateDestruction(&check, r.s.today()); err != nil {
			return err
		}
		// Hide the form first: hiding a dialog also removes the ones shown
		// above it.
		f.edit.d.Hide()
		f.askConfirm(check)
		return nil
	})
}

// askConfirm shows what will be recorded and that it cannot be undone.
func (f *destructionForm) askConfirm(in records.DestructionInput) {
	s := f.r.s
	text := fmt.Sprintf("Record that %s were destroyed on %s (%s) by %s, witnessed by %s?\n\n"+
		"This cannot be undone: the folders can never be checked out, checked in or moved again. "+
		"Their patients stay in the index.", plural(len(in.VolumeIDs), "folder"), in.Date, in.Method, in.DestroyedBy, in.Witness)
	msg := widget.NewLabel(text)
	msg.Wrapping = fyne.TextWrapWord
	f.confirmYes = widget.NewButtonWithIcon("Destroy "+plural(len(in.VolumeIDs), "folder"), theme.DeleteIcon(), nil)
	f.confirmYes.Importance = widget.DangerImportance
	f.confirmNo = widget.NewButtonWithIcon("Go back", theme.CancelIcon(), nil)
	body := container.NewVBox(msg, container.NewHBox(layout.NewSpacer(), f.confirmNo, f.confirmYes))
	f.confirm = dialog.NewCustomWithoutButtons("This cannot be undone", container.New(minWidth{520}, body), s.win)
	f.confirmNo.OnTapped = guarded(func() {
		f.confirm.Hide()
		f.edit.d.Show() // back to the form, as it was typed
	})
	f.confirmYes.OnTapped = guarded(func() {
		f.confirm.Hide()
		f.record()
	})
	f.confirm.Show()
}

// record saves the batch, then offers its certificate.
func (f *destructionForm) record() {
	r := f.r
	ctx, svc, in := r.s.ctx(), r.s.svc, f.input
	inBackground(r.s, func() (records.DestructionBatch, error) {
		return svc.RecordDestruction(ctx, in)
	}, func(b records.DestructionBatch, err error) {
		f.result, f.resultErr = b, err
		if err != nil {
			r.s.showError(err)
			return
		}
		r.loadBatches()
		r.review()
		if r.s.main != nil {
			r.s.main.changed()
		}
		f.showDone(b)
	})
}

// showDone says the batch is recorded and offers the certificate.
func (f *destructionForm) showDone(b records.DestructionBatch) {
	s := f.r.s
	msg := widget.NewLabel(fmt.Sprintf("Destruction batch %d is recorded: %s destroyed on %s.\nPrint its certificate for the signatures of %s and %s.",
		b.ID, plural(b.Count, "folder"), b.Date, b.DestroyedBy, b.Witness))
	msg.Wrapping = fyne.TextWrapWord
	f.openCertificate = widget.NewButtonWithIcon("Open the certificate", theme.DocumentPrintIcon(), nil)
	f.openCertificate.Importance = widget.HighImportance
	f.closeDone = widget.NewButtonWithIcon("Close", theme.CancelIcon(), nil)
	f.doneDialog = dialog.NewCustomWithoutButtons("Batch "+strconv.FormatInt(int64(b.ID), 10)+" recorded",
		container.New(minWidth{480}, container.NewVBox(msg, container.NewHBox(layout.NewSpacer(), f.closeDone, f.openCertificate))), s.win)
	f.closeDone.OnTapped = guarded(f.doneDialog.Hide)
	f.openCertificate.OnTapped = guarded(func() {
		f.doneDialog.Hide()
		f.r.certificate(b.ID)
	})
	f.doneDialog.Show()
}

// certificate opens a batch's certificate of destruction.
func (r *retentionScreen) certificate(id records.ID) {
	openReport(r.s, reports.ReportDestructionCertificate, reports.Params{BatchID: id}, fmt.Sprintf("destruction-certificate-%d", id))
}

// loadBatches fills the list of recorded batches, newest first.
func (r *retentionScreen) loadBatches() {
	ctx, svc := r.s.ctx(), r.s.svc
	inBackground(r.s, func() ([]records.DestructionBatch, error) { return svc.ListDestructionBatches(ctx) },
		func(list []records.DestructionBatch, err error) {
			if err != nil {
				r.s.showError(err)
				return
			}
			r.list = list
			opts := make([]string, len(list))
			for i, b := range list {
				opts[i] = fmt.Sprintf("Batch %d · %s · %s", b.ID, b.Date, plural(b.Count, "folder"))
			}
			r.batches.SetOptions(opts)
			if len(opts) > 0 {
				r.batches.SetSelectedIndex(0)
			}
		})
}
