package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chartroom/chartroom/records"
)

func TestInitialize(t *testing.T) {
	ctx := context.Background()
	clock := newClock()
	s := openTestStore(t, filepath.Join(t.TempDir(), "new", "chartroom.db"), clock)
	ok, err := s.Initialized(ctx)
	if err != nil || ok {
		t.Fatalf("Initialized on a new file = %v, %v", ok, err)
	}
	bad := []records.InitInput{
		{Settings: records.Settings{PracticeName: ""}, AdminUsername: "ada", AdminPassword: testPassword},
		{Settings: records.Settings{PracticeName: "X", MRNWidth: 3}, AdminUsername: "ada", AdminPassword: testPassword},
		{Settings: records.Settings{PracticeName: "X"}, AdminUsername: "9ada", AdminPassword: testPassword},
		{Settings: records.Settings{PracticeName: "X"}, AdminUsername: "ada", AdminPassword: "short"},
	}
	for _, in := range bad {
		_, err := s.Initialize(ctx, in)
		wantCode(t, err, records.EInvalid)
	}
	in := records.InitInput{Settings: records.Settings{PracticeName: "Testville", MRNWidth: 8, Filing: records.FilingNumeric},
		AdminUsername: "Ada", AdminName: "Ada Admin", AdminPassword: testPassword}
	u, err := s.Initialize(ctx, in)
	if err != nil || u.Username != "ada" || u.Role != records.RoleAdmin {
		t.Fatalf("Initialize = %+v, %v", u, err)
	}
	if ok, _ := s.Initialized(ctx); !ok {
		t.Fatal("not initialized after Initialize")
	}
	_, err = s.Initialize(ctx, in)
	wantCode(t, err, records.EConflict)

	a, err := s.SignIn(ctx, "ADA ", testPassword)
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.Settings(records.WithActor(ctx, a))
	if err != nil || st.MRNWidth != 8 || st.Filing != records.FilingNumeric || st.RequestExpiryDays != records.DefaultSettings().RequestExpiryDays {
		t.Fatalf("Settings = %+v, %v", st, err)
	}
}

func TestSignInLockout(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()

	_, errUnknown := f.s.SignIn(ctx, "nobody", testPassword)
	_, errWrong := f.s.SignIn(ctx, "cleo", "wrong password")
	wantCode(t, errUnknown, records.EUnauthorized)
	if errUnknown.Error() != errWrong.Error() {
		t.Fatalf("unknown user %q and wrong password %q answer differently", errUnknown, errWrong)
	}
	// A success resets the count.
	f.signIn("cleo")
	for i := 1; i < records.MaxFailedSignIns; i++ {
		_, err := f.s.SignIn(ctx, "cleo", "wrong password")
		if err == nil || strings.Contains(err.Error(), "locked") {
			t.Fatalf("failure %d: %v", i, err)
		}
	}
	_, err := f.s.SignIn(ctx, "cleo", "wrong password")
	until := f.clock.Now().Add(records.LockoutDuration)
	wantCode(t, err, records.EUnauthorized)
	if !strings.Contains(err.Error(), "locked until "+until.Format("2006-01-02 15:04")) {
		t.Fatalf("lockout message %q does not say until when", err)
	}
	// Locked: even the right password is refused, until the time is up.
	f.clock.Advance(records.LockoutDuration - time.Minute)
	_, err = f.s.SignIn(ctx, "cleo", testPassword)
	if err == nil || !strings.Contains(err.Error(), "locked until") {
		t.Fatalf("locked account signed in: %v", err)
	}
	f.clock.Advance(time.Minute)
	f.signIn("cleo")

	evs, err := f.s.ListAudit(f.supervisor, records.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, e := range evs {
		seen[e.Action]++
	}
	if seen[records.AuditLocked] != 1 || seen[records.AuditSignInFailed] < records.MaxFailedSignIns+2 || seen[records.AuditSignIn] < 4 {
		t.Fatalf("sign-in audit events: %v", seen)
	}

	// A disabled account is refused, with the reason.
	cleo, err := f.s.UserByName(f.admin, "cleo")
	if err != nil {
		t.Fatal(err)
	}
	cleo.Active = false
	if _, err := f.s.UpdateUser(f.admin, cleo); err != nil {
		t.Fatal(err)
	}
	_, err = f.s.SignIn(ctx, "cleo", testPassword)
	if err == nil || !strings.Contains(err.Error(), "disabled") {
		t.Fatalf("disabled account: %v", err)
	}
}

func TestAdminUnlocksAndPasswords(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for i := 0; i < records.MaxFailedSignIns; i++ {
		f.s.SignIn(ctx, "cleo", "wrong password")
	}
	cleo, _ := f.s.UserByName(f.admin, "cleo")
	if cleo.LockedUntil.IsZero() {
		t.Fatal("not locked")
	}
	cleo.LockedUntil = time.Time{}
	if _, err := f.s.UpdateUser(f.admin, cleo); err != nil {
		t.Fatal(err)
	}
	f.signIn("cleo")

	// Own password: any role; someone else's: admin only.
	if err := f.s.SetPassword(f.clerk, cleo.ID, "a new secret phrase"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.SignIn(ctx, "cleo", "a new secret phrase"); err != nil {
		t.Fatal(err)
	}
	sam, err := f.s.UserByName(f.supervisor, "sam")
	if err != nil {
		t.Fatal(err)
	}
	wantCode(t, f.s.SetPassword(f.clerk, sam.ID, "another secret"), records.EForbidden)
	wantCode(t, f.s.SetPassword(f.clerk, cleo.ID, "short"), records.EInvalid)
	if err := f.s.SetPassword(f.admin, sam.ID, "another secret"); err != nil {
		t.Fatal(err)
	}
	_, err = f.s.UserByName(f.clerk, "sam")
	wantCode(t, err, records.EForbidden)

	// The last admin cannot be demoted or disabled.
	ada, _ := f.s.UserByName(f.admin, "ada")
	ada.Role = records.RoleClerk
	_, err = f.s.UpdateUser(f.admin, ada)
	wantCode(t, err, records.EConflict)

	_, err = f.s.CreateUser(f.admin, records.User{Username: "cleo", Role: records.RoleClerk}, testPassword)
	wantCode(t, err, records.EConflict)
	users, err := f.s.ListUsers(f.admin)
	if err != nil || len(users) != 3 || users[0].Username != "ada" {
		t.Fatalf("ListUsers = %+v, %v", users, err)
	}
}

func TestRolesEnforced(t *testing.T) {
	f := newFixture(t)
	p := f.patient("555555", "Quux", "Role")
	tests := []struct {
		name string
		call func(ctx context.Context) error
		min  records.Role
	}{
		{"search", func(ctx context.Context) error { _, err := f.s.Search(ctx, "quux", 5); return err }, records.RoleClerk},
		{"update patient", func(ctx context.Context) error { _, err := f.s.UpdatePatient(ctx, p); return err }, records.RoleSupervisor},
		{"save borrower", func(ctx context.Context) error {
			_, err := f.s.SaveBorrower(ctx, records.Borrower{Name: "Nurse " + string(ctxRole(ctx)), Kind: records.BorrowerStaff})
			return err
		}, records.RoleSupervisor},
		{"import patients", func(ctx context.Context) error {
			_, err := f.s.ImportPatients(ctx, records.PatientRows(nil), true)
			return err
		}, records.RoleSupervisor},
		{"list audit", func(ctx context.Context) error { _, err := f.s.ListAudit(ctx, records.AuditFilter{}); return err }, records.RoleSupervisor},
		{"backup", func(ctx context.Context) error { _, err := f.s.Backup(ctx, t.TempDir()); return err }, records.RoleSupervisor},
		{"list users", func(ctx context.Context) error { _, err := f.s.ListUsers(ctx); return err }, records.RoleAdmin},
		{"update settings", func(ctx context.Context) error {
			st := records.DefaultSettings()
			st.PracticeName = "Renamed"
			_, err := f.s.UpdateSettings(ctx, st)
			return err
		}, records.RoleAdmin},
	}
	roles := map[records.Role]context.Context{records.RoleClerk: f.clerk, records.RoleSupervisor: f.supervisor, records.RoleAdmin: f.admin}
	for _, tc := range tests {
		for _, role := range records.Roles {
			err := tc.call(roles[role])
			if role.AtLeast(tc.min) && err != nil {
				t.Errorf("%s as %s: %v", tc.name, role, err)
			}
			if !role.AtLeast(tc.min) && records.ErrorCode(err) != records.EForbidden {
				t.Errorf("%s as %s: want forbidden, got %v", tc.name, role, err)
			}
		}
		if err := tc.call(context.Background()); records.ErrorCode(err) != records.EUnauthorized {
			t.Errorf("%s signed out: want unauthorized, got %v", tc.name, err)
		}
	}
}

func ctxRole(ctx context.Context) records.Role {
	a, _ := records.ActorFrom(ctx)
	return a.Role
}
