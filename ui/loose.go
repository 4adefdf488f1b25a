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
	whose    *widget.Label // whose chart the typed number is, and where it is
	done     *widget.Label // what the last save recorded
	lookup   int           // number of the latest chart lookup; older answers are dropped
	add      *widget.Button
	show     *selectBox
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
	l.whose = widget.NewLabel("")
	l.whose.Wrapping = fyne.TextWrapWord
	l.done = widget.NewLabel("")
	l.done.Wrapping = fyne.TextWrapWord
	l.done.Importance = widget.SuccessImportance
	l.chart.OnChanged = guarded1(l.lookUp)
	l.add = widget.NewButtonWithIcon("Record papers", theme.ContentAddIcon(), guarded(l.record))
	l.add.Importance = widget.HighImportance
	for _, e := range []*activeEntry{l.chart, l.desc, l.from, l.received} {
		e.OnSubmitted = guarded1(func(string) { l.record() })
	}
	l.show = newSelect([]string{looseShowWaiting, looseShowFiled}, guarded1(func(string) { l.shown() }))
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
	l.filed = widget.NewButtonWithIcon("Mark filed", theme.ConfirmIcon(), guarded(l.markFiled))
	l.filed.Disable()
	open := widget.NewButtonWithIcon("Open chart", theme.FolderOpenIcon(), guarded(func() {
		if x, ok := l.list.current(); ok {
			s.main.openChart(x.PatientID)
		}
	}))

	form := widget.NewForm(
		widget.NewFormItem("Chart", l.chart),
		widget.NewFormItem("", l.whose),
		widget.NewFormItem("Description", l.desc),
		widget.NewFormItem("From", l.from),
		widget.NewFormItem("Received", l.received),
	)
	formBox := container.NewVBox(form, l.errs.label, container.NewHBox(l.add), l.done)
	queueTop := container.NewHBox(widget.NewLabel("Show:"), container.New(minWidth{220}, l.show), l.filed, open)
	body := container.NewBorder(container.NewVBox(widget.NewSeparator(), heading("Queue"), queueTop), nil, nil, nil, l.list.view())
	help := "Papers received for a chart that is out. Record them here; when the chart comes back the scan station says so. File them, then mark them filed."
	l.root = screenFrame("Loose filing", help, container.New(minWidth{560}, formBox), body)
	return l
}

func (l *looseScreen) view() fyne.CanvasObject { return l.root }

func (l *looseScreen) shown() {
	l.s.win.Canvas().Focus(l.chart)
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

// lookUp shows, as the chart number is typed, whose chart it is and where
// its folders are, so papers are never recorded against a mistyped number.
func (l *looseScreen) lookUp(text string) {
	l.lookup++
	seq := l.lookup
	text = strings.TrimSpace(text)
	if text == "" {
		l.whose.SetText("")
		return
	}
	if q := records.ParseQuery(text); q.Kind != records.QueryNumber {
		l.showWhose(widget.WarningImportance, "Type the chart number (digits, e.g. 12-34-56).")
		return
	}
	ctx, svc, width := l.s.ctx(), l.s.svc, l.s.settings.MRNWidth
	type found struct {
		hit     records.SearchHit
		ok      bool
		volumes []records.Volume
	}
	inBackground(l.s, func() (found, error) {
		hits, err := svc.Search(ctx, text, 5)
		if err != nil {
			return found{}, err
		}
		h, ok := namedChart(text, hits, width)
		if !ok || h.MatchedBy == "barcode" {
			return found{}, nil
		}
		vs, err := svc.VolumesOfPatient(ctx, h.ID)
		return found{hit: h, ok: true, volumes: vs}, err
	}, func(f found, err error) {
		if seq != l.lookup {
			return
		}
		switch {
		case err != nil:
			l.showWhose(widget.DangerImportance, records.ErrorMessage(err))
		case !f.ok:
			l.showWhose(widget.WarningImportance, "No chart has this number yet: keep typing, or check it.")
		default:
			text, tone := looseWhose(f.hit, f.volumes, l.s.mrn)
			l.showWhose(tone, text)
		}
	})
}

func (l *looseScreen) showWhose(tone widget.Importance, text string) {
	l.whose.Importance = tone
	l.whose.SetText(text)
}

// looseWhose names the chart and says where its folders are; a chart whose
// folders are all in file needs no loose filing: the papers go in it now.
func looseWhose(h records.SearchHit, vs []records.Volume, mrn func(string) string) (string, widget.Importance) {
	name := h.DisplayName() + ", " + mrn(h.MRN)
	if !h.DOB.IsZero() {
		name += ", born " + h.DOB.String()
	}
	var where []string
	allIn := len(vs) > 0
	for _, v := range vs {
		if v.State == records.StateDestroyed {
			continue
		}
		w := v.Label() + ": "
		switch v.State {
		case records.StateInFile:
			w += "in file at " + v.HomePath
		case records.StateCheckedOut, records.StateOffsite, records.StateInTransit:
			allIn = false
			w += "out to " + v.BorrowerName
			if !v.OutSince.IsZero() {
				w += " since " + v.OutSince.Local().Format("2006-01-02")
			}
		default:
			allIn = false
			w += v.Where()
		}
		where = append(where, w)
	}
	text := name + "\n" + strings.Join(where, "\n")
	if allIn {
		return text + "\nThe chart is in file: file the papers in it now; they need not wait here.", widget.WarningImportance
	}
	return text, widget.MediumImportance
}

func (l *looseScreen) record() {
	in, err := l.form()
	if err != nil {
		l.errs.show(l.s.win, err)
		return
	}
	chart := l.chart.Text
	ctx, svc, mrn := l.s.ctx(), l.s.svc, l.s.mrn
	l.add.Disable()
	inBackground(l.s, func() (string, error) {
		p, err := svc.PatientByMRN(ctx, chart)
		if err != nil {
			if c := records.ErrorCode(err); c == records.ENotFound || c == records.EInvalid {
				return "", records.FieldError("Chart", "%s", records.ErrorMessage(err))
			}
			return "", err
		}
		in.PatientID = p.ID
		if _, err := svc.AddLooseFiling(ctx, in); err != nil {
			return "", err
		}
		return "Recorded for " + p.DisplayName() + ", " + mrn(p.MRN) + ": " + in.Description + ". It waits here until the chart comes back.", nil
	}, func(done string, err error) {
		l.add.Enable()
		l.errs.show(l.s.win, err)
		if err != nil {
			return
		}
		l.done.SetText(done)
		l.chart.SetText("")
		l.desc.SetText("")
		l.from.SetText("")
		l.s.win.Canvas().Focus(l.chart)
		l.shown()
		if l.s.main != nil {
			l.s.main.changed()
		}
	})
}

// form reads the form's fields that need no lookup.
func (l *looseScreen) form() (records.LooseFiling, error) {
	if strings.TrimSpace(l.chart.Text) == "" {
		return records.LooseFiling{}, records.FieldError("Chart", "type the chart number (MRN)")
	}
	received, err := dateField("Received", l.received.Text)
	if err != nil {
		return records.LooseFiling{}, err
	}
	return records.LooseFiling{Description: l.desc.Text, From: l.from.Text, Received: received}, nil
}

func (l *looseScreen) markFiled() {
	x, ok := l.list.current()
	if !ok {
		return
	}
	ctx, svc := l.s.ctx(), l.s.svc
	inBackground(l.s, func() (records.LooseFiling, error) { return svc.MarkFiled(ctx, x.ID) },
		func(_ records.LooseFiling, err error) {
			if err != nil {
				l.s.showError(err)
				return
			}
			l.shown()
			if l.s.main != nil {
				l.s.main.changed()
			}
		})
}
