package storetest

import (
	"context"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/chartroom/chartroom/records"
)

// roleCheck is one service method called with arguments that would be
// accepted by a user of role min or higher.
type roleCheck struct {
	method string // the records.Service method called
	min    records.Role
	call   func(ctx context.Context) error
}

// roleTag names ctx's role in test data ("nobody" signed out).
func roleTag(ctx context.Context) string {
	if r := CtxRole(ctx); r != "" {
		return string(r)
	}
	return "nobody"
}

// notChecked are the methods of records.Service that take no signed-in
// user, and why.
var notChecked = map[string]string{
	"Initialized": "says only whether the database has a practice yet; the app asks before anyone can sign in",
	"SignIn":      "is how a user gets a role (SignInLockout here, TestSecurityNoSecretsInLogsOrErrors in records/sqlite)",
	"VerifyAudit": "reveals nothing about patients; the app checks the chain at start-up before anyone signs in",
	"AutoBackup":  "is the app's own daily backup into the settings' folder, with no signed-in user by design",
	"BackupStatus": "holds only backup folders and dates; the app watches the second place before anyone signs in " +
		"(CheckBackups is checked below with now: unasked, it is the app's own weekly check)",
}

// testSecurityEveryMethodChecksTheRole calls every method of
// records.Service as each role and signed out: roles below the method's are
// refused with EForbidden (signed out: EUnauthorized) and those refusals
// change nothing in the database; the roles allowed are not refused. It
// fails when a method is added to the interface without a line here.
// Restore is not a service method (a file store swaps the file while
// closed); the command line allows it to an admin only
// (TestBackupRestoreRoundTrip in package cli).
func testSecurityEveryMethodChecksTheRole(t *testing.T, db NewDatabase) {
	f := newFixture(t, db)
	p := f.Patient("612345", "Quux", "Guarded")
	other := f.Patient("612346", "Quux", "Duplicate")
	v := f.FirstVolume(p)
	sam, err := f.S.UserByName(f.Admin, "sam")
	if err != nil {
		t.Fatal(err)
	}
	cleo, err := f.S.UserByName(f.Admin, "cleo")
	if err != nil {
		t.Fatal(err)
	}
	d := records.MustParseDate("2025-03-01")
	tests := []roleCheck{
		{"Initialize", records.RoleClerk, func(ctx context.Context) error { // refused (EConflict) for everyone once there are users
			_, err := f.S.Initialize(ctx, records.InitInput{Settings: records.Settings{PracticeName: "Usurper"}, AdminUsername: "mallory", AdminPassword: TestPassword})
			return err
		}},
		{"ListUsers", records.RoleAdmin, func(ctx context.Context) error { _, err := f.S.ListUsers(ctx); return err }},
		{"CreateUser", records.RoleAdmin, func(ctx context.Context) error {
			_, err := f.S.CreateUser(ctx, records.User{Username: "mallory" + roleTag(ctx), Role: records.RoleAdmin}, TestPassword)
			return err
		}},
		{"UpdateUser", records.RoleAdmin, func(ctx context.Context) error {
			u := cleo
			u.Role = records.RoleAdmin
			u.DisplayName = "Promoted by " + roleTag(ctx)
			_, err := f.S.UpdateUser(ctx, u)
			return err
		}},
		{"SetPassword", records.RoleAdmin, func(ctx context.Context) error { // someone else's; one's own: any role
			target := sam.ID
			if CtxRole(ctx) == records.RoleSupervisor {
				target = cleo.ID
			}
			return f.S.SetPassword(ctx, target, "hijacked password")
		}},
		{"UserByName", records.RoleAdmin, func(ctx context.Context) error { // someone else; oneself: any role
			name := "sam"
			if CtxRole(ctx) == records.RoleSupervisor {
				name = "cleo"
			}
			_, err := f.S.UserByName(ctx, name)
			return err
		}},
		{"Settings", records.RoleClerk, func(ctx context.Context) error { _, err := f.S.Settings(ctx); return err }},
		{"UpdateSettings", records.RoleAdmin, func(ctx context.Context) error {
			st := records.DefaultSettings()
			st.PracticeName = "Renamed by " + roleTag(ctx)
			_, err := f.S.UpdateSettings(ctx, st)
			return err
		}},
		{"Search", records.RoleClerk, func(ctx context.Context) error { _, err := f.S.Search(ctx, "quux", 5); return err }},
		{"Patient", records.RoleClerk, func(ctx context.Context) error { _, err := f.S.Patient(ctx, p.ID); return err }},
		{"PatientByMRN", records.RoleClerk, func(ctx context.Context) error { _, err := f.S.PatientByMRN(ctx, p.MRN); return err }},
		{"CreatePatient", records.RoleClerk, func(ctx context.Context) error {
			_, err := f.S.CreatePatient(ctx, records.Patient{MRN: "61" + map[records.Role]string{"": "0000", records.RoleClerk: "0001", records.RoleSupervisor: "0002", records.RoleAdmin: "0003"}[CtxRole(ctx)], LastName: "Newcomer"})
			return err
		}},
		{"CreateDuplicatePatient", records.RoleSupervisor, func(ctx context.Context) error {
			q := records.Patient{MRN: "62" + map[records.Role]string{"": "0000", records.RoleClerk: "0001", records.RoleSupervisor: "0002", records.RoleAdmin: "0003"}[CtxRole(ctx)],
				LastName: p.LastName, FirstName: p.FirstName, DOB: p.DOB}
			_, err := f.S.CreateDuplicatePatient(ctx, q, "a different person with the same name and birth date")
			return err
		}},
		{"DuplicatePatients", records.RoleClerk, func(ctx context.Context) error { _, err := f.S.DuplicatePatients(ctx, p); return err }},
		{"UpdatePatient", records.RoleSupervisor, func(ctx context.Context) error {
			q := p
			q.LastName = "Renamed"
			_, err := f.S.UpdatePatient(ctx, q)
			return err
		}},
		{"ImportPatients", records.RoleSupervisor, func(ctx context.Context) error {
			_, err := f.S.ImportPatients(ctx, records.PatientRows([]records.PatientRow{{Line: 2, Patient: records.Patient{MRN: "619999", LastName: "Imported"}}}), false)
			return err
		}},
		{"Volume", records.RoleClerk, func(ctx context.Context) error { _, err := f.S.Volume(ctx, v.ID); return err }},
		{"VolumeByBarcode", records.RoleClerk, func(ctx context.Context) error { _, err := f.S.VolumeByBarcode(ctx, v.Barcode); return err }},
		{"VolumesOfPatient", records.RoleClerk, func(ctx context.Context) error { _, err := f.S.VolumesOfPatient(ctx, p.ID); return err }},
		{"Where", records.RoleClerk, func(ctx context.Context) error { _, err := f.S.Where(ctx, p.MRN); return err }},
		{"AddVolume", records.RoleClerk, func(ctx context.Context) error {
			_, err := f.S.AddVolume(ctx, records.Volume{PatientID: other.ID, RecordTypeID: f.Medical.ID})
			return err
		}},
		{"ListVolumes", records.RoleClerk, func(ctx context.Context) error {
			return f.S.ListVolumes(ctx, records.VolumeFilter{}, func(records.Volume) error { return nil })
		}},
		{"Counts", records.RoleClerk, func(ctx context.Context) error { _, err := f.S.Counts(ctx); return err }},
		{"CheckOut", records.RoleClerk, func(ctx context.Context) error {
			_, err := f.S.CheckOut(ctx, records.CheckOutInput{Barcode: v.Barcode, BorrowerID: f.DrGrey.ID, HandOff: true})
			return err
		}},
		{"CheckIn", records.RoleClerk, func(ctx context.Context) error { _, err := f.S.CheckIn(ctx, v.Barcode); return err }},
		{"MarkMissing", records.RoleClerk, func(ctx context.Context) error { _, err := f.S.MarkMissing(ctx, v.ID, "not on the shelf"); return err }},
		{"MarkFound", records.RoleClerk, func(ctx context.Context) error { _, err := f.S.MarkFound(ctx, v.ID, "found"); return err }},
		{"Transfer", records.RoleSupervisor, func(ctx context.Context) error { _, err := f.S.Transfer(ctx, v.ID, f.Room.ID, "moved"); return err }},
		{"History", records.RoleClerk, func(ctx context.Context) error {
			_, err := f.S.History(ctx, records.HistoryFilter{VolumeID: v.ID})
			return err
		}},
		{"ListBorrowers", records.RoleClerk, func(ctx context.Context) error { _, err := f.S.ListBorrowers(ctx, true); return err }},
		{"Borrower", records.RoleClerk, func(ctx context.Context) error { _, err := f.S.Borrower(ctx, f.DrGrey.ID); return err }},
		{"FindBorrower", records.RoleClerk, func(ctx context.Context) error { _, err := f.S.FindBorrower(ctx, "B001"); return err }},
		{"SaveBorrower", records.RoleSupervisor, func(ctx context.Context) error {
			_, err := f.S.SaveBorrower(ctx, records.Borrower{Name: "Nurse " + roleTag(ctx), Kind: records.BorrowerStaff})
			return err
		}},
		{"ListLocations", records.RoleClerk, func(ctx context.Context) error { _, err := f.S.ListLocations(ctx); return err }},
		{"SaveLocation", records.RoleSupervisor, func(ctx context.Context) error {
			_, err := f.S.SaveLocation(ctx, records.Location{ParentID: f.Room.ID, Name: "Cabinet " + roleTag(ctx), Kind: records.LocationCabinet, Active: true})
			return err
		}},
		{"ListRecordTypes", records.RoleClerk, func(ctx context.Context) error { _, err := f.S.ListRecordTypes(ctx); return err }},
		{"SaveRecordType", records.RoleSupervisor, func(ctx context.Context) error {
			_, err := f.S.SaveRecordType(ctx, records.RecordType{Name: "Films " + roleTag(ctx), Code: "F" + roleTag(ctx)[:1], LoanDays: 7, Color: "#112233"})
			return err
		}},
		{"CreateRequest", records.RoleClerk, func(ctx context.Context) error {
			_, err := f.S.CreateRequest(ctx, records.Request{PatientID: p.ID, BorrowerID: f.DrGrey.ID, NeededOn: records.DateOf(f.Clock.Now()), Reason: "visit"})
			return err
		}},
		{"ListRequests", records.RoleClerk, func(ctx context.Context) error { _, err := f.S.ListRequests(ctx, records.RequestFilter{}); return err }},
		{"SetRequestState", records.RoleClerk, func(ctx context.Context) error {
			_, err := f.S.SetRequestState(ctx, 1, records.RequestCancelled, "not needed")
			return err
		}},
		{"ExpireRequests", records.RoleClerk, func(ctx context.Context) error { _, err := f.S.ExpireRequests(ctx); return err }},
		{"ImportAppointments", records.RoleClerk, func(ctx context.Context) error {
			_, err := f.S.ImportAppointments(ctx, []records.AppointmentRow{{Line: 2, Date: records.DateOf(f.Clock.Now()), MRN: p.MRN, Provider: f.DrGrey.Name}}, true)
			return err
		}},
		{"ImportAppointmentsWith", records.RoleSupervisor, func(ctx context.Context) error { // adding providers is a supervisor's
			_, err := f.S.ImportAppointmentsWith(ctx, []records.AppointmentRow{{Line: 2, Date: records.DateOf(f.Clock.Now()), MRN: p.MRN, Provider: "Dr. New Testprovider"}},
				records.AppointmentImport{DryRun: true, AddProviders: true})
			return err
		}},
		{"AddLooseFiling", records.RoleClerk, func(ctx context.Context) error {
			_, err := f.S.AddLooseFiling(ctx, records.LooseFiling{PatientID: p.ID, Received: records.DateOf(f.Clock.Now()), Description: "lab result"})
			return err
		}},
		{"ListLooseFiling", records.RoleClerk, func(ctx context.Context) error { _, err := f.S.ListLooseFiling(ctx, p.ID, ""); return err }},
		{"MarkFiled", records.RoleClerk, func(ctx context.Context) error { _, err := f.S.MarkFiled(ctx, 1); return err }},
		{"ListAudit", records.RoleSupervisor, func(ctx context.Context) error { _, err := f.S.ListAudit(ctx, records.AuditFilter{}); return err }},
		{"Backup", records.RoleSupervisor, func(ctx context.Context) error { _, err := f.S.Backup(ctx, t.TempDir()); return err }},
		{"CheckIntegrity", records.RoleSupervisor, func(ctx context.Context) error { _, err := f.S.CheckIntegrity(ctx); return err }},
		{"CheckBackups", records.RoleSupervisor, func(ctx context.Context) error { _, err := f.S.CheckBackups(ctx, true); return err }},
		{"SetBackupPassphrase", records.RoleAdmin, func(ctx context.Context) error {
			return f.S.SetBackupPassphrase(ctx, "", "the passphrase of "+roleTag(ctx), true)
		}},
		{"ListRetentionPresets", records.RoleClerk, func(ctx context.Context) error { _, err := f.S.ListRetentionPresets(ctx); return err }},
		{"SaveRetentionPreset", records.RoleAdmin, func(ctx context.Context) error {
			_, err := f.S.SaveRetentionPreset(ctx, records.RetentionPreset{Name: "Lax " + roleTag(ctx), Policy: records.DefaultSettings().Retention})
			return err
		}},
		{"DeleteRetentionPreset", records.RoleAdmin, func(ctx context.Context) error { return f.S.DeleteRetentionPreset(ctx, 1) }},
		{"SetLegalHold", records.RoleSupervisor, func(ctx context.Context) error {
			_, err := f.S.SetLegalHold(ctx, p.ID, true, "litigation")
			return err
		}},
		{"ReviewRetention", records.RoleSupervisor, func(ctx context.Context) error {
			return f.S.ReviewRetention(ctx, records.DateOf(f.Clock.Now()), func(records.RetentionCandidate) error { return nil })
		}},
		{"RecordDestruction", records.RoleSupervisor, func(ctx context.Context) error {
			_, err := f.S.RecordDestruction(ctx, records.DestructionInput{VolumeIDs: []records.ID{v.ID}, Note: "shredded"})
			return err
		}},
		{"DestructionBatch", records.RoleSupervisor, func(ctx context.Context) error { _, err := f.S.DestructionBatch(ctx, 1); return err }},
		{"ListDestructionBatches", records.RoleSupervisor, func(ctx context.Context) error { _, err := f.S.ListDestructionBatches(ctx); return err }},
		{"ShelfAudit", records.RoleClerk, func(ctx context.Context) error {
			_, err := f.S.ShelfAudit(ctx, records.ShelfSection{LocationID: f.Room.ID}, []string{v.Barcode})
			return err
		}},
		{"ApplyShelfAudit", records.RoleClerk, func(ctx context.Context) error {
			_, err := f.S.ApplyShelfAudit(ctx, records.ShelfSection{LocationID: f.Room.ID}, []string{v.Barcode})
			return err
		}},
		{"ListShelfAudits", records.RoleClerk, func(ctx context.Context) error { _, err := f.S.ListShelfAudits(ctx, 10); return err }},
		{"AddDisclosure", records.RoleClerk, func(ctx context.Context) error {
			_, err := f.S.AddDisclosure(ctx, records.Disclosure{PatientID: p.ID, Date: d, Recipient: "Dewey Cheatem LLP", Description: "copies"})
			return err
		}},
		{"ListDisclosures", records.RoleClerk, func(ctx context.Context) error {
			_, err := f.S.ListDisclosures(ctx, records.DisclosureFilter{PatientID: p.ID})
			return err
		}},
		{"LogAccountingRequest", records.RoleClerk, func(ctx context.Context) error {
			_, err := f.S.LogAccountingRequest(ctx, records.AccountingRequest{PatientID: p.ID, Received: d, RequestedBy: "the patient"})
			return err
		}},
		{"ListAccountingRequests", records.RoleClerk, func(ctx context.Context) error {
			_, err := f.S.ListAccountingRequests(ctx, records.AccountingRequestFilter{})
			return err
		}},
		{"AnswerAccountingRequest", records.RoleSupervisor, func(ctx context.Context) error {
			_, err := f.S.AnswerAccountingRequest(ctx, 1, d, "sent")
			return err
		}},
		{"PreviewMerge", records.RoleSupervisor, func(ctx context.Context) error { _, err := f.S.PreviewMerge(ctx, other.MRN, p.MRN); return err }},
		{"MergePatients", records.RoleSupervisor, func(ctx context.Context) error {
			_, err := f.S.MergePatients(ctx, other.MRN, p.MRN, "duplicate")
			return err
		}},
		{"UndoMerge", records.RoleAdmin, func(ctx context.Context) error { _, err := f.S.UndoMerge(ctx, 1, "not a duplicate"); return err }},
		{"ListMerges", records.RoleSupervisor, func(ctx context.Context) error { _, err := f.S.ListMerges(ctx); return err }},
	}

	// Every method of the interface is in the table or excused.
	svc := reflect.TypeOf((*records.Service)(nil)).Elem()
	listed := map[string]bool{}
	for _, tc := range tests {
		if listed[tc.method] {
			t.Errorf("%s is listed twice", tc.method)
		}
		listed[tc.method] = true
		if _, ok := svc.MethodByName(tc.method); !ok {
			t.Errorf("%s is not a method of records.Service", tc.method)
		}
	}
	var missing []string
	for i := 0; i < svc.NumMethod(); i++ {
		name := svc.Method(i).Name
		if !listed[name] && notChecked[name] == "" {
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Fatalf("records.Service methods with no role check in this test: %v", missing)
	}

	roles := map[records.Role]context.Context{records.RoleClerk: f.Clerk, records.RoleSupervisor: f.Supervisor, records.RoleAdmin: f.Admin}
	// First every refusal: they must leave the database as it was.
	before := f.db.Fingerprint(t)
	for _, tc := range tests {
		want := records.EUnauthorized
		if tc.method == "Initialize" {
			want = records.EConflict
		}
		if err := tc.call(context.Background()); records.ErrorCode(err) != want {
			t.Errorf("%s signed out: want %s, got %v", tc.method, want, err)
		}
		for _, role := range records.Roles {
			if role.AtLeast(tc.min) {
				continue
			}
			err := tc.call(roles[role])
			if records.ErrorCode(err) != records.EForbidden {
				t.Errorf("%s as %s: want forbidden, got %v", tc.method, role, err)
			} else if !strings.Contains(err.Error(), string(tc.min)) && !strings.Contains(err.Error(), "administrator") && !strings.Contains(err.Error(), "supervisor") {
				t.Errorf("%s as %s: the refusal does not say who may: %q", tc.method, role, err)
			}
		}
	}
	if after := f.db.Fingerprint(t); after != before {
		t.Fatal("refused calls changed the database")
	}
	// Then the roles allowed are not refused (the call may still fail on
	// its arguments or the state it meets).
	for _, tc := range tests {
		for _, role := range records.Roles {
			if !role.AtLeast(tc.min) || tc.method == "Initialize" {
				continue
			}
			if code := records.ErrorCode(tc.call(roles[role])); code == records.EForbidden || code == records.EUnauthorized {
				t.Errorf("%s as %s: refused (%s)", tc.method, role, code)
			}
		}
	}
	problems, err := f.S.CheckIntegrity(f.Supervisor)
	if err != nil || len(problems) != 0 {
		t.Fatalf("after the calls: %v %v", problems, err)
	}
}
