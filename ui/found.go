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

// submit opens the chosen chart. When the box holds the barcode of a folder
// marked missing (a scanner fired it at the Find box), it first says so and
// offers to record the folder found: someone is holding it.
func (f *findScreen) submit(text string) {
	h, ok := f.results.current()
	if !ok || h.MatchedBy != "barcode" {
		f.results.open()
		return
	}
	v, err := f.s.svc.VolumeByBarcode(f.s.ctx(), text)
	if err != nil || v.State != records.StateMissing {
		f.results.open()
		return
	}
	f.askFound(v, func() { f.results.open() })
}

// askFound announces that a missing folder was scanned and records it
// found, back in file at its home, when the clerk confirms.
func (f *findScreen) askFound(v records.Volume, then func()) {
	s := f.s
	msg := v.Barcode + " (" + v.Label() + " of " + s.mrn(v.MRN) + " " + v.PatientName + ") is marked missing.\n\n" +
		"You just scanned it: if the folder is in your hands, record it as found. It goes back in file at " + v.HomePath + "."
	f.foundAnswer = func(found bool) {
		if found {
			if _, err := s.svc.MarkFound(s.ctx(), v.ID, "scanned at Find"); err != nil {
				s.showError(err)
				return
			}
			if s.main != nil {
				s.main.changed()
			}
		}
		then()
	}
	f.foundDlg = dialog.NewConfirm("A missing folder turned up", msg, f.foundAnswer, s.win)
	f.foundDlg.SetConfirmText("Record found")
	f.foundDlg.SetDismissText("Not now")
	f.foundDlg.Show()
}
