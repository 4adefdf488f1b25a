package ui

import (
	"context"
	"errors"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/chartroom/chartroom/records"
)

// setupTitle names the first-day checklist in the navigation.
const setupTitle = "Getting started"

// setupStepText is what the checklist says of each first-day step and
// where it sends the admin to do it.
var setupStepText = map[records.SetupStep]struct {
	title, todo, open string
	page              navID
	tab               string // the Administration tab, when page is navAdmin
}{
	records.SetupLocations: {"Describe the record room",
		"Add the cabinets and shelves the folders live on, and any offsite boxes. A new practice has one place, the Record room.",
		"Open Locations", navAdmin, "Locations"},
	records.SetupRecordTypes: {"Add the kinds of folder",
		"Besides Medical: X-ray films, Billing… each with its loan period and colour.",
		"Open Record types", navAdmin, "Record types"},
	records.SetupBorrowers: {"Add borrowers with badges",
		"The providers, staff and departments who borrow charts, each with the badge barcode the scan station reads.",
		"Open Borrowers", navBorrowers, ""},
	records.SetupUsers: {"Give each clerk an account",
		"Everyone signs in as themselves, so the audit log says who did what.",
		"Open Users", navAdmin, "Users"},
	records.SetupPatients: {"Import the existing patients",
		"Bring in the patient list of the system used before, from a CSV file: each patient gets folder 1 in the default place.",
		"Open Import", navAdmin, importTabTitle},
}

// setupHiddenKey is the preference that hides the checklist for this
// database on this computer: the admin hid it, or it was found done.
func (s *shell) setupHiddenKey() string { return "setup-hidden:" + s.deps.DBPath }

func (s *shell) setupHidden() bool {
	return s.app.Preferences().BoolWithFallback(s.setupHiddenKey(), false)
}

// errStopListing ends a listing once its first row has been seen.
var errStopListing = errors.New("stop listing")

// setupChecklist reads what the checklist is decided from.
func setupChecklist(ctx context.Context, svc records.Service) ([]records.SetupItem, error) {
	var f records.SetupFacts
	var err error
	if f.Locations, err = svc.ListLocations(ctx); err != nil {
		return nil, err
	}
	if f.RecordTypes, err = svc.ListRecordTypes(ctx); err != nil {
		return nil, err
	}
	if f.Borrowers, err = svc.ListBorrowers(ctx, false); err != nil {
		return nil, err
	}
	if f.Users, err = svc.ListUsers(ctx); err != nil {
		return nil, err
	}
	err = svc.ListVolumes(ctx, records.VolumeFilter{}, func(records.Volume) error {
		f.HasPatients = true
		return errStopListing
	})
	if err != nil && !errors.Is(err, errStopListing) {
		return nil, err
	}
	return records.SetupChecklist(f), nil
}

// offerSetup puts the first-day checklist in an admin's navigation, and
// in front when the admin is still on the first page, while a step is
// left; once every step is done it is never asked again on this computer.
func (m *mainWindow) offerSetup() {
	s := m.s
	if !s.can(records.RoleAdmin) || s.setupHidden() || m.allowed(navSetup) {
		return
	}
	ctx, svc := s.ctx(), s.svc
	inBackground(s, func() ([]records.SetupItem, error) { return setupChecklist(ctx, svc) },
		func(items []records.SetupItem, err error) {
			if err != nil {
				s.log.Error("reading the first-day checklist", "err", err)
				return
			}
			if records.SetupDone(items) {
				s.app.Preferences().SetBool(s.setupHiddenKey(), true)
				return
			}
			if s.main != m || m.allowed(navSetup) {
				return // signed out meanwhile, or already offered
			}
			m.items = append([]navItem{{navSetup, setupTitle, theme.HomeIcon(), records.RoleAdmin,
				func(s *shell) screen { return newSetupScreen(s) }}}, m.items...)
			m.nav.Refresh()
			s.win.SetMainMenu(m.menu())
			if m.current == navFind && m.chart == nil {
				m.show(navSetup)
			} else {
				m.show(m.current) // the selection in the list moved down a row
			}
		})
}

// hideSetup takes the checklist out of the navigation for good.
func (m *mainWindow) hideSetup() {
	m.s.app.Preferences().SetBool(m.s.setupHiddenKey(), true)
	for i, it := range m.items {
		if it.id == navSetup {
			m.items = append(m.items[:i:i], m.items[i+1:]...)
		}
	}
	delete(m.screens, navSetup)
	m.nav.Refresh()
	m.s.win.SetMainMenu(m.menu())
	m.show(navFind)
}

// openSetupStep opens the page where a step is done.
func (m *mainWindow) openSetupStep(step records.SetupStep) {
	t := setupStepText[step]
	m.show(t.page)
	if t.tab != "" {
		if a, ok := m.page(navAdmin).(*adminScreen); ok {
			a.selectTab(t.tab)
		}
	}
}

// setupScreen is the first-day checklist: each step, whether the data
// shows it done, and a button to the page that does it.
type setupScreen struct {
	s       *shell
	steps   *fyne.Container
	summary *widget.Label
	opens   map[records.SetupStep]*widget.Button
	items   []records.SetupItem
	root    fyne.CanvasObject
}

func newSetupScreen(s *shell) *setupScreen {
	c := &setupScreen{s: s, steps: container.NewVBox(), summary: widget.NewLabel(""), opens: map[records.SetupStep]*widget.Button{}}
	c.summary.Wrapping = fyne.TextWrapWord
	hide := widget.NewButtonWithIcon("Hide this checklist", theme.VisibilityOffIcon(), guarded(func() {
		if s.main != nil {
			s.main.hideSetup()
		}
	}))
	// Hide sits beside the count, in sight on a small screen where the
	// steps scroll.
	c.root = screenFrame(setupTitle, "What a new practice sets up before its first day. Each step is marked done once the practice's data shows it; the checklist goes away when all are.",
		container.NewBorder(nil, nil, nil, hide, c.summary),
		container.NewVScroll(container.NewVBox(c.steps,
			hint("A practice that needs no more than it has can hide the checklist: it will not come back on this computer."))))
	return c
}

func (c *setupScreen) view() fyne.CanvasObject { return c.root }

func (c *setupScreen) shown() { c.load() }

func (c *setupScreen) load() {
	ctx, svc := c.s.ctx(), c.s.svc
	inBackground(c.s, func() ([]records.SetupItem, error) { return setupChecklist(ctx, svc) },
		func(items []records.SetupItem, err error) {
			if err != nil {
				c.s.showError(err)
				return
			}
			c.show(items)
		})
}

func (c *setupScreen) show(items []records.SetupItem) {
	c.items = items
	c.steps.RemoveAll()
	left := 0
	var first fyne.Focusable
	for i, it := range items {
		t := setupStepText[it.Step]
		state := widget.NewLabelWithStyle("To do", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		state.Importance = widget.WarningImportance
		icon := widget.NewIcon(theme.RadioButtonIcon())
		if it.Done {
			state.SetText("Done")
			state.Importance = widget.SuccessImportance
			icon.SetResource(theme.ConfirmIcon())
		} else {
			left++
		}
		step := it.Step
		open := widget.NewButton(t.open, guarded(func() {
			if c.s.main != nil {
				c.s.main.openSetupStep(step)
			}
		}))
		if !it.Done {
			open.Importance = widget.HighImportance
			if first == nil {
				first = open
			}
		}
		c.opens[step] = open
		title := widget.NewLabelWithStyle(strconv.Itoa(i+1)+". "+t.title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		todo := hint(t.todo)
		c.steps.Add(container.NewBorder(nil, nil, container.NewHBox(icon, state), container.NewCenter(open),
			container.NewVBox(title, todo)))
		c.steps.Add(widget.NewSeparator())
	}
	c.steps.Refresh()
	if left == 0 {
		c.summary.SetText("Everything is set up. The checklist will not show again; hide it now or leave it until you sign out.")
		c.s.app.Preferences().SetBool(c.s.setupHiddenKey(), true)
	} else {
		c.summary.SetText(plural(left, "step") + " left of " + strconv.Itoa(len(items)) + ".")
	}
	if first != nil {
		c.s.win.Canvas().Focus(first)
	}
}
