package ui

import (
	"context"
	"fmt"
	"image/color"
	"maps"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/chartroom/chartroom/records"
)

// Scan station modes.
const (
	modeCheckOut = "Check out"
	modeCheckIn  = "Check in"
	modeHandOff  = "Hand off"
)

var scanModes = []string{modeCheckOut, modeCheckIn, modeHandOff}

// scanResult is one line of the scan log.
type scanResult struct {
	At      time.Time
	Code    string
	OK      bool
	Mode    string
	Chart   string // "12-34-56 Testwell, Ada: Medical 1"
	Message string // what happened, or why it was refused
	// Attention marks a success that needs the clerk's eye: loose papers
	// to file or another borrower waiting for the chart.
	Attention bool
	// Repeat marks a scan of a folder already out to the borrower it was
	// scanned for (a scanner that fired twice): nothing to do, no alarm.
	Repeat bool
	// The folder scanned, when the code was one, and where it was after
	// the scan: the log's Now column starts from it.
	VolumeID, PatientID records.ID
	Where               string
}

// bannerTone is the colour the banner flashes.
type bannerTone int

const (
	toneNone bannerTone = iota
	toneOK
	toneAttention
	toneRefused
	toneRepeat
)

// scanScreen is the check-out desk: a big box that keeps the focus, so a
// keyboard-wedge scanner (characters, then Enter) can fire folder after
// folder at it. Each scan is one finished transaction, listed newest first.
type scanScreen struct {
	s        *shell
	mode     *widget.RadioGroup
	borrower *borrowerSelect
	box      *activeEntry
	banner   *widget.Label
	flash    *canvas.Rectangle
	flashes  int // outcomes shown, so a late step of a flash skips a newer one
	log      *rowTable[scanResult]
	tally    *widget.Label
	root     fyne.CanvasObject

	// The purpose of check-outs to an outside party, asked once when such
	// a borrower is chosen: each of those check-outs is a disclosure.
	purpose    disclosurePurpose
	purposeFor records.ID // the borrower purpose was given for
	purposeBtn *widget.Button
	purposeDlg *editDialog // the purpose dialog last shown, for tests

	results []scanResult
	// whereNow is where each logged folder is now, by volume id: reloaded
	// when folders move anywhere in the practice (reloadLog).
	whereNow map[records.ID]string
	tone     bannerTone // of the banner now, for tests
	queue    []string   // scans waiting their turn: a scanner is faster than the disk
	busy     bool
	ok, fail int
}

func newScanScreen(s *shell) *scanScreen {
	sc := &scanScreen{s: s, whereNow: map[records.ID]string{}}
	sc.mode = widget.NewRadioGroup(scanModes, guarded1(func(string) {
		sc.modeChanged()
		if sc.root != nil {
			sc.focus()
		}
	}))
	sc.mode.Horizontal = true
	sc.mode.Required = true
	sc.mode.SetSelected(modeCheckOut)
	sc.borrower = newBorrowerSelect(nil)
	sc.borrower.sel.OnChanged = guarded1(func(string) {
		sc.modeChanged()
		sc.borrowerChanged()
		sc.focus()
	})
	sc.purposeBtn = widget.NewButtonWithIcon("Purpose…", theme.DocumentCreateIcon(), guarded(func() {
		if b, ok := sc.borrower.selected(); ok {
			sc.askPurpose(b)
		}
	}))
	sc.purposeBtn.Hide()
	sc.box = newEntry(s, "Scan a folder or a badge, or type its code and press Enter")
	sc.box.OnSubmitted = guarded1(sc.submit)
	sc.box.onKey = func(k *fyne.KeyEvent) bool {
		switch k.Name {
		case fyne.KeyF2:
			sc.mode.SetSelected(modeCheckOut)
		case fyne.KeyF3:
			sc.mode.SetSelected(modeCheckIn)
		case fyne.KeyF4:
			sc.mode.SetSelected(modeHandOff)
		default:
			return false
		}
		return true
	}
	sc.banner = widget.NewLabel("")
	sc.banner.Wrapping = fyne.TextWrapWord
	sc.banner.TextStyle = fyne.TextStyle{Bold: true}
	sc.flash = canvas.NewRectangle(color.Transparent)
	sc.flash.CornerRadius = 6
	sc.log = newRowTable([]column[scanResult]{
		{"Time", 90, func(r scanResult) string { return r.At.Local().Format("15:04:05") }},
		{"", 110, okMark},
		{"Code", 120, func(r scanResult) string { return r.Code }},
		{"Mode", 90, func(r scanResult) string { return r.Mode }},
		{"Chart", 250, func(r scanResult) string { return r.Chart }},
		{"Result", 300, func(r scanResult) string { return r.Message }},
		{"Now", 200, func(r scanResult) string { return sc.whereNow[r.VolumeID] }},
	}, nil)
	sc.log.set(nil, "Scanned folders appear here, newest first.")
	sc.tally = hint("")

	big := func(o fyne.CanvasObject, size float32) fyne.CanvasObject {
		return container.NewThemeOverride(o, bigTextTheme{app: s.app, size: size})
	}
	modeRow := container.NewBorder(nil, nil, widget.NewLabel("Mode (F2/F3/F4):"), nil, sc.mode)
	borrowerRow := container.NewBorder(nil, nil, widget.NewLabel("Borrower:"), sc.purposeBtn, sc.borrower.sel)
	bannerBox := container.NewStack(sc.flash, container.NewPadded(big(sc.banner, 20)))
	top := container.NewVBox(modeRow, borrowerRow, big(sc.box, 28), bannerBox, sc.tally)
	help := "Scan the borrower's badge (or choose the borrower), then scan the folders one after another. Each scan is saved at once."
	sc.root = screenFrame("Scan station", help, top, sc.log.view())
	sc.modeChanged()
	return sc
}

func okMark(r scanResult) string {
	switch {
	case r.Repeat:
		return "Already out"
	case r.OK:
		return "Done"
	}
	return "Refused"
}

func (sc *scanScreen) view() fyne.CanvasObject { return sc.root }

func (sc *scanScreen) shown() {
	bs, err := activeBorrowers(sc.s)
	if err != nil {
		sc.s.showError(err)
	} else {
		cur, had := sc.borrower.selected()
		sc.borrower.setList(bs)
		if had {
			sc.borrower.choose(cur)
		}
	}
	sc.focus()
}

// focus puts the keyboard back in the scan box, where the scanner types.
func (sc *scanScreen) focus() {
	if c := fyne.CurrentApp().Driver().CanvasForObject(sc.box); c != nil {
		c.Focus(sc.box)
		return
	}
	sc.s.win.Canvas().Focus(sc.box)
}

func (sc *scanScreen) modeChanged() {
	if sc.borrower == nil {
		return
	}
	if sc.mode.Selected == modeCheckIn {
		sc.borrower.sel.Disable()
		sc.setBanner("Check in: scan each returned folder.", toneNone)
	} else {
		sc.borrower.sel.Enable()
		if b, ok := sc.borrower.selected(); ok {
			sc.setBanner(sc.mode.Selected+" to "+b.Name+sc.purposeText(b)+": scan the folders.", toneNone)
		} else {
			sc.setBanner(sc.mode.Selected+": scan the borrower's badge or choose the borrower first.", toneNone)
		}
	}
}

// setBanner shows the last outcome in large type and flashes its colour:
// green done, amber done but look, red refused. The flash is the full
// colour, then after flashHold a light tint of it: two redraws. (A fade
// redrew the whole window at every frame for most of a second, and a
// scanner's next folder waited behind those frames.)
func (sc *scanScreen) setBanner(text string, tone bannerTone) {
	sc.banner.SetText(text)
	sc.tone = tone
	sc.flashes++
	var c color.Color
	switch tone {
	case toneOK:
		c = theme.Color(theme.ColorNameSuccess)
	case toneAttention:
		c = theme.Color(theme.ColorNameWarning)
	case toneRefused:
		c = theme.Color(theme.ColorNameError)
	case toneRepeat:
		c = theme.Color(theme.ColorNamePrimary)
	default:
		sc.flash.FillColor = color.Transparent
		sc.flash.Refresh()
		return
	}
	sc.flash.FillColor = c
	sc.flash.Refresh()
	if !sc.s.async {
		return
	}
	this := sc.flashes
	time.AfterFunc(flashHold, func() {
		sc.s.later(func() {
			if sc.flashes == this { // no newer outcome since
				sc.flash.FillColor = withAlpha(c, 0x38)
				sc.flash.Refresh()
			}
		})
	})
}

// flashHold is how long an outcome's colour stays full before it settles
// to a tint.
const flashHold = 600 * time.Millisecond

func withAlpha(c color.Color, a uint8) color.Color {
	r, g, b, _ := c.RGBA()
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: a}
}

// submit takes one scan from the box and queues it; scans are committed in
// the order they came.
func (sc *scanScreen) submit(text string) {
	sc.box.SetText("")
	sc.focus()
	if strings.TrimSpace(text) == "" {
		return
	}
	sc.queue = append(sc.queue, text)
	sc.next()
}

// scanJob is one scan with the mode and borrower in force when its turn came.
type scanJob struct {
	raw      string
	mode     string
	borrower records.Borrower
	hasB     bool
	purpose  disclosurePurpose // for an outside borrower
}

// scanOutcome is what the service said about one scan.
type scanOutcome struct {
	result      scanResult
	newBorrower *records.Borrower // a badge was scanned
}

func (sc *scanScreen) next() {
	if sc.busy || len(sc.queue) == 0 {
		return
	}
	sc.busy = true
	raw := sc.queue[0]
	sc.queue = sc.queue[1:]
	job := scanJob{raw: raw, mode: sc.mode.Selected}
	job.borrower, job.hasB = sc.borrower.selected()
	if job.hasB && sc.purposeFor == job.borrower.ID {
		job.purpose = sc.purpose
	}
	ctx, svc, now := sc.s.ctx(), sc.s.svc, sc.s.now
	mrn := sc.s.mrn
	inBackground(sc.s, func() (scanOutcome, error) {
		return runScan(ctx, svc, job, now(), mrn), nil
	}, func(o scanOutcome, _ error) {
		sc.busy = false
		sc.apply(o)
		sc.next()
	})
}

// runScan commits one scan. It runs off the UI goroutine.
func runScan(ctx context.Context, svc records.Service, job scanJob, now time.Time, mrn func(string) string) scanOutcome {
	res := scanResult{At: now, Code: strings.TrimSpace(job.raw), Mode: job.mode}
	code, err := records.NormalizeScan(job.raw)
	if err != nil {
		res.Message = records.ErrorMessage(err)
		return scanOutcome{result: res}
	}
	res.Code = code
	var moveErr error
	switch job.mode {
	case modeCheckIn:
		var r records.CheckInResult
		r, moveErr = svc.CheckIn(ctx, code)
		if moveErr == nil {
			res.OK = true
			res.Chart = volumeChart(r.Volume, mrn)
			res.VolumeID, res.PatientID, res.Where = r.Volume.ID, r.Volume.PatientID, r.Volume.Where()
			res.Message = "Checked in to " + r.Volume.HomePath
			if notes := checkInNotes(r); notes != "" {
				res.Attention = true
				res.Message += ". " + strings.ReplaceAll(strings.ReplaceAll(notes, "\n  • ", " • "), "\n\n", " ")
			}
			return scanOutcome{result: res}
		}
	default:
		if !job.hasB {
			// Maybe it is the badge we are waiting for.
			if b, err := svc.FindBorrower(ctx, code); err == nil {
				return badgeOutcome(res, b)
			}
			res.Message = "Scan the borrower's badge or choose the borrower before scanning folders"
			return scanOutcome{result: res}
		}
		var out records.CheckOutResult
		out, moveErr = svc.CheckOut(ctx, records.CheckOutInput{Barcode: code, BorrowerID: job.borrower.ID, HandOff: job.mode == modeHandOff,
			Note: job.purpose.note, Purpose: job.purpose.category})
		v := out.Volume
		if moveErr == nil {
			res.OK = true
			res.Chart = volumeChart(v, mrn)
			res.VolumeID, res.PatientID, res.Where = v.ID, v.PatientID, v.Where()
			verb := "Checked out to "
			if job.mode == modeHandOff {
				verb = "Handed off to "
			}
			res.Message = verb + v.BorrowerName
			if !v.Due.IsZero() {
				res.Message += ", due " + v.Due.String()
			}
			if out.WasMissing {
				res.Attention = true
				res.Message = "FOUND: this folder was marked missing; recorded as found. " + res.Message
			}
			if out.Disclosure != nil {
				res.Message += "; disclosure recorded"
			}
			return scanOutcome{result: res}
		}
	}
	// Not a folder: a badge switches the borrower.
	if records.ErrorCode(moveErr) == records.ENotFound {
		if b, err := svc.FindBorrower(ctx, code); err == nil {
			return badgeOutcome(res, b)
		}
	}
	res.Message = capitalized(records.ErrorMessage(moveErr))
	if records.ErrorCode(moveErr) == records.ENotFound {
		res.Message = unknownCodeMessage(code)
	}
	if v, err := svc.VolumeByBarcode(ctx, code); err == nil {
		res.Chart = volumeChart(v, mrn)
		res.VolumeID, res.PatientID, res.Where = v.ID, v.PatientID, v.Where()
		if job.mode != modeCheckIn && job.hasB && (v.State == records.StateCheckedOut || v.State == records.StateOffsite) && v.BorrowerID == job.borrower.ID {
			res.Repeat = true
			res.Message = "Already out to " + v.BorrowerName + " since " + v.OutSince.Local().Format("2006-01-02 15:04") + ": nothing to do"
		}
	}
	return scanOutcome{result: res}
}

// unknownCodeMessage is the scan station's answer to a code that is
// neither a folder's barcode nor a borrower's badge: what it is not, and
// what to do next.
func unknownCodeMessage(code string) string {
	return "No folder or badge has the code " + code + ". Scan it again or type the code from the label; " +
		"a folder without a label is found with Find (Ctrl+F) by its chart number."
}

func badgeOutcome(res scanResult, b records.Borrower) scanOutcome {
	res.OK = true
	res.Chart = "Badge"
	res.Message = "Borrower is now " + b.Name
	if !b.Active {
		res.OK = false
		res.Message = b.Name + " is not an active borrower"
		return scanOutcome{result: res}
	}
	return scanOutcome{result: res, newBorrower: &b}
}

// volumeChart names a folder for the scan log.
func volumeChart(v records.Volume, mrn func(string) string) string {
	return fmt.Sprintf("%s %s: %s", mrn(v.MRN), v.PatientName, v.Label())
}

// apply shows a scan's outcome: log line, banner, flash, tally, counts.
func (sc *scanScreen) apply(o scanOutcome) {
	r := o.result
	if o.newBorrower != nil {
		sc.borrower.choose(*o.newBorrower)
		if sc.mode.Selected == modeCheckIn {
			sc.mode.SetSelected(modeCheckOut)
		}
		sc.setBanner(sc.mode.Selected+" to "+o.newBorrower.Name+sc.purposeText(*o.newBorrower)+": scan the folders.", toneOK)
		sc.borrowerChanged()
	} else {
		text := r.Message
		if r.Chart != "" {
			text = r.Chart + "\n" + r.Message
		}
		tone := toneRefused
		switch {
		case r.Repeat:
			tone = toneRepeat
		case r.OK && r.Attention:
			tone = toneAttention
		case r.OK:
			tone = toneOK
		}
		sc.setBanner(text, tone)
		switch {
		case r.OK:
			sc.ok++
		case !r.Repeat:
			sc.fail++
		}
	}
	if r.VolumeID != 0 {
		sc.whereNow[r.VolumeID] = r.Where
	}
	sc.results = append([]scanResult{r}, sc.results...)
	sc.log.set(sc.results, "")
	sc.tally.SetText(fmt.Sprintf("This session: %d done, %d refused.", sc.ok, sc.fail))
	if r.OK && sc.s.main != nil {
		sc.s.main.changed()
	}
	sc.focus()
	// `chartroom bench` times scan to banner from this line (--verbose).
	sc.s.log.Debug("scan: banner shown", "code", r.Code, "ok", r.OK)
}

// borrowerChanged asks for the purpose when the borrower now chosen is an
// outside party that has none yet, and shows the Purpose button for one.
func (sc *scanScreen) borrowerChanged() {
	b, ok := sc.borrower.selected()
	if !ok || b.Kind != records.BorrowerExternal {
		sc.purposeBtn.Hide()
		return
	}
	sc.purposeBtn.Show()
	if sc.purposeFor != b.ID && sc.mode.Selected != modeCheckIn {
		sc.askPurpose(b)
	}
}

// askPurpose asks why folders go to outside party b; scans to b carry it.
func (sc *scanScreen) askPurpose(b records.Borrower) {
	current := disclosurePurpose{}
	if sc.purposeFor == b.ID {
		current = sc.purpose
	}
	sc.purposeDlg = askPurpose(sc.s, b, current, func(p disclosurePurpose) {
		sc.purpose, sc.purposeFor = p, b.ID
		sc.modeChanged()
		sc.focus()
	})
}

// purposeText is the purpose shown in the banner for an outside borrower.
func (sc *scanScreen) purposeText(b records.Borrower) string {
	if b.Kind != records.BorrowerExternal {
		return ""
	}
	if sc.purposeFor != b.ID {
		return " (an outside party: give the purpose first)"
	}
	return " (purpose: " + sc.purpose.note + ")"
}

// reloadBorrowers lists the borrowers again after a change made elsewhere,
// keeping the one chosen; the keyboard stays where it is. A list open
// over the page waits for the next time the page comes to the front.
func (sc *scanScreen) reloadBorrowers() {
	if sc.s.win.Canvas().Overlays().Top() != nil {
		return
	}
	ctx, svc := sc.s.ctxQuiet(), sc.s.svc
	inBackground(sc.s, func() ([]records.Borrower, error) {
		return activeBorrowersCtx(ctx, svc)
	}, func(bs []records.Borrower, err error) {
		if err != nil {
			sc.s.quietError("reloading the borrowers")(err)
			return
		}
		cur, had := sc.borrower.selected()
		sc.borrower.setList(bs)
		if had {
			sc.borrower.choose(cur)
		}
	})
}

// logReloadCharts is how many of the log's newest charts reloadLog reads:
// the lines a clerk can see without scrolling.
const logReloadCharts = 20

// reloadLog reads where the log's folders are now, after folders moved
// anywhere in the practice (another workstation checked one in), and
// shows it in the Now column; the log's lines and selection stay.
func (sc *scanScreen) reloadLog() {
	var patients []records.ID
	seen := map[records.ID]bool{}
	for _, r := range sc.results {
		if r.PatientID != 0 && !seen[r.PatientID] && len(patients) < logReloadCharts {
			seen[r.PatientID] = true
			patients = append(patients, r.PatientID)
		}
	}
	if len(patients) == 0 {
		return
	}
	ctx, svc := sc.s.ctxQuiet(), sc.s.svc
	inBackground(sc.s, func() (map[records.ID]string, error) {
		where := map[records.ID]string{}
		err := svc.ListVolumes(ctx, records.VolumeFilter{Patients: patients}, func(v records.Volume) error {
			where[v.ID] = v.Where()
			return nil
		})
		return where, err
	}, func(where map[records.ID]string, err error) {
		if err != nil {
			sc.s.quietError("reloading the scan log")(err)
			return
		}
		// The window hears its own scans too, and the log already says
		// where those went: only a folder that moved elsewhere redraws it.
		changed := false
		for id, w := range where {
			if old, ok := sc.whereNow[id]; !ok || old != w {
				changed = true
				break
			}
		}
		maps.Copy(sc.whereNow, where)
		if changed {
			sc.log.table.Refresh()
		}
	})
}
