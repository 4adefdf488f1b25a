package ui

import (
	"context"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/chartroom/chartroom/records"
)

// recordTypesTab manages the kinds of folders: loan period and colour.
type recordTypesTab struct {
	s        *shell
	types    []records.RecordType
	list     *widget.List
	selected int
	edit     *widget.Button
	root     fyne.CanvasObject
}

func newRecordTypesTab(s *shell) *recordTypesTab {
	t := &recordTypesTab{s: s, selected: -1}
	t.list = widget.NewList(func() int { return len(t.types) },
		func() fyne.CanvasObject {
			return container.NewHBox(swatch("#888888"), widget.NewLabel("X-ray films (XR) · loan 14 days · default"))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			row := o.(*fyne.Container)
			rt := t.types[i]
			sw := row.Objects[0].(*canvas.Rectangle)
			sw.FillColor = parseHexColor(rt.Color)
			sw.Refresh()
			row.Objects[1].(*widget.Label).SetText(recordTypeText(rt))
		})
	t.list.OnSelected = guarded1(func(i widget.ListItemID) { t.selected = i; t.edit.Enable() })
	add := widget.NewButtonWithIcon("New record type…", theme.ContentAddIcon(), guarded(func() {
		t.editType(records.RecordType{LoanDays: 14, Color: "#3A6EA5", Active: true})
	}))
	t.edit = widget.NewButtonWithIcon("Edit…", theme.DocumentCreateIcon(), guarded(func() {
		if t.selected >= 0 && t.selected < len(t.types) {
			t.editType(t.types[t.selected])
		}
	}))
	t.edit.Disable()
	t.root = container.NewBorder(container.NewVBox(
		hint("Kinds of folders (Medical, X-ray films, Billing): how long a check-out lasts and the colour on screen and on labels."),
		container.NewHBox(add, t.edit)), nil, nil, nil, t.list)
	return t
}

func recordTypeText(rt records.RecordType) string {
	s := rt.Name + " (" + rt.Code + ") · loan " + plural(rt.LoanDays, "day") + " · " + rt.Color
	if rt.Default {
		s += " · default"
	}
	if rt.BillingOnly {
		s += " · billing only"
	}
	if !rt.Active {
		s += " · inactive"
	}
	return s
}

func (t *recordTypesTab) view() fyne.CanvasObject { return t.root }

func (t *recordTypesTab) shown() {
	ctx, svc := t.s.ctx(), t.s.svc
	inBackground(t.s, func() ([]records.RecordType, error) { return svc.ListRecordTypes(ctx) },
		func(list []records.RecordType, err error) {
			if err != nil {
				t.s.showError(err)
				return
			}
			t.types = list
			t.selected = -1
			t.list.UnselectAll()
			t.edit.Disable()
			t.list.Refresh()
		})
}

func (t *recordTypesTab) editType(rt records.RecordType) {
	errs := newFormErrors()
	name := errs.field("Name", newEntry(t.s, "e.g. X-ray films"))
	code := errs.field("Code", newEntry(t.s, "1-3 letters on labels"))
	loan := errs.field("Loan days", newEntry(t.s, "days a check-out lasts"))
	colour := errs.field("Colour", newEntry(t.s, "#RRGGBB"))
	preview := swatch(rt.Color)
	colour.OnChanged = guarded1(func(v string) { preview.FillColor = parseHexColor(v); preview.Refresh() })
	def := widget.NewCheck("Default type for new patients", nil)
	active := widget.NewCheck("Active", nil)
	billing := widget.NewCheck("Billing papers only (kept for the billing retention period)", nil)
	billing.SetChecked(rt.BillingOnly)
	name.SetText(rt.Name)
	code.SetText(rt.Code)
	loan.SetText(strconv.Itoa(rt.LoanDays))
	colour.SetText(rt.Color)
	def.SetChecked(rt.Default)
	active.SetChecked(rt.Active)
	items := []*widget.FormItem{
		widget.NewFormItem("Name", name), widget.NewFormItem("Code", code),
		widget.NewFormItem("Loan days", loan),
		widget.NewFormItem("Colour", container.NewBorder(nil, nil, nil, preview, colour)),
		widget.NewFormItem("", def), widget.NewFormItem("", active), widget.NewFormItem("", billing),
	}
	title := "New record type"
	if rt.ID != 0 {
		title = "Edit " + rt.Name
	}
	showWriteDialog(t.s, title, "Save", items, errs, func() (formWrite, error) {
		y := rt
		y.Name, y.Code, y.Color, y.Default, y.Active = name.Text, code.Text, colour.Text, def.Checked, active.Checked
		y.BillingOnly = billing.Checked
		var err error
		if y.LoanDays, err = atoiField("Loan days", loan.Text); err != nil {
			return formWrite{}, err
		}
		return t.s.serviceWrite(func(ctx context.Context, svc records.Service) error {
			_, err := svc.SaveRecordType(ctx, y)
			return err
		}, t.shown), nil
	})
}
