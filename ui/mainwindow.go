package ui

import (
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/chartroom/chartroom/records"
)

// navID names a place in the left-hand navigation.
type navID int

const (
	navFind navID = iota
	navScan
	navRequests
	navLoose
	navBorrowers
	navReports
	navAdmin
	navRetention
	navShelfAudit
	navOverdue
	navSetup
	navCount
)

// screen is one page of the main window.
type screen interface {
	view() fyne.CanvasObject
	// shown is called each time the page comes to the front: reload lists,
	// put the keyboard focus where the clerk will type.
	shown()
}

type navItem struct {
	id    navID
	title string
	icon  fyne.Resource
	min   records.Role
	build func(*shell) screen
}

func navItems() []navItem {
	return []navItem{
		{navFind, "Find", theme.SearchIcon(), records.RoleClerk, func(s *shell) screen { return newFindScreen(s) }},
		{navScan, "Scan station", theme.MailForwardIcon(), records.RoleClerk, func(s *shell) screen { return newScanScreen(s) }},
		{navRequests, "Requests & pull lists", theme.ListIcon(), records.RoleClerk, func(s *shell) screen { return newRequestsScreen(s) }},
		{navLoose, "Loose filing", theme.DocumentIcon(), records.RoleClerk, func(s *shell) screen { return newLooseScreen(s) }},
		{navBorrowers, "Borrowers", theme.AccountIcon(), records.RoleClerk, func(s *shell) screen { return newBorrowersScreen(s) }},
		{navReports, "Reports", theme.DocumentPrintIcon(), records.RoleClerk, func(s *shell) screen { return newReportsScreen(s) }},
		{navAdmin, "Administration", theme.SettingsIcon(), records.RoleSupervisor, func(s *shell) screen { return newAdminScreen(s) }},
		{navRetention, "Retention", theme.DeleteIcon(), records.RoleSupervisor, func(s *shell) screen { return newRetentionScreen(s) }},
		{navShelfAudit, "Shelf audit", theme.GridIcon(), records.RoleClerk, func(s *shell) screen { return newShelfAuditScreen(s) }},
		{navOverdue, overdueTitle, theme.WarningIcon(), records.RoleClerk, func(s *shell) screen { return newOverdueScreen(s) }},
	}
}

// mainWindow is the signed-in app: navigation on the left, the page on the
// right, the status bar at the bottom.
type mainWindow struct {
	s       *shell
	user    string    // the username it was built for
	items   []navItem // those the user's role may see
	nav     *widget.List
	body    *fyne.Container
	status  *statusBar
	screens map[navID]screen
	current navID
	chart   *chartView // the chart on show, nil otherwise
	spare   *chartView // built ahead for the next chart (prepareSpare)
	// chartItems are the menu's Back, Check out and Check in: enabled
	// while a chart is on show.
	chartItems []*fyne.MenuItem
	stopped    chan struct{}
	syncNav    bool // selecting in the list programmatically
}

func newMainWindow(s *shell) *mainWindow {
	m := &mainWindow{s: s, user: s.actor.Username, screens: map[navID]screen{}, stopped: make(chan struct{}), current: -1}
	for _, it := range navItems() {
		if s.can(it.min) {
			m.items = append(m.items, it)
		}
	}
	m.nav = widget.NewList(func() int { return len(m.items) },
		func() fyne.CanvasObject {
			return container.NewHBox(widget.NewIcon(theme.SearchIcon()), widget.NewLabel("Requests & pull lists"))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			row := o.(*fyne.Container)
			row.Objects[0].(*widget.Icon).SetResource(m.items[i].icon)
			row.Objects[1].(*widget.Label).SetText(m.items[i].title)
		})
	m.nav.OnSelected = guarded1(func(i widget.ListItemID) {
		if m.syncNav {
			return
		}
		m.show(m.items[i].id)
	})
	m.body = container.NewStack()
	m.status = newStatusBar(s)
	return m
}

func (m *mainWindow) content() fyne.CanvasObject {
	left := container.NewBorder(nil, nil, nil, widget.NewSeparator(), m.nav)
	split := container.NewBorder(nil, nil, container.New(minWidth{220}, left), nil, container.NewPadded(m.body))
	m.status.start(m.stopped)
	m.follow(m.stopped)
	return container.NewBorder(nil, container.NewVBox(widget.NewSeparator(), m.status.view()), nil, nil, split)
}

// allowed reports whether the signed-in user's role shows page id.
func (m *mainWindow) allowed(id navID) bool {
	for _, it := range m.items {
		if it.id == id {
			return true
		}
	}
	return false
}

// page returns page id, building it the first time.
func (m *mainWindow) page(id navID) screen {
	if sc, ok := m.screens[id]; ok {
		return sc
	}
	for _, it := range m.items {
		if it.id == id {
			sc := it.build(m.s)
			m.screens[id] = sc
			return sc
		}
	}
	return nil
}

// show brings page id to the front.
func (m *mainWindow) show(id navID) {
	sc := m.page(id)
	if sc == nil {
		return
	}
	m.s.touch()
	m.current = id
	m.leaveChart()
	m.chartShown(false)
	m.body.Objects = []fyne.CanvasObject{sc.view()}
	m.body.Refresh()
	for i, it := range m.items {
		if it.id == id {
			m.syncNav = true
			m.nav.Select(i)
			m.syncNav = false
		}
	}
	sc.shown()
	m.prepareSpare()
}

// openChart shows a patient's chart in place of the current page; Back
// returns to it. The chart takes the page's place when its data is in (or
// after chartPatience, saying it is loading), so the window is drawn once
// with the chart whole, not first empty; the read runs while the view is
// built, and the page stays as it was until then (a change to it would
// be drawn for nothing).
func (m *mainWindow) openChart(patientID records.ID) {
	back := m.current
	cv := m.spare
	m.spare = nil
	if cv == nil {
		cv = newChartView(m.s)
	}
	if m.chart != nil && !m.chart.onShow {
		// Opened before and not yet read: its view is off the window.
		m.leaveChart()
	}
	cv.patientID, cv.back = patientID, func() { m.show(back) }
	m.chart = cv
	gen := cv.gen
	cv.onData = func() { m.putChart(cv, gen) }
	cv.load()
	if m.s.async {
		time.AfterFunc(chartPatience, func() { m.s.later(func() { m.putChart(cv, gen) }) })
	}
}

// leaveChart is called when the chart asked for last is no longer wanted:
// the clerk went to a page, or asked for another chart before this one was
// read. Its view, emptied (chartView.reset), becomes the spare, so going
// from chart to chart through Find reuses one view. A chart on show when
// another is asked for straight from it (a dialog over it) stays on show
// until the next one is read, and its view is dropped instead.
func (m *mainWindow) leaveChart() {
	cv := m.chart
	m.chart = nil
	if cv == nil || m.spare != nil {
		return
	}
	cv.reset()
	m.spare = cv
}

// prepareSpare builds, a moment after a page went on show (and no view is
// ready), the view the next chart will be shown in, and lays it out at the
// page's size: the widgets, their layout and their icons are ready before
// the clerk asks for the chart, so Enter in Find costs the chart's read
// and its rows. A chart on show needs none: its view is the next spare
// (leaveChart).
func (m *mainWindow) prepareSpare() {
	if !m.s.async || m.spare != nil {
		return
	}
	time.AfterFunc(sparePause, func() {
		m.s.later(func() {
			select {
			case <-m.stopped: // locked or signed out meanwhile
				return
			default:
			}
			m.buildSpare()
		})
	})
}

// sparePause lets the chart just opened be drawn first; its successor is
// then built while the clerk reads it, before a hand can reach for the
// keyboard again.
const sparePause = 100 * time.Millisecond

// buildSpare builds the spare chart view now (see prepareSpare).
func (m *mainWindow) buildSpare() {
	if m.spare != nil {
		return
	}
	cv := newChartView(m.s)
	if size := m.body.Size(); size.Width > 0 && size.Height > 0 {
		cv.view().Resize(size)
	}
	m.spare = cv
}

// chartPatience is how long a chart being read may keep the page before
// it, unchanged, on show: a read from a server that is slow to answer then
// shows the chart saying it is loading.
const chartPatience = 150 * time.Millisecond

// putChart puts chart view cv on show for its use gen, once, unless the
// clerk has moved on (Back, another page or another chart) meanwhile.
func (m *mainWindow) putChart(cv *chartView, gen int) {
	if m.chart != cv || cv.gen != gen || cv.onShow {
		return
	}
	cv.onShow = true
	m.chartShown(true)
	m.syncNav = true
	m.nav.UnselectAll()
	m.syncNav = false
	m.body.Objects = []fyne.CanvasObject{cv.view()}
	m.body.Refresh()
}

// changed is called after anything that moves charts or requests: the
// status bar's counts reload. The page on show is not reloaded here: the
// action that changed something refreshes what it shows, and every page
// reloads when it next comes to the front.
func (m *mainWindow) changed() {
	m.status.changed()
}

// resume brings back a window a lock put aside: its status bar runs again
// and the page or chart on show reloads.
func (m *mainWindow) resume() {
	m.stopped = make(chan struct{})
	m.s.win.SetContent(m.content())
	m.s.win.SetMainMenu(m.menu())
	if m.chart != nil {
		m.chart.load()
		return
	}
	if m.current < 0 {
		m.current = navFind
	}
	m.show(m.current)
}

func (m *mainWindow) stop() {
	select {
	case <-m.stopped:
	default:
		close(m.stopped)
	}
}

// openReport shows the Reports page with the report called name chosen.
func (m *mainWindow) openReport(name string) {
	m.show(navReports)
	if r, ok := m.page(navReports).(*reportsScreen); ok {
		r.chooseName(name)
	}
}

// openOverdue shows the overdue worklist: the status bar's "Overdue: N"
// opens it.
func (m *mainWindow) openOverdue() { m.show(navOverdue) }

// chartShown enables the chart's menu items while a chart is on show.
func (m *mainWindow) chartShown(on bool) {
	changed := false
	for _, it := range m.chartItems {
		changed = changed || it.Disabled == on
		it.Disabled = !on
	}
	// Redrawing the menu bar is not free, and opening one chart from
	// another changes nothing in it.
	if mm := m.s.win.MainMenu(); mm != nil && changed {
		mm.Refresh()
	}
}

// goKeys numbers the pages the user's role sees, Ctrl+1 to Ctrl+9 in the
// order of the list, so no number is left bound to a page the role lacks.
// The first-day checklist, listed only until the practice is set up, takes
// no number: the other pages keep theirs when it goes.
func (m *mainWindow) goKeys() map[navID]fyne.KeyName {
	keys := map[navID]fyne.KeyName{}
	n := 0
	for _, it := range m.items {
		if it.id == navSetup || n == 9 {
			continue
		}
		n++
		keys[it.id] = fyne.KeyName(strconv.Itoa(n))
	}
	return keys
}

// find jumps to the Find page with the box focused: Ctrl+F from anywhere.
func (m *mainWindow) find() {
	m.show(navFind)
}

// menu is the main menu; its shortcuts work wherever the focus is.
func (m *mainWindow) menu() *fyne.MainMenu {
	var goItems []*fyne.MenuItem
	keys := m.goKeys()
	for _, it := range m.items {
		mi := fyne.NewMenuItem(it.title, guarded(func() { m.show(it.id) }))
		mi.Icon = it.icon
		if key, ok := keys[it.id]; ok {
			mi.Shortcut = &desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault}
		}
		goItems = append(goItems, mi)
	}
	// The chart's keys act on the chart on show, not under a dialog.
	onChart := func(act func(*chartView)) func() {
		return guarded(func() {
			if m.chart != nil && m.s.win.Canvas().Overlays().Top() == nil {
				act(m.chart)
			}
		})
	}
	back := fyne.NewMenuItem("Back from the chart", onChart(func(c *chartView) { c.back() }))
	back.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyB, Modifier: fyne.KeyModifierShortcutDefault}
	checkOut := fyne.NewMenuItem("Check out…", onChart(func(c *chartView) { c.press(c.checkOut) }))
	checkOut.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyO, Modifier: fyne.KeyModifierShortcutDefault}
	checkIn := fyne.NewMenuItem("Check in", onChart(func(c *chartView) { c.press(c.checkIn) }))
	checkIn.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyI, Modifier: fyne.KeyModifierShortcutDefault}
	m.chartItems = []*fyne.MenuItem{back, checkOut, checkIn}
	for _, it := range m.chartItems {
		it.Disabled = m.chart == nil
	}
	findItem := fyne.NewMenuItem("Find a chart…", guarded(m.find))
	findItem.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}
	lock := fyne.NewMenuItem("Lock", guarded(func() { m.s.lock("Locked. Sign in again to continue.") }))
	lock.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault}
	signOut := fyne.NewMenuItem("Sign out", guarded(func() { m.s.signOut("") }))
	file := fyne.NewMenu("File", findItem, fyne.NewMenuItemSeparator(), lock, signOut)
	help := fyne.NewMenu("Help",
		fyne.NewMenuItem("Keyboard shortcuts", guarded(m.showShortcuts)),
		fyne.NewMenuItem("About Chartroom", guarded(func() {
			about := "Chartroom keeps track of the paper charts of the record room."
			if m.s.can(records.RoleAdmin) {
				about += "\nDatabase: " + m.s.deps.DBPath
			}
			m.s.showNoticeDialog(dialog.NewInformation("About Chartroom", about, m.s.win))
		})))
	chart := fyne.NewMenu("Chart", back, fyne.NewMenuItemSeparator(), checkOut, checkIn)
	return fyne.NewMainMenu(file, fyne.NewMenu("Go", goItems...), chart, help)
}

// shortcutsSecondHalf is the section the shortcuts' second column starts
// with.
const shortcutsSecondHalf = "A chart"

// shortcutRows are the keyboard shortcuts as Help shows them: the key,
// then what it does; a row with no key is a heading.
func (m *mainWindow) shortcutRows() [][2]string {
	rows := [][2]string{{"", "Anywhere"}, {"Ctrl+F", "Find a chart"}}
	keys := m.goKeys()
	for _, it := range m.items {
		if key, ok := keys[it.id]; ok {
			rows = append(rows, [2]string{"Ctrl+" + string(key), it.title})
		}
	}
	return append(rows,
		[2]string{"Ctrl+L", "Lock the window"},
		[2]string{"Tab, Shift+Tab", "Move to the next or previous box, button or list"},
		[2]string{"", "Find"},
		[2]string{"Up, Down", "Choose a row of the results"},
		[2]string{"Enter", "Open the chart typed or chosen"},
		[2]string{"", "Dialogs"},
		[2]string{"Escape", "Cancel or close"},
		[2]string{"Enter", "Confirm a notice, or save a form"},
		[2]string{"", shortcutsSecondHalf},
		[2]string{"Ctrl+B", "Back to the page before"},
		[2]string{"Ctrl+O", "Check out the selected folder"},
		[2]string{"Ctrl+I", "Check in the selected folder"},
		[2]string{"", "Scan station"},
		[2]string{"F2", "Check out mode"},
		[2]string{"F3", "Check in mode"},
		[2]string{"F4", "Hand-off mode"},
		[2]string{"Enter", "Commit the code typed (a scanner sends it)"},
		[2]string{"", "Lists"},
		[2]string{"Up, Down, Home, End", "Choose a row"},
		[2]string{"Enter", "Open the row"},
		[2]string{"Space", "Mark or unmark the row (lists that act on several)"},
		[2]string{"Ctrl+click, Shift+click", "Mark several rows"},
	)
}

// showShortcuts shows the shortcuts as a table of key and action, its
// sections side by side in two halves so that most fit without scrolling.
func (m *mainWindow) showShortcuts() {
	rows := m.shortcutRows()
	split := len(rows)
	for i, r := range rows {
		if r == [2]string{"", shortcutsSecondHalf} {
			split = i
		}
	}
	halves := container.NewGridWithColumns(2, shortcutGrid(rows[:split]), shortcutGrid(rows[split:]))
	scroll := container.NewVScroll(halves)
	size := m.s.win.Canvas().Size()
	scroll.SetMinSize(fyne.NewSize(min(900, size.Width-80), min(600, size.Height-140)))
	m.s.showNoticeDialog(dialog.NewCustom("Keyboard shortcuts", "Close", scroll, m.s.win))
}

// shortcutGrid lays rows out in two columns: the key, what it does; a row
// with no key is a section's heading.
func shortcutGrid(rows [][2]string) fyne.CanvasObject {
	grid := container.New(layout.NewFormLayout())
	for _, r := range rows {
		if r[0] == "" {
			grid.Add(widget.NewLabel(""))
			grid.Add(widget.NewLabelWithStyle(r[1], fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
			continue
		}
		grid.Add(widget.NewLabelWithStyle(r[0], fyne.TextAlignTrailing, fyne.TextStyle{Monospace: true}))
		action := widget.NewLabel(r[1])
		action.Wrapping = fyne.TextWrapWord
		grid.Add(action)
	}
	return container.NewVBox(grid)
}

// statusEvery is how often the status bar counts refresh on their own, so
// check-outs made at another workstation or by the command line show up.
const statusEvery = 60 * time.Second
