package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"

	"github.com/chartroom/chartroom/records"
)

// alertServer is the status bar's red line while the store cannot reach
// the practice's server.
const alertServer = "server"

// serverUnreachableText is that line.
const serverUnreachableText = "The practice server cannot be reached; retrying... Work done meanwhile is refused, not half-saved."

// settleFor is how long the window waits after a change for the ones that
// follow it (a batch of scans at another workstation) before it reloads,
// so a burst costs one reload.
const settleFor = 300 * time.Millisecond

// follow keeps the window up to date with the practice's changes, this
// workstation's and the others', until stop is closed: a store that tells
// its changes (records.ChangeFeed) is listened to off the UI goroutine,
// and each burst of changes is handed to heard on it. A store that does
// not tell them leaves the status bar's periodic refresh.
func (m *mainWindow) follow(stop <-chan struct{}) {
	feed, ok := m.s.svc.(records.ChangeFeed)
	if !ok || !m.s.async {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-stop
		cancel()
	}()
	go func() {
		changes := feed.Changes(ctx)
		for c := range changes {
			// Take what follows within settleFor into the same reload.
			settle := time.After(settleFor)
		gather:
			for {
				select {
				case more, open := <-changes:
					if !open {
						return
					}
					c.What |= more.What
					c.Unreachable = more.Unreachable
				case <-settle:
					break gather
				}
			}
			fyne.Do(func() {
				defer recoverUI("a change made elsewhere")
				select {
				case <-stop: // locked or signed out meanwhile
				default:
					m.heard(c)
				}
			})
		}
	}()
}

// heard shows a change on the UI goroutine: the status bar says whether the
// server can be reached, and whatever on show reads what changed reloads
// in the background, keeping the clerk's selection, marks and typing (and
// never taking the keyboard focus). Pages not on show reload when they
// come to the front.
func (m *mainWindow) heard(c records.Change) {
	if c.Unreachable != nil {
		if m.s.alerts[alertServer] == "" {
			m.s.log.Warn("practice server unreachable", "err", c.Unreachable)
		}
		m.s.setAlert(alertServer, serverUnreachableText)
		return
	}
	if m.s.alerts[alertServer] != "" {
		m.s.log.Info("practice server reachable again")
		m.s.setAlert(alertServer, "")
	}
	m.status.changed()
	if m.chart != nil {
		if c.What&(records.ChangedFolders|records.ChangedPatients|records.ChangedRequests|records.ChangedLoose) != 0 {
			m.chart.reload()
		}
		return
	}
	switch sc := m.screens[m.current].(type) {
	case *requestsScreen:
		if c.What&(records.ChangedRequests|records.ChangedFolders|records.ChangedPatients) != 0 {
			sc.reload()
		}
	case *overdueScreen:
		if c.What&(records.ChangedFolders|records.ChangedPatients|records.ChangedSettings) != 0 {
			sc.reload()
		}
	case *scanScreen:
		if c.What&records.ChangedSettings != 0 {
			sc.reloadBorrowers()
		}
		if c.What&records.ChangedFolders != 0 {
			sc.reloadLog()
		}
	}
}

// quietError is how a reload nobody asked for tells a failure: in the
// log, not in a dialog over the clerk's work (the status bar says when the
// server is out of reach).
func (s *shell) quietError(what string) func(error) {
	return func(err error) { s.log.Warn(what, "err", err) }
}

// replace shows rows in place of the table's rows as a reload of changes
// made elsewhere: the selected and marked rows (known by key) stay
// selected and marked, the table keeps its scroll position, and onSelect
// is not called (the caller updates what depends on the selection).
func (t *rowTable[T]) replace(rows []T, emptyText string, key func(T) records.ID) {
	selected, hadSelection := records.ID(0), false
	if r, ok := t.current(); ok {
		selected, hadSelection = key(r), true
	}
	marked := map[records.ID]bool{}
	for i := range t.marked {
		if i < len(t.rows) {
			marked[key(t.rows[i])] = true
		}
	}
	t.rows = rows
	t.sortRows()
	t.selected = -1
	clear(t.marked)
	for i, r := range t.rows {
		k := key(r)
		if hadSelection && k == selected {
			t.selected = i
		}
		if marked[k] {
			t.marked[i] = true
		}
	}
	t.fitColumns()
	t.empty.SetText(emptyText)
	if len(rows) == 0 && emptyText != "" {
		t.empty.Show()
		t.table.Hide()
	} else {
		t.empty.Hide()
		t.table.Show()
	}
	t.table.Refresh()
	if len(marked) > 0 && t.onMarked != nil {
		t.onMarked()
	}
}
