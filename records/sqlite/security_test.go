package sqlite

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"unicode"

	"github.com/chartroom/chartroom/records"
)

// TestSecurityNoSecretsInLogsOrErrors signs in wrongly until locked out,
// creates a user, resets and changes passwords, with the store logging
// everything (debug level) into a buffer: neither a password nor a hash may
// appear in the log, in an error, in a user record or in the audit log.
func TestSecurityNoSecretsInLogsOrErrors(t *testing.T) {
	f := newFixture(t)
	var logged bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s, err := Open(context.Background(), f.path, Options{Now: f.Clock.Now, Logger: log, PasswordParams: cheapParams})
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
	pat := f.Patient("700000", "Quux", "Anchor")
	vol := f.FirstVolume(pat)
	schema := func() string {
		var s string
		if err := f.s.r.QueryRow("SELECT group_concat(type || ' ' || name, ', ') FROM (SELECT type, name FROM sqlite_schema ORDER BY name)").Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	before := schema()
	for _, wildcard := range []string{"%", "_", "%%", "\\"} {
		if hits, err := f.s.Search(f.Clerk, wildcard, 50); err != nil || len(hits) != 0 {
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
			got, err := f.s.CreatePatient(f.Clerk, p)
			if err == nil {
				got, err = f.s.Patient(f.Clerk, got.ID)
			}
			read := map[string]string{"Last name": got.LastName, "First name": got.FirstName, "Middle name": got.MiddleName, "Phone": got.Phone}
			check("patient", field, text, read[field], err)
		}
		for _, field := range []string{"Name", "Phone", "Room", "Address", "Badge"} {
			b := records.Borrower{Name: fmt.Sprintf("Hostile borrower %d %s", i, field), Kind: records.BorrowerExternal}
			set := map[string]*string{"Name": &b.Name, "Phone": &b.Phone, "Room": &b.Room, "Address": &b.Address, "Badge": &b.Badge}
			*set[field] = text
			got, err := f.s.SaveBorrower(f.Supervisor, b)
			if err == nil {
				got, err = f.s.Borrower(f.Clerk, got.ID)
			}
			read := map[string]string{"Name": got.Name, "Phone": got.Phone, "Room": got.Room, "Address": got.Address, "Badge": got.Badge}
			check("borrower", field, text, read[field], err)
		}
		loc, err := f.s.SaveLocation(f.Supervisor, records.Location{ParentID: f.Room.ID, Name: text, Kind: records.LocationCabinet, Active: true})
		if err == nil {
			var locs []records.Location
			locs, err = f.s.ListLocations(f.Clerk)
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
			got, err := f.s.AddLooseFiling(f.Clerk, l)
			if err == nil {
				var list []records.LooseFiling
				list, err = f.s.ListLooseFiling(f.Clerk, pat.ID, "")
				for _, x := range list {
					if x.ID == got.ID {
						got = x
					}
				}
			}
			read := map[string]string{"Description": got.Description, "From": got.From}
			check("loose filing", field, text, read[field], err)
		}
		_, err = f.s.CheckOut(f.Clerk, records.CheckOutInput{Barcode: vol.Barcode, BorrowerID: f.DrGrey.ID, Note: text})
		var note string
		if err == nil {
			hist, herr := f.s.History(f.Clerk, records.HistoryFilter{VolumeID: vol.ID, Limit: 1})
			if err = herr; err == nil && len(hist) == 1 {
				note = hist[0].Note
			}
			if _, err := f.s.CheckIn(f.Clerk, vol.Barcode); err != nil {
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
		hits, err := f.s.Search(f.Clerk, q, 500)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hits {
			if !strings.HasPrefix(h.LastName, q) {
				t.Errorf("Search(%q) found %s", q, h.DisplayName())
			}
		}
	}
	hits, err := f.s.Search(f.Clerk, "Robert');", 50)
	if err != nil || len(hits) != 1 || hits[0].LastName != "Robert'); DROP TABLE patients;--" {
		t.Errorf("Search for a last name of SQL: %+v %v", hits, err)
	}
	if problems, err := f.s.CheckIntegrity(f.Supervisor); err != nil || len(problems) != 0 {
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
			p := f.Patient("800001", "Quux", "Tampered")
			v := f.FirstVolume(p)
			if _, err := f.s.CheckOut(f.Clerk, records.CheckOutInput{Barcode: v.Barcode, BorrowerID: f.DrGrey.ID}); err != nil {
				t.Fatal(err)
			}
			if _, err := f.s.CheckIn(f.Clerk, v.Barcode); err != nil {
				t.Fatal(err)
			}
			hist, err := f.s.History(f.Clerk, records.HistoryFilter{VolumeID: v.ID})
			if err != nil {
				t.Fatal(err)
			}
			ids := make([]records.ID, 4)
			for _, m := range hist {
				if m.Kind == records.MoveCheckOut {
					ids[checkOut] = m.ID
				}
			}
			cleo, err := f.s.UserByName(f.Admin, "cleo")
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
			if problems, err := f.s.CheckIntegrity(f.Supervisor); err != nil || len(problems) != 0 {
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
			problems, err := f.s.CheckIntegrity(f.Supervisor)
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
			_, err := f.s.UpdateUser(f.Admin, records.User{ID: 3, DisplayName: "Cleo", Role: records.RoleClerk, Active: true})
			return err
		}},
		{"admin sets a password", func(f *fixture) error {
			return f.s.SetPassword(f.Admin, 3, "another long passphrase")
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
			problems, err := f.s.CheckIntegrity(f.Supervisor)
			if err != nil || len(problems) == 0 || !strings.Contains(strings.Join(problems, "; "), "users: user 3 (cleo) was changed") {
				t.Fatalf("after %s, the check says %q %v", c.name, problems, err)
			}
		})
	}
}
