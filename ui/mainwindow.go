package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
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
	key   fyne.KeyName
	min   records.Role
	build func(*shell) screen
}

func navItems() []navItem {
	return []navItem{
		{navFind, "Find", theme.SearchIcon(), fyne.Key1, records.RoleClerk, func(s *shell) screen { return newFindScreen(s) }},
		{navScan, "Scan station", theme.MailForwardIcon(), fyne.Key2, records.RoleClerk, func(s *shell) screen { return newScanScreen(s) }},
		{navRequests, "Requests & pull lists", theme.ListIcon(), fyne.Key3, records.RoleClerk, func(s *shell) screen { return newRequestsScreen(s) }},
		{navLoose, "Loose filing", theme.DocumentIcon(), fyne.Key4, records.RoleClerk, func(s *shell) screen { return newLooseScreen(s) }},
		{navBorrowers, "Borrowers", theme.AccountIcon(), fyne.Key5, records.RoleClerk, func(s *shell) screen { return newBorrowersScreen(s) }},
		{navReports, "Reports", theme.DocumentPrintIcon(), fyne.Key6, records.RoleClerk, func(s *shell) screen { return newReportsScreen(s) }},
		{navAdmin, "Administration", theme.SettingsIcon(), fyne.Key7, records.RoleSupervisor, func(s *shell) screen { return newAdminScreen(s) }},
		{navRetention, "Retention", theme.DeleteIcon(), fyne.Key8, records.RoleSupervisor, func(s *shell) screen { return newRetentionScreen(s) }},
		{navShelfAudit, "Shelf audit", theme.GridIcon(), fyne.Key9, records.RoleClerk, func(s *shell) screen { return newShelfAuditScreen(s) }},
		{navOverdue, overdueTitle, theme.WarningIcon(), "", records.RoleClerk, func(s *shell) screen { return newOverdueScreen(s) }},
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
	stopped chan struct{}
	syncNav bool // selecting in the list programmatically
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
	m.current, m.chart = id, nil
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
}

// openChart shows a patient's chart in place of the current page; Back
// returns to it.
func (m *mainWindow) openChart(patientID records.ID) {
	back := m.current
	cv := newChartView(m.s, patientID, func() { m.show(back) })
	m.chart = cv
	m.body.Objects = []fyne.CanvasObject{cv.view()}
	m.body.Refresh()
	m.syncNav = true
	m.nav.UnselectAll()
	m.syncNav = false
	cv.load()
}

// changed is called after anything that moves charts or requests: the
// status bar's counts reload. The page on show is not reloaded here: the
// action that changed something refreshes what it shows, and every page
// reloads when it next comes to the front.
func (m *mainWindow) changed() {
	m.status.refresh()
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

// find jumps to the Find page with the box focused: Ctrl+F from anywhere.
func (m *mainWindow) find() {
	m.show(navFind)
}

// menu is the main menu; its shortcuts work wherever the focus is.
func (m *mainWindow) menu() *fyne.MainMenu {
	var goItems []*fyne.MenuItem
	for _, it := range m.items {
		it := it
		mi := fyne.NewMenuItem(it.title, guarded(func() { m.show(it.id) }))
		mi.Icon = it.icon
		if it.key != "" {
			mi.Shortcut = &desktop.CustomShortcut{KeyName: it.key, Modifier: fyne.KeyModifierShortcutDefault}
		}
		goItems = append(goItems, mi)
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
			dialog.ShowInformation("About Chartroom", "Chartroom keeps track of the paper charts of the record room.\nDatabase: "+m.s.deps.DBPath, m.s.win)
		})))
	return fyne.NewMainMenu(file, fyne.NewMenu("Go", goItems...), help)
}

func (m *mainWindow) showShortcuts() {
	text := "Ctrl+F\tFind a chart from anywhere\n"
	for _, it := range m.items {
		if it.key != "" {
			text += "Ctrl+" + string(it.key) + "\t" + it.title + "\n"
		}
	}
	text += "Ctrl+L\tLock the window\nEnter\tOpen the selected chart / commit a scan"
	dialog.ShowInformation("Keyboard shortcuts", text, m.s.win)
}

// statusEvery is how often the status bar counts refresh on their own, so
// check-outs made at another workstation or by the command line show up.
const statusEvery = 60 * time.Second
