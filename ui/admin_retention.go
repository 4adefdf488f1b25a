package ui

import (
	"context"
	"fmt"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/chartroom/chartroom/records"
)

// customPolicy is the choice of the policy selector for the settings' own
// values.
const customPolicy = "Custom values"

// retentionTab chooses the retention policy (a stored preset or custom
// values) and edits the presets (admin: they are settings).
type retentionTab struct {
	s        *shell
	errs     *formErrors
	current  records.Settings
	presets  []records.RetentionPreset
	use      *selectBox
	fields   [5]*activeEntry // adult, majority, minor, deceased, billing
	list     *widget.List
	selected int
	edit     *widget.Button
	remove   *widget.Button
	saved    *widget.Label
	root     fyne.CanvasObject
}

// policyFields names the policy's numbers as the service's errors do.
var policyFields = [5]string{"Adult retention years", "Age of majority", "Minor retention years", "Deceased retention years", "Billing retention years"}

func policyNumbers(r *records.RetentionPolicy) [5]*int {
	return [5]*int{&r.AdultYears, &r.MajorityAge, &r.MinorYears, &r.DeceasedYears, &r.BillingOnlyYears}
}

func newRetentionTab(s *shell) *retentionTab {
	t := &retentionTab{s: s, errs: newFormErrors(), selected: -1}
	for i, name := range policyFields {
		t.fields[i] = t.errs.field(name, newEntry(s, ""))
	}
	t.use = newSelect(nil, guarded1(func(string) { t.fillPolicy() }))
	t.saved = hint("")
	save := widget.NewButtonWithIcon("Save the policy", theme.DocumentSaveIcon(), guarded(t.save))
	save.Importance = widget.HighImportance
	form := widget.NewForm(
		widget.NewFormItem("Policy in use", t.use),
		widget.NewFormItem("Adults: years after last visit", t.fields[0]),
		widget.NewFormItem("Age of majority", t.fields[1]),
		widget.NewFormItem("Minors: years after majority", t.fields[2]),
		widget.NewFormItem("Deceased: years after death", t.fields[3]),
		widget.NewFormItem("Billing-only records: years after last visit", t.fields[4]),
	)
	policy := widget.NewCard("Retention policy", "What the retention review applies. A preset's numbers are edited below.",
		container.NewVBox(form, t.errs.label, container.NewHBox(save, t.saved)))

	t.list = widget.NewList(func() int { return len(t.presets) },
		func() fyne.CanvasObject {
			return widget.NewLabel("Chartroom default: adults 10 · minors 18 + 10 · deceased 5 · billing 7")
		},
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(presetText(t.presets[i])) })
	t.list.OnSelected = guarded1(func(i widget.ListItemID) { t.selected = i; t.edit.Enable(); t.remove.Enable() })
	add := widget.NewButtonWithIcon("New preset…", theme.ContentAddIcon(), guarded(func() {
		t.editPreset(records.RetentionPreset{Policy: records.DefaultSettings().Retention})
	}))
	t.edit = widget.NewButtonWithIcon("Edit…", theme.DocumentCreateIcon(), guarded(func() {
		if t.selected >= 0 && t.selected < len(t.presets) {
			t.editPreset(t.presets[t.selected])
		}
	}))
	t.remove = widget.NewButtonWithIcon("Delete…", theme.DeleteIcon(), guarded(t.deletePreset))
	t.edit.Disable()
	t.remove.Disable()
	presets := container.NewBorder(container.NewVBox(
		hint("Presets are retention policies kept as data: one per rule your practice may follow (your state's, a longer one). Check the numbers against the law that applies to you."),
		container.NewHBox(add, t.edit, t.remove)), nil, nil, nil, t.list)
	t.root = container.NewBorder(policy, nil, nil, nil, widget.NewCard("Presets", "", presets))
	return t
}

func presetText(p records.RetentionPreset) string {
	r := p.Policy
	return fmt.Sprintf("%s: adults %d · minors %d + %d · deceased %d · billing %d", p.Name, r.AdultYears, r.MajorityAge, r.MinorYears, r.DeceasedYears, r.BillingOnlyYears)
}

func (t *retentionTab) view() fyne.CanvasObject { return t.root }

func (t *retentionTab) shown() {
	ctx, svc := t.s.ctx(), t.s.svc
	type loaded struct {
		st      records.Settings
		presets []records.RetentionPreset
	}
	inBackground(t.s, func() (loaded, error) {
		st, err := svc.Settings(ctx)
		if err != nil {
			return loaded{}, err
		}
		ps, err := svc.ListRetentionPresets(ctx)
		return loaded{st, ps}, err
	}, func(l loaded, err error) {
		if err != nil {
			t.s.showError(err)
			return
		}
		t.current, t.presets = l.st, l.presets
		t.selected = -1
		t.list.UnselectAll()
		t.edit.Disable()
		t.remove.Disable()
		t.list.Refresh()
		opts := []string{customPolicy}
		chosen := customPolicy
		for _, p := range l.presets {
			opts = append(opts, p.Name)
			if p.ID == l.st.RetentionPresetID {
				chosen = p.Name
			}
		}
		t.use.Options = opts
		t.use.SetSelected(chosen)
		t.fillPolicy()
	})
}

// chosenPreset is the preset the selector names, if any.
func (t *retentionTab) chosenPreset() (records.RetentionPreset, bool) {
	for _, p := range t.presets {
		if p.Name == t.use.Selected {
			return p, true
		}
	}
	return records.RetentionPreset{}, false
}

// fillPolicy shows the numbers of the chosen policy; only custom values
// are typed here.
func (t *retentionTab) fillPolicy() {
	pol := t.current.Retention
	p, isPreset := t.chosenPreset()
	if isPreset {
		pol = p.Policy
	}
	for i, n := range policyNumbers(&pol) {
		t.fields[i].SetText(strconv.Itoa(*n))
		if isPreset {
			t.fields[i].Disable()
		} else {
			t.fields[i].Enable()
		}
	}
}

func (t *retentionTab) save() {
	st := t.current
	if p, ok := t.chosenPreset(); ok {
		st.RetentionPresetID = p.ID
	} else {
		st.RetentionPresetID = 0
		for i, n := range policyNumbers(&st.Retention) {
			v, err := atoiField(policyFields[i], t.fields[i].Text)
			if err != nil {
				t.errs.show(t.s.win, err)
				return
			}
			*n = v
		}
	}
	t.s.saveSettings(st, t.errs, t.saved, func(st records.Settings) { t.current = st })
}

// editPreset opens a preset's form; saving it reaches the policy at once
// when the settings follow it.
func (t *retentionTab) editPreset(p records.RetentionPreset) {
	errs := newFormErrors()
	name := errs.field("Name", newEntry(t.s, "e.g. State of Example"))
	note := errs.field("Note", newEntry(t.s, "where the numbers come from"))
	name.SetText(p.Name)
	note.SetText(p.Note)
	items := []*widget.FormItem{widget.NewFormItem("Name", name)}
	var nums [5]*activeEntry
	labels := [5]string{"Adults: years after last visit", "Age of majority", "Minors: years after majority", "Deceased: years after death", "Billing-only: years"}
	for i, n := range policyNumbers(&p.Policy) {
		nums[i] = errs.field(policyFields[i], newEntry(t.s, ""))
		nums[i].SetText(strconv.Itoa(*n))
		items = append(items, widget.NewFormItem(labels[i], nums[i]))
	}
	items = append(items, widget.NewFormItem("Note", note))
	title := "New retention preset"
	if p.ID != 0 {
		title = "Edit " + p.Name
	}
	showWriteDialog(t.s, title, "Save", items, errs, func() (formWrite, error) {
		y := p
		y.Name, y.Note = name.Text, note.Text
		for i, n := range policyNumbers(&y.Policy) {
			v, err := atoiField(policyFields[i], nums[i].Text)
			if err != nil {
				return formWrite{}, err
			}
			*n = v
		}
		return t.s.serviceWrite(func(ctx context.Context, svc records.Service) error {
			_, err := svc.SaveRetentionPreset(ctx, y)
			return err
		}, t.shown), nil
	})
}

func (t *retentionTab) deletePreset() {
	if t.selected < 0 || t.selected >= len(t.presets) {
		return
	}
	p := t.presets[t.selected]
	dialog.ShowConfirm("Delete "+p.Name, "Delete the retention preset "+p.Name+"? The policy in use cannot be deleted.", guarded1(func(ok bool) {
		if !ok {
			return
		}
		ctx, svc := t.s.ctx(), t.s.svc
		inBackground(t.s, func() (struct{}, error) { return struct{}{}, svc.DeleteRetentionPreset(ctx, p.ID) }, func(_ struct{}, err error) {
			if err != nil {
				t.s.showError(err)
				return
			}
			t.shown()
		})
	}), t.s.win)
}
