package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chartroom/chartroom/records"
)

func testInitialize(t *testing.T, db NewDatabase) {
	ctx := context.Background()
	clock := NewClock()
	s := db(t).Open(t, clock.Now)
	ok, err := s.Initialized(ctx)
	if err != nil || ok {
		t.Fatalf("Initialized on a new database = %v, %v", ok, err)
	}
	bad := []records.InitInput{
		{Settings: records.Settings{PracticeName: ""}, AdminUsername: "ada", AdminPassword: TestPassword},
		{Settings: records.Settings{PracticeName: "X", MRNWidth: 3}, AdminUsername: "ada", AdminPassword: TestPassword},
		{Settings: records.Settings{PracticeName: "X"}, AdminUsername: "9ada", AdminPassword: TestPassword},
		{Settings: records.Settings{PracticeName: "X"}, AdminUsername: "ada", AdminPassword: "short"},
	}
	for _, in := range bad {
		_, err := s.Initialize(ctx, in)
		WantCode(t, err, records.EInvalid)
	}
	in := records.InitInput{Settings: records.Settings{PracticeName: "Testville", MRNWidth: 8, Filing: records.FilingNumeric},
		AdminUsername: "Ada", AdminName: "Ada Admin", AdminPassword: TestPassword}
	u, err := s.Initialize(ctx, in)
	if err != nil || u.Username != "ada" || u.Role != records.RoleAdmin {
		t.Fatalf("Initialize = %+v, %v", u, err)
	}
	if ok, _ := s.Initialized(ctx); !ok {
		t.Fatal("not initialized after Initialize")
	}
	_, err = s.Initialize(ctx, in)
	WantCode(t, err, records.EConflict)

	a, err := s.SignIn(ctx, "ADA ", TestPassword)
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.Settings(records.WithActor(ctx, a))
	if err != nil || st.MRNWidth != 8 || st.Filing != records.FilingNumeric || st.RequestExpiryDays != records.DefaultSettings().RequestExpiryDays {
		t.Fatalf("Settings = %+v, %v", st, err)
	}
}

func testSignInLockout(t *testing.T, db NewDatabase) {
	f := newFixture(t, db)
	ctx := context.Background()

	_, errUnknown := f.S.SignIn(ctx, "nobody", TestPassword)
	_, errWrong := f.S.SignIn(ctx, "cleo", "wrong password")
	WantCode(t, errUnknown, records.EUnauthorized)
	if errUnknown.Error() != errWrong.Error() {
		t.Fatalf("unknown user %q and wrong password %q answer differently", errUnknown, errWrong)
	}
	// A success resets the count.
	f.SignIn("cleo")
	for i := 1; i < records.MaxFailedSignIns; i++ {
		_, err := f.S.SignIn(ctx, "cleo", "wrong password")
		if err == nil || strings.Contains(err.Error(), "locked") {
			t.Fatalf("failure %d: %v", i, err)
		}
	}
	_, err := f.S.SignIn(ctx, "cleo", "wrong password")
	until := f.Clock.Now().Add(records.LockoutDuration)
	WantCode(t, err, records.EUnauthorized)
	if !strings.Contains(err.Error(), "locked until "+until.Format("2006-01-02 15:04")) {
		t.Fatalf("lockout message %q does not say until when", err)
	}
	// Locked: even the right password is refused, until the time is up.
	f.Clock.Advance(records.LockoutDuration - time.Minute)
	_, err = f.S.SignIn(ctx, "cleo", TestPassword)
	if err == nil || !strings.Contains(err.Error(), "locked until") {
		t.Fatalf("locked account signed in: %v", err)
	}
	f.Clock.Advance(time.Minute)
	f.SignIn("cleo")

	evs, err := f.S.ListAudit(f.Supervisor, records.AuditFilter{})
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
	cleo, err := f.S.UserByName(f.Admin, "cleo")
	if err != nil {
		t.Fatal(err)
	}
	cleo.Active = false
	if _, err := f.S.UpdateUser(f.Admin, cleo); err != nil {
		t.Fatal(err)
	}
	_, err = f.S.SignIn(ctx, "cleo", TestPassword)
	if err == nil || !strings.Contains(err.Error(), "disabled") {
		t.Fatalf("disabled account: %v", err)
	}
}

func testAdminUnlocksAndPasswords(t *testing.T, db NewDatabase) {
	f := newFixture(t, db)
	ctx := context.Background()
	for i := 0; i < records.MaxFailedSignIns; i++ {
		f.S.SignIn(ctx, "cleo", "wrong password")
	}
	cleo, _ := f.S.UserByName(f.Admin, "cleo")
	if cleo.LockedUntil.IsZero() {
		t.Fatal("not locked")
	}
	cleo.LockedUntil = time.Time{}
	if _, err := f.S.UpdateUser(f.Admin, cleo); err != nil {
		t.Fatal(err)
	}
	f.SignIn("cleo")

	// Own password: any role; someone else's: admin only.
	if err := f.S.SetPassword(f.Clerk, cleo.ID, "a new secret phrase"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.S.SignIn(ctx, "cleo", "a new secret phrase"); err != nil {
		t.Fatal(err)
	}
	sam, err := f.S.UserByName(f.Supervisor, "sam")
	if err != nil {
		t.Fatal(err)
	}
	WantCode(t, f.S.SetPassword(f.Clerk, sam.ID, "another secret"), records.EForbidden)
	WantCode(t, f.S.SetPassword(f.Clerk, cleo.ID, "short"), records.EInvalid)
	if err := f.S.SetPassword(f.Admin, sam.ID, "another secret"); err != nil {
		t.Fatal(err)
	}
	_, err = f.S.UserByName(f.Clerk, "sam")
	WantCode(t, err, records.EForbidden)

	// The last admin cannot be demoted or disabled.
	ada, _ := f.S.UserByName(f.Admin, "ada")
	ada.Role = records.RoleClerk
	_, err = f.S.UpdateUser(f.Admin, ada)
	WantCode(t, err, records.EConflict)

	_, err = f.S.CreateUser(f.Admin, records.User{Username: "cleo", Role: records.RoleClerk}, TestPassword)
	WantCode(t, err, records.EConflict)
	users, err := f.S.ListUsers(f.Admin)
	if err != nil || len(users) != 3 || users[0].Username != "ada" {
		t.Fatalf("ListUsers = %+v, %v", users, err)
	}
}

func testRolesEnforced(t *testing.T, db NewDatabase) {
	f := newFixture(t, db)
	p := f.Patient("555555", "Quux", "Role")
	tests := []struct {
		name string
		call func(ctx context.Context) error
		min  records.Role
	}{
		{"search", func(ctx context.Context) error { _, err := f.S.Search(ctx, "quux", 5); return err }, records.RoleClerk},
		{"update patient", func(ctx context.Context) error { _, err := f.S.UpdatePatient(ctx, p); return err }, records.RoleSupervisor},
		{"save borrower", func(ctx context.Context) error {
			_, err := f.S.SaveBorrower(ctx, records.Borrower{Name: "Nurse " + string(CtxRole(ctx)), Kind: records.BorrowerStaff})
			return err
		}, records.RoleSupervisor},
		{"import patients", func(ctx context.Context) error {
			_, err := f.S.ImportPatients(ctx, records.PatientRows(nil), true)
			return err
		}, records.RoleSupervisor},
		{"list audit", func(ctx context.Context) error { _, err := f.S.ListAudit(ctx, records.AuditFilter{}); return err }, records.RoleSupervisor},
		{"backup", func(ctx context.Context) error { _, err := f.S.Backup(ctx, t.TempDir()); return err }, records.RoleSupervisor},
		{"list users", func(ctx context.Context) error { _, err := f.S.ListUsers(ctx); return err }, records.RoleAdmin},
		{"update settings", func(ctx context.Context) error {
			st := records.DefaultSettings()
			st.PracticeName = "Renamed"
			_, err := f.S.UpdateSettings(ctx, st)
			return err
		}, records.RoleAdmin},
	}
	roles := map[records.Role]context.Context{records.RoleClerk: f.Clerk, records.RoleSupervisor: f.Supervisor, records.RoleAdmin: f.Admin}
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

// CtxRole is the role of the user ctx carries, empty when none.
func CtxRole(ctx context.Context) records.Role {
	a, _ := records.ActorFrom(ctx)
	return a.Role
}
