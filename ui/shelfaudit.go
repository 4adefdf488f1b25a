package ui

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/reports"
)

// shelfAuditScreen walks a clerk along a shelf: pick the location, scan the
// folders in the order they stand, see a flag for each scan at once, then
// print the findings and make the records agree with the shelf. The rule
// (records.AuditShelf) runs here on every scan over the folders loaded once,
// so a scan costs no database call unless the folder is not expected there.
type shelfAuditScreen struct {
	s        *shell
	location *selectBox
	sections *activeEntry // terminal-digit sections, empty for all
	locs     []records.Location
	box      *activeEntry
	log      *rowTable[records.ShelfScanResult]
	counts   *widget.Label
	notSeen  *widget.Label
	pdf      *widget.Button
	apply    *widget.Button
	clear    *widget.Button
	root     fyne.CanvasObject

	locID    records.ID
	digits   *records.DigitRange // the sections being audited; nil: all
	inside   map[records.ID]bool
	expected []records.Volume
	known    map[string]records.Volume // barcode -> folder, expected or looked up
	scans    []records.ShelfScan
	result   records.ShelfAuditResult

	confirm               *dialog.CustomDialog
	confirmYes, confirmNo *widget.Button
	applied               *records.ShelfAuditApplied
}

func newShelfAuditScreen(s *shell) *shelfAuditScreen {
	a := &shelfAuditScreen{s: s}
	a.location = newSelect(nil, guarded1(func(string) { a.start() }))
	a.location.PlaceHolder = "Choose the location to audit"
	a.sections = newEntry(s, "all, or e.g. 00-09")
	a.sections.OnSubmitted = guarded1(func(string) { a.start() })
	a.box = newEntry(s, "Scan the folders in the order they stand on the shelf")
	a.box.OnSubmitted = guarded1(a.submit)
	a.box.Disable()
	a.log = newRowTable([]column[records.ShelfScanResult]{
		{"#", 50, func(r records.ShelfScanResult) string { return fmt.Sprint(r.Position) }},
		{"Flag", 120, shelfFlag},
		{"Barcode", 120, func(r records.ShelfScanResult) string { return r.Barcode }},
		{"Chart", 280, func(r records.ShelfScanResult) string {
			if r.Volume.ID == 0 {
				return ""
			}
			return volumeChart(r.Volume, s.mrn)
		}},
		{"Finding", 400, func(r records.ShelfScanResult) string {
			if r.OK() {
				return "in order, recorded here"
			}
			return r.Describe(s.settings.Filing)
		}},
	}, nil)
	a.log.set(nil, "Choose a location, then scan the folders along its shelves, left to right.")
	a.counts = widget.NewLabel("")
	a.counts.TextStyle = fyne.TextStyle{Bold: true}
	a.counts.Wrapping = fyne.TextWrapWord
	a.notSeen = hint("")
	a.pdf = widget.NewButtonWithIcon("Shelf audit PDF", theme.DocumentPrintIcon(), guarded(a.openPDF))
	// A plain button: it may mark many folders missing, and asks first.
	a.apply = widget.NewButtonWithIcon("Mark missing and found…", theme.WarningIcon(), guarded(a.askApply))
	a.clear = widget.NewButtonWithIcon("Start over", theme.ContentClearIcon(), guarded(a.start))
	for _, b := range []*widget.Button{a.pdf, a.apply, a.clear} {
		b.Disable()
	}
	big := container.NewThemeOverride(a.box, bigTextTheme{app: s.app, size: 22})
	top := container.NewVBox(
		container.NewBorder(nil, nil, widget.NewLabel("Location:"),
			container.NewHBox(widget.NewLabel("Terminal-digit sections:"), container.New(minWidth{150}, a.sections),
				widget.NewButtonWithIcon("Start", theme.MediaPlayIcon(), guarded(a.start))),
			a.location),
		big,
		// The counts wrap on their own line and the buttons' row wraps, so
		// a narrow window keeps them all on screen.
		a.counts,
		container.New(layout.NewRowWrapLayout(), a.clear, a.pdf, a.apply),
		a.notSeen,
	)
	help := "Choose the location and, for a section a day, its terminal-digit sections; then scan every folder there in order. Each scan is flagged at once: out of filing order, recorded out, missing or elsewhere, or unknown. Nothing changes until you mark missing and found, and then only inside the section scanned."
	a.root = screenFrame("Shelf audit", help, top, a.log.view())
	return a
}

// shelfFlag is a scan's flag in one word.
func shelfFlag(r records.ShelfScanResult) string {
	switch {
	case r.Unknown:
		return "Unknown"
	case r.RepeatOf != 0:
		return "Repeat"
	case r.Problem != "" && r.OutOfOrder:
		return "Record, order"
	case r.Problem != "":
		return "Record"
	case r.OutOfOrder:
		return "Order"
	}
	return "OK"
}

func (a *shelfAuditScreen) view() fyne.CanvasObject { return a.root }

func (a *shelfAuditScreen) shown() {
	ctx, svc := a.s.ctx(), a.s.svc
	inBackground(a.s, func() ([]records.Location, error) { return svc.ListLocations(ctx) },
		func(locs []records.Location, err error) {
			if err != nil {
				a.s.showError(err)
				return
			}
			a.locs = locs
			opts := make([]string, len(locs))
			for i, l := range locs {
				opts[i] = l.Path
			}
			a.location.Options = opts
			a.location.Refresh()
			a.focus()
		})
}

func (a *shelfAuditScreen) focus() {
	if a.box.Disabled() {
		return
	}
	if c := fyne.CurrentApp().Driver().CanvasForObject(a.box); c != nil {
		c.Focus(a.box)
		return
	}
	a.s.win.Canvas().Focus(a.box)
}

// start loads the folders recorded in file at the chosen location and
// clears the scans.
func (a *shelfAuditScreen) start() {
	i := a.location.SelectedIndex()
	if i < 0 || i >= len(a.locs) {
		return
	}
	loc := a.locs[i]
	digits, err := records.ParseDigitRange(a.sections.Text)
	if err != nil {
		a.s.showError(err)
		return
	}
	ctx, svc := a.s.ctx(), a.s.svc
	section := records.ShelfSection{LocationID: loc.ID, Digits: digits}
	inBackground(a.s, func() (records.ShelfAuditResult, error) { return svc.ShelfAudit(ctx, section, nil) },
		func(res records.ShelfAuditResult, err error) {
			if err != nil {
				a.s.showError(err)
				return
			}
			a.locID, a.digits = loc.ID, digits
			a.inside = insideOf(a.locs, loc.ID)
			a.expected = res.NotSeen // with nothing scanned, every folder expected
			a.known = make(map[string]records.Volume, len(a.expected))
			for _, v := range a.expected {
				a.known[v.Barcode] = v
			}
			a.scans, a.applied = nil, nil
			a.box.Enable()
			a.recompute()
			a.focus()
		})
}

// insideOf returns a location and every place inside it.
func insideOf(locs []records.Location, id records.ID) map[records.ID]bool {
	in := map[records.ID]bool{id: true}
	for grew := true; grew; {
		grew = false
		for _, l := range locs {
			if !in[l.ID] && in[l.ParentID] && l.ParentID != 0 {
				in[l.ID], grew = true, true
			}
		}
	}
	return in
}

// submit takes one scan from the box.
func (a *shelfAuditScreen) submit(text string) {
	a.box.SetText("")
	a.focus()
	if strings.TrimSpace(text) == "" || a.locID == 0 {
		return
	}
	code, err := records.NormalizeScan(text)
	if err != nil {
		a.scans = append(a.scans, records.ShelfScan{Barcode: strings.TrimSpace(text)})
		a.recompute()
		return
	}
	if v, ok := a.known[code]; ok {
		a.scans = append(a.scans, records.ShelfScan{Barcode: code, Volume: v})
		a.recompute()
		return
	}
	// Not expected here: ask the store what it is (a view, audited).
	ctx, svc := a.s.ctx(), a.s.svc
	inBackground(a.s, func() (records.Volume, error) {
		v, err := svc.VolumeByBarcode(ctx, code)
		if records.ErrorCode(err) == records.ENotFound {
			return records.Volume{}, nil
		}
		return v, err
	}, func(v records.Volume, err error) {
		if err != nil {
			a.s.showError(err)
			return
		}
		if v.ID != 0 {
			a.known[code] = v
		}
		a.scans = append(a.scans, records.ShelfScan{Barcode: code, Volume: v})
		a.recompute()
	})
}

// recompute runs the rule over the scans so far and shows the flags,
// newest scan first.
func (a *shelfAuditScreen) recompute() {
	a.result = records.AuditShelf(func(id records.ID) bool { return a.inside[id] }, a.expected, a.scans)
	rows := make([]records.ShelfScanResult, len(a.result.Scans))
	for i, r := range a.result.Scans {
		rows[len(rows)-1-i] = r
	}
	a.log.set(rows, "Scan the first folder on the shelf.")
	c := a.result.Counts()
	seen := len(a.expected) - c.NotSeen
	a.counts.SetText(fmt.Sprintf("%s of %s: %s of %s scanned (%s). %d scanned: %d OK, %d out of order, %d recorded elsewhere/out/missing, %d unknown, %d repeated.",
		capitalized(a.digits.String()), a.locationPath(), fmt.Sprint(seen), plural(len(a.expected), "folder"), share(seen, len(a.expected)),
		c.Scanned, c.InOrder, c.OutOfOrder, c.Misrecorded, c.Unknown, c.Repeats))
	a.notSeen.SetText(notSeenText(a.result.NotSeen, a.s.mrn))
	a.clear.Enable()
	if len(a.scans) > 0 {
		a.pdf.Enable()
		a.apply.Enable()
	} else {
		a.pdf.Disable()
		a.apply.Disable()
	}
}

// locationPath is the audited location's path.
func (a *shelfAuditScreen) locationPath() string {
	for _, l := range a.locs {
		if l.ID == a.locID {
			return l.Path
		}
	}
	return ""
}

// capitalized starts s with a capital letter, for a phrase that begins a
// sentence on screen.
func capitalized(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// share is part of whole as a percentage a clerk reads at a glance.
func share(part, whole int) string {
	if whole == 0 {
		return "nothing expected"
	}
	pct := float64(part) * 100 / float64(whole)
	if part > 0 && pct < 1 {
		return "under 1 %"
	}
	return fmt.Sprintf("%.0f %%", pct)
}

// notSeenText names the first few expected folders not scanned yet.
func notSeenText(vs []records.Volume, mrn func(string) string) string {
	if len(vs) == 0 {
		return "Every folder recorded here has been scanned."
	}
	var names []string
	for _, v := range vs[:min(len(vs), 5)] {
		names = append(names, mrn(v.MRN)+" "+v.PatientName+" ("+v.Label()+")")
	}
	s := "Not seen yet: " + strings.Join(names, "; ")
	if len(vs) > 5 {
		s += fmt.Sprintf("; and %d more", len(vs)-5)
	}
	return s
}

func (a *shelfAuditScreen) barcodes() []string {
	out := make([]string, len(a.scans))
	for i, sc := range a.scans {
		out[i] = sc.Barcode
	}
	return out
}

func (a *shelfAuditScreen) openPDF() {
	openReport(a.s, reports.ReportShelfAudit, reports.Params{LocationID: a.locID, Digits: a.digits, Scans: a.barcodes()}, "shelf-audit")
}

// askApply says what the one-click action will change and asks to go on.
func (a *shelfAuditScreen) askApply() {
	c := a.result.Counts()
	found := 0
	for _, r := range a.result.Scans {
		if r.Problem != "" && r.RepeatOf == 0 {
			found++
		}
	}
	seen := len(a.expected) - c.NotSeen
	text := fmt.Sprintf("You scanned %s of the %s recorded in file in %s of %s (%s).\n\n"+
		"Mark the %s not seen as missing, and put %s found on the shelf back in file here?\n\n"+
		"Marking folders missing is right only if you scanned every shelf of this section. Nothing outside it changes. "+
		"Folders out of filing order are not changed: put them where they belong.",
		fmt.Sprint(seen), plural(len(a.expected), "folder"), a.digits.String(), a.locationPath(), share(seen, len(a.expected)),
		plural(c.NotSeen, "folder"), plural(found, "folder"))
	msg := widget.NewLabel(text)
	msg.Wrapping = fyne.TextWrapWord
	a.confirmYes = widget.NewButtonWithIcon(fmt.Sprintf("Mark %d missing, %d found", c.NotSeen, found), theme.WarningIcon(), nil)
	a.confirmYes.Importance = widget.DangerImportance
	a.confirmNo = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), nil)
	a.confirm = dialog.NewCustomWithoutButtons("Make the records agree with the shelf",
		container.New(minWidth{520}, container.NewVBox(msg, container.NewHBox(layout.NewSpacer(), a.confirmNo, a.confirmYes))), a.s.win)
	a.confirmNo.OnTapped = guarded(a.confirm.Hide)
	a.confirmYes.OnTapped = guarded(func() {
		a.confirm.Hide()
		a.doApply()
	})
	a.confirm.Show()
	a.s.win.Canvas().Focus(a.confirmNo) // Enter must not mark folders missing

}

// doApply runs the one-click action and shows what it changed.
func (a *shelfAuditScreen) doApply() {
	ctx, svc, codes := a.s.ctx(), a.s.svc, a.barcodes()
	section := records.ShelfSection{LocationID: a.locID, Digits: a.digits}
	inBackground(a.s, func() (records.ShelfAuditApplied, error) { return svc.ApplyShelfAudit(ctx, section, codes) },
		func(res records.ShelfAuditApplied, err error) {
			if err != nil {
				a.s.showError(err)
				return
			}
			a.applied = &res
			if a.s.main != nil {
				a.s.main.changed()
			}
			text := fmt.Sprintf("%d marked missing, %d found and back in file, %d given this location as home.",
				res.MarkedMissing, res.MarkedFound, res.Rehomed)
			if len(res.Skipped) > 0 {
				text += "\n\nNot changed:\n  • " + strings.Join(res.Skipped, "\n  • ")
			}
			showNotice(a.s, "Shelf audit applied", text)
			a.apply.Disable()
		})
}
