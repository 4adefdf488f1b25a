package ui

import (
	"context"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/chartroom/chartroom/records"
)

// locationsTab shows the places folders live (room > cabinet > shelf,
// offsite boxes) as a tree, and adds and edits them.
type locationsTab struct {
	s        *shell
	tree     *widget.Tree
	byID     map[string]records.Location
	children map[string][]string
	selected string
	addIn    *widget.Button
	edit     *widget.Button
	empty    *widget.Label
	root     fyne.CanvasObject
}

func newLocationsTab(s *shell) *locationsTab {
	l := &locationsTab{s: s, byID: map[string]records.Location{}, children: map[string][]string{}}
	l.tree = widget.NewTree(
		func(id widget.TreeNodeID) []widget.TreeNodeID { return l.children[id] },
		func(id widget.TreeNodeID) bool { return len(l.children[id]) > 0 },
		func(bool) fyne.CanvasObject { return widget.NewLabel("Record room (default)") },
		func(id widget.TreeNodeID, _ bool, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(locationText(l.byID[id]))
		})
	l.tree.OnSelected = guarded1(func(id widget.TreeNodeID) {
		l.selected = id
		l.addIn.Enable()
		l.edit.Enable()
	})
	add := widget.NewButtonWithIcon("New top-level place…", theme.ContentAddIcon(), guarded(func() {
		l.editLocation(records.Location{Kind: records.LocationRoom, Active: true})
	}))
	l.addIn = widget.NewButtonWithIcon("Add inside the selected…", theme.ContentAddIcon(), guarded(func() {
		if p, ok := l.byID[l.selected]; ok {
			kind := records.LocationShelf
			if p.Kind == records.LocationRoom {
				kind = records.LocationCabinet
			}
			l.editLocation(records.Location{ParentID: p.ID, Kind: kind, Active: true})
		}
	}))
	l.edit = widget.NewButtonWithIcon("Edit…", theme.DocumentCreateIcon(), guarded(func() {
		if p, ok := l.byID[l.selected]; ok {
			l.editLocation(p)
		}
	}))
	l.addIn.Disable()
	l.edit.Disable()
	l.empty = hint("")
	l.root = container.NewBorder(container.NewVBox(
		hint("Where folders live when they are in file. The default place is where new and imported folders are filed."),
		container.NewHBox(add, l.addIn, l.edit), l.empty), nil, nil, nil, l.tree)
	return l
}

func locationText(x records.Location) string {
	t := x.Name + "  (" + string(x.Kind) + ")"
	if x.Default {
		t += "  · default"
	}
	if !x.Active {
		t += "  · inactive"
	}
	return t
}

func (l *locationsTab) view() fyne.CanvasObject { return l.root }

func (l *locationsTab) shown() {
	ctx, svc := l.s.ctx(), l.s.svc
	inBackground(l.s, func() ([]records.Location, error) { return svc.ListLocations(ctx) },
		func(list []records.Location, err error) {
			if err != nil {
				l.s.showError(err)
				return
			}
			l.byID = map[string]records.Location{}
			l.children = map[string][]string{}
			for _, x := range list {
				id := strconv.FormatInt(int64(x.ID), 10)
				l.byID[id] = x
				parent := ""
				if x.ParentID != 0 {
					parent = strconv.FormatInt(int64(x.ParentID), 10)
				}
				l.children[parent] = append(l.children[parent], id)
			}
			if len(list) == 0 {
				l.empty.SetText("No locations yet: add the record room first.")
			} else {
				l.empty.SetText("")
			}
			l.tree.Refresh()
			l.tree.OpenAllBranches()
		})
}

func locationKindOptions() []string {
	out := make([]string, len(records.LocationKinds))
	for i, k := range records.LocationKinds {
		out[i] = string(k)
	}
	return out
}

// editLocation creates (ID 0) or edits a location.
func (l *locationsTab) editLocation(x records.Location) {
	errs := newFormErrors()
	name := errs.field("Name", newEntry(l.s, "e.g. Cabinet A"))
	name.SetText(x.Name)
	kind := newSelect(locationKindOptions(), nil)
	kind.SetSelected(string(x.Kind))
	def := widget.NewCheck("Default place for new folders", nil)
	def.SetChecked(x.Default)
	active := widget.NewCheck("Active", nil)
	active.SetChecked(x.Active)
	parent := "top level"
	if p, ok := l.byID[strconv.FormatInt(int64(x.ParentID), 10)]; ok {
		parent = p.Path
		if parent == "" {
			parent = p.Name
		}
	}
	items := []*widget.FormItem{
		widget.NewFormItem("Inside", widget.NewLabel(parent)),
		widget.NewFormItem("Name", name), widget.NewFormItem("Kind", kind),
		widget.NewFormItem("", def), widget.NewFormItem("", active),
	}
	title := "New location"
	if x.ID != 0 {
		title = "Edit " + x.Name
	}
	showWriteDialog(l.s, title, "Save", items, errs, func() (formWrite, error) {
		y := x
		y.Name, y.Kind, y.Default, y.Active = name.Text, records.LocationKind(kind.Selected), def.Checked, active.Checked
		return l.s.serviceWrite(func(ctx context.Context, svc records.Service) error {
			_, err := svc.SaveLocation(ctx, y)
			return err
		}, l.shown), nil
	})
}
