package ui

import (
	"context"
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
	right := container.NewVBox(r.title, r.about, r.form, r.errs.label, container.NewHBox(open, saveAs, printButton), r.busy)
	left := container.New(minWidth{260}, r.list)
	split := container.NewHSplit(left, container.NewVScroll(container.NewPadded(right)))
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

// reportParams is the form of one report's filters.
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
		if err := rp.addFilter(ctx, f, errs); err != nil {
			return nil, err
		}
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

func (rp *reportParams) addFilter(ctx context.Context, f string, errs *formErrors) error {
	s := rp.s
	switch f {
	case reports.FilterLocation:
		locs, err := s.svc.ListLocations(ctx)
		if err != nil {
			return err
		}
		opts := []string{anyOption}
		for _, l := range locs {
			opts = append(opts, l.Path)
		}
		sel := widget.NewSelect(opts, nil)
		sel.SetSelectedIndex(0)
		rp.form.Append("Location", sel)
		rp.readers = append(rp.readers, func(p *reports.Params) error {
			if i := sel.SelectedIndex(); i > 0 {
				p.LocationID = locs[i-1].ID
			}
			return nil
		})
	case reports.FilterBorrower:
		bs, err := s.svc.ListBorrowers(ctx, true)
		if err != nil {
			return err
		}
		opts := []string{anyOption}
		for _, b := range bs {
			opts = append(opts, borrowerOption(b))
		}
		sel := widget.NewSelect(opts, nil)
		sel.SetSelectedIndex(0)
		rp.form.Append("Borrower", sel)
		rp.readers = append(rp.readers, func(p *reports.Params) error {
			if i := sel.SelectedIndex(); i > 0 {
				p.BorrowerID = bs[i-1].ID
			}
			return nil
		})
	case reports.FilterRecordType:
		ts, err := s.svc.ListRecordTypes(ctx)
		if err != nil {
			return err
		}
		opts := []string{anyOption}
		for _, t := range ts {
			opts = append(opts, t.Name)
		}
		sel := widget.NewSelect(opts, nil)
		sel.SetSelectedIndex(0)
		rp.form.Append("Record type", sel)
		rp.readers = append(rp.readers, func(p *reports.Params) error {
			if i := sel.SelectedIndex(); i > 0 {
				p.RecordTypeID = ts[i-1].ID
			}
			return nil
		})
	case reports.FilterState:
		// A grid rather than one long row, so the form fits at 1280 wide.
		grid := container.NewGridWithColumns(3)
		checks := make([]*widget.Check, len(records.VolumeStates))
		for i, st := range records.VolumeStates {
			checks[i] = widget.NewCheck(stateLabel(st), nil)
			grid.Add(checks[i])
		}
		rp.form.Append("States (none: all)", grid)
		rp.readers = append(rp.readers, func(p *reports.Params) error {
			for i, st := range records.VolumeStates {
				if checks[i].Checked {
					p.States = append(p.States, st)
				}
			}
			return nil
		})
	case reports.FilterDestroyed:
		c := widget.NewCheck("Include destroyed folders", nil)
		rp.form.Append("", c)
		rp.readers = append(rp.readers, func(p *reports.Params) error {
			p.IncludeDestroyed = c.Checked
			return nil
		})
	case reports.FilterOrder:
		sel := widget.NewSelect([]string{"filing", "borrower", "due"}, nil)
		sel.SetSelected("filing")
		rp.form.Append("Order", sel)
		rp.readers = append(rp.readers, func(p *reports.Params) error {
			o, err := reports.ParseOrder(sel.Selected)
			p.Order = o
			return err
		})
	case reports.FilterPatient:
		e := errs.field("Patient", newEntry(s, "MRN; empty: all"))
		rp.form.Append("Patient", e)
		rp.readers = append(rp.readers, func(p *reports.Params) error {
			if strings.TrimSpace(e.Text) == "" {
				return nil
			}
			pt, err := s.svc.PatientByMRN(s.ctx(), e.Text)
			if err != nil {
				return records.FieldError("Patient", "%s", records.ErrorMessage(err))
			}
			p.PatientID = pt.ID
			return nil
		})
	case reports.FilterVolume:
		e := errs.field("Folder", newEntry(s, "folder barcode; empty: all"))
		rp.form.Append("Folder", e)
		rp.readers = append(rp.readers, func(p *reports.Params) error {
			if strings.TrimSpace(e.Text) == "" {
				return nil
			}
			v, err := s.svc.VolumeByBarcode(s.ctx(), e.Text)
			if err != nil {
				return records.FieldError("Folder", "%s", records.ErrorMessage(err))
			}
			p.VolumeID = v.ID
			return nil
		})
	case reports.FilterVolumes:
		e := errs.field("Folders", newEntry(s, "barcodes separated by spaces; empty: all"))
		rp.form.Append("Folders", e)
		rp.readers = append(rp.readers, func(p *reports.Params) error {
			for _, code := range strings.FieldsFunc(e.Text, func(r rune) bool { return r == ' ' || r == ',' || r == ';' }) {
				v, err := s.svc.VolumeByBarcode(s.ctx(), code)
				if err != nil {
					return records.FieldError("Folders", "%s", records.ErrorMessage(err))
				}
				p.VolumeIDs = append(p.VolumeIDs, v.ID)
			}
			return nil
		})
	case reports.FilterDate, reports.FilterFrom, reports.FilterTo:
		label := map[string]string{reports.FilterDate: "Date", reports.FilterFrom: "From", reports.FilterTo: "To"}[f]
		e := errs.field(label, newEntry(s, "YYYY-MM-DD"))
		switch f {
		case reports.FilterDate:
			e.SetText(s.today().String())
		case reports.FilterFrom:
			e.SetText(s.today().AddDays(-30).String())
		case reports.FilterTo:
			e.SetText(s.today().String())
		}
		rp.form.Append(label, e)
		rp.readers = append(rp.readers, func(p *reports.Params) error {
			d, err := dateField(label, e.Text)
			switch f {
			case reports.FilterDate:
				p.Date = d
			case reports.FilterFrom:
				p.From = d
			case reports.FilterTo:
				p.To = d
			}
			return err
		})
	case reports.FilterLabelFormat:
		sel := widget.NewSelect([]string{"Avery 5160 sheet (30 labels)", "Label printer roll"}, nil)
		sel.SetSelectedIndex(0)
		rp.form.Append("Label format", sel)
		rp.readers = append(rp.readers, func(p *reports.Params) error {
			p.LabelFormat = reports.LabelAvery5160
			if sel.SelectedIndex() == 1 {
				p.LabelFormat = reports.LabelRoll
			}
			return nil
		})
	case reports.FilterBatch:
		e := errs.field("Batch", newEntry(s, "destruction batch number"))
		if bs, err := s.svc.ListDestructionBatches(ctx); err == nil && len(bs) > 0 {
			e.SetText(strconv.FormatInt(int64(bs[0].ID), 10))
		}
		rp.form.Append("Destruction batch", e)
		rp.readers = append(rp.readers, func(p *reports.Params) error {
			n, err := strconv.ParseInt(strings.TrimSpace(e.Text), 10, 64)
			if err != nil || n <= 0 {
				return records.FieldError("Batch", "type the number of a destruction batch")
			}
			p.BatchID = records.ID(n)
			return nil
		})
	case reports.FilterScans:
		e := errs.field("Scans", newEntry(s, "the barcodes scanned, one per line, in shelf order"))
		e.MultiLine = true
		e.SetMinRowsVisible(5)
		rp.form.Append("Scanned barcodes", e)
		rp.readers = append(rp.readers, func(p *reports.Params) error {
			scans, err := records.ParseScanList(e.Text)
			if err != nil {
				return records.FieldError("Scans", "%s", records.ErrorMessage(err))
			}
			p.Scans = scans
			return nil
		})
	case reports.FilterStartPosition:
		e := errs.field("Start position", newEntry(s, "1 to 30: first free label on the sheet"))
		e.SetText("1")
		rp.form.Append("Start position", e)
		rp.readers = append(rp.readers, func(p *reports.Params) error {
			n, err := strconv.Atoi(strings.TrimSpace(e.Text))
			if err != nil || n < 1 || n > reports.Avery5160PerSheet {
				return records.FieldError("Start position", "must be a number from 1 to %d", reports.Avery5160PerSheet)
			}
			p.StartPosition = n
			return nil
		})
	}
	return nil
}
