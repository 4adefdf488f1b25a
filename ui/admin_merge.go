package ui

import (
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/chartroom/chartroom/records"
)

// mergeTab folds a duplicate chart into its survivor: pick the two charts,
// compare them side by side, choose which survives, merge; the merges made
// so far are listed below, and an admin may undo one.
type mergeTab struct {
	s                 *shell
	retiredBox        *activeEntry
	survivorBox       *activeEntry
	errs              *formErrors
	retired, survivor *chartCard
	plan              *widget.Label
	merge             *widget.Button
	merges            *rowTable[records.Merge]
	undo              *widget.Button
	root              fyne.CanvasObject

	preview  records.MergePreview
	ready    bool        // preview holds two charts that may be merged
	mergeDlg *editDialog // the last merge or undo dialog, for tests
}

// chartCard is one side of the comparison.
type chartCard struct {
	title   *widget.Label
	details *widget.Label
	volumes *rowTable[records.Volume]
	root    fyne.CanvasObject
}

func newChartCard(s *shell, role string) *chartCard {
	c := &chartCard{title: heading(role), details: widget.NewLabel("")}
	c.details.Wrapping = fyne.TextWrapWord
	c.volumes = newRowTable([]column[records.Volume]{
		{"Barcode", 110, func(v records.Volume) string { return v.Barcode }},
		{"Folder", 110, func(v records.Volume) string { return v.Label() }},
		{"Where", 200, func(v records.Volume) string { return v.Where() }},
	}, nil)
	c.volumes.set(nil, "")
	c.volumes.tone = func(v records.Volume) widget.Importance { return volumeTone(v, s.today()) }
	c.root = container.NewBorder(container.NewVBox(c.title, c.details), nil, nil, nil, c.volumes.view())
	return c
}

func (c *chartCard) show(s *shell, role string, sum records.ChartSummary) {
	p := sum.Patient
	c.title.SetText(role + ": " + s.mrn(p.MRN) + "   " + p.DisplayName())
	lines := []string{patientDetails(p)}
	if p.LegalHold {
		lines = append(lines, "On legal hold.")
	}
	lines = append(lines, fmt.Sprintf("%s · %s · %s · %s · %s · %s",
		plural(len(sum.Volumes), "folder"), plural(sum.Movements, "movement"), plural(sum.Requests, "request"),
		plural(sum.Loose, "batch")+" of loose papers", plural(sum.Disclosures, "disclosure"), plural(sum.AccountingRequests, "accounting request")))
	if sum.Absorbed > 0 {
		lines = append(lines, plural(sum.Absorbed, "other chart")+" merged into this one.")
	}
	c.details.SetText(strings.Join(lines, "\n"))
	c.volumes.set(sum.Volumes, "No folders.")
}

func (c *chartCard) clear(role string) {
	c.title.SetText(role)
	c.details.SetText("")
	c.volumes.set(nil, "")
}

const (
	retiredRole  = "Duplicate (retired)"
	survivorRole = "Survivor"
)

func newMergeTab(s *shell) *mergeTab {
	m := &mergeTab{s: s, errs: newFormErrors()}
	m.retiredBox = m.errs.field("Retired chart", newEntry(s, "the duplicate: chart number, barcode or name"))
	m.survivorBox = m.errs.field("Surviving chart", newEntry(s, "the chart that stays"))
	m.retiredBox.OnSubmitted = guarded1(func(string) { m.compare() })
	m.survivorBox.OnSubmitted = guarded1(func(string) { m.compare() })
	compare := widget.NewButtonWithIcon("Compare", theme.SearchIcon(), guarded(m.compare))
	swap := widget.NewButtonWithIcon("Swap: keep the other", theme.ViewRefreshIcon(), guarded(m.swap))
	m.retired, m.survivor = newChartCard(s, retiredRole), newChartCard(s, survivorRole)
	m.plan = widget.NewLabel("Type the two chart numbers and press Compare.")
	m.plan.Wrapping = fyne.TextWrapWord
	m.merge = widget.NewButtonWithIcon("Merge…", theme.ContentPasteIcon(), guarded(m.askMerge))
	m.merge.Importance = widget.HighImportance
	m.merge.Disable()

	m.merges = newRowTable([]column[records.Merge]{
		{"#", 50, func(x records.Merge) string { return strconv.FormatInt(int64(x.ID), 10) }},
		{"Merged", 140, func(x records.Merge) string { return when(x.MergedAt) }},
		{"By", 80, func(x records.Merge) string { return x.MergedByName }},
		{"Retired", 220, func(x records.Merge) string { return s.mrn(x.RetiredMRN) + " " + x.RetiredName }},
		{"Survivor", 220, func(x records.Merge) string { return s.mrn(x.SurvivorMRN) + " " + x.SurvivorName }},
		{"Folders", 70, func(x records.Merge) string { return strconv.Itoa(x.Moved.Volumes) }},
		{"Status", 220, mergeStatus},
	}, nil)
	m.merges.onSelect = func(records.Merge) { m.updateUndo() }
	m.undo = widget.NewButtonWithIcon("Undo merge…", theme.ContentUndoIcon(), guarded(m.askUndo))
	if !s.can(records.RoleAdmin) {
		m.undo.Hide()
	}
	m.updateUndo()

	boxes := widget.NewForm(widget.NewFormItem(retiredRole, m.retiredBox), widget.NewFormItem(survivorRole, m.survivorBox))
	top := container.NewVBox(boxes, m.errs.label, container.NewHBox(compare, swap))
	sides := container.NewGridWithColumns(2, m.retired.root, m.survivor.root)
	action := container.NewBorder(nil, nil, nil, m.merge, m.plan)
	history := container.NewBorder(container.NewBorder(nil, nil, heading("Merges"), m.undo), nil, nil, nil, m.merges.view())
	split := container.NewVSplit(container.NewBorder(nil, action, nil, nil, sides), history)
	split.SetOffset(0.65)
	m.root = container.NewBorder(top, nil, nil, nil, split)
	return m
}

func mergeStatus(x records.Merge) string {
	if x.Undone() {
		return "Undone " + when(x.UndoneAt) + " by " + x.UndoneByName
	}
	return "In force"
}

func (m *mergeTab) view() fyne.CanvasObject { return m.root }

func (m *mergeTab) shown() { m.loadMerges() }

func (m *mergeTab) loadMerges() {
	list, err := m.s.svc.ListMerges(m.s.ctx())
	if err != nil {
		m.s.showError(err)
		return
	}
	m.merges.set(list, "No charts have been merged.")
	m.updateUndo()
}

func (m *mergeTab) updateUndo() {
	if x, ok := m.merges.current(); ok && !x.Undone() {
		m.undo.Enable()
	} else {
		m.undo.Disable()
	}
}

func (m *mergeTab) swap() {
	a, b := m.retiredBox.Text, m.survivorBox.Text
	m.retiredBox.SetText(b)
	m.survivorBox.SetText(a)
	m.compare()
}

// chartNumber turns what was typed into one chart number: a chart number
// as typed, or the one chart a barcode or name finds.
func (m *mergeTab) chartNumber(field, text string) (string, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return "", records.FieldError(field, "type a chart number, a folder barcode or a name")
	}
	hits, err := m.s.svc.Search(m.s.ctx(), text, 10)
	if err != nil {
		return "", err
	}
	switch {
	case len(hits) == 0:
		return "", records.FieldError(field, "no chart matches %q", text)
	case hits[0].MatchedBy == "merged":
		return text, nil // the retired number itself: the store says it was merged
	case hits[0].MatchedBy == "mrn" || hits[0].MatchedBy == "barcode" || len(hits) == 1:
		return hits[0].MRN, nil
	}
	return "", records.FieldError(field, "%d charts match %q; type the chart number", len(hits), text)
}

// compare reads both charts and shows what merging would do.
func (m *mergeTab) compare() {
	m.ready = false
	m.merge.Disable()
	m.errs.show(m.s.win, nil)
	retired, err := m.chartNumber("Retired chart", m.retiredBox.Text)
	if err == nil {
		var survivor string
		if survivor, err = m.chartNumber("Surviving chart", m.survivorBox.Text); err == nil {
			m.preview, err = m.s.svc.PreviewMerge(m.s.ctx(), retired, survivor)
		}
	}
	if err != nil {
		m.retired.clear(retiredRole)
		m.survivor.clear(survivorRole)
		m.plan.SetText("")
		m.errs.show(m.s.win, err)
		return
	}
	pv := m.preview
	m.retired.show(m.s, retiredRole, pv.Retired)
	m.survivor.show(m.s, survivorRole, pv.Survivor)
	if pv.Refusal != nil {
		m.plan.Importance = widget.DangerImportance
		m.plan.SetText("Cannot merge: " + pv.Refusal.Message)
		return
	}
	m.plan.Importance = widget.MediumImportance
	m.plan.SetText(mergePlanText(m.s, pv))
	m.ready = true
	m.merge.Enable()
}

// mergePlanText says in words what the merge will do.
func mergePlanText(s *shell, pv records.MergePreview) string {
	r, v := pv.Retired, pv.Survivor
	text := fmt.Sprintf("Merging moves %s with their history, %s, %s of loose papers, %s and %s from %s to %s. "+
		"Chart number %s will then find %s everywhere.",
		plural(len(r.Volumes), "folder"), plural(r.Requests, "request"), plural(r.Loose, "batch"), plural(r.Disclosures, "disclosure"),
		plural(r.AccountingRequests, "accounting request"), s.mrn(r.Patient.MRN), s.mrn(v.Patient.MRN), s.mrn(r.Patient.MRN), s.mrn(v.Patient.MRN))
	for _, n := range pv.Renumber {
		text += fmt.Sprintf(" %s becomes volume %d (was %d).", n.Barcode, n.To, n.From)
	}
	if len(pv.Renumber) > 0 {
		text += " Reprint those folders' labels."
	}
	if r.Patient.LegalHold && !v.Patient.LegalHold {
		text += " The legal hold goes with the folders to the survivor."
	}
	return text
}

func (m *mergeTab) askMerge() {
	if !m.ready {
		return
	}
	pv := m.preview
	errs := newFormErrors()
	note := errs.field("Note", newEntry(m.s, "why: e.g. same person registered twice"))
	confirm := hint(mergePlanText(m.s, pv) + " An admin can undo it.")
	confirm.Wrapping = fyne.TextWrapWord
	items := []*widget.FormItem{widget.NewFormItem("", confirm), widget.NewFormItem("Note", note)}
	title := "Merge " + m.s.mrn(pv.Retired.Patient.MRN) + " into " + m.s.mrn(pv.Survivor.Patient.MRN)
	m.mergeDlg = showWriteDialog(m.s, title, "Merge", items, errs, func() (formWrite, error) {
		ctx, svc, why := m.s.ctx(), m.s.svc, note.Text
		var x records.Merge
		return formWrite{
			write: func() (err error) {
				x, err = svc.MergePatients(ctx, pv.Retired.Patient.MRN, pv.Survivor.Patient.MRN, why)
				return err
			},
			after: func() { m.merged(x) },
		}, nil
	})
}

// merged shows a merge done and clears the form for the next.
func (m *mergeTab) merged(x records.Merge) {
	m.retiredBox.SetText("")
	m.survivorBox.SetText("")
	m.ready = false
	m.merge.Disable()
	m.retired.clear(retiredRole)
	m.survivor.clear(survivorRole)
	m.plan.Importance = widget.SuccessImportance
	m.plan.SetText(fmt.Sprintf("Merge #%d done: %s merged into %s; %s moved.", x.ID, m.s.mrn(x.RetiredMRN), m.s.mrn(x.SurvivorMRN), plural(x.Moved.Volumes, "folder")))
	m.loadMerges()
	if m.s.main != nil {
		m.s.main.changed()
	}
}

func (m *mergeTab) askUndo() {
	x, ok := m.merges.current()
	if !ok || x.Undone() {
		return
	}
	errs := newFormErrors()
	note := errs.field("Note", newEntry(m.s, "why the merge was wrong"))
	explain := hint(fmt.Sprintf("Puts back exactly what merge #%d moved: %s return to chart %s with their old numbers, and %s stands on its own again.",
		x.ID, plural(x.Moved.Volumes, "folder"), m.s.mrn(x.RetiredMRN), m.s.mrn(x.RetiredMRN)))
	explain.Wrapping = fyne.TextWrapWord
	items := []*widget.FormItem{widget.NewFormItem("", explain), widget.NewFormItem("Note", note)}
	m.mergeDlg = showWriteDialog(m.s, fmt.Sprintf("Undo merge #%d", x.ID), "Undo merge", items, errs, func() (formWrite, error) {
		ctx, svc, why := m.s.ctx(), m.s.svc, note.Text
		return formWrite{
			write: func() error {
				_, err := svc.UndoMerge(ctx, x.ID, why)
				return err
			},
			after: func() {
				m.loadMerges()
				if m.s.main != nil {
					m.s.main.changed()
				}
			},
		}, nil
	})
}
