package ui

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/csvimport"
)

// Fictitious patients, one line of them without a surname and one with an
// impossible birth date.
const importPatientsCSV = "Chart #,Surname,Given,Birth,Shoe size\n" +
	"200001,Testperson,Alpha,1971-02-03,40\n" +
	"200002,,Beta,1972-03-04,41\n" +
	"200003,Sampleton,Gamma,02/30/1973,42\n" +
	"200004,Exampleby,Delta,1974-05-06,43\n"

// importTabOf signs in as the admin and opens Administration > Import.
func importTabOf(t *testing.T, f *fixture) *importTab {
	t.Helper()
	m := f.mustSignIn(adminName, adminPassword)
	m.show(navAdmin)
	a := m.page(navAdmin).(*adminScreen)
	if !a.selectTab(importTabTitle) {
		t.Fatalf("no %s tab in %q", importTabTitle, a.tabTitles())
	}
	for _, p := range a.pages {
		if im, ok := p.(*importTab); ok {
			return im
		}
	}
	t.Fatal("the Import tab is not an importTab")
	return nil
}

func writeTemp(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestImportTabPreviewsImportsAndSavesTheRejectedLines(t *testing.T) {
	f := newFixture(t, true)
	im := importTabOf(t, f)
	path := writeTemp(t, "patients.csv", importPatientsCSV)
	im.openFile(path)
	if im.problem.Visible() {
		t.Fatalf("problem shown: %s", im.problem.Text)
	}
	if got := im.selects["last"].Selected; got != "Surname" {
		t.Errorf("last name read from %q, want Surname", got)
	}
	if got := im.selects["dob"].Selected; got != "Birth" {
		t.Errorf("date of birth read from %q, want Birth", got)
	}
	if im.run.Disabled() {
		t.Fatal("Import is disabled for a good file")
	}
	// The clerk says the file has no birth dates: the preview follows.
	im.selects["dob"].SetSelected(notInFile)
	if got := im.byHand()["dob"]; got != "" {
		t.Errorf("byHand dob = %q", got)
	}
	im.selects["dob"].SetSelected("Birth")

	test.Tap(im.run)
	if !strings.Contains(im.result.Text, "imported 2, updated 0, unchanged 0, rejected 2") {
		t.Fatalf("result = %q", im.result.Text)
	}
	if _, err := f.store.PatientByMRN(f.admin, "200004"); err != nil {
		t.Errorf("patient 200004 after the import: %v", err)
	}
	if len(im.rejected) != 2 || im.rejected[0].Line != 3 || im.rejected[1].Line != 4 || !im.saveRejects.Visible() {
		t.Fatalf("rejected = %+v, save shown %v", im.rejected, im.saveRejects.Visible())
	}

	to := filepath.Join(t.TempDir(), "rejected.csv")
	w, err := storage.Writer(storage.NewFileURI(to))
	if err != nil {
		t.Fatal(err)
	}
	if err := writeRejectsFile(w, path, im.rejected); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(to)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(b), "\uFEFF"))).ReadAll()
	if err != nil || len(rows) != 3 || rows[1][2] != "200002" || !strings.Contains(rows[1][1], "Last name") || rows[2][0] != "4" {
		t.Errorf("rejects file = %q (%v)", rows, err)
	}
	if st, err := os.Stat(to); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("rejects file mode: %v %v", st, err)
	}

	// The same file again changes nothing.
	test.Tap(im.run)
	if !strings.Contains(im.result.Text, "imported 0, updated 0, unchanged 2, rejected 2") {
		t.Errorf("second import: %q", im.result.Text)
	}
}

func TestImportTabSaysWhatStopsAFile(t *testing.T) {
	cases := []struct {
		name, file, text, want string
	}{
		{"no surname column", "odd.csv", "Chart #,Colour\n200001,blue\n", "no column is read as the last name or the whole name"},
		{"a spreadsheet, not CSV", "book.xlsx", "PK\x03\x04\x14\x00\x06\x00\x08", "The file is not CSV text"},
		{"an empty file", "empty.csv", "", "The file is empty"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, true)
			im := importTabOf(t, f)
			im.openFile(writeTemp(t, c.file, c.text))
			if !im.problem.Visible() || !strings.Contains(im.problem.Text, c.want) {
				t.Errorf("problem = %q (shown %v), want it to say %q", im.problem.Text, im.problem.Visible(), c.want)
			}
			if !im.run.Disabled() {
				t.Error("Import is enabled for a file that cannot be imported")
			}
		})
	}
	// The missing column chosen by hand makes the file importable.
	f := newFixture(t, true)
	im := importTabOf(t, f)
	im.openFile(writeTemp(t, "odd.csv", "Chart #,Colour\n200001,Testcolour\n"))
	im.selects["last"].SetSelected("Colour")
	if im.problem.Visible() || im.run.Disabled() {
		t.Fatalf("after choosing the surname column: problem %q, run disabled %v", im.problem.Text, im.run.Disabled())
	}
	test.Tap(im.run)
	if p, err := f.store.PatientByMRN(f.admin, "200001"); err != nil || p.LastName != "Testcolour" {
		t.Errorf("patient = %+v, %v", p, err)
	}
}

func TestImportTabSaysACancelledImportSavedNothing(t *testing.T) {
	f := newFixture(t, true)
	im := importTabOf(t, f)
	im.openFile(writeTemp(t, "patients.csv", importPatientsCSV))
	cases := []struct {
		name string
		err  error
		want string
	}{
		// The store words the cancelled context its own way.
		{"refused by the store", records.Errorf(records.EConflict, "stopped before it could import patients; try again"), "Import cancelled: nothing was saved"},
		{"done before Cancel took effect", nil, "Cancel came too late: the import had already been saved"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			im.stopping = true
			im.finished(importOutcome{}, c.err)
			if !strings.Contains(im.result.Text, c.want) || im.stopping || im.run.Disabled() {
				t.Errorf("result %q (stopping %v, run disabled %v), want %q", im.result.Text, im.stopping, im.run.Disabled(), c.want)
			}
		})
	}
}

func TestImportCancelledSavesNothing(t *testing.T) {
	f := newFixture(t, true)
	var b strings.Builder
	b.WriteString("MRN,Last Name,First Name\n")
	for i := range 20000 {
		b.WriteString(fmt.Sprintf("3%05d", i) + ",Cancelperson,Row\n")
	}
	path := writeTemp(t, "many.csv", b.String())
	for _, kind := range []csvimport.Kind{csvimport.KindPatients, csvimport.KindAppointments} {
		t.Run(string(kind), func(t *testing.T) {
			ctx, cancel := context.WithCancel(f.admin)
			defer cancel()
			opt := csvimport.Options{Settings: records.DefaultSettings(), Today: records.MustParseDate("2026-03-02")}
			file := path
			if kind == csvimport.KindAppointments {
				file = writeTemp(t, "visits.csv", "date,mrn,provider\n2026-03-03,300001,Dr. Alder Testwood\n")
			}
			// Cancelled once half the file has been read: the rows
			// before have reached the store's transaction.
			_, err := runImport(ctx, f.store, file, kind, opt, importRun{addProviders: true}, func(read, size int64, _ string) {
				if read > size/2 {
					cancel()
				}
			})
			if err == nil {
				t.Fatal("a cancelled import succeeded")
			}
		})
	}
	if hits, err := f.store.Search(f.admin, "Cancelperson", 5); err != nil || len(hits) != 0 {
		t.Errorf("after cancelled imports the database has %d patients of the file (%v)", len(hits), err)
	}
	reqs, err := f.store.ListRequests(f.admin, records.RequestFilter{})
	if err != nil || len(reqs) != 0 {
		t.Errorf("after a cancelled appointments import: %d requests (%v)", len(reqs), err)
	}
	if bs, err := f.store.ListBorrowers(f.admin, true); err != nil || len(bs) != 0 {
		t.Errorf("a cancelled import added borrowers: %+v (%v)", bs, err)
	}
}

func TestImportTabImportsAppointmentsAddingProviders(t *testing.T) {
	f := newFixture(t, true)
	f.patient("600001", "Visitperson", "Ana")
	im := importTabOf(t, f)
	im.kind.SetSelected(importKinds[1].label)
	if !im.addProviders.Visible() {
		t.Fatal("the appointments choice does not offer to add providers")
	}
	im.openFile(writeTemp(t, "visits.csv", "Appt Date,Time,MRN,Doctor\n2026-03-03,09:30,600001,Dr. Alder Testwood\nsoon,09:30,600001,Dr. Alder Testwood\n"))
	if got := im.selects["provider"].Selected; got != "Doctor" {
		t.Errorf("provider read from %q", got)
	}
	test.Tap(im.check)
	if !strings.Contains(im.result.Text, "nothing was saved") {
		t.Errorf("check: %q", im.result.Text)
	}
	if reqs, _ := f.store.ListRequests(f.admin, records.RequestFilter{}); len(reqs) != 0 {
		t.Fatalf("the check saved %d requests", len(reqs))
	}
	im.addProviders.SetChecked(true)
	test.Tap(im.run)
	if !strings.Contains(im.result.Text, "imported 1") || !strings.Contains(im.result.Text, "Providers added as borrowers: Dr. Alder Testwood") {
		t.Errorf("result = %q", im.result.Text)
	}
	reqs, err := f.store.ListRequests(f.admin, records.RequestFilter{})
	if err != nil || len(reqs) != 1 || reqs[0].NeededAt != "09:30" {
		t.Errorf("requests = %+v (%v)", reqs, err)
	}
	if len(im.rejected) != 1 || im.rejected[0].Line != 3 || !strings.Contains(im.rejected[0].Reason, "date") {
		t.Errorf("rejected = %+v", im.rejected)
	}
}
