package sqlite

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"reflect"
	"sort"
	"strings"
	"testing"
	"unicode"

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
	if r := ctxRole(ctx); r != "" {
		return string(r)
	}
	return "nobody"
}

// notChecked are the methods of records.Service that take no signed-in
// user, and why.
var notChecked = map[string]string{
	"Initialized": "says only whether the file has a practice yet; the app asks before anyone can sign in",
	"SignIn":      "is how a user gets a role (TestSignInLockout, TestSecurityNoSecretsInLogsOrErrors)",
	"VerifyAudit": "reveals nothing about patients; the app checks the chain at start-up before anyone signs in",
	"AutoBackup":  "is the app's own daily backup into the settings' folder, with no signed-in user by design",
	"BackupStatus": "holds only backup folders and dates; the app watches the second place before anyone signs in " +
		"(CheckBackups is checked below with now: unasked, it is the app's own weekly check)",
}

// TestSecurityEveryMethodChecksTheRole calls every method of records.Service
// as each role and signed out: roles below the method's are refused with
// EForbidden (signed out: EUnauthorized) and those refusals change nothing
// in the file; the roles allowed are not refused. It fails when a method is
// added to the interface without a line here. Restore is not a service
// method (the file is swapped while closed); the command line allows it to
// an admin only (TestBackupRestoreRoundTrip in package main).
func TestSecurityEveryMethodChecksTheRole(t *testing.T) {
	f := newFixture(t)
	p := f.patient("612345", "Quux", "Guarded")
	other := f.patient("612346", "Quux", "Duplicate")
	v := f.firstVolume(p)
	sam, err := f.s.UserByName(f.admin, "sam")
	if err != nil {
		t.Fatal(err)
	}
	cleo, err := f.s.UserByName(f.admin, "cleo")
	if err != nil {
		t.Fatal(err)
	}
	d := records.MustParseDate("2025-03-01")
	tests := []roleCheck{
		{"Initialize", records.RoleClerk, func(ctx context.Context) error { // refused (EConflict) for everyone once there are users
			_, err := f.s.Initialize(ctx, records.InitInput{Settings: records.Settings{PracticeName: "Usurper"}, AdminUsername: "mallory", AdminPassword: testPassword})
			return err
		}},
		{"ListUsers", records.RoleAdmin, func(ctx context.Context) error { _, err := f.s.ListUsers(ctx); return err }},
		{"CreateUser", records.RoleAdmin, func(ctx context.Context) error {
			_, err := f.s.CreateUser(ctx, records.User{Username: "mallory" + roleTag(ctx), Role: records.RoleAdmin}, testPassword)
			return err
		}},
		{"UpdateUser", records.RoleAdmin, func(ctx context.Context) error {
			u := cleo
			u.Role = records.RoleAdmin
			u.DisplayName = "Promoted by " + roleTag(ctx)
			_, err := f.s.UpdateUser(ctx, u)
			return err
		}},
		{"SetPassword", records.RoleAdmin, func(ctx context.Context) error { // someone else's; one's own: any role
			target := sam.ID
			if ctxRole(ctx) == records.RoleSupervisor {
				target = cleo.ID
			}
			return f.s.SetPassword(ctx, target, "hijacked password")
		}},
		{"UserByName", records.RoleAdmin, func(ctx context.Context) error { // someone else; oneself: any role
			name := "sam"
			if ctxRole(ctx) == records.RoleSupervisor {
				name = "cleo"
			}
			_, err := f.s.UserByName(ctx, name)
			return err
		}},
		{"Settings", records.RoleClerk, func(ctx context.Context) error { _, err := f.s.Settings(ctx); return err }},
		{"UpdateSettings", records.RoleAdmin, func(ctx context.Context) error {
			st := records.DefaultSettings()
			st.PracticeName = "Renamed by " + roleTag(ctx)
			_, err := f.s.UpdateSettings(ctx, st)
			return err
		}},
		{"Search", records.RoleClerk, func(ctx context.Context) error { _, err := f.s.Search(ctx, "quux", 5); return err }},
		{"Patient", records.RoleClerk, func(ctx context.Context) error { _, err := f.s.Patient(ctx, p.ID); return err }},
		{"PatientByMRN", records.RoleClerk, func(ctx context.Context) error { _, err := f.s.PatientByMRN(ctx, p.MRN); return err }},
		{"CreatePatient", records.RoleClerk, func(ctx context.Context) error {
			_, err := f.s.CreatePatient(ctx, records.Patient{MRN: "61" + map[records.Role]string{"": "0000", records.RoleClerk: "0001", records.RoleSupervisor: "0002", records.RoleAdmin: "0003"}[ctxRole(ctx)], LastName: "Newcomer"})
			return err
		}},
		{"CreateDuplicatePatient", records.RoleSupervisor, func(ctx context.Context) error {
			q := records.Patient{MRN: "62" + map[records.Role]string{"": "0000", records.RoleClerk: "0001", records.RoleSupervisor: "0002", records.RoleAdmin: "0003"}[ctxRole(ctx)],
				LastName: p.LastName, FirstName: p.FirstName, DOB: p.DOB}
			_, err := f.s.CreateDuplicatePatient(ctx, q, "a different person with the same name and birth date")
			return err
		}},
		{"DuplicatePatients", records.RoleClerk, func(ctx context.Context) error { _, err := f.s.DuplicatePatients(ctx, p); return err }},
		{"UpdatePatient", records.RoleSupervisor, func(ctx context.Context) error {
			q := p
			q.LastName = "Renamed"
			_, err := f.s.UpdatePatient(ctx, q)
			return err
		}},
		{"ImportPatients", records.RoleSupervisor, func(ctx context.Context) error {
			_, err := f.s.ImportPatients(ctx, records.PatientRows([]records.PatientRow{{Line: 2, Patient: records.Patient{MRN: "619999", LastName: "Imported"}}}), false)
			return err
		}},
		{"Volume", records.RoleClerk, func(ctx context.Context) error { _, err := f.s.Volume(ctx, v.ID); return err }},
		{"VolumeByBarcode", records.RoleClerk, func(ctx context.Context) error { _, err := f.s.VolumeByBarcode(ctx, v.Barcode); return err }},
		{"VolumesOfPatient", records.RoleClerk, func(ctx context.Context) error { _, err := f.s.VolumesOfPatient(ctx, p.ID); return err }},
		{"Where", records.RoleClerk, func(ctx context.Context) error { _, err := f.s.Where(ctx, p.MRN); return err }},
		{"AddVolume", records.RoleClerk, func(ctx context.Context) error {
			_, err := f.s.AddVolume(ctx, records.Volume{PatientID: other.ID, RecordTypeID: f.medical.ID})
			return err
		}},
		{"ListVolumes", records.RoleClerk, func(ctx context.Context) error {
			return f.s.ListVolumes(ctx, records.VolumeFilter{}, func(records.Volume) error { return nil })
		}},
		{"Counts", records.RoleClerk, func(ctx context.Context) error { _, err := f.s.Counts(ctx); return err }},
		{"CheckOut", records.RoleClerk, func(ctx context.Context) error {
			_, err := f.s.CheckOut(ctx, records.CheckOutInput{Barcode: v.Barcode, BorrowerID: f.drGrey.ID, HandOff: true})
			return err
		}},
		{"CheckOutScan", records.RoleClerk, func(ctx context.Context) error {
			_, err := f.s.CheckOutScan(ctx, records.CheckOutInput{Barcode: v.Barcode, BorrowerID: f.drStone.ID, HandOff: true})
			return err
		}},
		{"CheckIn", records.RoleClerk, func(ctx context.Context) error { _, err := f.s.CheckIn(ctx, v.Barcode); return err }},
		{"MarkMissing", records.RoleClerk, func(ctx context.Context) error { _, err := f.s.MarkMissing(ctx, v.ID, "not on the shelf"); return err }},
		{"MarkFound", records.RoleClerk, func(ctx context.Context) error { _, err := f.s.MarkFound(ctx, v.ID, "found"); return err }},
		{"Transfer", records.RoleSupervisor, func(ctx context.Context) error { _, err := f.s.Transfer(ctx, v.ID, f.room.ID, "moved"); return err }},
		{"History", records.RoleClerk, func(ctx context.Context) error {
			_, err := f.s.History(ctx, records.HistoryFilter{VolumeID: v.ID})
			return err
		}},
		{"ListBorrowers", records.RoleClerk, func(ctx context.Context) error { _, err := f.s.ListBorrowers(ctx, true); return err }},
		{"Borrower", records.RoleClerk, func(ctx context.Context) error { _, err := f.s.Borrower(ctx, f.drGrey.ID); return err }},
		{"FindBorrower", records.RoleClerk, func(ctx context.Context) error { _, err := f.s.FindBorrower(ctx, "B001"); return err }},
		{"SaveBorrower", records.RoleSupervisor, func(ctx context.Context) error {
			_, err := f.s.SaveBorrower(ctx, records.Borrower{Name: "Nurse " + roleTag(ctx), Kind: records.BorrowerStaff})
			return err
		}},
		{"ListLocations", records.RoleClerk, func(ctx context.Context) error { _, err := f.s.ListLocations(ctx); return err }},
		{"SaveLocation", records.RoleSupervisor, func(ctx context.Context) error {
			_, err := f.s.SaveLocation(ctx, records.Location{ParentID: f.room.ID, Name: "Cabinet " + roleTag(ctx), Kind: records.LocationCabinet, Active: true})
			return err
		}},
		{"ListRecordTypes", records.RoleClerk, func(ctx context.Context) error { _, err := f.s.ListRecordTypes(ctx); return err }},
		{"SaveRecordType", records.RoleSupervisor, func(ctx context.Context) error {
			_, err := f.s.SaveRecordType(ctx, records.RecordType{Name: "Films " + roleTag(ctx), Code: "F" + roleTag(ctx)[:1], LoanDays: 7, Color: "#112233"})
			return err
		}},
		{"CreateRequest", records.RoleClerk, func(ctx context.Context) error {
			_, err := f.s.CreateRequest(ctx, records.Request{PatientID: p.ID, BorrowerID: f.drGrey.ID, NeededOn: f.s.today(), Reason: "visit"})
			return err
		}},
		{"ListRequests", records.RoleClerk, func(ctx context.Context) error { _, err := f.s.ListRequests(ctx, records.RequestFilter{}); return err }},
		{"SetRequestState", records.RoleClerk, func(ctx context.Context) error {
			_, err := f.s.SetRequestState(ctx, 1, records.RequestCancelled, "not needed")
			return err
		}},
		{"ExpireRequests", records.RoleClerk, func(ctx context.Context) error { _, err := f.s.ExpireRequests(ctx); return err }},
		{"ImportAppointments", records.RoleClerk, func(ctx context.Context) error {
			_, err := f.s.ImportAppointments(ctx, []records.AppointmentRow{{Line: 2, Date: f.s.today(), MRN: p.MRN, Provider: f.drGrey.Name}}, true)
			return err
		}},
		{"ImportAppointmentsWith", records.RoleSupervisor, func(ctx context.Context) error { // adding providers is a supervisor's
			_, err := f.s.ImportAppointmentsWith(ctx, []records.AppointmentRow{{Line: 2, Date: f.s.today(), MRN: p.MRN, Provider: "Dr. New Testprovider"}},
				records.AppointmentImport{DryRun: true, AddProviders: true})
			return err
		}},
		{"AddLooseFiling", records.RoleClerk, func(ctx context.Context) error {
			_, err := f.s.AddLooseFiling(ctx, records.LooseFiling{PatientID: p.ID, Received: f.s.today(), Description: "lab result"})
			return err
		}},
		{"ListLooseFiling", records.RoleClerk, func(ctx context.Context) error { _, err := f.s.ListLooseFiling(ctx, p.ID, ""); return err }},
		{"MarkFiled", records.RoleClerk, func(ctx context.Context) error { _, err := f.s.MarkFiled(ctx, 1); return err }},
		{"ListAudit", records.RoleSupervisor, func(ctx context.Context) error { _, err := f.s.ListAudit(ctx, records.AuditFilter{}); return err }},
		{"Backup", records.RoleSupervisor, func(ctx context.Context) error { _, err := f.s.Backup(ctx, t.TempDir()); return err }},
		{"CheckIntegrity", records.RoleSupervisor, func(ctx context.Context) error { _, err := f.s.CheckIntegrity(ctx); return err }},
		{"CheckBackups", records.RoleSupervisor, func(ctx context.Context) error { _, err := f.s.CheckBackups(ctx, true); return err }},
		{"SetBackupPassphrase", records.RoleAdmin, func(ctx context.Context) error {
			return f.s.SetBackupPassphrase(ctx, "", "the passphrase of "+roleTag(ctx), true)
		}},
		{"ListRetentionPresets", records.RoleClerk, func(ctx context.Context) error { _, err := f.s.ListRetentionPresets(ctx); return err }},
		{"SaveRetentionPreset", records.RoleAdmin, func(ctx context.Context) error {
			_, err := f.s.SaveRetentionPreset(ctx, records.RetentionPreset{Name: "Lax " + roleTag(ctx), Policy: records.DefaultSettings().Retention})
			return err
		}},
		{"DeleteRetentionPreset", records.RoleAdmin, func(ctx context.Context) error { return f.s.DeleteRetentionPreset(ctx, 1) }},
		{"SetLegalHold", records.RoleSupervisor, func(ctx context.Context) error {
			_, err := f.s.SetLegalHold(ctx, p.ID, true, "litigation")
			return err
		}},
		{"ReviewRetention", records.RoleSupervisor, func(ctx context.Context) error {
			return f.s.ReviewRetention(ctx, f.s.today(), func(records.RetentionCandidate) error { return nil })
		}},
		{"RecordDestruction", records.RoleSupervisor, func(ctx context.Context) error {
			_, err := f.s.RecordDestruction(ctx, records.DestructionInput{VolumeIDs: []records.ID{v.ID}, Note: "shredded"})
			return err
		}},
		{"DestructionBatch", records.RoleSupervisor, func(ctx context.Context) error { _, err := f.s.DestructionBatch(ctx, 1); return err }},
		{"ListDestructionBatches", records.RoleSupervisor, func(ctx context.Context) error { _, err := f.s.ListDestructionBatches(ctx); return err }},
		{"ShelfAudit", records.RoleClerk, func(ctx context.Context) error {
			_, err := f.s.ShelfAudit(ctx, records.ShelfSection{LocationID: f.room.ID}, []string{v.Barcode})
			return err
		}},
		{"ApplyShelfAudit", records.RoleClerk, func(ctx context.Context) error {
			_, err := f.s.ApplyShelfAudit(ctx, records.ShelfSection{LocationID: f.room.ID}, []string{v.Barcode})
			return err
		}},
		{"ListShelfAudits", records.RoleClerk, func(ctx context.Context) error { _, err := f.s.ListShelfAudits(ctx, 10); return err }},
		{"AddDisclosure", records.RoleClerk, func(ctx context.Context) error {
			_, err := f.s.AddDisclosure(ctx, records.Disclosure{PatientID: p.ID, Date: d, Recipient: "Dewey Cheatem LLP", Description: "copies"})
			return err
		}},
		{"ListDisclosures", records.RoleClerk, func(ctx context.Context) error {
			_, err := f.s.ListDisclosures(ctx, records.DisclosureFilter{PatientID: p.ID})
			return err
		}},
		{"LogAccountingRequest", records.RoleClerk, func(ctx context.Context) error {
			_, err := f.s.LogAccountingRequest(ctx, records.AccountingRequest{PatientID: p.ID, Received: d, RequestedBy: "the patient"})
			return err
		}},
		{"ListAccountingRequests", records.RoleClerk, func(ctx context.Context) error {
			_, err := f.s.ListAccountingRequests(ctx, records.AccountingRequestFilter{})
			return err
		}},
		{"AnswerAccountingRequest", records.RoleSupervisor, func(ctx context.Context) error {
			_, err := f.s.AnswerAccountingRequest(ctx, 1, d, "sent")
			return err
		}},
		{"PreviewMerge", records.RoleSupervisor, func(ctx context.Context) error { _, err := f.s.PreviewMerge(ctx, other.MRN, p.MRN); return err }},
		{"MergePatients", records.RoleSupervisor, func(ctx context.Context) error {
			_, err := f.s.MergePatients(ctx, other.MRN, p.MRN, "duplicate")
			return err
		}},
		{"UndoMerge", records.RoleAdmin, func(ctx context.Context) error { _, err := f.s.UndoMerge(ctx, 1, "not a duplicate"); return err }},
		{"ListMerges", records.RoleSupervisor, func(ctx context.Context) error { _, err := f.s.ListMerges(ctx); return err }},
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

	roles := map[records.Role]context.Context{records.RoleClerk: f.clerk, records.RoleSupervisor: f.supervisor, records.RoleAdmin: f.admin}
	// First every refusal: they must leave the file as it was.
	before := fingerprint(t, f.path)
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
	if after := fingerprint(t, f.path); after != before {
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
	problems, err := f.s.CheckIntegrity(f.supervisor)
	if err != nil || len(problems) != 0 {
		t.Fatalf("after the calls: %v %v", problems, err)
	}
}

// TestSecurityNoSecretsInLogsOrErrors signs in wrongly until locked out,
// creates a user, resets and changes passwords, with the store logging
// everything (debug level) into a buffer: neither a password nor a hash may
// appear in the log, in an error, in a user record or in the audit log.
func TestSecurityNoSecretsInLogsOrErrors(t *testing.T) {
	f := newFixture(t)
	var logged bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s, err := Open(context.Background(), f.path, Options{Now: f.clock.Now, Logger: log, PasswordParams: cheapParams})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	const (
		wrong     = "Wr0ng-Pa55word-Guess"
		newcomer  = "S3cret-Newcomer-Phrase"
		reset     = "R3set-By-The-Admin"
		own       = "0wn-Chosen-Passphrase"
		tooShort  = "Sh0rt"
		argonMark = "$argon2id$"
	)
	secrets := []string{testPassword, wrong, newcomer, reset, own, tooShort, argonMark}
	admin, err := s.SignIn(ctx, "ada", testPassword)
	if err != nil {
		t.Fatal(err)
	}
	adminCtx := records.WithActor(ctx, admin)
	var errs []error
	keep := func(err error) { errs = append(errs, err) }

	_, err = s.SignIn(ctx, "nobody-here", wrong)
	keep(err)
	for i := 0; i <= records.MaxFailedSignIns; i++ { // through the lockout and one past it
		_, err = s.SignIn(ctx, "cleo", wrong)
		keep(err)
	}
	_, err = s.SignIn(ctx, "cleo", testPassword) // locked: the right password is refused too
	keep(err)
	u, err := s.CreateUser(adminCtx, records.User{Username: "nora", DisplayName: "Nora Newcomer", Role: records.RoleClerk}, newcomer)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.CreateUser(adminCtx, records.User{Username: "nora", Role: records.RoleClerk}, newcomer) // duplicate
	keep(err)
	_, err = s.CreateUser(adminCtx, records.User{Username: "norb", Role: records.RoleClerk}, tooShort)
	keep(err)
	if err := s.SetPassword(adminCtx, u.ID, reset); err != nil {
		t.Fatal(err)
	}
	keep(s.SetPassword(adminCtx, u.ID, tooShort))
	nora, err := s.SignIn(ctx, "nora", reset)
	if err != nil {
		t.Fatal(err)
	}
	noraCtx := records.WithActor(ctx, nora)
	if err := s.SetPassword(noraCtx, u.ID, own); err != nil {
		t.Fatal(err)
	}
	keep(s.SetPassword(noraCtx, 1, own))  // someone else's: forbidden
	_, err = s.SignIn(ctx, "nora", reset) // the old one
	keep(err)

	var texts []string
	for i, err := range errs {
		if err == nil {
			t.Fatalf("call %d did not fail", i)
		}
		texts = append(texts, "error: "+err.Error(), "message: "+records.ErrorMessage(err))
	}
	users, err := s.ListUsers(adminCtx)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		texts = append(texts, "user: "+fmt.Sprintf("%+v", u))
	}
	evs, err := s.ListAudit(adminCtx, records.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		texts = append(texts, "audit: "+e.Action+" "+e.Detail)
	}
	texts = append(texts, strings.Split(logged.String(), "\n")...)
	for _, text := range texts {
		for _, secret := range secrets {
			if strings.Contains(text, secret) {
				t.Errorf("%q shows a secret (%q)", text, secret)
			}
		}
	}
	if len(evs) < records.MaxFailedSignIns+5 {
		t.Fatalf("only %d audit events: the calls above did not all happen", len(evs))
	}
}

// hostileTexts are strings an attacker or a careless paste may put in a
// field: SQL, LIKE wildcards, quotes and markup are ordinary text, stored
// and read back as typed; control characters are refused by validation
// with the field named.
var hostileTexts = []string{
	"Robert'); DROP TABLE patients;--",
	`x"; DELETE FROM users; --`,
	"%_\\",
	"O'Connor",
	"<script>alert('x')</script>",
	"Zoë Ångström-Nuñez",
	"Zoë\tTab",
	"Nul\x00Byte",
	"Bell\x07Ring",
	"Two\nLines",
}

func hasControl(s string) bool { return strings.IndexFunc(s, unicode.IsControl) >= 0 }

// hostileOutcome is what may become of a hostile text put in a field.
type hostileOutcome struct {
	stored string // what is read back when it is stored
	store  bool   // it may be stored
	refuse bool   // it may be refused (EInvalid naming the field)
}

// outcome says what may become of text in field of what: by default text
// without control characters is stored as typed and text with them is
// refused; the exceptions are the fields' own rules.
func outcome(what, field, text string) hostileOutcome {
	switch {
	case field == "Badge": // a scanned code: upper-cased, barcode characters only
		return hostileOutcome{stored: strings.ToUpper(text), store: !hasControl(text), refuse: true}
	case field == "Address" && strings.Contains(text, "\n"): // address lines are joined
		return hostileOutcome{stored: strings.ReplaceAll(text, "\n", ", "), store: true}
	case what == "location" && strings.Contains(text, ">"): // separates a path's parts
		return hostileOutcome{refuse: true}
	case what == "check-out": // a movement's note is not validated: any text is kept as typed
		return hostileOutcome{stored: text, store: true, refuse: hasControl(text)}
	}
	return hostileOutcome{stored: text, store: !hasControl(text), refuse: hasControl(text)}
}

// TestSecurityHostileText puts each hostile text in every text field of a
// patient, a borrower, a location, a loose filing and a check-out's note:
// it is stored and read back literally, or refused naming the field; the
// schema and the other rows are untouched and LIKE wildcards match only
// themselves.
func TestSecurityHostileText(t *testing.T) {
	f := newFixture(t)
	pat := f.patient("700000", "Quux", "Anchor")
	vol := f.firstVolume(pat)
	schema := func() string {
		var s string
		if err := f.s.r.QueryRow("SELECT group_concat(type || ' ' || name, ', ') FROM (SELECT type, name FROM sqlite_schema ORDER BY name)").Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	before := schema()
	for _, wildcard := range []string{"%", "_", "%%", "\\"} {
		if hits, err := f.s.Search(f.clerk, wildcard, 50); err != nil || len(hits) != 0 {
			t.Errorf("Search(%q) = %d hits, %v: a wildcard matched", wildcard, len(hits), err)
		}
	}
	check := func(what, field, text, got string, err error) {
		t.Helper()
		want := outcome(what, field, text)
		switch {
		case err == nil && !want.store:
			t.Errorf("%s %s %q was stored (as %q), want a refusal naming %s", what, field, text, got, field)
		case err == nil && got != want.stored:
			t.Errorf("%s %s %q read back as %q, want %q", what, field, text, got, want.stored)
		case err != nil && !want.refuse:
			t.Errorf("%s %s %q: %v", what, field, text, err)
		case err != nil && (records.ErrorCode(err) != records.EInvalid || records.ErrorField(err) != field):
			t.Errorf("%s %s %q: want a refusal naming %s, got %v", what, field, text, field, err)
		case err != nil && hasControl(text) && field != "Badge" && !strings.Contains(err.Error(), "control character"):
			t.Errorf("%s %s %q: the refusal does not say what is wrong: %v", what, field, text, err)
		}
	}
	mrn := 700001
	for i, text := range hostileTexts {
		for _, field := range []string{"Last name", "First name", "Middle name", "Phone"} {
			p := records.Patient{MRN: fmt.Sprint(mrn), LastName: "Quux", FirstName: "Hostile"}
			mrn++
			set := map[string]*string{"Last name": &p.LastName, "First name": &p.FirstName, "Middle name": &p.MiddleName, "Phone": &p.Phone}
			*set[field] = text
			got, err := f.s.CreatePatient(f.clerk, p)
			if err == nil {
				got, err = f.s.Patient(f.clerk, got.ID)
			}
			read := map[string]string{"Last name": got.LastName, "First name": got.FirstName, "Middle name": got.MiddleName, "Phone": got.Phone}
			check("patient", field, text, read[field], err)
		}
		for _, field := range []string{"Name", "Phone", "Room", "Address", "Badge"} {
			b := records.Borrower{Name: fmt.Sprintf("Hostile borrower %d %s", i, field), Kind: records.BorrowerExternal}
			set := map[string]*string{"Name": &b.Name, "Phone": &b.Phone, "Room": &b.Room, "Address": &b.Address, "Badge": &b.Badge}
			*set[field] = text
			got, err := f.s.SaveBorrower(f.supervisor, b)
			if err == nil {
				got, err = f.s.Borrower(f.clerk, got.ID)
			}
			read := map[string]string{"Name": got.Name, "Phone": got.Phone, "Room": got.Room, "Address": got.Address, "Badge": got.Badge}
			check("borrower", field, text, read[field], err)
		}
		loc, err := f.s.SaveLocation(f.supervisor, records.Location{ParentID: f.room.ID, Name: text, Kind: records.LocationCabinet, Active: true})
		if err == nil {
			var locs []records.Location
			locs, err = f.s.ListLocations(f.clerk)
			for _, l := range locs {
				if l.ID == loc.ID {
					loc = l
				}
			}
		}
		check("location", "Name", text, loc.Name, err)
		for _, field := range []string{"Description", "From"} {
			l := records.LooseFiling{PatientID: pat.ID, Received: f.s.today(), Description: "lab result", From: "Lab"}
			set := map[string]*string{"Description": &l.Description, "From": &l.From}
			*set[field] = text
			got, err := f.s.AddLooseFiling(f.clerk, l)
			if err == nil {
				var list []records.LooseFiling
				list, err = f.s.ListLooseFiling(f.clerk, pat.ID, "")
				for _, x := range list {
					if x.ID == got.ID {
						got = x
					}
				}
			}
			read := map[string]string{"Description": got.Description, "From": got.From}
			check("loose filing", field, text, read[field], err)
		}
		_, err = f.s.CheckOut(f.clerk, records.CheckOutInput{Barcode: vol.Barcode, BorrowerID: f.drGrey.ID, Note: text})
		var note string
		if err == nil {
			hist, herr := f.s.History(f.clerk, records.HistoryFilter{VolumeID: vol.ID, Limit: 1})
			if err = herr; err == nil && len(hist) == 1 {
				note = hist[0].Note
			}
			if _, err := f.s.CheckIn(f.clerk, vol.Barcode); err != nil {
				t.Fatal(err)
			}
		}
		check("check-out", "Note", text, note, err)
	}
	if after := schema(); after != before {
		t.Fatalf("the schema changed:\n%s\n%s", before, after)
	}
	// A wildcard finds only names that start with it, never every patient.
	for _, q := range []string{"%", "_"} {
		hits, err := f.s.Search(f.clerk, q, 500)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hits {
			if !strings.HasPrefix(h.LastName, q) {
				t.Errorf("Search(%q) found %s", q, h.DisplayName())
			}
		}
	}
	hits, err := f.s.Search(f.clerk, "Robert');", 50)
	if err != nil || len(hits) != 1 || hits[0].LastName != "Robert'); DROP TABLE patients;--" {
		t.Errorf("Search for a last name of SQL: %+v %v", hits, err)
	}
	if problems, err := f.s.CheckIntegrity(f.supervisor); err != nil || len(problems) != 0 {
		t.Fatalf("after the hostile text: %v %v", problems, err)
	}
}

// TestSecurityTamperMovementsAndUsers changes, deletes and inserts
// movements and users behind the store's back (dropping the triggers that
// forbid it first, as an attacker would): the check names the table and
// the first bad row. (TestAuditTamperDetection does the same for the audit
// log; cli/security_test.go does it with the sqlite3 tool and `verify`.)
func TestSecurityTamperMovementsAndUsers(t *testing.T) {
	const (
		checkOut    = iota // the bad row is the check-out movement
		clerk              // the clerk's user row
		newMovement        // the row inserted into movements
		newUser            // the row inserted into users
	)
	tests := []struct {
		name    string
		tamper  string // %[1]d: the check-out movement, %[2]d: the clerk's user id
		table   string
		bad     int
		problem string
	}{
		{"changed movement", "UPDATE movements SET to_borrower_id = (SELECT max(id) FROM borrowers) WHERE id = %[1]d", "movements", checkOut, "was changed"},
		{"deleted movement", "DELETE FROM movements WHERE id = %[1]d", "movements", checkOut, "is gone"},
		{"inserted movement", `INSERT INTO movements (volume_id, kind, at, user_id, note)
			SELECT volume_id, 'check-in', at, user_id, 'forged' FROM movements WHERE id = %[1]d`, "movements", newMovement, "not recorded by Chartroom"},
		{"changed role", "UPDATE users SET role = 'admin' WHERE id = %[2]d", "users", clerk, "changed behind Chartroom's back"},
		{"changed hash", "UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE id = 1) WHERE id = %[2]d", "users", clerk, "changed behind Chartroom's back"},
		{"inserted user", `INSERT INTO users (username, display_name, role, password_hash, created_at)
			SELECT 'mallory', 'Mallory', 'admin', password_hash, created_at FROM users WHERE id = %[2]d`, "users", newUser, "not created by Chartroom"},
		{"deleted user", "DELETE FROM users WHERE id = %[2]d", "users", clerk, "is gone"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			p := f.patient("800001", "Quux", "Tampered")
			v := f.firstVolume(p)
			if _, err := f.s.CheckOut(f.clerk, records.CheckOutInput{Barcode: v.Barcode, BorrowerID: f.drGrey.ID}); err != nil {
				t.Fatal(err)
			}
			if _, err := f.s.CheckIn(f.clerk, v.Barcode); err != nil {
				t.Fatal(err)
			}
			hist, err := f.s.History(f.clerk, records.HistoryFilter{VolumeID: v.ID})
			if err != nil {
				t.Fatal(err)
			}
			ids := make([]records.ID, 4)
			for _, m := range hist {
				if m.Kind == records.MoveCheckOut {
					ids[checkOut] = m.ID
				}
			}
			cleo, err := f.s.UserByName(f.admin, "cleo")
			if err != nil {
				t.Fatal(err)
			}
			ids[clerk] = cleo.ID
			if err := f.s.r.QueryRow("SELECT (SELECT max(id) + 1 FROM movements), (SELECT max(id) + 1 FROM users)").Scan(&ids[newMovement], &ids[newUser]); err != nil {
				t.Fatal(err)
			}
			if ids[checkOut] == 0 || ids[checkOut] == ids[newMovement]-1 {
				t.Fatalf("the check-out is not a movement in the middle: %v", ids)
			}
			if problems, err := f.s.CheckIntegrity(f.supervisor); err != nil || len(problems) != 0 {
				t.Fatalf("before tampering: %v %v", problems, err)
			}
			db := rawDB(t, f.path)
			for _, q := range []string{"DROP TRIGGER movements_no_update", "DROP TRIGGER movements_no_delete",
				fmt.Sprintf(tc.tamper, ids[checkOut], ids[clerk])} {
				if _, err := db.Exec(q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			row := fmt.Sprintf("%s %d", strings.TrimSuffix(tc.table, "s"), ids[tc.bad])
			problems, err := f.s.CheckIntegrity(f.supervisor)
			named := false
			for _, p := range problems {
				named = named || strings.HasPrefix(p, tc.table+": "+row) && strings.Contains(p, tc.problem)
			}
			if err != nil || !named {
				t.Fatalf("CheckIntegrity = %q, %v; want %q naming %s and %q", problems, err, tc.table, row, tc.problem)
			}
			problem, _, err := f.s.VerifyAudit(context.Background(), true)
			if err != nil || problem == nil || problem.Table != tc.table || problem.RowID != ids[tc.bad] {
				t.Fatalf("VerifyAudit = %+v, %v; want %s", problem, err, row)
			}
		})
	}
}

// TestSecuritySignInKeepsTamperEvidence: a clerk who edits their own role
// to admin in the file and then signs in must be refused, and nothing that
// touches the forged row (sign-in right or wrong, an admin's change, a new
// password) may re-seal it, or the evidence is gone.
func TestSecuritySignInKeepsTamperEvidence(t *testing.T) {
	cases := []struct {
		name string
		act  func(f *fixture) error
	}{
		{"sign-in", func(f *fixture) error {
			a, err := f.s.SignIn(context.Background(), "cleo", testPassword)
			if err == nil && a.Role == records.RoleAdmin {
				t.Error("a forged role signed in as admin")
			}
			return err
		}},
		{"wrong password", func(f *fixture) error {
			_, err := f.s.SignIn(context.Background(), "cleo", "not the password")
			return err
		}},
		{"admin changes the user", func(f *fixture) error {
			_, err := f.s.UpdateUser(f.admin, records.User{ID: 3, DisplayName: "Cleo", Role: records.RoleClerk, Active: true})
			return err
		}},
		{"admin sets a password", func(f *fixture) error {
			return f.s.SetPassword(f.admin, 3, "another long passphrase")
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			if _, err := rawDB(t, f.path).Exec("UPDATE users SET role = 'admin' WHERE username = 'cleo'"); err != nil {
				t.Fatal(err)
			}
			err := c.act(f)
			if err == nil || !strings.Contains(records.ErrorMessage(err), "user 3 (cleo) was changed behind Chartroom's back") ||
				!strings.Contains(records.ErrorMessage(err), "chartroom verify") {
				t.Fatalf("%s on a forged user row: %v", c.name, err)
			}
			problems, err := f.s.CheckIntegrity(f.supervisor)
			if err != nil || len(problems) == 0 || !strings.Contains(strings.Join(problems, "; "), "users: user 3 (cleo) was changed") {
				t.Fatalf("after %s, the check says %q %v", c.name, problems, err)
			}
		})
	}
}
