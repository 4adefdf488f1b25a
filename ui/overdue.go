package ui

import (
	"context"
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

// overdueTitle names the worklist in the navigation.
const overdueTitle = "Overdue charts"

// overdueRow is a line of the overdue worklist: a borrower's heading (with
// how many of their charts are late) or one of their overdue folders.
type overdueRow struct {
	borrowerID records.ID
	borrower   string
	heading    bool
	count      int    // on a heading: the borrower's overdue folders
	contact    string // on a heading: phone or room
	v          records.Volume
	daysLate   int
}

// overdueScreen is the on-screen overdue list, grouped by borrower: the
// clerk calls or walks round, checks in what comes back, and prints a
// notice for a borrower who needs one.
type overdueScreen struct {
	s       *shell
	filter  *activeEntry
	table   *rowTable[overdueRow]
	summary *widget.Label
	did     *widget.Label // what the last check-in did, kept across reloads
	checkIn *widget.Button
	notice  *widget.Button
	root    fyne.CanvasObject
	all     []overdueRow
	seq     int // loads asked for; an older answer is dropped
}

func newOverdueScreen(s *shell) *overdueScreen {
	o := &overdueScreen{s: s}
	o.filter = newEntry(s, "Borrower, patient or chart number…")
	o.filter.OnChanged = guarded1(func(string) { o.applyFilter() })
	o.filter.onKey = func(k *fyne.KeyEvent) bool {
		switch k.Name {
		case fyne.KeyDown:
			o.table.move(1)
			return true
		case fyne.KeyUp:
			o.table.move(-1)
			return true
		}
		return false
	}
	o.table = newRowTable([]column[overdueRow]{
		{"Borrower / patient", 300, func(r overdueRow) string {
			if r.heading && r.contact != "" {
				return r.borrower + " · " + r.contact
			}
			if r.heading {
				return r.borrower
			}
			return "    " + r.v.PatientName
		}},
		{"Chart", 110, func(r overdueRow) string {
			if r.heading {
				return ""
			}
			return s.mrn(r.v.MRN)
		}},
		{"Folder", 150, func(r overdueRow) string {
			if r.heading {
				return plural(r.count, "chart") + " overdue"
			}
			return r.v.Label()
		}},
		{"Due", 110, func(r overdueRow) string {
			if r.heading {
				return ""
			}
			return r.v.Due.String()
		}},
		{"Days late", 90, func(r overdueRow) string {
			if r.heading {
				return ""
			}
			return strconv.Itoa(r.daysLate)
		}},
	}, func(r overdueRow) { o.checkInRow(r) })
	o.table.onSelect = func(r overdueRow) { o.selected(r) }
	o.summary = hint("")
	o.did = widget.NewLabel("")
	o.did.Importance = widget.SuccessImportance
	o.did.Hide()
	o.checkIn = widget.NewButtonWithIcon("Check in", theme.DownloadIcon(), guarded(func() {
		if r, ok := o.table.current(); ok {
			o.checkInRow(r)
		}
	}))
	o.notice = widget.NewButtonWithIcon("Print notice for this borrower", theme.DocumentPrintIcon(), guarded(func() {
		if r, ok := o.table.current(); ok {
			o.printNotice(r)
		}
	}))
	reload := widget.NewButtonWithIcon("Refresh", theme.ViewRefreshIcon(), guarded(o.load))
	o.checkIn.Disable()
	o.notice.Disable()
	top := container.NewVBox(
		container.NewBorder(nil, nil, nil, reload, o.filter),
		container.NewHBox(o.checkIn, o.notice),
		o.summary, o.did,
	)
	o.root = screenFrame(overdueTitle, "Charts past their due date and still out, by borrower. Up and Down in the box choose a row; "+
		"check in a chart that came back, or print the borrower a notice.", top, o.table.view())
	return o
}

func (o *overdueScreen) view() fyne.CanvasObject { return o.root }

func (o *overdueScreen) shown() {
	o.s.win.Canvas().Focus(o.filter)
	o.load()
}

// load lists the folders overdue today, grouped by borrower.
func (o *overdueScreen) load() { o.read(o.s.ctx(), o.s.showError, false) }

// reload is load after a change made elsewhere: the row selected stays
// selected, the filter typed stays, and a failure goes to the log.
func (o *overdueScreen) reload() {
	o.read(o.s.ctxQuiet(), o.s.quietError("reloading the overdue charts"), true)
}

// read lists the overdue folders in ctx in the background, keeping the
// selected row when keep is set, or tells failed why it could not.
func (o *overdueScreen) read(ctx context.Context, failed func(error), keep bool) {
	o.seq++
	seq, svc, today := o.seq, o.s.svc, o.s.today()
	inBackground(o.s, func() ([]overdueRow, error) {
		return overdueRows(ctx, svc, today)
	}, func(rows []overdueRow, err error) {
		if seq != o.seq {
			return
		}
		if err != nil {
			failed(err)
			return
		}
		o.all = rows
		if keep {
			o.showRows(true)
		} else {
			o.applyFilter()
		}
	})
}

// overdueRows reads the overdue folders in borrower order and puts a
// heading before each borrower's.
func overdueRows(ctx context.Context, svc records.Service, today records.Date) ([]overdueRow, error) {
	var rows []overdueRow
	heading := -1
	err := svc.ListVolumes(ctx, records.VolumeFilter{OverdueOn: today, Order: records.OrderBorrower}, func(v records.Volume) error {
		if !records.Overdue(v, today) {
			return nil
		}
		if heading < 0 || rows[heading].borrowerID != v.BorrowerID {
			heading = len(rows)
			rows = append(rows, overdueRow{borrowerID: v.BorrowerID, borrower: v.BorrowerName, heading: true, contact: v.BorrowerTel})
		}
		rows[heading].count++
		rows = append(rows, overdueRow{borrowerID: v.BorrowerID, borrower: v.BorrowerName, v: v, daysLate: records.DaysOverdue(v, today)})
		return nil
	})
	return rows, err
}

// applyFilter shows the borrowers whose name, or one of whose overdue
// charts, matches the box; a borrower's heading shows with any of them.
func (o *overdueScreen) applyFilter() { o.showRows(false) }

// showRows shows the rows the filter matches; keep keeps the selected row
// (a reload), else the first row is selected.
func (o *overdueScreen) showRows(keep bool) {
	text := strings.ToLower(strings.TrimSpace(o.filter.Text))
	digitsOnly := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, text)
	matches := func(r overdueRow) bool {
		if text == "" || strings.Contains(strings.ToLower(r.borrower), text) {
			return true
		}
		if r.heading {
			return false
		}
		return strings.Contains(strings.ToLower(r.v.PatientName), text) ||
			(digitsOnly != "" && strings.Contains(r.v.MRN, digitsOnly)) || strings.EqualFold(r.v.Barcode, text)
	}
	var shown []overdueRow
	for i := 0; i < len(o.all); {
		j := i + 1
		for j < len(o.all) && !o.all[j].heading {
			j++
		}
		var group []overdueRow
		for _, r := range o.all[i+1 : j] {
			if matches(o.all[i]) || matches(r) {
				group = append(group, r)
			}
		}
		if len(group) > 0 {
			shown = append(append(shown, o.all[i]), group...)
		}
		i = j
	}
	borrowers, charts := 0, 0
	for _, r := range o.all {
		if r.heading {
			borrowers++
			charts += r.count
		}
	}
	empty := "No charts are overdue. Charts checked out and past their due date are listed here."
	if text != "" && len(o.all) > 0 {
		empty = "No overdue chart or borrower matches \"" + o.filter.Text + "\"."
	}
	if keep {
		o.table.replace(shown, empty, overdueRowKey)
	} else {
		o.table.set(shown, empty)
	}
	if charts > 0 {
		o.summary.SetText(plural(charts, "chart") + " overdue with " + plural(borrowers, "borrower") + ".")
	} else {
		o.summary.SetText("")
	}
	o.checkIn.Disable()
	o.notice.Disable()
	if r, ok := o.table.current(); ok {
		o.selected(r)
	} else if len(shown) > 0 && !keep {
		o.table.selectRow(0)
	}
}

// overdueRowKey tells the rows apart across a reload: a folder by its id,
// a borrower's heading by the borrower's id made negative.
func overdueRowKey(r overdueRow) records.ID {
	if r.heading {
		return -r.borrowerID
	}
	return r.v.ID
}

func (o *overdueScreen) selected(r overdueRow) {
	o.notice.Enable()
	if r.heading {
		o.checkIn.Disable()
	} else {
		o.checkIn.Enable()
	}
}

// checkInRow checks a folder in from the list, as the scan station would.
func (o *overdueScreen) checkInRow(r overdueRow) {
	if r.heading {
		return
	}
	ctx, svc, v := o.s.ctx(), o.s.svc, r.v
	o.checkIn.Disable()
	inBackground(o.s, func() (records.CheckInResult, error) { return svc.CheckIn(ctx, v.Barcode) },
		func(res records.CheckInResult, err error) {
			if err != nil {
				o.s.showError(err)
				o.load()
				return
			}
			o.did.SetText("Checked in " + v.Barcode + " (" + v.PatientName + ") from " + r.borrower + ".")
			o.did.Show()
			o.s.win.Canvas().Focus(o.filter)
			if o.s.main != nil {
				o.s.main.changed()
			}
			if msg := checkInNotes(res); msg != "" {
				showNotice(o.s, "Checked in "+v.Barcode, msg)
			}
			o.load()
		})
}

// printNotice prints the overdue notice of the row's borrower (the Reports
// page's "Overdue notice" for that borrower alone).
func (o *overdueScreen) printNotice(r overdueRow) {
	p := reports.Params{Now: o.s.now(), BorrowerID: r.borrowerID}
	base := "overdue-notice-" + safeFileName(r.borrower) + "-" + o.s.today().String()
	ctx, svc := o.s.ctx(), o.s.svc
	wait := dialog.NewCustomWithoutButtons("Making the notice…", hint("One moment."), o.s.win)
	wait.Show()
	var warnings []string
	inBackground(o.s, func() (string, error) {
		made, err := makeReport(ctx, svc, reports.ReportOverdueNotices, p)
		if err != nil {
			return "", err
		}
		warnings = made.warnings
		path, err := writeTempPDF(base, made.pdf)
		if err != nil {
			return "", err
		}
		_, err = printFile(context.Background(), path)
		if err != nil {
			return path, err
		}
		return path, nil
	}, func(path string, err error) {
		wait.Hide()
		showReportWarnings(o.s, warnings)
		switch {
		case err != nil && path != "":
			offerSaveAs(o.s, "Notice not printed", sentence(records.ErrorMessage(err))+"\n\nYou can save the notice as a PDF in a folder you choose.", path)
		case err != nil:
			o.s.showError(err)
		default:
			dialog.ShowInformation("Printing", "The overdue notice for "+r.borrower+" was sent to the printer.", o.s.win)
		}
	})
}
