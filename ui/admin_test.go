package ui

import (
	"slices"
	"testing"

	"github.com/chartroom/chartroom/records"
)

func TestAdministrationIsGatedByRole(t *testing.T) {
	cases := []struct {
		role      records.Role
		wantAdmin bool
		wantTabs  []string
	}{
		{records.RoleClerk, false, nil},
		{records.RoleSupervisor, true, []string{"Locations", "Record types", "Merge", "Backups", "Import"}},
		{records.RoleAdmin, true, []string{"Users", "Locations", "Record types", "Settings", "Retention", "Merge", "Backups", "Import"}},
	}
	for _, c := range cases {
		t.Run(string(c.role), func(t *testing.T) {
			f := newFixture(t, true)
			f.user("someone", c.role, "someone's password")
			m := f.mustSignIn("someone", "someone's password")
			if got := m.allowed(navAdmin); got != c.wantAdmin {
				t.Fatalf("Administration in the navigation = %v, want %v", got, c.wantAdmin)
			}
			menuHasAdmin := false
			for _, menu := range m.menu().Items {
				for _, it := range menu.Items {
					if it.Label == "Administration" {
						menuHasAdmin = true
					}
				}
			}
			if menuHasAdmin != c.wantAdmin {
				t.Errorf("Administration in the menu = %v, want %v", menuHasAdmin, c.wantAdmin)
			}
			m.show(navAdmin)
			if !c.wantAdmin {
				if _, built := m.screens[navAdmin]; built {
					t.Error("a clerk got the administration screen")
				}
				if m.current == navAdmin {
					t.Error("a clerk reached the administration page")
				}
				return
			}
			a := m.page(navAdmin).(*adminScreen)
			if got := a.tabTitles(); !slices.Equal(got, c.wantTabs) {
				t.Errorf("tabs %v, want %v", got, c.wantTabs)
			}
		})
	}
}

func TestClerkCannotEditBorrowers(t *testing.T) {
	f := newFixture(t, true)
	f.borrower("Dr. Alpha Fictional", "")
	f.user("clerk", records.RoleClerk, "clerk's password")
	m := f.mustSignIn("clerk", "clerk's password")
	m.show(navBorrowers)
	b := m.page(navBorrowers).(*borrowersScreen)
	if len(b.list.rows) != 1 {
		t.Fatalf("clerk sees %d borrowers, want 1", len(b.list.rows))
	}
	if b.edit.Visible() {
		t.Error("the Edit button shows for a clerk")
	}
	// And the service refuses even if a screen offered it.
	_, err := f.s.svc.SaveBorrower(f.s.ctx(), records.Borrower{Name: "Sneaky Fictional", Active: true})
	if records.ErrorCode(err) != records.EForbidden {
		t.Errorf("clerk saving a borrower: %v, want a forbidden error", err)
	}
}
