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
)

// findLimit bounds the rows a search shows: enough to scroll through a
// common surname, few enough to come back in a blink from a million patients.
const findLimit = 200

// findScreen answers "where is this chart?": one box, results as you type.
type findScreen struct {
	s       *shell
	box     *activeEntry
	results *rowTable[records.SearchHit]
	summary *widget.Label
	root    fyne.CanvasObject
	// where says, for the first rows of the answer, where the chart's
	// folders are now and how that looks (overdue, missing in red).
	where map[records.ID]whereabouts

	foundDlg    *dialog.ConfirmDialog // the last "missing folder turned up" question
	foundAnswer func(found bool)      // its answer, which tests give directly

	cancel   context.CancelFunc // the query in flight, if any
	seq      int                // number of the latest query; older answers are dropped
	asked    string             // the text of the query in flight
	answered string             // the text whose answer the list shows
	chosen   bool               // the clerk picked a row of that answer (arrows, a tap)
	// enterFor is the text Enter was pressed on while its answer was still
	// coming: the answer acts on it as it arrives.
	enterFor string
}

const findEmptyText = "Type a chart number (12-34-56), a folder barcode or a surname (\"Nunez\" or \"Núñez, Ma\"). Results appear as you type; Enter opens the chart."

func newFindScreen(s *shell) *findScreen {
	f := &findScreen{s: s}
	f.box = newEntry(s, "Chart number, barcode or name…")
	f.box.OnChanged = guarded1(f.query)
	f.box.OnSubmitted = guarded1(f.submit)
	f.box.onKey = func(k *fyne.KeyEvent) bool {
		switch k.Name {
		case fyne.KeyDown:
			f.choose(1)
			return true
		case fyne.KeyUp:
			f.choose(-1)
			return true
		}
		return false
	}
	f.results = newRowTable([]column[records.SearchHit]{
		{"MRN", 110, func(h records.SearchHit) string { return s.mrn(h.MRN) }},
		{"Name", 280, func(h records.SearchHit) string { return h.DisplayName() }},
		{"Date of birth", 120, func(h records.SearchHit) string { return h.DOB.String() }},
		{"Sex", 50, func(h records.SearchHit) string { return h.Sex }},
		{"Folders", 80, func(h records.SearchHit) string { return strconv.Itoa(h.Volumes) }},
		{"Where now", 260, func(h records.SearchHit) string { return f.where[h.ID].text }},
		{"Status", 200, hitStatus},
	}, func(h records.SearchHit) { s.main.openChart(h.ID) })
	f.results.tone = func(h records.SearchHit) widget.Importance { return hitTone(h, f.where[h.ID]) }
	f.results.onTap = func() { f.chosen = true }
	f.results.set(nil, findEmptyText)
	f.summary = hint("")
	newPatient := widget.NewButtonWithIcon("New patient…", theme.ContentAddIcon(), guarded(func() { showPatientDialog(s, records.Patient{}, nil) }))
	top := container.NewBorder(nil, f.summary, nil, newPatient, f.box)
	f.root = screenFrame("Find a chart", "", top, f.results.view())
	return f
}

// hitStatus says how a search row matched and anything unusual about it.
func hitStatus(h records.SearchHit) string {
	var parts []string
	if h.MatchedBy == "merged" {
		parts = append(parts, "found by a retired (merged) chart number")
	}
	if h.Status != records.PatientActive && h.Status != "" && h.Status != records.PatientMerged {
		parts = append(parts, string(h.Status))
	}
	if h.LegalHold {
		parts = append(parts, "legal hold")
	}
	if !h.Deceased.IsZero() {
		parts = append(parts, "deceased "+h.Deceased.String())
	}
	return strings.Join(parts, ", ")
}

func (f *findScreen) view() fyne.CanvasObject { return f.root }

func (f *findScreen) shown() {
	f.s.win.Canvas().Focus(f.box)
	if f.box.Text != "" {
		f.query(f.box.Text)
	}
}

// query runs a search for text off the UI goroutine, cancelling the one
// before it; only the newest answer is shown.
func (f *findScreen) query(text string) {
	if f.cancel != nil {
		f.cancel()
		f.cancel = nil
	}
	f.seq++
	seq := f.seq
	text = strings.TrimSpace(text)
	f.answered, f.chosen = "", false
	if text == "" {
		f.summary.SetText("")
		f.results.set(nil, findEmptyText)
		f.answered = text
		return
	}
	ctx, cancel := context.WithCancel(f.s.ctx())
	f.cancel, f.asked = cancel, text
	svc := f.s.svc
	type answer struct {
		hits  []records.SearchHit
		where map[records.ID]whereabouts
	}
	inBackground(f.s, func() (answer, error) {
		hits, err := svc.Search(ctx, text, findLimit)
		if err != nil {
			return answer{}, err
		}
		return answer{hits, whereaboutsOf(ctx, svc, hits, f.s.today())}, nil
	}, func(a answer, err error) {
		hits := a.hits
		if seq != f.seq {
			return // a newer keystroke already asked again
		}
		cancel()
		f.cancel = nil
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			f.enterFor = ""
			f.summary.SetText(records.ErrorMessage(err))
			f.results.set(nil, "")
			return
		}
		f.where = a.where
		f.show(text, hits)
		f.answered = text
		// `chartroom bench` times keystroke to list from this line (--verbose).
		f.s.log.Debug("find: list shown", "query", text, "hits", len(hits))
		if f.enterFor == text {
			f.enterFor = ""
			f.act(text)
		}
	})
}

func (f *findScreen) show(text string, hits []records.SearchHit) {
	switch {
	case len(hits) == 0:
		f.summary.SetText("")
		f.results.set(nil, "No chart matches \""+text+"\". Check the number or the spelling, or add the patient with New patient.")
		return
	case len(hits) >= findLimit:
		f.summary.SetText("Showing the first " + strconv.Itoa(findLimit) + " matches; type more to narrow them.")
	default:
		f.summary.SetText(plural(len(hits), "match") + ". Up and Down choose, Enter opens the chart.")
	}
	f.results.setSelecting(hits, "", func(records.SearchHit) bool { return true })
}

// findWhereRows is how many rows of an answer say where their folders are:
// the rows a clerk looks at, without a lookup for each of two hundred.
const findWhereRows = 40

// whereabouts is where a chart's folders are now, as Find shows it.
type whereabouts struct {
	text string
	tone widget.Importance
}

// whereaboutsOf looks up where the folders of the first hits are, in one
// read. A lookup that fails (a newer keystroke cancelled it) leaves the
// column empty: the answer itself still shows.
func whereaboutsOf(ctx context.Context, svc records.Service, hits []records.SearchHit, today records.Date) map[records.ID]whereabouts {
	out := map[records.ID]whereabouts{}
	first := hits[:min(len(hits), findWhereRows)]
	ids := make([]records.ID, len(first))
	for i, h := range first {
		ids[i] = h.ID
	}
	if len(ids) == 0 {
		return out
	}
	vols := map[records.ID][]records.Volume{}
	err := svc.ListVolumes(ctx, records.VolumeFilter{Patients: ids}, func(v records.Volume) error {
		vols[v.PatientID] = append(vols[v.PatientID], v)
		return nil
	})
	if err != nil {
		return out
	}
	for _, id := range ids {
		out[id] = folderWhereabouts(vols[id], today)
	}
	return out
}

// folderWhereabouts says where the folders are in one line: each place or
// borrower once, "overdue" and "missing" named (and the line red).
func folderWhereabouts(vols []records.Volume, today records.Date) whereabouts {
	var parts []string
	seen := map[string]bool{}
	tone := widget.MediumImportance
	for _, v := range vols {
		var part string
		switch v.State {
		case records.StateInFile:
			part = v.HomePath
		case records.StateMissing:
			part = "missing"
			tone = widget.DangerImportance
		case records.StateDestroyed:
			part = "destroyed"
		default:
			part = v.BorrowerName
			if records.Overdue(v, today) {
				part += " (overdue)"
				tone = widget.DangerImportance
			}
		}
		if part != "" && !seen[part] {
			seen[part] = true
			parts = append(parts, part)
		}
	}
	return whereabouts{text: strings.Join(parts, "; "), tone: tone}
}

// hitTone colours a Find row: red for a missing or overdue folder, amber
// for a destroyed chart or a deceased patient.
func hitTone(h records.SearchHit, w whereabouts) widget.Importance {
	switch {
	case w.tone == widget.DangerImportance:
		return widget.DangerImportance
	case h.Status == records.PatientDestroyed || !h.Deceased.IsZero():
		return widget.WarningImportance
	}
	return widget.MediumImportance
}
