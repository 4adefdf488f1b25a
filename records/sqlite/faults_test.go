package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/storetest"
)

// The tests in this file put the store in the way of faults of the machine
// (a read-only or full disk, a missing folder, a damaged file, a file of a
// newer Chartroom, a bogus backup) and check that each gives a message that
// says what happened and what to do, that nothing is half-written, and that
// the file is left as it was or still passes its checks.

const (
	envFaultChild = "CHARTROOM_FAULT_CHILD" // which fault the child meets: "readonly" or "full"
	envFaultDB    = "CHARTROOM_FAULT_DB"    // the database the child works on
	faultRows     = 4000                    // "full": patients the child imports in one call
)

// fingerprint is every row of every table of the database at path, read
// without changing the file: two equal fingerprints are the same records.
func fingerprint(t testing.TB, path string) string {
	t.Helper()
	db, err := sql.Open("sqlite", dsn(path, "mode=ro"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	var tables []string
	rows, err := db.Query("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	var b strings.Builder
	for _, table := range tables {
		rows, err := db.Query(`SELECT * FROM "` + table + `" ORDER BY rowid`)
		if err != nil {
			rows, err = db.Query(`SELECT * FROM "` + table + `"`) // WITHOUT ROWID
		}
		if err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		fmt.Fprintf(&b, "%s %v\n", table, cols)
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%q\n", fmt.Sprint(vals...))
		}
		rows.Close()
	}
	return b.String()
}

// integrityOK fails the test unless the closed database at path passes
// integrity_check, the full audit chain and seal verification.
func integrityOK(t *testing.T, path string) {
	t.Helper()
	problems, err := checkFile(context.Background(), path)
	if err != nil || len(problems) != 0 {
		t.Fatalf("the database fails its checks: %v %v", problems, err)
	}
}

func countFileRows(t *testing.T, path, table string) int {
	t.Helper()
	db, err := sql.Open("sqlite", dsn(path, "mode=ro"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// importMany adds n patients with chart numbers prefix0000, prefix0001...
// in one transaction.
func importMany(t *testing.T, f *fixture, prefix string, n int) {
	t.Helper()
	rows := make([]records.PatientRow, n)
	for i := range rows {
		rows[i] = records.PatientRow{Line: i + 2, Patient: records.Patient{MRN: fmt.Sprintf("%s%04d", prefix, i),
			LastName: "Faultline", FirstName: fmt.Sprintf("Patient%d", i), DOB: records.MustParseDate("1970-01-02")}}
	}
	if sum, err := f.s.ImportPatients(f.Supervisor, records.PatientRows(rows), false); err != nil || sum.Imported != n {
		t.Fatalf("import: %+v %v", sum, err)
	}
}

// closedPractice is a fixture's database with a few patients, closed, so
// the whole database is in the one file.
func closedPractice(t *testing.T, patients int) *fixture {
	t.Helper()
	f := newFixture(t)
	importMany(t, f, "31", patients)
	if err := f.s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(f.path + "-wal"); err == nil {
		t.Fatalf("the log %s-wal is left after closing", f.path)
	}
	return f
}

// TestFaultChild is not a test on its own: it is the child process of
// TestFaultReadOnlyDatabase and TestFaultDiskFull. It meets the fault and
// prints one line: "ok" or "refused CODE MESSAGE".
func TestFaultChild(t *testing.T) {
	mode := os.Getenv(envFaultChild)
	if mode == "" {
		t.Skip("only runs as a child of TestFaultReadOnlyDatabase or TestFaultDiskFull")
	}
	path := os.Getenv(envFaultDB)
	say := func(err error) {
		if err == nil {
			fmt.Println("ok")
			return
		}
		fmt.Printf("refused %s %s\n", records.ErrorCode(err), strings.ReplaceAll(err.Error(), "\n", " "))
	}
	ctx := context.Background()
	s, err := Open(ctx, path, Options{PasswordParams: cheapParams})
	if err != nil {
		say(err)
		return
	}
	defer s.Close()
	switch mode {
	case "readonly":
		// Signing in writes (the audit log), so it meets the read-only file.
		_, err = s.SignIn(ctx, "sam", testPassword)
		say(err)
	case "full":
		a, err := s.SignIn(ctx, "sam", testPassword)
		if err != nil {
			fmt.Printf("fatal sign-in: %v\n", err)
			os.Exit(3)
		}
		rows := make([]records.PatientRow, faultRows)
		for i := range rows {
			rows[i] = records.PatientRow{Line: i + 2, Patient: records.Patient{MRN: fmt.Sprintf("5%05d", i),
				LastName: fmt.Sprintf("Fullerton-Diskworth %d", i), FirstName: "Imogen Overflowing", Phone: "555-0100",
				DOB: records.MustParseDate("1980-02-03")}}
		}
		_, err = s.ImportPatients(records.WithActor(ctx, a), records.PatientRows(rows), false)
		say(err)
	}
}

// runFaultChild runs TestFaultChild, through wrap (a command line that ends
// by running its arguments) when given, and returns its one line.
func runFaultChild(t *testing.T, mode, path string, wrap ...string) string {
	t.Helper()
	args := append(wrap, os.Args[0], "-test.run=^TestFaultChild$", "-test.count=1")
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(os.Environ(), envFaultChild+"="+mode, envFaultDB+"="+path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "fatal") {
			t.Fatalf("child: %s\n%s", line, stderr.String())
		}
		if line == "ok" || strings.HasPrefix(line, "refused ") {
			return line
		}
	}
	t.Fatalf("the child said nothing useful (%v):\n%s\n%s", err, out, stderr.String())
	return ""
}

// TestFaultReadOnlyDatabase: a database on a read-only disk (or a file the
// user may not write) is refused with what is wrong and what to do, and the
// file is not changed. File permissions do not stop root, so as root the
// folder is made read-only for the child process by a read-only bind mount
// in a mount namespace of its own (unshare -m); where that is not allowed
// the real-file case is skipped, with the reason. The mapping of SQLite's
// READONLY result code to the message is checked with a real read-only
// connection in every case.
func TestFaultReadOnlyDatabase(t *testing.T) {
	t.Run("error mapping", func(t *testing.T) {
		f := closedPractice(t, 1)
		db, err := sql.Open("sqlite", dsn(f.path, "mode=ro"))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		_, err = db.Exec("UPDATE settings SET practice_name = 'Renamed'")
		if code, ok := sqliteCode(err); !ok || code&0xff != sqliteReadOnly {
			t.Fatalf("a write on a read-only connection: %v", err)
		}
		m := mapErr(err, "save the settings")
		if records.ErrorCode(m) != records.EInternal || !strings.Contains(m.Error(), "could not save the settings: the database file is read-only") ||
			!strings.Contains(m.Error(), "check the file's permissions") {
			t.Fatalf("mapErr(read-only) = %q", m)
		}
	})
	t.Run("read-only file", func(t *testing.T) {
		f := closedPractice(t, 3)
		dir := filepath.Dir(f.path)
		before, _ := os.ReadFile(f.path)
		var wrap []string
		if os.Geteuid() == 0 {
			if _, err := exec.LookPath("unshare"); err != nil {
				t.Skip("running as root, which ignores file permissions, and unshare is missing for a read-only mount")
			}
			probe := exec.Command("unshare", "-m", "sh", "-c", `mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" "$0"`, dir)
			if out, err := probe.CombinedOutput(); err != nil {
				t.Skipf("running as root, which ignores file permissions, and a read-only mount is not allowed here: %v %s", err, out)
			}
			wrap = []string{"unshare", "-m", "sh", "-c", `mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" "$0" && shift && exec "$@"`, dir, "--"}
		} else {
			if err := os.Chmod(f.path, 0o400); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(dir, 0o500); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.Chmod(dir, 0o700); os.Chmod(f.path, 0o600) })
		}
		line := runFaultChild(t, "readonly", f.path, wrap...)
		t.Logf("child: %s", line)
		msg := strings.ReplaceAll(line, f.path, "DB")
		if !strings.HasPrefix(msg, "refused internal ") || !strings.Contains(msg, "is on a read-only disk") && !strings.Contains(msg, "is read-only for you") {
			t.Errorf("a read-only database: %s", line)
		}
		os.Chmod(dir, 0o700)
		if after, _ := os.ReadFile(f.path); !bytes.Equal(before, after) {
			t.Error("the read-only database file was changed")
		}
	})
}

// TestFaultDiskFull imports thousands of patients in a child process whose
// files may not grow past a limit (the shell's ulimit -f, RLIMIT_FSIZE; the
// Go runtime ignores SIGXFSZ, so each write past the limit fails with EFBIG
// as on a full disk). The child must get a clear message, not a crash, and
// the database must hold none of the import and still pass every check.
func TestFaultDiskFull(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh to set the file size limit with ulimit -f")
	}
	f := closedPractice(t, 3)
	fi, err := os.Stat(f.path)
	if err != nil {
		t.Fatal(err)
	}
	patients := countFileRows(t, f.path, "patients")
	volumes := countFileRows(t, f.path, "volumes")
	// Room for signing in, not for the import (ulimit -f counts 512-byte
	// blocks in dash and POSIX shells, 1024 in bash: either is too little).
	blocks := (fi.Size() + 256<<10) / 512
	line := runFaultChild(t, "full", f.path, sh, "-c", `ulimit -f "$0" && exec "$@"`, strconv.FormatInt(blocks, 10))
	t.Logf("child: %s", line)
	msg := strings.ReplaceAll(line, f.path, "DB")
	if !strings.HasPrefix(msg, "refused internal could not import patients: ") ||
		!strings.Contains(msg, "the disk is full; nothing was saved: free some space and try again") &&
			!strings.Contains(msg, "the disk could not be read or written (is it full, removed or failing?); nothing was saved") {
		t.Fatalf("an import on a full disk: %s", line)
	}
	integrityOK(t, f.path)
	if p, v := countFileRows(t, f.path, "patients"), countFileRows(t, f.path, "volumes"); p != patients || v != volumes {
		t.Fatalf("after the failed import: %d patients and %d volumes, want %d and %d", p, v, patients, volumes)
	}
	// And it works again once there is room.
	s := openTestStore(t, f.path, f.Clock)
	a, err := s.SignIn(context.Background(), "sam", testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreatePatient(records.WithActor(context.Background(), a), records.Patient{MRN: "399999", LastName: "Roomy"}); err != nil {
		t.Fatalf("after the disk has room again: %v", err)
	}
}

// TestFaultNoFolderForTheDatabase: a database path whose folder cannot be
// made (a part of it is a file) is refused with what to do, and nothing is
// created.
func TestFaultNoFolderForTheDatabase(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(file, []byte("a file, not a folder\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, path, msg string }{
		{"folder under a file", filepath.Join(file, "sub", "chartroom.db"), "could not create the folder " + filepath.Join(file, "sub")},
		{"file under a file", filepath.Join(file, "chartroom.db"), "could not create the folder " + file},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Open(context.Background(), tc.path, Options{})
			wantCode(t, err, records.EInternal)
			if !strings.Contains(err.Error(), tc.msg) || !strings.Contains(err.Error(), "choose another place for the database") ||
				!strings.Contains(err.Error(), "not a directory") {
				t.Fatalf("Open(%s): %q", tc.path, err)
			}
		})
	}
	if b, err := os.ReadFile(file); err != nil || string(b) != "a file, not a folder\n" {
		t.Fatalf("the file in the way was changed: %q %v", b, err)
	}
}

// damage returns a copy of the database at path, cut to half its size,
// with garbage written over a stretch in the middle, or with one byte of a
// row changed.
func damage(t *testing.T, path, how string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	switch how {
	case "truncated":
		b = b[:len(b)/2]
	case "row changed": // a name edited in place (in the row and its index): the pages stay well formed
		if !bytes.Contains(b, []byte("patient150")) {
			t.Fatal("no row to change")
		}
		b = bytes.ReplaceAll(b, []byte("patient150"), []byte("patient15x"))
	case "corrupted":
		mid := len(b) / 2
		for i := mid; i < mid+3000 && i < len(b); i++ {
			b[i] = byte(i*7 + 3)
		}
	}
	out := filepath.Join(t.TempDir(), how+".db")
	if err := os.WriteFile(out, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestFaultDamagedDatabase opens a truncated and a corrupted database: the
// store refuses to open it or its check says it is damaged and to restore a
// backup, and neither opening nor checking changes a byte of it.
func TestFaultDamagedDatabase(t *testing.T) {
	f := closedPractice(t, 300)
	for _, how := range []string{"truncated", "corrupted", "row changed"} {
		t.Run(how, func(t *testing.T) {
			path := damage(t, f.path, how)
			before, _ := os.ReadFile(path)
			ctx := records.WithActor(context.Background(), records.Actor{UserID: 2, Username: "sam", Role: records.RoleSupervisor})
			s, err := Open(ctx, path, Options{PasswordParams: cheapParams})
			var msg string
			if err != nil {
				msg = err.Error()
			} else {
				problems, err := s.CheckIntegrity(ctx)
				if err != nil {
					msg = err.Error()
				} else {
					msg = strings.Join(problems, "; ")
				}
				s.Close()
			}
			t.Logf("%s: %s", how, msg)
			if !strings.Contains(msg, "damaged") || !strings.Contains(msg, "restore") {
				t.Errorf("a %s database: %q", how, msg)
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
				t.Errorf("opening or checking the %s database changed it", how)
			}
		})
	}
}

// TestFaultNewerDatabase: a database a newer Chartroom has upgraded is
// refused with the advice to use that version, and not changed at all
// (TestOpenRefusesForeignFiles checks the message for Open).
func TestFaultNewerDatabase(t *testing.T) {
	f := closedPractice(t, 2)
	db := rawDB(t, f.path)
	if _, err := db.Exec(fmt.Sprintf("PRAGMA user_version = %d", SchemaVersion+1)); err != nil {
		t.Fatal(err)
	}
	db.Close()
	before, _ := os.ReadFile(f.path)
	for i := 0; i < 2; i++ { // twice: the first refusal leaves nothing behind that changes the second
		_, err := Open(context.Background(), f.path, Options{PasswordParams: cheapParams})
		wantCode(t, err, records.EConflict)
		if !strings.Contains(err.Error(), "was made by a newer version of Chartroom") || !strings.Contains(err.Error(), "update Chartroom") {
			t.Fatalf("Open of a newer database: %q", err)
		}
	}
	if after, _ := os.ReadFile(f.path); !bytes.Equal(before, after) {
		t.Fatal("a refused newer database was changed")
	}
	for _, side := range []string{"-wal", "-shm"} {
		if fi, err := os.Stat(f.path + side); err == nil && fi.Size() > 0 && side == "-wal" {
			t.Errorf("a refused open left a log of %d bytes", fi.Size())
		}
	}
}

// TestFaultRestoreDamagedBackup: a backup that was cut short or damaged
// after it was written is refused by restore, which leaves the current
// database as it was (TestRestoreRefuses covers text, empty, foreign,
// newer and tampered files).
func TestFaultRestoreDamagedBackup(t *testing.T) {
	f := newFixture(t)
	importMany(t, f, "32", 300)
	backup, err := f.s.Backup(f.Supervisor, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	f.s.Close()
	before, _ := os.ReadFile(f.path)
	for _, how := range []string{"truncated", "corrupted"} {
		t.Run(how, func(t *testing.T) {
			bad := damage(t, backup, how)
			kept, err := Restore(context.Background(), f.path, bad, Unlock{})
			if err == nil || kept != "" {
				t.Fatalf("restored a %s backup: %q %v", how, kept, err)
			}
			t.Logf("%s: %v", how, err)
			if msg := err.Error(); !strings.Contains(msg, bad) || !strings.Contains(msg, "damaged") && !strings.Contains(msg, "failed its check") {
				t.Errorf("restore of a %s backup: %q", how, msg)
			}
			if after, _ := os.ReadFile(f.path); !bytes.Equal(before, after) {
				t.Fatal("a refused restore changed the database")
			}
			matches, _ := filepath.Glob(f.path + ".*")
			if len(matches) != 0 {
				t.Fatalf("a refused restore left %v", matches)
			}
		})
	}
	integrityOK(t, f.path)
}

// TestFaultRefusalsChangeNothing: an operation refused on the state it
// meets leaves every row of the file as it was, whatever it had done
// before it found the reason (every call is one transaction).
func TestFaultRefusalsChangeNothing(t *testing.T) {
	f := newFixture(t)
	p := f.Patient("330001", "Quux", "Refused")
	v := f.FirstVolume(p)
	if _, err := f.s.CheckOut(f.Clerk, records.CheckOutInput{Barcode: v.Barcode, BorrowerID: f.DrGrey.ID}); err != nil {
		t.Fatal(err)
	}
	heldP, held := f.OldPatient("330002", "Heldman", "1940-01-01", "2000-01-01")
	if _, err := f.s.SetLegalHold(f.Supervisor, heldP.ID, true, "Case 26-1 (fictitious)"); err != nil {
		t.Fatal(err)
	}
	_, free := f.OldPatient("330003", "Freeman", "1940-01-01", "2000-01-01")
	ada, err := f.s.UserByName(f.Admin, "ada")
	if err != nil {
		t.Fatal(err)
	}
	cancelled, cancel := context.WithCancel(f.Supervisor)
	cancel()
	rows := make([]records.PatientRow, 50)
	for i := range rows {
		rows[i] = records.PatientRow{Line: i + 2, Patient: records.Patient{MRN: fmt.Sprintf("34%04d", i), LastName: "Cancelled"}}
	}
	tests := []struct {
		name, code string
		call       func() error
	}{
		{"check-out of a folder already out", records.EConflict, func() error {
			_, err := f.s.CheckOut(f.Clerk, records.CheckOutInput{Barcode: v.Barcode, BorrowerID: f.DrStone.ID})
			return err
		}},
		{"destruction of a batch with a folder on hold", records.EConflict, func() error {
			_, err := f.s.RecordDestruction(f.Supervisor, storetest.DestroyInput(free.ID, held.ID))
			return err
		}},
		{"patient with a chart number taken", records.EConflict, func() error {
			_, err := f.s.CreatePatient(f.Clerk, records.Patient{MRN: "330001", LastName: "Twin"})
			return err
		}},
		{"demoting the last admin", records.EConflict, func() error {
			u := ada
			u.Role = records.RoleClerk
			_, err := f.s.UpdateUser(f.Admin, u)
			return err
		}},
		{"merging a chart into itself", records.EConflict, func() error {
			_, err := f.s.MergePatients(f.Supervisor, "330001", "330001", "same")
			return err
		}},
		{"an import stopped before it ran", records.EConflict, func() error {
			_, err := f.s.ImportPatients(cancelled, records.PatientRows(rows), false)
			return err
		}},
	}
	before := fingerprint(t, f.path)
	for _, tc := range tests {
		err := tc.call()
		if records.ErrorCode(err) != tc.code {
			t.Errorf("%s: want %s, got %v", tc.name, tc.code, err)
		}
		if after := fingerprint(t, f.path); after != before {
			t.Fatalf("%s changed the database", tc.name)
		}
	}
}
