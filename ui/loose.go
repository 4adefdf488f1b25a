package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/chartroom/chartroom/records"
)

// looseScreen records papers that arrive for charts not on the shelf (lab
// results, letters) and keeps the queue until they are filed.
type looseScreen struct {
	s        *shell
	chart    *activeEntry
	desc     *activeEntry
	from     *activeEntry
	received *activeEntry
	errs     *formErrors
	add      *widget.Button
	show     *widget.Select
	list     *rowTable[records.LooseFiling]
	filed    *widget.Button
	root     fyne.CanvasObject
}

const (
	looseShowWaiting = "Waiting to be filed"
	looseShowFiled   = "Filed"
)

func newLooseScreen(s *shell) *looseScreen {
	l := &looseScreen{s: s, errs: newFormErrors()}
	l.chart = l.errs.field("Chart", newEntry(s, "MRN, e.g. 12-34-56"))
	l.desc = l.errs.field("Description", newEntry(s, "e.g. Lab results, 2 pages"))
	l.from = l.errs.field("From", newEntry(s, "who sent them (optional)"))
	l.received = l.errs.field("Received", newEntry(s, "YYYY-MM-DD"))
	l.received.SetText(s.today().String())
	l.add = widget.NewButtonWithIcon("Record papers", theme.ContentAddIcon(), l.record)
	l.add.Importance = widget.HighImportance
	for _, e := range []*activeEntry{l.chart, l.desc, l.from, l.received} {
		e.OnSubmitted = func(string) { l.record() }
	}
	l.show = widget.NewSelect([]string{looseShowWaiting, looseShowFiled}, func(string) { l.shown() })
	l.show.Selected = looseShowWaiting
	l.list = newRowTable([]column[records.LooseFiling]{
		{"Received", 110, func(x records.LooseFiling) string { return x.Received.String() }},
		{"MRN", 110, func(x records.LooseFiling) string { return s.mrn(x.MRN) }},
		{"Name", 220, func(x records.LooseFiling) string { return x.PatientName }},
		{"Description", 260, func(x records.LooseFiling) string { return x.Description }},
		{"From", 160, func(x records.LooseFiling) string { return x.From }},
		{"Filed", 120, func(x records.LooseFiling) string { return when(x.FiledAt) }},
	}, func(x records.LooseFiling) { s.main.openChart(x.PatientID) })
	l.list.onSelect = func(x records.LooseFiling) {
		if x.State == records.LooseWaiting {
			l.filed.Enable()
		} else {
			l.filed.Disable()
		}
	}
	l.filed = widget.NewButtonWithIcon("Mark filed", theme.ConfirmIcon(), l.markFiled)
	l.filed.Disable()
	open := widget.NewButtonWithIcon("Open chart", theme.FolderOpenIcon(), func() {
		if x, ok := l.list.current(); ok {
			s.main.openChart(x.PatientID)
		}
	})

	form := widget.NewForm(
		widget.NewFormItem("Chart", l.chart),
		widget.NewFormItem("Description", l.desc),
		widget.NewFormItem("From", l.from),
		widget.NewFormItem("Received", l.received),
	)
	formBox := container.NewVBox(form, l.errs.label, container.NewHBox(l.add))
	queueTop := container.NewHBox(widget.NewLabel("Show:"), container.New(minWidth{220}, l.show), l.filed, open)
	body := container.NewBorder(container.NewVBox(widget.NewSeparator(), heading("Queue"), queueTop), nil, nil, nil, l.list.view())
	help := "Papers received for a chart that is out. Record them here; when the chart comes back the scan station says so. File them, then mark them filed."
	l.root = screenFrame("Loose filing", help, container.New(minWidth{560}, formBox), body)
	return l
}

func (l *looseScreen) view() fyne.CanvasObject { return l.root }

func (l *looseScreen) shown() {
	state := records.LooseWaiting
	if l.show.Selected == looseShowFiled {
		state = records.LooseFiled
	}
	ctx, svc := l.s.ctx(), l.s.svc
	inBackground(l.s, func() ([]records.LooseFiling, error) {
		return svc.ListLooseFiling(ctx, 0, state)
	}, func(list []records.LooseFiling, err error) {
		if err != nil {
			l.s.showError(err)
			return
		}
		empty := "Nothing waiting to be filed. Papers for a chart that is out are recorded with the form above."
		if state == records.LooseFiled {
			empty = "No papers filed yet."
		}
		l.list.set(list, empty)
		l.filed.Disable()
	})
}

func (l *looseScreen) record() {
	err := l.save()
	l.errs.show(l.s.win, err)
	if err != nil {
		return
	}
	l.chart.SetText("")
	l.desc.SetText("")
	l.from.SetText("")
	l.s.win.Canvas().Focus(l.chart)
	l.shown()
	if l.s.main != nil {
		l.s.main.changed()
	}
}

func (l *looseScreen) save() error {
	if strings.TrimSpace(l.chart.Text) == "" {
		return records.FieldError("Chart", "type the chart number (MRN)")
	}
	p, err := l.s.svc.PatientByMRN(l.s.ctx(), l.chart.Text)
	if err != nil {
		if c := records.ErrorCode(err); c == records.ENotFound || c == records.EInvalid {
			return records.FieldError("Chart", "%s", records.ErrorMessage(err))
		}
		return err
	}
	received, err := dateField("Received", l.received.Text)
	if err != nil {
		return err
	}
	_, err = l.s.svc.AddLooseFiling(l.s.ctx(), records.LooseFiling{PatientID: p.ID, Description: l.desc.Text, From: l.from.Text, Received: received})
	return err
}

func (l *looseScreen) markFiled() {
	x, ok := l.list.current()
	if !ok {
		return
	}
	if _, err := l.s.svc.MarkFiled(l.s.ctx(), x.ID); err != nil {
		l.s.showError(err)
		return
	}
	l.shown()
	if l.s.main != nil {
		l.s.main.changed()
	}
}
