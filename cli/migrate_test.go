package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/postgres"
	"github.com/chartroom/chartroom/records/postgres/pgtest"
	"github.com/chartroom/chartroom/records/sqlite"
	"github.com/chartroom/chartroom/records/storetest"
)

// The demo's accounts (see 'chartroom demo').
const (
	demoAdmin, demoAdminPass = "admin", "demo-admin"
	demoClerk, demoClerkPass = "clerk", "demo-clerk"
)

// newDemoPractice is a harness on a small demo practice, acting as its
// admin.
func newDemoPractice(t *testing.T) *harness {
	t.Helper()
	h := newHarness(t)
	h.must("demo", "--patients", "40", "--seed", "3")
	return h.as(demoAdmin, demoAdminPass)
}

// The two stores keep the same tables and columns: a migration added to
// one store only is caught here, not by a clerk whose move is refused.
func TestStoresHaveTheSameTables(t *testing.T) {
	ctx := context.Background()
	file, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "chartroom.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	server, err := postgres.Open(ctx, pgtest.Database(t), postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	fileTables, err := file.CopyTables(ctx)
	if err != nil {
		t.Fatal(err)
	}
	serverTables, err := server.CopyTables(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := records.CompareCopyTables("records/sqlite", fileTables, "records/postgres", serverTables); diff != "" {
		t.Fatal(diff)
	}
	if len(fileTables) < 10 {
		t.Fatalf("only %d tables listed: %v", len(fileTables), fileTables)
	}
}

// practiceRows is every row of every table of a store, read through the
// copy interface itself, one line per row in the neutral form.
func practiceRows(t *testing.T, ctx context.Context, s practiceStore) map[string][]string {
	t.Helper()
	return practiceRowsAs(t, ctx, s, func(_, _ string, v any) any { return v })
}

// practiceRowsAs is practiceRows with each value as value gives it.
func practiceRowsAs(t *testing.T, ctx context.Context, s practiceStore, value func(table, column string, v any) any) map[string][]string {
	t.Helper()
	tables, err := s.CopyTables(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	err = s.ReadPractice(ctx, func(r records.TableReader) error {
		for _, table := range tables {
			columns := slices.Sorted(slices.Values(table.Columns)) // the stores' column orders differ
			out[table.Name] = []string{}
			err := r.ReadRows(ctx, table.Name, columns, func(values []any) error {
				var b strings.Builder
				for i, v := range values {
					fmt.Fprintf(&b, "%s=%#v ", columns[i], value(table.Name, columns[i], v))
				}
				out[table.Name] = append(out[table.Name], b.String())
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// sameRows fails t unless got holds want's rows, and in the audit log
// want's events followed by migrations more of action migrate.
func sameRows(t *testing.T, want, got map[string][]string, migrations int) {
	t.Helper()
	for table, rows := range want {
		if table == "audit" || table == "audit_checkpoint" {
			continue // compared below; the checkpoint is the last verification's
		}
		if !slices.Equal(rows, got[table]) {
			t.Errorf("table %s differs: %d rows, copy has %d\nfirst: %v\ncopy:  %v", table, len(rows), len(got[table]), first(rows), first(got[table]))
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d tables, copy has %d", len(want), len(got))
	}
	events, copied := want["audit"], got["audit"]
	for i := range min(len(events), len(copied)) {
		if events[i] != copied[i] {
			t.Errorf("audit event differs:\n%s\n%s", events[i], copied[i])
			break
		}
	}
	if len(copied) != len(events)+migrations || !slices.Equal(events, copied[:len(events)]) {
		t.Fatalf("the copy's audit log is not the original's %d events and %d more: it has %d", len(events), migrations, len(copied))
	}
	for _, e := range copied[len(events):] {
		if !strings.Contains(e, `action="migrate"`) {
			t.Errorf("an event other than the move was added: %s", e)
		}
	}
}

func first(rows []string) string {
	if len(rows) == 0 {
		return ""
	}
	return rows[0]
}

// quietInvocation is an invocation whose output is kept in out.
func quietInvocation(out *bytes.Buffer) *invocation {
	return &invocation{stdout: out, stderr: out, now: clockNow, env: func(string) string { return "" },
		log: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

// demoAndEmptyServer is a demo practice in a file, open with its admin
// signed in (ctx carries them), and an empty database on the test server.
func demoAndEmptyServer(t *testing.T) (context.Context, *harness, *sqlite.Store, string, *postgres.Store) {
	t.Helper()
	ctx := context.Background()
	h := newDemoPractice(t)
	file, err := sqlite.Open(ctx, h.db, sqlite.Options{Now: clockNow, PasswordParams: passwordParams})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { file.Close() })
	actor, err := file.SignIn(ctx, demoAdmin, demoAdminPass)
	if err != nil {
		t.Fatal(err)
	}
	address := pgtest.Database(t)
	server, err := postgres.Open(ctx, address, postgres.Options{Now: clockNow})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { server.Close() })
	return records.WithActor(ctx, actor), h, file, address, server
}

// A demo practice moved to PostgreSQL and back is the same practice: every
// row of every table equal (times, days, nulls, hashes and all), the
// audit log the same plus one event per move, the chain and seals verified
// on each copy.
func TestMigrateRoundTrip(t *testing.T) {
	ctx, h, file, address, server := demoAndEmptyServer(t)
	original := practiceRows(t, ctx, file)
	var out bytes.Buffer
	c := quietInvocation(&out)
	if err := c.copyPractice(ctx, file, h.db, server, address); err != nil {
		t.Fatalf("to PostgreSQL: %v", err)
	}
	sameRows(t, original, practiceRows(t, ctx, server), 1)

	back := filepath.Join(t.TempDir(), "back.db")
	if err := c.copyToFile(ctx, server, address, back); err != nil {
		t.Fatalf("back to a file: %v", err)
	}
	copied, err := sqlite.Open(ctx, back, sqlite.Options{Now: clockNow})
	if err != nil {
		t.Fatal(err)
	}
	defer copied.Close()
	sameRows(t, original, practiceRows(t, ctx, copied), 2)
	for name, s := range map[string]practiceStore{"the original": file, "the server": server, "the file copied back": copied} {
		if problem, n, err := s.VerifyAudit(ctx, true); err != nil || problem != nil || n == 0 {
			t.Errorf("%s: VerifyAudit: %v %v (%d events)", name, problem, err, n)
		}
	}
	if !strings.Contains(out.String(), "audit chain verified there") {
		t.Errorf("output: %s", out.String())
	}

	// The server's ids go on after the copied ones.
	borrowers, err := server.ListBorrowers(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	added, err := server.SaveBorrower(ctx, records.Borrower{Name: "Dr. Newcomer (fictitious)", Kind: records.BorrowerProvider})
	if err != nil {
		t.Fatalf("adding a borrower after the move: %v", err)
	}
	var last records.ID
	for _, b := range borrowers {
		last = max(last, b.ID)
	}
	if added.ID != last+1 {
		t.Fatalf("the new borrower got id %d, want %d, the one after the copied ones", added.ID, last+1)
	}
}

// hashedTimes are the times the audit hashes and the seals cover, which a
// move keeps to the nanosecond.
var hashedTimes = map[string][]string{
	"audit":     {"at"},
	"movements": {"at"},
	"users":     {"locked_until", "created_at", "last_sign_in"},
}

// toMicroseconds is a neutral value as a move to PostgreSQL keeps it: a
// time no hash covers truncated to the microsecond, everything else as it
// is.
func toMicroseconds(table, column string, v any) any {
	text, ok := v.(string)
	if !ok || slices.Contains(hashedTimes[table], column) {
		return v
	}
	tm, err := time.Parse(records.CopyTimeLayout, text)
	if err != nil || len(text) != len(records.CopyTimeLayout) {
		return v
	}
	return tm.Truncate(time.Microsecond).Format(records.CopyTimeLayout)
}

// A practice recorded by an earlier Chartroom, whose clock was read to the
// nanosecond (sign-ins, movements, a lock, audit events), moves to
// PostgreSQL with its chain and seals verifying there, and back to a file
// unchanged: the hashed times exactly, the others to the microsecond.
func TestMigrateNanosecondPractice(t *testing.T) {
	ctx := context.Background()
	clock := records.NewManualClock(time.Date(2025, time.March, 10, 9, 30, 0, 123456789, time.UTC))
	path := filepath.Join(t.TempDir(), "earlier.db")
	file, err := sqlite.Open(ctx, path, sqlite.Options{Now: clock.Now, PasswordParams: passwordParams})
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	f := storetest.NewFixture(t, file, clock)
	v := f.FirstVolume(f.Patient("004711", "Quux", "Nano"))
	clock.Advance(time.Minute + 7)
	if _, err := file.CheckOut(f.Clerk, records.CheckOutInput{Barcode: v.Barcode, BorrowerID: f.DrGrey.ID}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Hour + 301)
	if _, err := file.CheckIn(f.Clerk, v.Barcode); err != nil {
		t.Fatal(err)
	}
	for range records.MaxFailedSignIns { // locks sam out until a time with nanoseconds
		clock.Advance(999)
		if _, err := file.SignIn(ctx, "sam", "not the password"); err == nil {
			t.Fatal("a wrong password signed in")
		}
	}
	original := practiceRows(t, f.Admin, file)
	for table, columns := range hashedTimes {
		for _, c := range columns {
			nanos := regexp.MustCompile(`\b` + c + `="[-0-9T:]+\.\d{6}(00[1-9]|0[1-9]\d|[1-9]\d\d)Z"`)
			if !nanos.MatchString(strings.Join(original[table], "\n")) {
				t.Fatalf("the practice has no %s.%s to the nanosecond: %v", table, c, original[table])
			}
		}
	}

	address := pgtest.Database(t)
	server, err := postgres.Open(ctx, address, postgres.Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	var out bytes.Buffer
	c := quietInvocation(&out)
	if err := c.copyPractice(f.Admin, file, path, server, address); err != nil {
		t.Fatalf("to PostgreSQL: %v", err)
	}
	if problem, n, err := server.VerifyAudit(ctx, true); err != nil || problem != nil || n == 0 {
		t.Fatalf("VerifyAudit on the server: %v %v (%d events)", problem, err, n)
	}
	rounded := practiceRowsAs(t, f.Admin, file, toMicroseconds)
	sameRows(t, rounded, practiceRows(t, f.Admin, server), 1)

	// Work goes on on the server: sam's lock is lifted by a new password,
	// the folder goes out again; the chain and seals still verify.
	clock.Advance(time.Hour)
	users, err := server.ListUsers(f.Admin)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if u.Username == "sam" {
			if err := server.SetPassword(f.Admin, u.ID, "a new passphrase for sam"); err != nil {
				t.Fatalf("unlocking sam on the server: %v", err)
			}
		}
	}
	if _, err := server.SignIn(ctx, "sam", "a new passphrase for sam"); err != nil {
		t.Fatalf("sam signing in on the server: %v", err)
	}
	if problem, _, err := server.VerifyAudit(ctx, true); err != nil || problem != nil {
		t.Fatalf("VerifyAudit after work on the server: %v %v", problem, err)
	}
	// The new sign-in's time is the server clock's, without the copied
	// nanoseconds of the one it replaced.
	signedIn := `last_sign_in="` + clock.Now().Truncate(time.Microsecond).UTC().Format(records.CopyTimeLayout) + `"`
	if rows := practiceRows(t, f.Admin, server)["users"]; !slices.ContainsFunc(rows, func(r string) bool {
		return strings.Contains(r, `username="sam"`) && strings.Contains(r, signedIn) && strings.Contains(r, "locked_until=<nil>")
	}) {
		t.Fatalf("sam's row on the server, want %s: %v", signedIn, rows)
	}

	back := filepath.Join(t.TempDir(), "back.db")
	server2, err := postgres.Open(ctx, pgtest.Database(t), postgres.Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer server2.Close()
	if err := c.copyPractice(f.Admin, file, path, server2, "the second server"); err != nil {
		t.Fatalf("to a second server: %v", err)
	}
	if err := c.copyToFile(f.Admin, server2, "the second server", back); err != nil {
		t.Fatalf("back to a file: %v", err)
	}
	copied, err := sqlite.Open(ctx, back, sqlite.Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer copied.Close()
	sameRows(t, rounded, practiceRows(t, f.Admin, copied), 2)
	if problem, n, err := copied.VerifyAudit(ctx, true); err != nil || problem != nil || n == 0 {
		t.Fatalf("VerifyAudit on the file copied back: %v %v (%d events)", problem, err, n)
	}
}

// failingReader is a source whose reading fails at one table, part way
// through a copy.
type failingReader struct {
	practiceStore
	at string
}

var errUnplugged = errors.New("the disk was unplugged")

func (f failingReader) ReadPractice(ctx context.Context, fn func(records.TableReader) error) error {
	return f.practiceStore.ReadPractice(ctx, func(r records.TableReader) error {
		return fn(failingTable{r, f.at})
	})
}

type failingTable struct {
	records.TableReader
	at string
}

func (f failingTable) ReadRows(ctx context.Context, table string, columns []string, fn func([]any) error) error {
	if table == f.at {
		return errUnplugged
	}
	return f.TableReader.ReadRows(ctx, table, columns, fn)
}

// A copy that fails part way leaves the target as it was: the server's
// database empty (a second try succeeds), no file at all.
func TestMigrateFailurePartWayLeavesTheTargetAsItWas(t *testing.T) {
	ctx, h, file, address, server := demoAndEmptyServer(t)
	empty := practiceRows(t, ctx, server)
	var out bytes.Buffer
	c := quietInvocation(&out)
	if err := c.copyPractice(ctx, failingReader{file, "movements"}, h.db, server, address); !errors.Is(err, errUnplugged) {
		t.Fatalf("to PostgreSQL: got %v, want the failure", err)
	}
	if after := practiceRows(t, ctx, server); fmt.Sprint(after) != fmt.Sprint(empty) {
		t.Fatal("the failed copy left rows on the server")
	}
	if err := c.copyPractice(ctx, file, h.db, server, address); err != nil {
		t.Fatalf("the second try: %v", err)
	}

	dir := t.TempDir()
	path := filepath.Join(dir, "copy.db")
	if err := c.copyToFile(ctx, failingReader{server, "volumes"}, address, path); !errors.Is(err, errUnplugged) {
		t.Fatalf("to a file: got %v, want the failure", err)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Fatalf("the failed copy left files: %v", left)
	}
}

// The command as a clerk's IT person runs it: into an empty server, then
// the refusals, then back into a new file.
func TestMigrateCommand(t *testing.T) {
	h := newDemoPractice(t)
	address := pgtest.Database(t)

	out := h.must("migrate", "--to", address)
	if !strings.Contains(out, "moved the practice from "+h.db) || !strings.Contains(out, "audit chain verified there") {
		t.Fatalf("stdout: %s", out)
	}
	dir := t.TempDir()
	existing := writeFile(t, "existing.db", "a clerk's file")
	refusals := []struct {
		name string
		h    *harness
		args []string
		code int
		want string
	}{
		{"a server that holds a practice", h, []string{"migrate", "--to", address}, ExitRefused, "already holds records (table"},
		{"a file that exists", h.onDB(address), []string{"migrate", "--to", existing}, ExitRefused, existing + " already exists"},
		{"a clerk", h.as(demoClerk, demoClerkPass), []string{"migrate", "--to", pgtest.Database(t)}, ExitRefused, "only a user with the admin role"},
		{"an unreachable server", h, []string{"migrate", "--to", "postgres://chartroom@127.0.0.1:1/chartroom?sslmode=disable"}, ExitRefused, "cannot reach the practice server"},
		{"a password in the address", h, []string{"migrate", "--to", "postgres://chartroom:secret@127.0.0.1:1/chartroom"}, ExitRefused, "carries a password"},
		{"no --to", h, []string{"migrate"}, ExitUsage, "name where the practice goes"},
		{"file to file", h, []string{"migrate", "--to", filepath.Join(dir, "new.db")}, ExitUsage, "chartroom backup"},
		{"another scheme", h, []string{"migrate", "--to", "mysql://db.example.org/chartroom"}, ExitUsage, "mysql:// address"},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.h.run(tt.args...)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.want) {
				t.Fatalf("exit %d, want %d with %q\nstderr: %s", r.code, tt.code, tt.want, r.stderr)
			}
		})
	}
	if b, err := os.ReadFile(existing); err != nil || string(b) != "a clerk's file" {
		t.Fatalf("the existing file was touched: %q %v", b, err)
	}

	back := filepath.Join(dir, "back.db")
	out = h.onDB(address).must("migrate", "--to", back)
	if !strings.Contains(out, "to "+back) {
		t.Fatalf("stdout: %s", out)
	}
	copied := h.onDB(back)
	if out := copied.must("verify"); !strings.HasPrefix(out, "ok: ") {
		t.Fatalf("verify of the copy: %s", out)
	}
}

// onDB returns a copy of h working on the database at db.
func (h *harness) onDB(db string) *harness {
	c := h.as(h.env["CHARTROOM_USER"], h.env["CHARTROOM_PASSWORD"])
	c.db = db
	return c
}
