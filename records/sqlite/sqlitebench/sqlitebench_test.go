package sqlitebench_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/demo"
	"github.com/chartroom/chartroom/records/sqlite"
	"github.com/chartroom/chartroom/records/sqlite/sqlitebench"
	"github.com/chartroom/chartroom/records/sqlite/sqlitetest"
)

// practice makes a small demo practice in a new file and returns a
// signed-in clerk's context on it, with its folders.
func practice(t *testing.T) (path string, st *sqlite.Store, ctx context.Context, vols []records.Volume) {
	t.Helper()
	clock := records.NewManualClock(time.Date(2026, time.March, 2, 9, 0, 0, 0, time.UTC))
	st = sqlitetest.OpenEmpty(t, clock.Now, false)
	if _, err := demo.Generate(context.Background(), st, clock.Set, demo.Options{Patients: 80, Seed: 3, Today: clock.Now(), Days: 20}); err != nil {
		t.Fatal(err)
	}
	a, err := st.SignIn(context.Background(), demo.ClerkUser, demo.ClerkPassword)
	if err != nil {
		t.Fatal(err)
	}
	ctx = records.WithActor(context.Background(), a)
	err = st.ListVolumes(ctx, records.VolumeFilter{}, func(v records.Volume) error { vols = append(vols, v); return nil })
	if err != nil || len(vols) == 0 {
		t.Fatalf("ListVolumes: %d folders, %v", len(vols), err)
	}
	return st.Path(), st, ctx, vols
}

func TestFloorsReadWhatTheSearchesFind(t *testing.T) {
	path, st, ctx, vols := practice(t)
	f, err := sqlitebench.OpenFloors(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	v := vols[len(vols)/2]
	if err := f.Chart(ctx, v.MRN); err != nil {
		t.Errorf("Chart(%q): %v", v.MRN, err)
	}
	if err := f.Chart(ctx, "no such chart"); err == nil {
		t.Error("Chart of a chart number nobody has found a row")
	}
	if err := f.Barcode(ctx, v.Barcode); err != nil {
		t.Errorf("Barcode(%q): %v", v.Barcode, err)
	}
	last, _, _ := strings.Cut(v.PatientName, ",")
	prefix := string([]rune(last)[:3])
	n, err := f.SurnamePrefix(ctx, prefix)
	if err != nil {
		t.Fatal(err)
	}
	// The bare query finds as many patients as the search (all of them,
	// under its limit of 50).
	hits, err := st.Search(ctx, prefix, 50)
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 || n != len(hits) {
		t.Errorf("SurnamePrefix(%q) read %d patients, the search found %d", prefix, n, len(hits))
	}
}

// sqlite3Tool is the sqlite3 command-line tool, which `make deps` installs:
// the bench needs it, so its scripts are tested with it.
func sqlite3Tool(t *testing.T) string {
	t.Helper()
	tool, err := exec.LookPath("sqlite3")
	if err != nil {
		t.Fatal("the sqlite3 tool is not on the PATH; install it (make deps, or apt-get install sqlite3)")
	}
	return tool
}

func runTool(t *testing.T, tool, db, script string) {
	t.Helper()
	cmd := exec.Command(tool, "-batch", "-bail", db)
	cmd.Stdin = strings.NewReader(script)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sqlite3: %v: %s\nscript:\n%s", err, out, script)
	}
}

func TestImportScriptWritesAPatientAFolderAndItsMovement(t *testing.T) {
	tool := sqlite3Tool(t)
	st, ctx := sqlitetest.Open(t, time.Now, records.Settings{PracticeName: "Import Bench Practice (demo)"})
	path := st.Path()
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	csv := filepath.Join(t.TempDir(), "patients.csv")
	if err := os.WriteFile(csv, []byte("MRN,Last Name,First Name,DOB,Sex,Phone\n101,Quillfeather,Ada,1970-01-02,F,555-0101\n102,Zorblatt,Max,1980-03-04,M,555-0102\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	runTool(t, tool, path, sqlitebench.ImportScript(csv, time.Date(2026, time.March, 2, 9, 0, 0, 0, time.UTC)))
	st, err := sqlite.Open(context.Background(), path, sqlite.Options{PasswordParams: sqlitetest.CheapPasswords})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	hits, err := st.Search(ctx, "Zorb", 50)
	if err != nil || len(hits) != 1 || hits[0].MRN != "102" || hits[0].Volumes != 1 {
		t.Fatalf("Search after the tool's import = %+v, %v; want chart 102 with one folder", hits, err)
	}
	vols, err := st.VolumesOfPatient(ctx, hits[0].ID)
	if err != nil || len(vols) != 1 || vols[0].State != records.StateInFile {
		t.Fatalf("folders of chart 102 = %+v, %v; want one in file", vols, err)
	}
}

func TestCLIScriptsBuildTheSameRows(t *testing.T) {
	tool := sqlite3Tool(t)
	path, st, _, _ := practice(t)
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	sc, err := sqlitebench.CLIScripts(context.Background(), path, dir)
	if err != nil {
		t.Fatal(err)
	}
	runTool(t, tool, path, sc.Dump)
	copyDB := filepath.Join(dir, "copy.db")
	runTool(t, tool, copyDB, sc.Load)
	count := func(db, table string) string {
		out, err := exec.Command(tool, "-batch", db, "SELECT count(*) FROM \""+table+"\"").Output()
		if err != nil {
			t.Fatalf("counting %s in %s: %v", table, db, err)
		}
		return strings.TrimSpace(string(out))
	}
	for _, table := range sc.Tables {
		if a, b := count(path, table), count(copyDB, table); a != b {
			t.Errorf("%s: %s rows in the practice, %s in the tool's copy", table, a, b)
		}
	}
}
