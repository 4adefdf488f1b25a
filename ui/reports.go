package ui

import (
	"context"
	"fmt"
	"slices"
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

// reportsScreen lists every report with its parameters, and saves, opens or
// prints it.
type reportsScreen struct {
	s       *shell
	all     []reports.Report
	list    *widget.List
	current int
	title   *widget.Label
	about   *widget.Label
	form    *fyne.Container
	params  *reportParams
	errs    *formErrors
	busy    *widget.ProgressBarInfinite
	buttons []*widget.Button
	root    fyne.CanvasObject
}

func newReportsScreen(s *shell) *reportsScreen {
	r := &reportsScreen{s: s, all: reports.List(), current: -1, errs: newFormErrors()}
	r.list = widget.NewList(func() int { return len(r.all) },
		func() fyne.CanvasObject { return widget.NewLabel("Charts out by borrower (long)") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(r.all[i].Title) })
	r.list.OnSelected = guarded1(func(i widget.ListItemID) { r.choose(i) })
	r.title = heading("")
	r.about = hint("Choose a report on the left.")
	r.form = container.NewVBox()
	r.busy = widget.NewProgressBarInfinite()
	r.busy.Hide()
	saveAs := widget.NewButtonWithIcon("Save as…", theme.DocumentSaveIcon(), guarded(r.saveAs))
	open := widget.NewButtonWithIcon("Open", theme.FolderOpenIcon(), guarded(r.open))
	open.Importance = widget.HighImportance
	printButton := widget.NewButtonWithIcon("Print", theme.DocumentPrintIcon(), guarded(r.print))
	r.buttons = []*widget.Button{saveAs, open, printButton}
	for _, b := range r.buttons {
		b.Disable()
	}
	// The filters scroll when a long form (folder labels) is taller than a
	// 768-pixel screen leaves room for; the buttons, and the error that
	// stops them, stay in sight below.
	filters := container.NewVScroll(container.NewPadded(container.NewVBox(r.title, r.about, r.form)))
	actions := container.NewVBox(r.errs.label, container.NewHBox(open, saveAs, printButton), r.busy)
	right := container.NewBorder(nil, container.NewPadded(actions), nil, nil, filters)
	left := container.New(minWidth{220}, r.list)
	split := container.NewHSplit(left, right)
	split.SetOffset(0.25)
	r.root = screenFrame("Reports", "PDF reports of the record room. Open shows the PDF, Print sends it to the printer.", nil, split)
	return r
}

func (r *reportsScreen) view() fyne.CanvasObject { return r.root }

func (r *reportsScreen) shown() {
	if r.current < 0 && len(r.all) > 0 {
		r.list.Select(0)
	}
}

// chooseName selects the report called name, as if the clerk clicked it.
func (r *reportsScreen) chooseName(name string) {
	for i, rep := range r.all {
		if rep.Name == name {
			r.list.Select(i)
			return
		}
	}
}

// choose shows report i's parameters.
func (r *reportsScreen) choose(i int) {
	r.current = i
	rep := r.all[i]
	r.title.SetText(rep.Title)
	r.about.SetText(rep.Description)
	r.errs.show(nil, nil)
	p, err := newReportParams(r.s, rep, r.errs)
	if err != nil {
		r.s.showError(err)
		return
	}
	r.params = p
	r.form.Objects = []fyne.CanvasObject{p.form}
	r.form.Refresh()
	for _, b := range r.buttons {
		b.Enable()
	}
}

// generate reads the form and makes the PDF in the background; done gets
// the PDF.
func (r *reportsScreen) generate(done func(pdf []byte)) {
	if r.params == nil {
		return
	}
	p, err := r.params.read()
	r.errs.show(r.s.win, err)
	if err != nil {
		return
	}
	name := r.all[r.current].Name
	ctx, svc := r.s.ctx(), r.s.svc
	r.busy.Show()
	r.busy.Start()
	for _, b := range r.buttons {
		b.Disable()
	}
	inBackground(r.s, func() (madeReport, error) {
		return makeReport(ctx, svc, name, p)
	}, func(made madeReport, err error) {
		r.busy.Stop()
		r.busy.Hide()
		for _, b := range r.buttons {
			b.Enable()
		}
		if err != nil {
			if records.ErrorField(err) != "" {
				r.errs.show(r.s.win, err)
			} else {
				r.s.showError(err)
			}
			return
		}
		showReportWarnings(r.s, made.warnings)
		done(made.pdf)
	})
}

func (r *reportsScreen) fileBase() string {
	return r.all[r.current].Name + "-" + r.s.today().String()
}

func (r *reportsScreen) open() {
	r.generate(func(pdf []byte) {
		path, err := writeTempPDF(r.fileBase(), pdf)
		if err == nil {
			err = r.s.openFile(path)
		}
		r.s.showError(err)
	})
}

// printAskAbove is the page count above which Print asks first: a label run
// of every folder is a ream of paper and sheets of labels.
const printAskAbove = 10

func (r *reportsScreen) print() {
	title := r.all[r.current].Title
	r.generate(func(pdf []byte) {
		pages := reports.PageCount(pdf)
		if pages <= printAskAbove {
			r.sendToPrinter(pdf)
			return
		}
		msg := fmt.Sprintf("%s is %s long. Send all of them to the printer?\n\nTo print fewer, narrow the filters above, or open the PDF and print the pages you need from the viewer.", title, plural(pages, "page"))
		d := dialog.NewConfirm("Print "+plural(pages, "page")+"?", msg, guarded1(func(yes bool) {
			if yes {
				r.sendToPrinter(pdf)
			}
		}), r.s.win)
		d.SetConfirmText("Print " + plural(pages, "page"))
		d.SetDismissText("Cancel")
		d.Show()
	})
}

func (r *reportsScreen) sendToPrinter(pdf []byte) {
	path, err := writeTempPDF(r.fileBase(), pdf)
	if err != nil {
		r.s.showError(err)
		return
	}
	inBackground(r.s, func() (string, error) {
		return printFile(context.Background(), path)
	}, func(out string, err error) {
		if err != nil {
			offerSaveAs(r.s, "Not printed", strings.TrimSuffix(records.ErrorMessage(err), ".")+".\n\nYou can also save the PDF in a folder you choose.", path)
			return
		}
		msg := "Sent to the printer."
		if out != "" {
			msg += "\n" + out
		}
		dialog.ShowInformation("Printing", msg, r.s.win)
	})
}

func (r *reportsScreen) saveAs() {
	base := r.fileBase()
	r.generate(func(pdf []byte) { savePDFAs(r.s, base, pdf) })
}

// reportParams is the form of one report's filters, built from the
// filters the report declares: it cannot offer one the report refuses.
type reportParams struct {
	s       *shell
	rep     reports.Report
	form    *widget.Form
	read    func() (reports.Params, error)
	readers []func(*reports.Params) error
}

// anyOption is the "no filter" choice of a drop-down.
const anyOption = "(all)"

func newReportParams(s *shell, rep reports.Report, errs *formErrors) (*reportParams, error) {
	rp := &reportParams{s: s, rep: rep, form: widget.NewForm()}
	ctx := s.ctx()
	for _, f := range rep.Filters {
		input, err := rp.addFilter(ctx, f, errs)
		if err != nil {
			return nil, err
		}
		item := widget.NewFormItem(f.Label, input)
		if f.Kind == reports.KindIncludeDestroyed {
			item.Text = "" // the checkbox says it
		}
		item.HintText = rp.hint(f)
		rp.form.AppendItem(item)
	}
	if len(rep.Filters) == 0 {
		rp.form.Append("", hint("This report takes no filters."))
	}
	rp.read = func() (reports.Params, error) {
		p := reports.Params{Now: s.now()}
		for _, rd := range rp.readers {
			if err := rd(&p); err != nil {
				return p, err
			}
		}
		return p, nil
	}
	return rp, nil
}

// hint is the line under a filter's field: whether the report needs it.
func (rp *reportParams) hint(f reports.Filter) string {
	if f.Required {
		return "Required"
	}
	if !slices.Contains(rp.rep.OneOf, f.Name) {
		return ""
	}
	var others []string
	for _, g := range rp.rep.Filters {
		if g.Name != f.Name && slices.Contains(rp.rep.OneOf, g.Name) {
			others = append(others, strings.ToLower(g.Label))
		}
	}
	return "This or the " + strings.Join(others, " or the ") + ": one is needed"
}

// pick is a drop-down of the options, led by "(all)" unless the report
// requires the filter; the reader gets the index of the option chosen
// and is not called for all (or none chosen).
func (rp *reportParams) pick(f reports.Filter, options []string, read func(p *reports.Params, i int)) *widget.Select {
	first := 0
	if !f.Required {
		options = append([]string{anyOption}, options...)
		first = 1
	}
	sel := widget.NewSelect(options, nil)
	if f.Required {
		sel.PlaceHolder = "(choose one)"
	} else {
		sel.SetSelectedIndex(0)
	}
	rp.readers = append(rp.readers, func(p *reports.Params) error {
		if i := sel.SelectedIndex(); i >= first {
			read(p, i-first)
		}
		return nil
	})
	return sel
}

// addFilter makes the input for filter f, by its kind, and its reader; an
// error under it is marked on the input (errs keys it by f.Name, the name
// the reports package's errors give).
func (rp *reportParams) addFilter(ctx context.Context, f reports.Filter, errs *formErrors) (fyne.CanvasObject, error) {
	s := rp.s
	entry := func(placeholder string) *activeEntry {
		return errs.field(f.Name, newEntry(s, placeholder))
	}
	read := func(rd func(p *reports.Params) error) { rp.readers = append(rp.readers, rd) }
	switch f.Kind {
	case reports.KindLocation:
		locs, err := s.svc.ListLocations(ctx)
		if err != nil {
			return nil, err
		}
		opts := make([]string, len(locs))
		for i, l := range locs {
			opts[i] = l.Path
		}
		return rp.pick(f, opts, func(p *reports.Params, i int) { p.LocationID = locs[i].ID }), nil
	case reports.KindBorrower:
		bs, err := s.svc.ListBorrowers(ctx, true)
		if err != nil {
			return nil, err
		}
		opts := make([]string, len(bs))
		for i, b := range bs {
			opts[i] = borrowerOption(b)
		}
		return rp.pick(f, opts, func(p *reports.Params, i int) { p.BorrowerID = bs[i].ID }), nil
	case reports.KindRecordType:
		ts, err := s.svc.ListRecordTypes(ctx)
		if err != nil {
			return nil, err
		}
		opts := make([]string, len(ts))
		for i, t := range ts {
			opts[i] = t.Name
		}
		return rp.pick(f, opts, func(p *reports.Params, i int) { p.RecordTypeID = ts[i].ID }), nil
	case reports.KindStates:
		// Two columns rather than one long row, so the form fits a
		// 1024-pixel-wide screen.
		grid := container.NewGridWithColumns(2)
		checks := make([]*widget.Check, len(records.VolumeStates))
		for i, st := range records.VolumeStates {
			checks[i] = widget.NewCheck(stateLabel(st), nil)
			grid.Add(checks[i])
		}
		read(func(p *reports.Params) error {
			for i, st := range records.VolumeStates {
				if checks[i].Checked {
					p.States = append(p.States, st)
				}
			}
			return nil
		})
		return grid, nil
	case reports.KindIncludeDestroyed:
		c := widget.NewCheck(f.Label, nil)
		read(func(p *reports.Params) error {
			p.IncludeDestroyed = c.Checked
			return nil
		})
		return c, nil
	case reports.KindOrder:
		// Only the orders this report can be sorted in.
		opts := make([]string, len(rp.rep.Orders))
		for i, o := range rp.rep.Orders {
			opts[i] = reports.OrderName(o)
		}
		sel := widget.NewSelect(opts, nil)
		sel.SetSelectedIndex(0)
		read(func(p *reports.Params) error {
			p.Order = rp.rep.Orders[max(sel.SelectedIndex(), 0)]
			return nil
		})
		return sel, nil
	case reports.KindPatient:
		e := entry("chart number (MRN)")
		read(func(p *reports.Params) error {
			if strings.TrimSpace(e.Text) == "" {
				return nil
			}
			pt, err := s.svc.PatientByMRN(s.ctx(), e.Text)
			if err != nil {
				return f.Errorf("%s", records.ErrorMessage(err))
			}
			p.PatientID = pt.ID
			return nil
		})
		return e, nil
	case reports.KindVolume:
		e := entry("folder barcode")
		read(func(p *reports.Params) error {
			if strings.TrimSpace(e.Text) == "" {
				return nil
			}
			v, err := s.svc.VolumeByBarcode(s.ctx(), e.Text)
			if err != nil {
				return f.Errorf("%s", records.ErrorMessage(err))
			}
			p.VolumeID = v.ID
			return nil
		})
		return e, nil
	case reports.KindVolumes:
		e := entry("barcodes separated by spaces; empty: all")
		read(func(p *reports.Params) error {
			for _, code := range strings.FieldsFunc(e.Text, func(r rune) bool { return r == ' ' || r == ',' || r == ';' }) {
				v, err := s.svc.VolumeByBarcode(s.ctx(), code)
				if err != nil {
					return f.Errorf("%s", records.ErrorMessage(err))
				}
				p.VolumeIDs = append(p.VolumeIDs, v.ID)
			}
			return nil
		})
		return e, nil
	case reports.KindDate, reports.KindFrom, reports.KindTo:
		e := entry("YYYY-MM-DD")
		day := s.today()
		if f.Kind == reports.KindFrom {
			day = day.AddDays(-30)
		}
		e.SetText(day.String())
		read(func(p *reports.Params) error {
			d, err := records.ParseDate(strings.TrimSpace(e.Text))
			if err != nil {
				return f.Errorf("%s", err.Error())
			}
			switch f.Kind {
			case reports.KindDate:
				p.Date = d
			case reports.KindFrom:
				p.From = d
			default:
				p.To = d
			}
			return nil
		})
		return e, nil
	case reports.KindLabelFormat:
		sel := widget.NewSelect([]string{"Avery 5160 sheet (30 labels)", "Label printer roll"}, nil)
		sel.SetSelectedIndex(0)
		read(func(p *reports.Params) error {
			p.LabelFormat = reports.LabelAvery5160
			if sel.SelectedIndex() == 1 {
				p.LabelFormat = reports.LabelRoll
			}
			return nil
		})
		return sel, nil
	case reports.KindBatch:
		e := entry("destruction batch number")
		if bs, err := s.svc.ListDestructionBatches(ctx); err == nil && len(bs) > 0 {
			e.SetText(strconv.FormatInt(int64(bs[0].ID), 10))
		}
		read(func(p *reports.Params) error {
			text := strings.TrimSpace(e.Text)
			if text == "" {
				return nil // the report says it needs one
			}
			n, err := strconv.ParseInt(text, 10, 64)
			if err != nil || n <= 0 {
				return f.Errorf("type the number of a destruction batch")
			}
			p.BatchID = records.ID(n)
			return nil
		})
		return e, nil
	case reports.KindScans:
		e := entry("the barcodes scanned, one per line, in shelf order")
		e.MultiLine = true
		e.SetMinRowsVisible(5)
		read(func(p *reports.Params) error {
			scans, err := records.ParseScanList(e.Text)
			if err != nil {
				return f.Errorf("%s", records.ErrorMessage(err))
			}
			p.Scans = scans
			return nil
		})
		return e, nil
	case reports.KindStartPosition:
		e := entry("1 to 30: first free label on the sheet")
		e.SetText("1")
		read(func(p *reports.Params) error {
			n, err := strconv.Atoi(strings.TrimSpace(e.Text))
			if err != nil || n < 1 || n > reports.Avery5160PerSheet {
				return f.Errorf("must be a number from 1 to %d", reports.Avery5160PerSheet)
			}
			p.StartPosition = n
			return nil
		})
		return e, nil
	}
	return nil, records.Internal(fmt.Sprintf("the Reports form cannot ask for the filter %q", f.Name), nil)
}
