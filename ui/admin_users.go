package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/chartroom/chartroom/records"
)

// usersTab lets an admin add users, change their role, disable them and
// reset their passwords.
type usersTab struct {
	s     *shell
	list  *rowTable[records.User]
	edit  *widget.Button
	reset *widget.Button
	root  fyne.CanvasObject
}

func newUsersTab(s *shell) *usersTab {
	u := &usersTab{s: s}
	u.list = newRowTable([]column[records.User]{
		{"Username", 140, func(x records.User) string { return x.Username }},
		{"Name", 220, func(x records.User) string { return x.DisplayName }},
		{"Role", 110, func(x records.User) string { return string(x.Role) }},
		{"Active", 70, func(x records.User) string { return yesNo(x.Active) }},
		{"Last sign-in", 150, func(x records.User) string { return when(x.LastSignIn) }},
		{"Locked until", 150, func(x records.User) string { return lockedText(x, s) }},
	}, func(x records.User) { u.editUser(x) })
	u.list.onSelect = func(records.User) { u.edit.Enable(); u.reset.Enable() }
	add := widget.NewButtonWithIcon("New user…", theme.ContentAddIcon(), guarded(u.addUser))
	u.edit = widget.NewButtonWithIcon("Edit…", theme.DocumentCreateIcon(), guarded(func() {
		if x, ok := u.list.current(); ok {
			u.editUser(x)
		}
	}))
	u.reset = widget.NewButtonWithIcon("Reset password…", theme.VisibilityOffIcon(), guarded(func() {
		if x, ok := u.list.current(); ok {
			u.resetPassword(x)
		}
	}))
	u.root = container.NewBorder(container.NewVBox(
		hint("People who sign in. Clerks scan and file; supervisors also manage borrowers, locations and record types; admins also manage users and settings. Disable users who leave: their history stays."),
		container.NewHBox(add, u.edit, u.reset)), nil, nil, nil, u.list.view())
	return u
}

func lockedText(x records.User, s *shell) string {
	if x.LockedUntil.After(s.now()) {
		return when(x.LockedUntil)
	}
	return ""
}

func (u *usersTab) view() fyne.CanvasObject { return u.root }

func (u *usersTab) shown() {
	ctx, svc := u.s.ctx(), u.s.svc
	inBackground(u.s, func() ([]records.User, error) { return svc.ListUsers(ctx) },
		func(list []records.User, err error) {
			if err != nil {
				u.s.showError(err)
				return
			}
			u.list.set(list, "No users.")
			u.edit.Disable()
			u.reset.Disable()
		})
}

func roleOptions() []string {
	out := make([]string, len(records.Roles))
	for i, r := range records.Roles {
		out[i] = string(r)
	}
	return out
}

func (u *usersTab) addUser() {
	errs := newFormErrors()
	name := errs.field("Username", newEntry(u.s, "e.g. jdoe"))
	display := errs.field("Display name", newEntry(u.s, ""))
	role := newSelect(roleOptions(), nil)
	role.SetSelected(string(records.RoleClerk))
	pw := errs.field("Password", newPasswordEntry(u.s, ""))
	pw2 := errs.field("Password again", newPasswordEntry(u.s, ""))
	items := []*widget.FormItem{
		widget.NewFormItem("Username", name), widget.NewFormItem("Display name", display),
		widget.NewFormItem("Role", role), widget.NewFormItem("Password", pw), widget.NewFormItem("Password again", pw2),
	}
	showWriteDialog(u.s, "New user", "Create", items, errs, func() (formWrite, error) {
		if pw.Text != pw2.Text {
			return formWrite{}, records.FieldError("Password again", "does not match the password")
		}
		x := records.User{Username: name.Text, DisplayName: display.Text, Role: records.Role(role.Selected), Active: true}
		password := pw.Text
		return u.s.serviceWrite(func(ctx context.Context, svc records.Service) error {
			_, err := svc.CreateUser(ctx, x, password)
			return err
		}, u.shown), nil
	})
}

func (u *usersTab) editUser(x records.User) {
	errs := newFormErrors()
	display := errs.field("Display name", newEntry(u.s, ""))
	display.SetText(x.DisplayName)
	role := newSelect(roleOptions(), nil)
	role.SetSelected(string(x.Role))
	active := widget.NewCheck("Active (may sign in)", nil)
	active.SetChecked(x.Active)
	items := []*widget.FormItem{
		widget.NewFormItem("Display name", display), widget.NewFormItem("Role", role), widget.NewFormItem("", active),
	}
	showWriteDialog(u.s, "Edit "+x.Username, "Save", items, errs, func() (formWrite, error) {
		y := x
		y.DisplayName, y.Role, y.Active = display.Text, records.Role(role.Selected), active.Checked
		return u.s.serviceWrite(func(ctx context.Context, svc records.Service) error {
			_, err := svc.UpdateUser(ctx, y)
			return err
		}, u.shown), nil
	})
}

func (u *usersTab) resetPassword(x records.User) {
	errs := newFormErrors()
	pw := errs.field("Password", newPasswordEntry(u.s, ""))
	pw2 := errs.field("Password again", newPasswordEntry(u.s, ""))
	items := []*widget.FormItem{widget.NewFormItem("New password", pw), widget.NewFormItem("Password again", pw2)}
	showWriteDialog(u.s, "Reset the password of "+x.Username, "Set password", items, errs, func() (formWrite, error) {
		if pw.Text != pw2.Text {
			return formWrite{}, records.FieldError("Password again", "does not match the password")
		}
		password := pw.Text
		return u.s.serviceWrite(func(ctx context.Context, svc records.Service) error {
			return svc.SetPassword(ctx, x.ID, password)
		}, u.shown), nil
	})
}
