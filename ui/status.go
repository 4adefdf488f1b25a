package ui

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/chartroom/chartroom/records"
)

// statusBar shows who is signed in, which database is open and the live
// counts a clerk watches: charts out, overdue, requests due today.
type statusBar struct {
	s      *shell
	user   *widget.Label
	db     *widget.Label
	counts *widget.Label
	// overdue and requests are counts a clerk acts on: red when there are
	// overdue charts, each opens its list.
	overdue  *widget.Button
	requests *widget.Button
	// accounting shows the patients' requests for an accounting of
	// disclosures still open (red when one is overdue); it opens their list.
	accounting *widget.Button
	lock       *widget.Button
	// alert is the shell's standing warnings in red, above the counts;
	// caution those in amber (the second backup place out of reach).
	alert   *widget.Label
	caution *widget.Label
	last    records.Counts
	shown   bool // the counts on show are last (not "Counts unavailable")
	loading bool
	again   bool // a refresh was asked for while one ran: its counts may be older than the change
	// afterChange reads the counts after the practice changed, once the
	// changes pause (countsSettle, countsMaxWait).
	afterChange *coalescer
	stop        <-chan struct{} // closed when the window is locked or signed out
}

func newStatusBar(s *shell) *statusBar {
	b := &statusBar{s: s}
	b.user = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	b.user.SetText(userText(s.actor))
	b.db = widget.NewLabel("")
	if s.can(records.RoleAdmin) {
		b.db.SetText("Database: " + s.deps.DBPath)
	}
	b.db.Truncation = fyne.TextTruncateEllipsis
	b.db.Importance = widget.LowImportance
	b.counts = widget.NewLabel("")
	b.overdue = widget.NewButton("", guarded(func() {
		if s.main != nil {
			s.main.openOverdue()
		}
	}))
	b.overdue.Hide()
	b.requests = widget.NewButton("", guarded(func() {
		if s.main != nil {
			s.main.show(navRequests)
		}
	}))
	b.requests.Importance = widget.LowImportance
	b.requests.Hide()
	b.accounting = widget.NewButtonWithIcon("", theme.MailComposeIcon(), guarded(func() { showAccountingRequests(s) }))
	b.accounting.Hide()
	b.lock = widget.NewButtonWithIcon("Lock", theme.LogoutIcon(), guarded(func() { s.lock("Locked. Sign in again to continue.") }))
	b.lock.Importance = widget.LowImportance
	b.alert = widget.NewLabel("")
	b.alert.Importance = widget.DangerImportance
	b.alert.Wrapping = fyne.TextWrapWord
	b.caution = widget.NewLabel("")
	b.caution.Importance = widget.WarningImportance
	b.caution.Wrapping = fyne.TextWrapWord
	b.showAlerts()
	b.afterChange = newCoalescer(countsSettle, countsMaxWait, func(d time.Duration, fn func()) {
		time.AfterFunc(d, func() { s.later(fn) })
	}, func() {
		select {
		case <-b.stop: // locked or signed out meanwhile
		default:
			b.refresh()
		}
	})
	return b
}

// A scanner's burst changes the practice several times a second, and each
// change (the window's own scans among them) asks for the counts again. At
// a large practice the counts read every folder that is out, many times a
// check-out's work, so reading them after every scan took the second core
// from the scans that followed: the counts are read once the changes pause
// for countsSettle, and during a long run of them at least every
// countsMaxWait.
const (
	countsSettle  = 700 * time.Millisecond
	countsMaxWait = 5 * time.Second
)

// changed reads the counts again after a change: at once in tests (which
// run without timers), else once the changes pause.
func (b *statusBar) changed() {
	if !b.s.async {
		b.refresh()
		return
	}
	b.afterChange.ask()
}

func (b *statusBar) view() fyne.CanvasObject {
	return container.NewVBox(b.alert, b.caution, container.NewBorder(nil, nil,
		container.NewHBox(widget.NewIcon(theme.AccountIcon()), b.user),
		container.NewHBox(b.counts, b.overdue, b.requests, b.accounting, b.lock),
		b.db, layout.NewSpacer()))
}

// Keys of the shell's alerts, in the order the status bar shows them:
// red ones, then amber ones.
const (
	alertAudit       = "audit"
	alertBackup      = "backup"
	alertBackupCheck = "backup-check"
	alertSecondPlace = "second-place"
)

// redAlerts and amberAlerts are the keys shown in each colour.
var (
	redAlerts   = []string{alertServer, alertAudit, alertBackup, alertBackupCheck}
	amberAlerts = []string{alertSecondPlace}
)

// setAlert sets (text empty: clears) a standing warning; it shows (red or
// amber, by its key) in the status bar now if a user is signed in, else
// once one signs in. It runs on the UI goroutine.
func (s *shell) setAlert(key, text string) {
	if s.alerts == nil {
		s.alerts = map[string]string{}
	}
	if text == "" {
		delete(s.alerts, key)
	} else {
		s.alerts[key] = text
	}
	if s.main != nil {
		s.main.status.showAlerts()
	}
}

// showAlerts shows the shell's alerts, one a line, red then amber, or
// hides the lines.
func (b *statusBar) showAlerts() {
	for _, l := range []struct {
		label *widget.Label
		keys  []string
	}{{b.alert, redAlerts}, {b.caution, amberAlerts}} {
		var lines []string
		for _, key := range l.keys {
			if text := b.s.alerts[key]; text != "" {
				lines = append(lines, text)
			}
		}
		l.label.SetText(strings.Join(lines, "\n"))
		if len(lines) == 0 {
			l.label.Hide()
		} else {
			l.label.Show()
		}
	}
}

// start refreshes now and then every statusEvery until stop is closed.
func (b *statusBar) start(stop <-chan struct{}) {
	b.stop = stop
	b.refresh()
	if !b.s.async {
		return
	}
	go func() {
		t := time.NewTicker(statusEvery)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				fyne.Do(func() {
					select {
					case <-stop:
					default:
						b.refresh()
					}
				})
			}
		}
	}()
}

// refresh reads the counts in the background.
func (b *statusBar) refresh() {
	if b.loading {
		b.again = true
		return
	}
	b.loading = true
	ctx, svc := b.s.ctxQuiet(), b.s.svc
	inBackground(b.s, func() (records.Counts, error) {
		return svc.Counts(ctx)
	}, func(c records.Counts, err error) {
		b.loading = false
		if b.again {
			b.again = false
			defer b.refresh()
		}
		if err != nil {
			b.shown = false
			b.counts.SetText("Counts unavailable")
			b.overdue.Hide()
			b.requests.Hide()
			b.s.log.Warn("status counts", "err", err)
			return
		}
		// Counts read again after a change that moved none (the window
		// hears its own scans too) leave the bar as it is: nothing to
		// draw again.
		if b.shown && c == b.last {
			return
		}
		b.last, b.shown = c, true
		b.counts.SetText(countsText(c))
		b.overdue.SetText(fmt.Sprintf("Overdue: %d", c.Overdue))
		b.overdue.Importance = widget.LowImportance
		if c.Overdue > 0 {
			b.overdue.Importance = widget.DangerImportance
		}
		b.overdue.Show()
		b.overdue.Refresh()
		b.requests.SetText(fmt.Sprintf("Requests due by today: %d", c.RequestsDue))
		b.requests.Show()
		b.showAccounting(c)
	})
}

// countsText is the status bar's plain counts; overdue charts and the
// requests due are buttons beside it.
func countsText(c records.Counts) string {
	return fmt.Sprintf("Out: %d   Loose papers: %d", c.Out, c.LooseWaiting)
}

// userText names the signed-in user as people know them, with the role
// (which decides what the window offers).
func userText(a records.Actor) string {
	name := a.DisplayName
	if name == "" {
		name = a.Username
	}
	return name + " · " + roleLabel(a.Role)
}

// showAccounting shows the open requests for an accounting until answered.
func (b *statusBar) showAccounting(c records.Counts) {
	if c.AccountingOpen == 0 {
		b.accounting.Hide()
		return
	}
	text := fmt.Sprintf("Accounting requests: %d", c.AccountingOpen)
	b.accounting.Importance = widget.WarningImportance
	if c.AccountingOverdue > 0 {
		text += fmt.Sprintf(" (%d overdue)", c.AccountingOverdue)
		b.accounting.Importance = widget.DangerImportance
	}
	b.accounting.SetText(text)
	b.accounting.Show()
	b.accounting.Refresh()
}
