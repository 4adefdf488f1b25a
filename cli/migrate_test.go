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
	"slices"
	"strings"
	"testing"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/postgres"
	"github.com/chartroom/chartroom/records/postgres/pgtest"
	"github.com/chartroom/chartroom/records/sqlite"
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
					fmt.Fprintf(&b, "%s=%#v ", columns[i], v)
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
