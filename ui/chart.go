package ui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/reports"
)

// chartView shows one patient's chart: details, folders and where each is,
// what happened to them, what is wanted and what papers wait.
type chartView struct {
	s         *shell
	patientID records.ID
	back      func()

	data     chartData
	title    *widget.Label
	details  *widget.Label
	notice   *widget.Label
	volumes  *rowTable[records.Volume]
	history  *rowTable[records.Movement]
	requests *rowTable[records.Request]
	loose    *rowTable[records.LooseFiling]
	discl    *disclosuresPanel
	tabs     *container.AppTabs
	split    *container.Split // the folders above, the tabs below

	edit, addVolume                       *widget.Button
	checkOut, checkIn, handOff, missing   *widget.Button
	found, label, outguide, historyReport *widget.Button
	root                                  fyne.CanvasObject

	// onData is called when a read of the chart has ended, before the
	// chart is shown or its error told (openChart puts the view on show
	// then); onShow is set once the view is on show.
	onData func()
	onShow bool
	// gen counts the view's uses: a view that leaves the window is emptied
	// and kept for the next chart (reset), and a read that answers after
	// that is dropped, so one patient's chart can never show in another's.
	gen int

	hold       *widget.Button // legal hold toggle (chart_hold.go)
	holdDialog *editDialog
	holdReason *activeEntry
}

// chartData is everything the chart view shows, read in one go.
type chartData struct {
	patient  records.Patient
	volumes  []records.Volume
	history  []records.Movement
	requests []records.Request
	loose    []records.LooseFiling
	// The chart's disclosures and the patient's requests for an accounting.
	disclosures []records.Disclosure
	accounting  []records.AccountingRequest
}

// newChartView builds the view of a chart; the caller sets patientID and
// back before it loads.
func newChartView(s *shell) *chartView {
	c := &chartView{s: s}
	c.title = heading(chartLoading)
	c.details = widget.NewLabel("")
	c.details.Wrapping = fyne.TextWrapWord
	c.notice = widget.NewLabel("")
	c.notice.Importance = widget.WarningImportance
	c.notice.Hide()

	c.volumes = newRowTable([]column[records.Volume]{
		{"Barcode", 120, func(v records.Volume) string { return v.Barcode }},
		{"Folder", 140, func(v records.Volume) string { return v.Label() }},
		{"State", 110, func(v records.Volume) string { return stateLabel(v.State) }},
		{"Location or borrower", 260, func(v records.Volume) string { return v.Where() }},
		{"Out since", 140, func(v records.Volume) string { return when(v.OutSince) }},
		{"Due", 150, func(v records.Volume) string { return dueText(v, s.today()) }},
	}, nil)
	c.volumes.onSelect = func(records.Volume) { c.updateActions() }
	c.volumes.tone = func(v records.Volume) widget.Importance { return volumeTone(v, s.today()) }

	c.history = newRowTable([]column[records.Movement]{
		{"When", 140, func(m records.Movement) string { return when(m.At) }},
		{"What", 120, func(m records.Movement) string { return m.Kind.Label() }},
		{"Folder", 120, func(m records.Movement) string { return m.VolumeLabel }},
		{"From", 170, movementFrom},
		{"To", 170, movementTo},
		{"By", 90, func(m records.Movement) string { return m.Username }},
		{"Note", 120, func(m records.Movement) string { return m.Note }},
	}, nil)
	c.requests = newRowTable([]column[records.Request]{
		{"Needed", 130, func(r records.Request) string { return strings.TrimSpace(r.NeededOn.String() + " " + r.NeededAt) }},
		{"Borrower", 200, func(r records.Request) string { return r.BorrowerName }},
		{"Folder", 120, func(r records.Request) string { return r.VolumeLabel }},
		{"State", 100, func(r records.Request) string { return requestStateLabel(r.State) }},
		{"Reason", 260, func(r records.Request) string { return r.Reason }},
	}, nil)
	c.requests.tone = requestTone
	c.loose = newRowTable([]column[records.LooseFiling]{
		{"Received", 110, func(l records.LooseFiling) string { return l.Received.String() }},
		{"Description", 320, func(l records.LooseFiling) string { return l.Description }},
		{"From", 200, func(l records.LooseFiling) string { return l.From }},
	}, nil)

	c.edit = widget.NewButtonWithIcon("Edit details…", theme.DocumentCreateIcon(), guarded(c.editPatient))
	if !s.can(records.RoleSupervisor) {
		c.edit.Hide()
	}
	c.addVolume = widget.NewButtonWithIcon("Add folder…", theme.ContentAddIcon(), guarded(c.addFolder))
	c.checkOut = widget.NewButtonWithIcon("Check out…", theme.MailSendIcon(), guarded(c.doCheckOut))
	c.checkIn = widget.NewButtonWithIcon("Check in", theme.MailReplyIcon(), guarded(c.doCheckIn))
	c.handOff = widget.NewButtonWithIcon("Hand off…", theme.MailForwardIcon(), guarded(c.doHandOff))
	c.missing = widget.NewButtonWithIcon("Mark missing…", theme.QuestionIcon(), guarded(c.doMissing))
	c.found = widget.NewButtonWithIcon("Found…", theme.ConfirmIcon(), guarded(c.doFound))
	c.label = widget.NewButtonWithIcon("Label", theme.DocumentPrintIcon(), guarded(c.printLabel))
	c.outguide = widget.NewButtonWithIcon("Outguide", theme.DocumentPrintIcon(), guarded(c.printOutguide))
	c.historyReport = widget.NewButtonWithIcon("History PDF", theme.DocumentPrintIcon(), guarded(c.printHistory))

	// The view may be built before its chart is chosen (a spare, see
	// prepareSpare): Back is looked up when pressed.
	backButton := widget.NewButtonWithIcon("Back (Ctrl+B)", theme.NavigateBackIcon(), guarded(func() { c.back() }))
	c.hold = newHoldButton(c)
	// Rows of buttons wrap, so a narrow window still shows them all.
	printing := container.New(layout.NewRowWrapLayout(), c.label, c.outguide, c.historyReport, c.edit, c.hold)
	top := container.NewVBox(
		container.NewBorder(nil, nil, backButton, nil, c.title),
		printing, c.details, c.notice,
	)
	actions := container.New(layout.NewRowWrapLayout(), c.checkOut, c.checkIn, c.handOff, c.missing, c.found, c.addVolume)
	folders := container.NewBorder(container.NewVBox(heading("Folders"), actions), nil, nil, nil, c.volumes.view())
	c.discl = newDisclosuresPanel(c)
	c.tabs = container.NewAppTabs(
		container.NewTabItem(tabHistory, c.history.view()),
		container.NewTabItem(tabRequests, c.requests.view()),
		container.NewTabItem(tabLoose, c.loose.view()),
		container.NewTabItem(tabDisclosures, c.discl.root),
	)
	c.split = container.NewVSplit(folders, c.tabs)
	c.split.SetOffset(chartSplit)
	c.root = container.NewBorder(top, nil, nil, nil, c.split)
	c.updateActions()
	return c
}

const (
	chartLoading = "Loading the chart…"
	// The chart's tabs; all but History say how many rows they hold once
	// the chart is read.
	tabHistory     = "History"
	tabRequests    = "Requests"
	tabLoose       = "Loose papers"
	tabDisclosures = "Disclosures"
	// chartSplit is the share of the view's height the folders start with.
	chartSplit = 0.45
)

// reset empties the view for the next chart it will show: nothing of the
// patient it showed is left in it, a read still under way for that
// patient is dropped when it answers, and it reads as a view just built
// (first tab, the split where it starts, each table in its first order
// and widths, at its top). mainWindow keeps a chart's view this way when
// the chart leaves the window: building one for each chart left Fyne a
// minute of discarded views to keep and the collector to mark.
func (c *chartView) reset() {
	c.gen++
	c.patientID = 0
	c.onData, c.onShow = nil, false
	c.data = chartData{}
	c.title.SetText(chartLoading)
	c.details.SetText("")
	c.notice.SetText("")
	c.notice.Hide()
	c.hold.SetText(holdText(records.Patient{}))
	c.volumes.reset()
	c.history.reset()
	c.requests.reset()
	c.loose.reset()
	c.discl.reset()
	for i, title := range []string{tabHistory, tabRequests, tabLoose, tabDisclosures} {
		c.tabs.Items[i].Text = title
	}
	c.tabs.SelectIndex(0)
	c.tabs.Refresh()
	c.split.SetOffset(chartSplit)
	c.updateActions()
}

func (c *chartView) view() fyne.CanvasObject { return c.root }

// dueText is the due date, with how late it is when overdue.
func dueText(v records.Volume, today records.Date) string {
	if v.Due.IsZero() {
		return ""
	}
	if n := records.DaysOverdue(v, today); n > 0 {
		return fmt.Sprintf("%s (%s late)", v.Due, plural(n, "day"))
	}
	return v.Due.String()
}

func movementFrom(m records.Movement) string {
	if m.FromBorrower != "" {
		return m.FromBorrower
	}
	return m.FromLocation
}

func movementTo(m records.Movement) string {
	if m.ToBorrower != "" {
		return m.ToBorrower
	}
	return m.ToLocation
}

// load reads the chart in the background and shows it. A view emptied
// for the next chart (reset) has none to read.
func (c *chartView) load() {
	if c.patientID != 0 {
		c.read(c.s.ctx(), c.s.showError)
	}
}

// reload is load for a change made elsewhere: it does not count as the
// clerk's activity, and a failure goes to the log, not a dialog.
func (c *chartView) reload() {
	if c.patientID != 0 {
		c.read(c.s.ctxQuiet(), c.s.quietError("reloading the chart"))
	}
}

// read reads the chart in ctx in the background and shows it, or tells
// failed why it could not.
func (c *chartView) read(ctx context.Context, failed func(error)) {
	svc, id := c.s.svc, c.patientID
	inBackground(c.s, func() (chartData, error) { return readChart(ctx, svc, id) }, c.answer(c.gen, failed))
}

// readChart reads everything the chart view of patient id shows.
func readChart(ctx context.Context, svc records.Service, id records.ID) (chartData, error) {
	var d chartData
	var err error
	if d.patient, err = svc.Patient(ctx, id); err != nil {
		return d, err
	}
	if d.volumes, err = svc.VolumesOfPatient(ctx, id); err != nil {
		return d, err
	}
	if d.history, err = svc.History(ctx, records.HistoryFilter{PatientID: id, Limit: 500}); err != nil {
		return d, err
	}
	if d.requests, err = svc.ListRequests(ctx, records.RequestFilter{PatientID: id, States: []records.RequestState{records.RequestPending, records.RequestPulled}}); err != nil {
		return d, err
	}
	if d.loose, err = svc.ListLooseFiling(ctx, id, records.LooseWaiting); err != nil {
		return d, err
	}
	if d.disclosures, err = svc.ListDisclosures(ctx, records.DisclosureFilter{PatientID: id}); err != nil {
		return d, err
	}
	d.accounting, err = svc.ListAccountingRequests(ctx, records.AccountingRequestFilter{PatientID: id})
	return d, err
}

// answer takes a read of the chart begun in the view's use gen: it shows
// the chart, or tells failed why it could not, unless the view has been
// emptied for another chart since (reset).
func (c *chartView) answer(gen int, failed func(error)) func(chartData, error) {
	return func(d chartData, err error) {
		if c.gen != gen {
			return
		}
		if c.onData != nil {
			c.onData()
		}
		if err != nil {
			failed(err)
			return
		}
		c.show(d)
		// `chartroom bench` times Enter in Find to this line (--verbose).
		c.s.log.Debug("chart: folders shown", "mrn", d.patient.MRN, "folders", len(d.volumes))
	}
}

func (c *chartView) show(d chartData) {
	reload := d.patient.ID != 0 && c.data.patient.ID == d.patient.ID
	c.data = d
	p := d.patient
	c.title.SetText(fmt.Sprintf("%s   %s", c.s.mrn(p.MRN), p.DisplayName()))
	c.details.SetText(patientDetails(p))
	var notes []string
	if p.Status == records.PatientMerged {
		notes = append(notes, "This chart number was merged into "+c.s.mrn(p.MergedInto)+".")
	}
	if p.LegalHold {
		notes = append(notes, "Legal hold: this chart must not be destroyed.")
	}
	if len(d.loose) > 0 {
		notes = append(notes, plural(len(d.loose), "batch")+" of loose papers wait to be filed in this chart.")
	}
	c.hold.SetText(holdText(p))
	c.notice.SetText(strings.Join(notes, "  "))
	c.notice.Hidden = len(notes) == 0
	c.notice.Refresh()

	const (
		noFolders  = "This patient has no folders yet. Add one with Add folder."
		noMoves    = "No movements yet."
		noRequests = "No open requests for this chart."
		noLoose    = "No loose papers waiting."
	)
	if reload {
		// After a change the folder selected stays selected, and the
		// lists stay where the clerk scrolled them.
		c.volumes.replace(d.volumes, noFolders, func(v records.Volume) records.ID { return v.ID })
		if _, ok := c.volumes.current(); !ok && len(d.volumes) > 0 {
			c.volumes.selectRow(0)
		}
		c.history.replace(d.history, noMoves, func(m records.Movement) records.ID { return m.ID })
		c.requests.replace(d.requests, noRequests, func(r records.Request) records.ID { return r.ID })
		c.loose.replace(d.loose, noLoose, func(l records.LooseFiling) records.ID { return l.ID })
	} else {
		// A chart just opened is drawn once, its first folder selected.
		c.volumes.setSelecting(d.volumes, noFolders, func(records.Volume) bool { return true })
		c.history.set(d.history, noMoves)
		c.requests.set(d.requests, noRequests)
		c.loose.set(d.loose, noLoose)
	}
	c.tabs.Items[1].Text = fmt.Sprintf("%s (%d)", tabRequests, len(d.requests))
	c.tabs.Items[2].Text = fmt.Sprintf("%s (%d)", tabLoose, len(d.loose))
	c.discl.show(d.disclosures, d.accounting)
	c.tabs.Items[3].Text = fmt.Sprintf("%s (%d)", tabDisclosures, len(d.disclosures))
	c.tabs.Refresh()
	c.updateActions()
}

// patientDetails is the line under the chart's title.
func patientDetails(p records.Patient) string {
	parts := []string{}
	if !p.DOB.IsZero() {
		parts = append(parts, "Born "+p.DOB.String())
	}
	parts = append(parts, "Sex "+p.Sex)
	if p.Phone != "" {
		parts = append(parts, "Phone "+p.Phone)
	}
	if !p.LastVisit.IsZero() {
		parts = append(parts, "Last visit "+p.LastVisit.String())
	}
	if !p.Deceased.IsZero() {
		parts = append(parts, "Died "+p.Deceased.String())
	}
	if p.ExternalID != "" {
		parts = append(parts, "External id "+p.ExternalID)
	}
	// The status is the chart's (active, inactive, merged, destroyed), not
	// the patient's: "Status active" beside a date of death read as alive.
	parts = append(parts, "Chart "+string(p.Status))
	return strings.Join(parts, "   ·   ")
}

// updateActions enables what makes sense for the selected folder's state.
func (c *chartView) updateActions() {
	v, ok := c.volumes.current()
	set := func(b *widget.Button, on bool) {
		if on {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	set(c.checkOut, ok && v.State == records.StateInFile)
	set(c.checkIn, ok && (v.State.Out() || v.State == records.StateMissing))
	set(c.handOff, ok && v.State.Out())
	set(c.missing, ok && (v.State == records.StateInFile || v.State.Out()))
	set(c.found, ok && v.State == records.StateMissing)
	set(c.label, len(c.data.volumes) > 0)
	set(c.outguide, ok)
	set(c.historyReport, c.data.patient.ID != 0)
	set(c.addVolume, c.data.patient.ID != 0)
	set(c.edit, c.data.patient.ID != 0)
}

// afterMove reloads the chart and the status bar counts.
func (c *chartView) afterMove() {
	c.load()
	if c.s.main != nil {
		c.s.main.changed()
	}
}

func (c *chartView) editPatient() {
	showPatientDialog(c.s, c.data.patient, func(records.Patient) { c.load() })
}

func (c *chartView) doCheckOut() { c.moveOut(false) }
func (c *chartView) doHandOff()  { c.moveOut(true) }

// moveOut asks for a borrower (and optionally a due date) and checks the
// selected folder out, or hands it off from its current borrower.
func (c *chartView) moveOut(handOff bool) *editDialog {
	v, ok := c.volumes.current()
	if !ok {
		return nil
	}
	borrowers, err := activeBorrowers(c.s)
	if err != nil {
		c.s.showError(err)
		return nil
	}
	if len(borrowers) == 0 {
		showNoBorrowers(c.s)
		return nil
	}
	errs := newFormErrors()
	pick := newBorrowerSelect(borrowers)
	due := errs.field("Due", newEntry(c.s, "empty: the loan period decides"))
	note := errs.field("Purpose", newEntry(c.s, "required for an outside party: why the chart goes"))
	category := newPurposeSelect()
	categoryItem := widget.NewFormItem("Category", category)
	categoryItem.HintText = "an outside party: the check-out is recorded as a disclosure"
	showCategory := func() {
		if b, ok := pick.selected(); ok && b.Kind == records.BorrowerExternal {
			category.Show()
		} else {
			category.Hide()
		}
	}
	pick.sel.OnChanged = guarded1(func(string) { showCategory() })
	showCategory()
	title, confirm := "Check out "+v.Barcode+" ("+v.Label()+")", "Check out"
	if handOff {
		title, confirm = "Hand off "+v.Barcode+" from "+v.BorrowerName, "Hand off"
	}
	items := []*widget.FormItem{
		widget.NewFormItem("Borrower", pick.sel),
		widget.NewFormItem("Due", due),
		widget.NewFormItem("Purpose", note),
		categoryItem,
	}
	return showWriteDialog(c.s, title, confirm, items, errs, func() (formWrite, error) {
		b, ok := pick.selected()
		if !ok {
			return formWrite{}, records.FieldError("Borrower", "choose who takes the chart")
		}
		d, err := dateField("Due", due.Text)
		if err != nil {
			return formWrite{}, err
		}
		in := records.CheckOutInput{Barcode: v.Barcode, BorrowerID: b.ID, Due: d, HandOff: handOff, Note: note.Text}
		if b.Kind == records.BorrowerExternal {
			in.Purpose = selectedPurpose(category)
		}
		ctx, svc := c.s.ctx(), c.s.svc
		var res records.CheckOutResult
		return formWrite{
			write: func() (err error) {
				res, err = svc.CheckOut(ctx, in)
				return err
			},
			after: func() {
				c.afterMove()
				if msg := checkOutNotes(res); msg != "" {
					showNotice(c.s, "Checked out "+v.Barcode, msg)
				}
			},
		}, nil
	})
}

func (c *chartView) doCheckIn() {
	v, ok := c.volumes.current()
	if !ok {
		return
	}
	ctx, svc := c.s.ctx(), c.s.svc
	inBackground(c.s, func() (records.CheckInResult, error) { return svc.CheckIn(ctx, v.Barcode) },
		func(res records.CheckInResult, err error) {
			if err != nil {
				c.s.showError(err)
				return
			}
			c.afterMove()
			if msg := checkInNotes(res); msg != "" {
				showNotice(c.s, "Checked in "+v.Barcode, msg)
			}
		})
}

func (c *chartView) doMissing() {
	v, ok := c.volumes.current()
	if !ok {
		return
	}
	ctx, svc := c.s.ctx(), c.s.svc
	c.askNote("Mark "+v.Barcode+" missing", "Mark missing", "where it was last seen, who looked", func(note string) error {
		_, err := svc.MarkMissing(ctx, v.ID, note)
		return err
	})
}

func (c *chartView) doFound() {
	v, ok := c.volumes.current()
	if !ok {
		return
	}
	ctx, svc := c.s.ctx(), c.s.svc
	c.askNote(v.Barcode+" was found", "Found", "where it turned up", func(note string) error {
		_, err := svc.MarkFound(ctx, v.ID, note)
		return err
	})
}

// askNote asks for a note and runs do with it in the background.
func (c *chartView) askNote(title, confirm, placeholder string, do func(note string) error) {
	errs := newFormErrors()
	note := errs.field("Note", newEntry(c.s, placeholder))
	showWriteDialog(c.s, title, confirm, []*widget.FormItem{widget.NewFormItem("Note", note)}, errs, func() (formWrite, error) {
		text := note.Text
		return formWrite{write: func() error { return do(text) }, after: c.afterMove}, nil
	})
}

// addFolder opens a new folder (volume) for the patient, in file.
func (c *chartView) addFolder() {
	types, err := c.s.svc.ListRecordTypes(c.s.ctx())
	if err != nil {
		c.s.showError(err)
		return
	}
	var names []string
	var active []records.RecordType
	def := ""
	for _, t := range types {
		if t.Active {
			active = append(active, t)
			names = append(names, t.Name)
			if t.Default {
				def = t.Name
			}
		}
	}
	errs := newFormErrors()
	kind := newSelect(names, nil)
	kind.SetSelected(def)
	barcode := errs.field("Barcode", newEntry(c.s, "empty: Chartroom makes one"))
	items := []*widget.FormItem{widget.NewFormItem("Record type", kind), widget.NewFormItem("Barcode", barcode)}
	patientID := c.patientID // as the disclosures' dialogs do
	showWriteDialog(c.s, "Add a folder for "+c.data.patient.DisplayName(), "Add", items, errs, func() (formWrite, error) {
		idx := kind.SelectedIndex()
		if idx < 0 {
			return formWrite{}, records.FieldError("Record type", "choose what kind of folder it is")
		}
		ctx, svc := c.s.ctx(), c.s.svc
		v := records.Volume{PatientID: patientID, RecordTypeID: active[idx].ID, Barcode: barcode.Text}
		return formWrite{write: func() error {
			_, err := svc.AddVolume(ctx, v)
			return err
		}, after: c.afterMove}, nil
	})
}

func (c *chartView) selectedOrAllVolumeIDs() []records.ID {
	if v, ok := c.volumes.current(); ok {
		return []records.ID{v.ID}
	}
	ids := make([]records.ID, len(c.data.volumes))
	for i, v := range c.data.volumes {
		ids[i] = v.ID
	}
	return ids
}

func (c *chartView) printLabel() {
	openReport(c.s, reports.ReportLabels, reports.Params{VolumeIDs: c.selectedOrAllVolumeIDs()}, "label-"+c.data.patient.MRN)
}

func (c *chartView) printOutguide() {
	openReport(c.s, reports.ReportOutguides, reports.Params{VolumeIDs: c.selectedOrAllVolumeIDs()}, "outguide-"+c.data.patient.MRN)
}

func (c *chartView) printHistory() {
	openReport(c.s, reports.ReportHistory, reports.Params{PatientID: c.patientID}, "history-"+c.data.patient.MRN)
}

// checkInNotes says what waits for a folder just checked in: loose papers
// to file into it, requests by other borrowers, a folder found.
func checkInNotes(res records.CheckInResult) string {
	var lines []string
	if res.WasMissing {
		lines = append(lines, "This folder was marked missing; it is now found and back in file.")
	}
	if n := len(res.LooseWaiting); n > 0 {
		l := plural(n, "batch") + " of loose papers wait for this chart:"
		for _, p := range res.LooseWaiting {
			l += "\n  • " + p.Received.String() + " " + p.Description
			if p.From != "" {
				l += " (from " + p.From + ")"
			}
		}
		lines = append(lines, l)
	}
	if n := len(res.Requests); n > 0 {
		l := "Requested by " + plural(n, "borrower") + ":"
		for _, r := range res.Requests {
			l += "\n  • " + r.BorrowerName + ", needed " + strings.TrimSpace(r.NeededOn.String()+" "+r.NeededAt)
			if r.Reason != "" {
				l += " (" + r.Reason + ")"
			}
		}
		lines = append(lines, l)
	}
	return strings.Join(lines, "\n\n")
}

// press runs a button's action from the keyboard, as long as the button
// offers it (shown and enabled for the selected folder).
func (c *chartView) press(b *widget.Button) {
	if b.Visible() && !b.Disabled() && b.OnTapped != nil {
		b.OnTapped()
	}
}
