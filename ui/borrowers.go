package ui

import (
	"context"
	"sort"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/chartroom/chartroom/records"
)

// borrowersScreen lists who can take charts and, for the one selected, the
// charts they have. Supervisors and admins add and edit borrowers here.
type borrowersScreen struct {
	s        *shell
	list     *rowTable[records.Borrower]
	out      *rowTable[records.Volume]
	outTitle *widget.Label
	inactive *widget.Check
	edit     *widget.Button
	root     fyne.CanvasObject
}

func newBorrowersScreen(s *shell) *borrowersScreen {
	b := &borrowersScreen{s: s}
	b.list = newRowTable([]column[records.Borrower]{
		{"Name", 240, func(x records.Borrower) string { return x.Name }},
		{"Kind", 130, func(x records.Borrower) string { return borrowerKindLabel(x.Kind) }},
		{"Phone", 130, func(x records.Borrower) string { return x.Phone }},
		{"Room", 100, func(x records.Borrower) string { return x.Room }},
		{"Loan days", 90, func(x records.Borrower) string { return loanDaysText(x.LoanDays) }},
		{"Badge", 120, func(x records.Borrower) string { return x.Badge }},
		{"Active", 70, func(x records.Borrower) string { return yesNo(x.Active) }},
	}, nil)
	b.list.onOpen = func(x records.Borrower) {
		if s.can(records.RoleSupervisor) {
			showBorrowerDialog(s, x, b.shown)
		}
	}
	b.list.onSelect = b.loadOut
	b.list.tone = func(x records.Borrower) widget.Importance {
		if !x.Active {
			return widget.LowImportance
		}
		return widget.MediumImportance
	}
	b.out = newRowTable([]column[records.Volume]{
		{"MRN", 110, func(v records.Volume) string { return s.mrn(v.MRN) }},
		{"Name", 240, func(v records.Volume) string { return v.PatientName }},
		{"Folder", 130, func(v records.Volume) string { return v.Label() }},
		{"Out since", 140, func(v records.Volume) string { return when(v.OutSince) }},
		{"Due", 160, func(v records.Volume) string { return dueText(v, s.today()) }},
	}, func(v records.Volume) { s.main.openChart(v.PatientID) })
	b.out.tone = func(v records.Volume) widget.Importance { return volumeTone(v, s.today()) }
	b.outTitle = heading("Charts out")
	b.inactive = widget.NewCheck("Show inactive", guarded1(func(bool) { b.shown() }))
	add := widget.NewButtonWithIcon("New borrower…", theme.ContentAddIcon(), guarded(func() {
		showBorrowerDialog(s, records.Borrower{Kind: records.BorrowerProvider, Active: true}, b.shown)
	}))
	b.edit = widget.NewButtonWithIcon("Edit…", theme.DocumentCreateIcon(), guarded(func() {
		if x, ok := b.list.current(); ok {
			showBorrowerDialog(s, x, b.shown)
		}
	}))
	if !s.can(records.RoleSupervisor) {
		add.Hide()
		b.edit.Hide()
	}
	help := "Providers, staff, departments, outside parties and offsite storage that take charts. Select one to see the charts they have."
	top := container.NewHBox(add, b.edit, b.inactive)
	split := container.NewVSplit(b.list.view(), container.NewBorder(b.outTitle, nil, nil, nil, b.out.view()))
	split.SetOffset(0.55)
	b.root = screenFrame("Borrowers", help, top, split)
	return b
}

func (b *borrowersScreen) view() fyne.CanvasObject { return b.root }

func (b *borrowersScreen) shown() {
	ctx, svc, all := b.s.ctx(), b.s.svc, b.inactive.Checked
	inBackground(b.s, func() ([]records.Borrower, error) {
		return svc.ListBorrowers(ctx, all)
	}, func(list []records.Borrower, err error) {
		if err != nil {
			b.s.showError(err)
			return
		}
		empty := "No borrowers yet."
		if b.s.can(records.RoleSupervisor) {
			empty += " Add the doctors and departments that take charts with New borrower."
		} else {
			empty += " A supervisor adds them."
		}
		b.list.set(list, empty)
		b.out.set(nil, "Select a borrower above to see the charts they have.")
		b.outTitle.SetText("Charts out")
	})
}

// loadOut lists the charts out to borrower x.
func (b *borrowersScreen) loadOut(x records.Borrower) {
	b.outTitle.SetText("Charts out to " + x.Name)
	ctx, svc := b.s.ctx(), b.s.svc
	inBackground(b.s, func() ([]records.Volume, error) {
		var vs []records.Volume
		err := svc.ListVolumes(ctx, records.VolumeFilter{BorrowerID: x.ID, Order: records.OrderDue}, func(v records.Volume) error {
			vs = append(vs, v)
			return nil
		})
		return vs, err
	}, func(vs []records.Volume, err error) {
		if err != nil {
			b.s.showError(err)
			return
		}
		b.out.set(vs, x.Name+" has no charts out.")
	})
}

func loanDaysText(n int) string {
	if n == 0 {
		return "the record type's"
	}
	return strconv.Itoa(n)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// showBorrowerDialog creates (ID 0) or edits a borrower.
func showBorrowerDialog(s *shell, x records.Borrower, onSaved func()) {
	errs := newFormErrors()
	name := errs.field("Name", newEntry(s, "e.g. Dr. Ada Testwell"))
	kind := newSelect(borrowerKindLabels(), nil)
	phone := errs.field("Phone", newEntry(s, ""))
	room := errs.field("Room", newEntry(s, ""))
	address := errs.field("Address", newEntry(s, "for outside parties: where records go"))
	loan := errs.field("Loan days", newEntry(s, "0: the record type's loan period"))
	badge := errs.field("Badge", newEntry(s, "scan the badge here"))
	active := widget.NewCheck("Active (can take charts)", nil)
	name.SetText(x.Name)
	kind.SetSelected(borrowerKindLabel(x.Kind))
	phone.SetText(x.Phone)
	room.SetText(x.Room)
	address.SetText(x.Address)
	loan.SetText(strconv.Itoa(x.LoanDays))
	badge.SetText(x.Badge)
	active.SetChecked(x.Active || x.ID == 0)
	items := []*widget.FormItem{
		widget.NewFormItem("Name", name), widget.NewFormItem("Kind", kind),
		widget.NewFormItem("Phone", phone), widget.NewFormItem("Room", room),
		widget.NewFormItem("Address", address), widget.NewFormItem("Loan days", loan),
		widget.NewFormItem("Badge", badge), widget.NewFormItem("", active),
	}
	title, confirm := "New borrower", "Create"
	if x.ID != 0 {
		title, confirm = "Edit "+x.Name, "Save"
	}
	showWriteDialog(s, title, confirm, items, errs, func() (formWrite, error) {
		y := x
		y.Name, y.Kind = name.Text, borrowerKindFromLabel(kind.Selected)
		y.Phone, y.Room, y.Address, y.Badge = phone.Text, room.Text, address.Text, badge.Text
		y.Active = active.Checked
		var err error
		if y.LoanDays, err = atoiField("Loan days", loan.Text); err != nil {
			return formWrite{}, err
		}
		return s.serviceWrite(func(ctx context.Context, svc records.Service) error {
			_, err := svc.SaveBorrower(ctx, y)
			return err
		}, onSaved), nil
	})
}

// activeBorrowers lists the borrowers a chart can go to, by name.
func activeBorrowers(s *shell) ([]records.Borrower, error) {
	return activeBorrowersCtx(s.ctx(), s.svc)
}

func activeBorrowersCtx(ctx context.Context, svc records.Service) ([]records.Borrower, error) {
	bs, err := svc.ListBorrowers(ctx, false)
	if err != nil {
		return nil, err
	}
	sort.SliceStable(bs, func(i, j int) bool { return bs[i].Name < bs[j].Name })
	return bs, nil
}

// borrowerSelect is a drop-down of borrowers.
type borrowerSelect struct {
	sel  *selectBox
	list []records.Borrower
}

func newBorrowerSelect(list []records.Borrower) *borrowerSelect {
	b := &borrowerSelect{list: list}
	b.sel = newSelect(nil, nil)
	b.sel.PlaceHolder = "Choose a borrower"
	b.setList(list)
	return b
}

func (b *borrowerSelect) setList(list []records.Borrower) {
	b.list = list
	opts := make([]string, len(list))
	for i, x := range list {
		opts[i] = borrowerOption(x)
	}
	b.sel.SetOptions(opts)
}

func borrowerOption(x records.Borrower) string {
	return x.Name + " (" + borrowerKindLabel(x.Kind) + ")"
}

func (b *borrowerSelect) selected() (records.Borrower, bool) {
	i := b.sel.SelectedIndex()
	if i < 0 || i >= len(b.list) {
		return records.Borrower{}, false
	}
	return b.list[i], true
}

// choose selects borrower x in the drop-down (a scanned badge) without
// calling its OnChanged: the caller says what happened itself.
func (b *borrowerSelect) choose(x records.Borrower) {
	changed := b.sel.OnChanged
	b.sel.OnChanged = nil
	defer func() { b.sel.OnChanged = guarded1(changed) }()
	for i, y := range b.list {
		if y.ID == x.ID {
			b.sel.SetSelectedIndex(i)
			return
		}
	}
	b.list = append(b.list, x)
	b.setList(b.list)
	b.sel.SetSelectedIndex(len(b.list) - 1)
}

// showNotice shows a message that needs reading (what waits for a chart).
func showNotice(s *shell, title, message string) {
	l := widget.NewLabel(message)
	l.Wrapping = fyne.TextWrapWord
	s.showNoticeDialog(dialog.NewCustom(title, "OK", container.New(minWidth{460}, l), s.win))
}

// showNoBorrowers says a check-out needs a borrower first; whoever may add
// one is offered the form at once.
func showNoBorrowers(s *shell) {
	if !s.can(records.RoleSupervisor) {
		showNotice(s, "No borrowers yet", "A folder is checked out to a borrower, and there are none yet. Ask a supervisor to add the doctors and staff who take charts (Borrowers page).")
		return
	}
	msg := widget.NewLabel("A folder is checked out to a borrower, and there are none yet. Add the doctors and staff who take charts, with their badges, then check the folder out.")
	msg.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm("No borrowers yet", "Add a borrower…", "Close", container.New(minWidth{460}, msg), guarded1(func(add bool) {
		if add {
			showBorrowerDialog(s, records.Borrower{Kind: records.BorrowerProvider, Active: true}, nil)
		}
	}), s.win)
	d.Show()
	s.track(d, func() {
		d.Hide()
		showBorrowerDialog(s, records.Borrower{Kind: records.BorrowerProvider, Active: true}, nil)
	})
}
