package ui

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/csvimport"
	"github.com/chartroom/chartroom/reports"
)

// Request list filters by state.
const (
	stateOpen = "Open (pending or pulled)"
	stateAll  = "All states"
)

// requestsScreen queues requests for charts and makes the pull list: the
// charts to pull for a day, in the order of the shelves.
type requestsScreen struct {
	s     *shell
	from  *activeEntry
	to    *activeEntry
	state *selectBox
	list  *rowTable[records.Request]
	errs  *formErrors
	count *widget.Label

	pulled, checkOut, notFillable, cancel, open *widget.Button
	markAll, unmark                             *widget.Button
	root                                        fyne.CanvasObject
}

func newRequestsScreen(s *shell) *requestsScreen {
	r := &requestsScreen{s: s, errs: newFormErrors()}
	r.from = r.errs.field("From", newEntry(s, "YYYY-MM-DD"))
	r.to = r.errs.field("To", newEntry(s, "YYYY-MM-DD"))
	r.from.SetText(s.today().String())
	r.to.SetText(s.today().AddDays(7).String())
	r.from.OnSubmitted = guarded1(func(string) { r.shown() })
	r.to.OnSubmitted = guarded1(func(string) { r.shown() })
	states := []string{stateOpen, stateAll}
	for _, st := range records.RequestStates {
		states = append(states, requestStateLabel(st))
	}
	r.state = newSelect(states, guarded1(func(string) { r.shown() }))
	r.state.Selected = stateOpen
	r.list = newRowTable([]column[records.Request]{
		{"Needed", 120, func(q records.Request) string { return strings.TrimSpace(q.NeededOn.String() + " " + q.NeededAt) }},
		{"MRN", 90, func(q records.Request) string { return s.mrn(q.MRN) }},
		{"Name", 180, func(q records.Request) string { return q.PatientName }},
		{"Folder", 90, func(q records.Request) string { return q.VolumeLabel }},
		{"Where now", 170, requestWhere},
		{"For", 150, func(q records.Request) string { return q.BorrowerName }},
		{"State", 90, func(q records.Request) string { return requestStateLabel(q.State) }},
		{"Reason", 100, func(q records.Request) string { return strings.TrimSpace(q.Reason + " " + q.StateReason) }},
	}, func(q records.Request) { s.main.openChart(q.PatientID) })
	r.list.onSelect = func(records.Request) { r.updateActions() }
	r.list.tone = requestTone
	r.list.multi = true
	r.list.onMarked = func() { r.updateActions() }
	r.count = hint("")

	r.pulled = widget.NewButtonWithIcon("Pulled", theme.ConfirmIcon(), guarded(r.markPulled))
	r.checkOut = widget.NewButtonWithIcon("Check out to requester", theme.MailSendIcon(), guarded(r.checkOutToRequester))
	r.notFillable = widget.NewButtonWithIcon("Not fillable…", theme.WarningIcon(), guarded(func() { r.askReason(records.RequestNotFillable) }))
	r.cancel = widget.NewButtonWithIcon("Cancel request…", theme.CancelIcon(), guarded(func() { r.askReason(records.RequestCancelled) }))
	r.open = widget.NewButtonWithIcon("Open chart", theme.FolderOpenIcon(), guarded(func() {
		if q, ok := r.list.current(); ok {
			s.main.openChart(q.PatientID)
		}
	}))
	r.markAll = widget.NewButtonWithIcon("Mark all", theme.CheckButtonCheckedIcon(), guarded(r.list.markAll))
	r.unmark = widget.NewButtonWithIcon("Clear marks", theme.CheckButtonIcon(), guarded(r.list.unmarkAll))
	newReq := widget.NewButtonWithIcon("New request…", theme.ContentAddIcon(), guarded(func() { showRequestDialog(s, r.shown) }))
	newReq.Importance = widget.HighImportance
	importCSV := widget.NewButtonWithIcon("Import appointments…", theme.UploadIcon(), guarded(r.importAppointments))
	pullList := widget.NewButtonWithIcon("Pull list", theme.DocumentPrintIcon(), guarded(func() { r.print(reports.ReportPullList) }))
	outguides := widget.NewButtonWithIcon("Outguides", theme.DocumentPrintIcon(), guarded(func() { r.print(reports.ReportOutguides) }))
	slips := widget.NewButtonWithIcon("Request slips", theme.DocumentPrintIcon(), guarded(func() { r.print(reports.ReportRequestSlips) }))

	// Rows that wrap keep every button on screen in a narrow window.
	filters := container.New(layout.NewRowWrapLayout(), widget.NewLabel("Needed from"), container.New(minWidth{130}, r.from),
		widget.NewLabel("to"), container.New(minWidth{130}, r.to), container.New(minWidth{240}, r.state),
		widget.NewButtonWithIcon("Show", theme.ViewRefreshIcon(), guarded(r.shown)))
	tools := container.New(layout.NewRowWrapLayout(), newReq, importCSV, widget.NewLabel("Print for the first day:"), pullList, outguides, slips)
	actions := container.New(layout.NewRowWrapLayout(), r.pulled, r.checkOut, r.notFillable, r.cancel, r.open, r.markAll, r.unmark)
	top := container.NewVBox(tools, filters, r.errs.label, actions, r.count)
	help := "Charts wanted by a date. Pull them in the order listed (filing order), mark them pulled, then check each out to the one who asked: the check-out fulfils the request."
	r.root = screenFrame("Requests & pull lists", help, top, r.list.view())
	r.updateActions()
	return r
}

func (r *requestsScreen) view() fyne.CanvasObject { return r.root }

// filter reads the form into a RequestFilter.
func (r *requestsScreen) filter() (records.RequestFilter, error) {
	var f records.RequestFilter
	var err error
	if f.From, err = dateField("From", r.from.Text); err != nil {
		return f, err
	}
	if f.To, err = dateField("To", r.to.Text); err != nil {
		return f, err
	}
	switch r.state.Selected {
	case stateOpen:
		f.States = []records.RequestState{records.RequestPending, records.RequestPulled}
	case stateAll, "":
	default:
		for _, st := range records.RequestStates {
			if requestStateLabel(st) == r.state.Selected {
				f.States = []records.RequestState{st}
			}
		}
	}
	return f, nil
}

func (r *requestsScreen) shown() {
	f, err := r.filter()
	r.errs.show(r.s.win, err)
	if err != nil {
		return
	}
	ctx, svc := r.s.ctx(), r.s.svc
	inBackground(r.s, func() ([]records.Request, error) {
		return svc.ListRequests(ctx, f)
	}, func(list []records.Request, err error) {
		if err != nil {
			r.s.showError(err)
			return
		}
		r.list.set(list, requestsEmptyText)
		r.updateActions()
	})
}

const requestsEmptyText = "No requests in these days. Add one with New request, or import the appointments of the day."

// reload lists the requests again after a change made elsewhere, keeping
// the rows the clerk selected and marked; a filter being typed (not valid
// yet) waits for the clerk, and a failure goes to the log.
func (r *requestsScreen) reload() {
	f, err := r.filter()
	if err != nil {
		return
	}
	ctx, svc := r.s.ctxQuiet(), r.s.svc
	inBackground(r.s, func() ([]records.Request, error) {
		return svc.ListRequests(ctx, f)
	}, func(list []records.Request, err error) {
		if err != nil {
			r.s.quietError("reloading the requests")(err)
			return
		}
		r.list.replace(list, requestsEmptyText, func(q records.Request) records.ID { return q.ID })
		r.updateActions()
	})
}

// updateActions offers what the chosen requests allow: the marked ones,
// else the selected one. Each button names how many it acts on.
func (r *requestsScreen) updateActions() {
	var pending, open, withFolder int
	chosen := r.list.chosen()
	for _, q := range chosen {
		if q.State == records.RequestPending {
			pending++
		}
		if q.State.Open() {
			open++
			if q.Barcode != "" {
				withFolder++
			}
		}
	}
	set := func(b *widget.Button, label string, n int) {
		if len(r.list.marked) > 0 && n > 0 {
			label += " (" + strconv.Itoa(n) + ")"
		}
		b.SetText(label)
		if n > 0 {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	set(r.pulled, "Pulled", pending)
	set(r.checkOut, "Check out to requester", withFolder)
	set(r.notFillable, "Not fillable…", open)
	set(r.cancel, "Cancel request…", open)
	_, one := r.list.current()
	if one {
		r.open.Enable()
	} else {
		r.open.Disable()
	}
	count := plural(len(r.list.rows), "request")
	if n := len(r.list.marked); n > 0 {
		count += ", " + strconv.Itoa(n) + " marked"
	} else if len(r.list.rows) > 1 {
		count += ". Ctrl+click or Space marks several to act on them at once."
	}
	r.count.SetText(count)
}

// markPulled marks every chosen pending request pulled: one walk along the
// shelves, one click.
func (r *requestsScreen) markPulled() {
	var reqs []records.Request
	for _, q := range r.list.chosen() {
		if q.State == records.RequestPending {
			reqs = append(reqs, q)
		}
	}
	r.setStates(reqs, records.RequestPulled, "")
}

// setStates moves each request to st, each in its own transaction; one
// refused (another desk moved it first) does not stop the rest, and the
// clerk is told which.
func (r *requestsScreen) setStates(reqs []records.Request, st records.RequestState, reason string) {
	if len(reqs) == 0 {
		return
	}
	ctx, svc := r.s.ctx(), r.s.svc
	inBackground(r.s, func() ([]string, error) { return setRequestStates(ctx, svc, reqs, st, reason) }, func(refused []string, err error) {
		r.afterChange(records.Request{}, err)
		if err == nil && len(refused) > 0 {
			showNotice(r.s, "Some requests were not changed", strings.Join(refused, "\n"))
		}
	})
}

// checkOutToRequester checks the requested folder out to the one who asked;
// the check-out fulfils the request, so the chart and the request agree.
func (r *requestsScreen) checkOutToRequester() {
	var reqs []records.Request
	for _, q := range r.list.chosen() {
		if q.State.Open() && q.Barcode != "" {
			reqs = append(reqs, q)
		}
	}
	switch len(reqs) {
	case 0:
		return
	case 1:
		r.checkOutOne(reqs[0])
		return
	}
	ctx, svc := r.s.ctx(), r.s.svc
	type outcome struct{ done, refused []string }
	inBackground(r.s, func() (outcome, error) {
		var o outcome
		for _, q := range reqs {
			res, err := svc.CheckOut(ctx, records.CheckOutInput{Barcode: q.Barcode, BorrowerID: q.BorrowerID})
			if err != nil {
				if ctx.Err() != nil || records.ErrorCode(err) == records.EInternal {
					return o, err
				}
				o.refused = append(o.refused, q.PatientName+": "+records.ErrorMessage(err))
				continue
			}
			line := q.Barcode + " (" + q.PatientName + ") to " + res.Volume.BorrowerName
			if notes := checkOutNotes(res); notes != "" {
				line += ". " + notes
			}
			o.done = append(o.done, line)
		}
		return o, nil
	}, func(o outcome, err error) {
		r.afterChange(records.Request{}, err)
		if err != nil {
			return
		}
		msg := plural(len(o.done), "folder") + " checked out; their requests are fulfilled.\n" + strings.Join(o.done, "\n")
		if len(o.refused) > 0 {
			msg += "\n\nNot checked out:\n" + strings.Join(o.refused, "\n")
		}
		showNotice(r.s, "Checked out", msg)
	})
}

// checkOutOne checks one requested folder out and says so in full.
func (r *requestsScreen) checkOutOne(q records.Request) {
	ctx, svc := r.s.ctx(), r.s.svc
	inBackground(r.s, func() (records.CheckOutResult, error) {
		return svc.CheckOut(ctx, records.CheckOutInput{Barcode: q.Barcode, BorrowerID: q.BorrowerID})
	}, func(res records.CheckOutResult, err error) {
		if err != nil {
			r.s.showError(err)
			return
		}
		r.afterChange(records.Request{}, nil)
		msg := q.Barcode + " (" + q.VolumeLabel + " of " + q.PatientName + ") is checked out to " + res.Volume.BorrowerName
		if !res.Volume.Due.IsZero() {
			msg += ", due " + res.Volume.Due.String()
		}
		msg += ". The request is fulfilled."
		if notes := checkOutNotes(res); notes != "" {
			msg += "\n\n" + notes
		}
		showNotice(r.s, "Checked out", msg)
	})
}

// afterChange reloads the list and the status bar after a request changed.
func (r *requestsScreen) afterChange(_ records.Request, err error) {
	if err != nil {
		r.s.showError(err)
		return
	}
	r.shown()
	if r.s.main != nil {
		r.s.main.changed()
	}
}

// setRequestStates moves each request to st in its own transaction and
// returns, in the clerk's words, those refused; a fault stops it.
func setRequestStates(ctx context.Context, svc records.Service, reqs []records.Request, st records.RequestState, reason string) ([]string, error) {
	var refused []string
	for _, q := range reqs {
		if _, err := svc.SetRequestState(ctx, q.ID, st, reason); err != nil {
			if ctx.Err() != nil || records.ErrorCode(err) == records.EInternal {
				return refused, err
			}
			refused = append(refused, q.PatientName+": "+records.ErrorMessage(err))
		}
	}
	return refused, nil
}

// askReason asks why the chosen open requests cannot be filled or are
// cancelled, then records it on each.
func (r *requestsScreen) askReason(st records.RequestState) {
	var reqs []records.Request
	for _, q := range r.list.chosen() {
		if q.State.Open() {
			reqs = append(reqs, q)
		}
	}
	if len(reqs) == 0 {
		return
	}
	errs := newFormErrors()
	reason := errs.field("Reason", newEntry(r.s, "why"))
	title := requestStateLabel(st) + ": " + reqs[0].PatientName
	if len(reqs) > 1 {
		title = requestStateLabel(st) + ": " + plural(len(reqs), "request")
	}
	var refused []string
	showWriteDialog(r.s, title, requestStateLabel(st), []*widget.FormItem{widget.NewFormItem("Reason", reason)}, errs, func() (formWrite, error) {
		if strings.TrimSpace(reason.Text) == "" {
			return formWrite{}, records.FieldError("Reason", "say why, for whoever asked for the chart")
		}
		ctx, svc, why := r.s.ctx(), r.s.svc, reason.Text
		return formWrite{
			write: func() (err error) {
				refused, err = setRequestStates(ctx, svc, reqs, st, why)
				return err
			},
			after: func() {
				r.afterChange(records.Request{}, nil)
				if len(refused) > 0 {
					showNotice(r.s, "Some requests were not changed", strings.Join(refused, "\n"))
				}
			},
		}, nil
	})
}

func (r *requestsScreen) print(name string) {
	f, err := r.filter()
	if err != nil {
		r.errs.show(r.s.win, err)
		return
	}
	d := f.From
	if d.IsZero() {
		d = r.s.today()
	}
	openReport(r.s, name, reports.Params{Date: d}, name+"-"+d.String())
}

// showRequestDialog asks for a chart (MRN), borrower, day and reason.
func showRequestDialog(s *shell, onSaved func()) *editDialog {
	borrowers, err := activeBorrowers(s)
	if err != nil {
		s.showError(err)
		return nil
	}
	errs := newFormErrors()
	chart := errs.field("Chart", newEntry(s, "MRN, e.g. 12-34-56"))
	pick := newBorrowerSelect(borrowers)
	needed := errs.field("Needed on", newEntry(s, "YYYY-MM-DD"))
	needed.SetText(s.today().String())
	at := errs.field("Time", newEntry(s, "HH:MM, optional"))
	reason := errs.field("Reason", newEntry(s, "e.g. follow-up visit"))
	items := []*widget.FormItem{
		widget.NewFormItem("Chart", chart), widget.NewFormItem("Borrower", pick.sel),
		widget.NewFormItem("Needed on", needed), widget.NewFormItem("Time", at),
		widget.NewFormItem("Reason", reason),
	}
	return showWriteDialog(s, "New request", "Create", items, errs, func() (formWrite, error) {
		if strings.TrimSpace(chart.Text) == "" {
			return formWrite{}, records.FieldError("Chart", "type the chart number (MRN)")
		}
		b, ok := pick.selected()
		if !ok {
			return formWrite{}, records.FieldError("Borrower", "choose who wants the chart")
		}
		day, err := dateField("Needed on", needed.Text)
		if err != nil {
			return formWrite{}, err
		}
		req := records.Request{BorrowerID: b.ID, NeededOn: day, NeededAt: at.Text, Reason: reason.Text}
		if err := records.ValidateRequest(&records.Request{PatientID: 1, BorrowerID: b.ID, NeededOn: day, NeededAt: at.Text}, s.today()); err != nil {
			return formWrite{}, err // said at once, before any lookup
		}
		ctx, svc, mrn := s.ctx(), s.svc, chart.Text
		return formWrite{
			write: func() error {
				p, err := svc.PatientByMRN(ctx, mrn)
				if err != nil {
					if c := records.ErrorCode(err); c == records.ENotFound || c == records.EInvalid {
						return records.FieldError("Chart", "%s", records.ErrorMessage(err))
					}
					return err
				}
				req.PatientID = p.ID
				_, err = svc.CreateRequest(ctx, req)
				return err
			},
			after: func() {
				if onSaved != nil {
					onSaved()
				}
				if s.main != nil {
					s.main.changed()
				}
			},
		}, nil
	})
}

// importAppointments reads an appointments CSV, shows what a dry run would
// do, and imports on confirmation.
func (r *requestsScreen) importAppointments() {
	fd := dialog.NewFileOpen(guarded2(func(rc fyne.URIReadCloser, err error) {
		if err != nil || rc == nil {
			return
		}
		path := rc.URI().Path()
		rc.Close()
		r.importFile(path)
	}), r.s.win)
	showFileDialog(r.s.win, fd)
}

// importFile parses and dry-runs an appointments file, then asks.
func (r *requestsScreen) importFile(path string) {
	type parsed struct {
		rows     []records.AppointmentRow
		rejected []records.RowError
		dry      records.ImportSummary
	}
	ctx, svc := r.s.ctx(), r.s.svc
	inBackground(r.s, func() (parsed, error) {
		var p parsed
		f, err := os.Open(path)
		if err != nil {
			return p, records.Errorf(records.ENotFound, "cannot read %s: %v", path, err)
		}
		defer f.Close()
		if p.rows, p.rejected, err = csvimport.ParseAppointments(f); err != nil {
			return p, err
		}
		p.dry, err = svc.ImportAppointments(ctx, p.rows, true)
		return p, err
	}, func(p parsed, err error) {
		if err != nil {
			r.s.showError(err)
			return
		}
		msg := "Dry run of " + path + ":\n" + importSummaryText(p.dry, p.rejected)
		dialog.ShowConfirm("Import appointments?", msg+"\n\nCreate these requests now?", guarded1(func(yes bool) {
			if !yes {
				return
			}
			ctx, svc := r.s.ctx(), r.s.svc
			inBackground(r.s, func() (records.ImportSummary, error) { return svc.ImportAppointments(ctx, p.rows, false) },
				func(sum records.ImportSummary, err error) {
					if err != nil {
						r.s.showError(err)
						return
					}
					showNotice(r.s, "Appointments imported", importSummaryText(sum, p.rejected))
					r.shown()
					if r.s.main != nil {
						r.s.main.changed()
					}
				})
		}), r.s.win)
	})
}

// importSummaryText is the summary line of an import plus its rejected lines.
func importSummaryText(sum records.ImportSummary, parserRejected []records.RowError) string {
	rejected := append(append([]records.RowError{}, parserRejected...), sum.Rejected...)
	text := fmt.Sprintf("imported %d, updated %d, unchanged %d, rejected %d", sum.Imported, sum.Updated, sum.Unchanged, len(rejected))
	for i, e := range rejected {
		if i == 20 {
			text += fmt.Sprintf("\n…and %d more", len(rejected)-20)
			break
		}
		text += fmt.Sprintf("\nline %d: %s", e.Line, e.Reason)
	}
	return text
}
