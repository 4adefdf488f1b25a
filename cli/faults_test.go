package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Faults of the machine met from the command line: the message names what
// happened and what to do, and the file is not made worse (the store-level
// cases are in records/sqlite/faults_test.go).

func TestFaultCLINoFolderForTheDatabase(t *testing.T) {
	file := writeFile(t, "notes.txt", "a file, not a folder\n")
	h := newHarness(t)
	h.db = filepath.Join(file, "sub", "chartroom.db")
	for _, args := range [][]string{{"init", "--admin", adminUser}, {"where", "Testperson"}} {
		r := h.run(args...)
		if r.code != ExitRefused || !strings.Contains(r.stderr, "could not create the folder "+filepath.Join(file, "sub")) ||
			!strings.Contains(r.stderr, "choose another place for the database") || strings.Contains(r.stderr, "panic") {
			t.Errorf("chartroom %s with --db under a file: exit %d\n%s", args[0], r.code, r.stderr)
		}
	}
	if b, _ := os.ReadFile(file); string(b) != "a file, not a folder\n" {
		t.Errorf("the file in the way was changed: %q", b)
	}
}

// TestFaultCLIDamagedDatabase: `verify` (or any command) on a truncated or
// corrupted database says it is damaged and to restore a backup, leaves
// the damage as it found it, and `restore` then brings the backup back.
func TestFaultCLIDamagedDatabase(t *testing.T) {
	for _, how := range []string{"truncated", "corrupted", "row changed"} {
		t.Run(how, func(t *testing.T) {
			h := newClinic(t)
			h.must("import", "patients", writeFile(t, "more.csv", manyPatientsCSV(0, 2400))) // a file of a few hundred pages
			backup := strings.TrimSpace(h.must("backup", "--to", t.TempDir()))
			b, err := os.ReadFile(h.db)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(h.db + "-wal"); err == nil {
				t.Fatal("the log is left after a command")
			}
			switch how {
			case "truncated":
				b = b[:len(b)/2]
			case "corrupted":
				for i := len(b) / 2; i < len(b)/2+3000; i++ {
					b[i] = byte(i*7 + 3)
				}
			case "row changed": // a name edited in place, in its row and its index
				b = bytes.ReplaceAll(b, []byte("patient150"), []byte("patient15x"))
			}
			if err := os.WriteFile(h.db, b, 0o600); err != nil {
				t.Fatal(err)
			}
			r := h.run("verify")
			t.Logf("verify: exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
			out := r.stdout + r.stderr
			if r.code != ExitRefused || !strings.Contains(out, "damaged") || !strings.Contains(out, "restore") || strings.Contains(out, "panic") {
				t.Fatalf("verify of a %s database: exit %d\n%s", how, r.code, out)
			}
			// A truncated file is refused as it opens: not a byte changes.
			// Where the damage lets the file open, `verify` signs in (one
			// audit event and the user's row are written) before it checks:
			// the damage itself must be left as it was found.
			after, _ := os.ReadFile(h.db)
			mid := len(b) / 2
			switch {
			case how == "truncated" && !bytes.Equal(after, b):
				t.Errorf("verify changed the truncated database (%d bytes, was %d)", len(after), len(b))
			case how == "corrupted" && (len(after) < mid+3000 || !bytes.Equal(after[mid:mid+3000], b[mid:mid+3000])):
				t.Errorf("verify wrote over the damaged part of the corrupted database")
			case how == "row changed" && bytes.Count(after, []byte("patient15x")) != bytes.Count(b, []byte("patient15x")):
				t.Errorf("verify changed the damaged rows")
			}
			r = h.run("restore", backup)
			if r.code != ExitOK {
				t.Fatalf("restore over the %s database: exit %d %s", how, r.code, r.stderr)
			}
			if out := h.must("verify"); !strings.HasPrefix(out, "ok: ") {
				t.Fatalf("after the restore: %q", out)
			}
		})
	}
}

// manyPatientsCSV is a patients file of n fictitious patients from number first.
func manyPatientsCSV(first, n int) string {
	var b strings.Builder
	b.WriteString("Chart #,Last Name,First Name,DOB\n")
	for i := first; i < first+n; i++ {
		b.WriteString(strings.Join([]string{strconv.Itoa(900000 + i), "Bulkington", "Patient" + strconv.Itoa(i), "1975-05-06"}, ","))
		b.WriteString("\n")
	}
	return b.String()
}
