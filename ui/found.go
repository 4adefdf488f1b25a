package ui

import (
	"strings"

	"fyne.io/fyne/v2/dialog"

	"github.com/chartroom/chartroom/records"
)

// requestWhere is where a requested folder is now; a missing folder is
// flagged so the request is not counted on.
func requestWhere(q records.Request) string {
	if q.FolderMissing() {
		return "FOLDER MISSING" + strings.TrimPrefix(q.Where, "missing")
	}
	return q.Where
}

// submit is Enter in the Find box. It acts on the box's text as it is now,
// never on a list left over from an earlier keystroke: when that text's
// answer is not in yet (a scanner's Enter comes right after its last
// character), it asks, or waits for the question already asked, and acts
// when the answer arrives.
func (f *findScreen) submit(text string) {
	text = strings.TrimSpace(text)
	if text == "" {
		return
	}
	if f.answered == text && f.cancel == nil {
		f.act(text)
		return
	}
	f.enterFor = text
	if f.cancel == nil || f.asked != text {
		f.query(text)
	}
}

// act opens the chart Enter means in the answer for text: the row the clerk
// picked, else the one chart the text names (a chart number, a barcode, a
// single match). Several matches and no pick open nothing: the first row is
// selected and the clerk is asked to choose.
func (f *findScreen) act(text string) {
	h, ok := f.results.current()
	if !ok || !f.chosen {
		h, ok = namedChart(text, f.results.rows, f.s.settings.MRNWidth)
	}
	if !ok {
		if len(f.results.rows) > 0 {
			f.results.selectRow(0)
			f.summary.SetText(plural(len(f.results.rows), "match") + " for \"" + text + "\": choose one with Up and Down, then press Enter.")
		}
		return
	}
	if h.MatchedBy == "barcode" {
		if v, err := f.s.svc.VolumeByBarcode(f.s.ctx(), text); err == nil && v.State == records.StateMissing {
			f.askFound(v, func() { f.s.main.openChart(h.ID) })
			return
		}
	}
	f.s.main.openChart(h.ID)
}

// namedChart is the one chart hits name for the typed text: the only hit,
// or the only exact one (the whole chart number, a barcode, a retired
// number that leads to its survivor) among prefix matches.
func namedChart(text string, hits []records.SearchHit, width int) (records.SearchHit, bool) {
	if len(hits) == 1 {
		return hits[0], true
	}
	var exact []records.SearchHit
	for _, h := range hits {
		switch h.MatchedBy {
		case "barcode", "merged":
			exact = append(exact, h)
		case "mrn":
			if q := records.ParseQuery(text); q.Kind == records.QueryNumber {
				if mrn, err := records.NormalizeMRN(q.Digits, width); err == nil && mrn == h.MRN {
					exact = append(exact, h)
				}
			}
		}
	}
	if len(exact) == 1 {
		return exact[0], true
	}
	return records.SearchHit{}, false
}

// choose moves the selection (Up and Down in the box) and marks it the
// clerk's pick for Enter.
func (f *findScreen) choose(delta int) {
	f.results.move(delta)
	f.chosen = f.results.selected >= 0
}

// askFound announces that a missing folder was scanned and records it
// found, back in file at its home, when the clerk confirms.
func (f *findScreen) askFound(v records.Volume, then func()) {
	s := f.s
	msg := v.Barcode + " (" + v.Label() + " of " + s.mrn(v.MRN) + " " + v.PatientName + ") is marked missing.\n\n" +
		"You just scanned it: if the folder is in your hands, record it as found. It goes back in file at " + v.HomePath + "."
	f.foundAnswer = func(found bool) {
		if !found {
			then()
			return
		}
		ctx, svc := s.ctx(), s.svc
		inBackground(s, func() (records.Volume, error) { return svc.MarkFound(ctx, v.ID, "scanned at Find") }, func(_ records.Volume, err error) {
			if err != nil {
				s.showError(err)
				return
			}
			if s.main != nil {
				s.main.changed()
			}
			then()
		})
	}
	f.foundDlg = dialog.NewConfirm("A missing folder turned up", msg, guarded1(f.foundAnswer), s.win)
	f.foundDlg.SetConfirmText("Record found")
	f.foundDlg.SetDismissText("Not now")
	f.foundDlg.Show()
}
