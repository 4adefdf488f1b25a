package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"github.com/chartroom/chartroom/records"
)

// adminTab is one tab of the Administration page.
type adminTab struct {
	title string
	min   records.Role
	build func(*shell) screen
}

// The tabs' titles are short so that all of them fit beside each other in
// a 1024-pixel-wide window: a tab behind the tab bar's overflow menu is a tab
// a clerk does not find.
const (
	retentionTabTitle = "Retention"
	mergeTabTitle     = "Merge"
	backupTabTitle    = "Backups"
)

func adminTabs() []adminTab {
	return []adminTab{
		{"Users", records.RoleAdmin, func(s *shell) screen { return newUsersTab(s) }},
		{"Locations", records.RoleSupervisor, func(s *shell) screen { return newLocationsTab(s) }},
		{"Record types", records.RoleSupervisor, func(s *shell) screen { return newRecordTypesTab(s) }},
		{"Settings", records.RoleAdmin, func(s *shell) screen { return newSettingsTab(s) }},
		{retentionTabTitle, records.RoleAdmin, func(s *shell) screen { return newRetentionTab(s) }},
		{mergeTabTitle, records.RoleSupervisor, func(s *shell) screen { return newMergeTab(s) }},
		{backupTabTitle, records.RoleSupervisor, func(s *shell) screen { return newBackupTab(s) }},
		{importTabTitle, records.RoleSupervisor, func(s *shell) screen { return newImportTab(s) }},
	}
}

// adminScreen is the supervisor's and admin's page. Tabs a role may not use
// are left out; the service refuses them anyway.
type adminScreen struct {
	s     *shell
	tabs  *container.AppTabs
	pages []screen
	root  fyne.CanvasObject
}

func newAdminScreen(s *shell) *adminScreen {
	a := &adminScreen{s: s, tabs: container.NewAppTabs()}
	for _, t := range adminTabs() {
		if !s.can(t.min) {
			continue
		}
		p := t.build(s)
		a.pages = append(a.pages, p)
		a.tabs.Append(container.NewTabItem(t.title, p.view()))
	}
	a.tabs.OnSelected = guarded1(func(*container.TabItem) { a.shownTab() })
	a.root = screenFrame("Administration", "", nil, a.tabs)
	return a
}

func (a *adminScreen) view() fyne.CanvasObject { return a.root }

func (a *adminScreen) shown() { a.shownTab() }

func (a *adminScreen) shownTab() {
	if i := a.tabs.SelectedIndex(); i >= 0 && i < len(a.pages) {
		a.pages[i].shown()
	}
}

// selectTab brings the tab called title to the front, if the role shows it.
func (a *adminScreen) selectTab(title string) bool {
	for _, t := range a.tabs.Items {
		if t.Text == title {
			a.tabs.Select(t)
			a.shownTab()
			return true
		}
	}
	return false
}

// tabTitles lists the tabs shown, for tests.
func (a *adminScreen) tabTitles() []string {
	var out []string
	for _, t := range a.tabs.Items {
		out = append(out, t.Text)
	}
	return out
}
