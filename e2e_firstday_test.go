//go:build e2e && linux

package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/chartroom/chartroom/records"
)

// The first day's scenarios: the checklist of a new practice, the import of
// its patients from the app, and the on-screen overdue worklist.

// e2eNewAdmin is the admin `chartroom init` makes for a new practice.
var e2eNewAdmin = [2]string{"firstadmin", "first-day-pass"}

// newPractice makes the scenario's database with `chartroom init`, as a
// new practice does.
func (s *session) newPractice() {
	s.t.Helper()
	if out, errOut, err := s.cliAs(e2eNewAdmin, "init", "--admin", e2eNewAdmin[0], "--practice", "Quillwood Test Practice"); err != nil {
		s.t.Fatalf("chartroom init: %v\n%s%s", err, out, errOut)
	}
}

// scenarioFirstDayChecklist: the admin of a practice just made with
// `chartroom init` lands on the checklist with every step to do; a step's
// button opens its page; a borrower with a badge (added at the command
// line) marks that step done; "Hide this checklist" takes it away for good,
// which the preferences file keeps.
func scenarioFirstDayChecklist(c *e2eCase) {
	s := c.session("empty")
	s.newPractice()
	s.launch()
	s.signInTo(e2eNewAdmin[0], e2eNewAdmin[1], "Getting started")
	s.waitText("5 steps left")
	s.clickText("Open Borrowers")
	s.waitText("New borrower")
	if _, errOut, err := s.cliAs(e2eNewAdmin, "borrowers", "add", "Dr. Alder Testwood", "--kind", "provider", "--badge", "BADGE-E2E-1"); err != nil {
		s.t.Fatalf("chartroom borrowers add: %v\n%s", err, errOut)
	}
	s.clickText("Getting started")
	s.waitText("4 steps left")
	s.clickText("Open Import")
	s.waitText("Choose a CSV file")
	s.clickText("Getting started")
	s.waitText("4 steps left")
	s.clickText("Hide this checklist")
	s.waitText("Find a chart")
	s.waitFor("the hidden checklist in the app's preferences", func() bool {
		found := false
		filepath.WalkDir(filepath.Join(s.home, ".config"), func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(path, "preferences.json") {
				b, _ := os.ReadFile(path)
				found = found || strings.Contains(string(b), "setup-hidden:")
			}
			return nil
		})
		return found
	})
	s.stopApp()
	s.launch()
	s.signIn(e2eNewAdmin[0], e2eNewAdmin[1])
	if _, shown := s.pollText("Getting started", 3*time.Second); shown {
		s.failScreen("the hidden checklist came back at the next start")
	}
}

// scenarioImportPatients: Administration > Import, a file that is not CSV
// refused with what to do, then a patients export with a bad line: its
// columns and first lines shown, the import run, the rejected lines saved
// as CSV with their reasons; the patients are in file (chartroom where) and
// the import is in the audit log. A large file's import is cancelled and
// saves nothing.
func scenarioImportPatients(c *e2eCase) {
	s := c.session("demo")
	good := "Chart #,Surname,Given,Birth,Sex\n" +
		"900001,Importperson,Alpha,1971-02-03,F\n" +
		"900002,,Beta,1972-03-04,M\n" +
		"900003,Importsample,Gamma,1973-04-05,F\n"
	var big strings.Builder
	big.WriteString("MRN,Last Name,First Name\n")
	for i := range 300000 {
		fmt.Fprintf(&big, "%06d,Cancelperson,Row%d\n", 600000+i, i)
	}
	for name, text := range map[string]string{"people.csv": good, "sheet.csv": "PK\x03\x04\x14\x00\x06\x00\x08\x00", "big.csv": big.String()} {
		if err := os.WriteFile(filepath.Join(s.home, name), []byte(text), 0o644); err != nil {
			s.t.Fatal(err)
		}
	}
	s.launch()
	s.signIn(e2eAdmin[0], e2eAdmin[1])
	s.key("ctrl+7")
	s.waitText("Backups")
	s.clickLast("Import")
	s.clickText("Choose a CSV file")
	s.waitText("Cancel")
	s.chooseInFileDialog(filepath.Join(s.home, "sheet.csv"))
	// The refusal is red, which OCR does not read: the mapping's note
	// beneath it says the file gave no columns.
	s.waitText("No columns to show")

	s.clickText("Choose a CSV file")
	s.waitText("Cancel")
	s.chooseInFileDialog(filepath.Join(s.home, "people.csv"))
	s.waitText("Surname")
	s.clickLast("First lines") // the tab, below the help text that names it too
	s.waitText("Importperson")
	s.waitText("Ready to") // the Outcome column may be cut to "Ready to im…"
	s.clickText("Import the file")
	s.waitText("Import done")
	s.waitText("imported 2")
	s.clickText("Save rejected lines as CSV")
	s.waitText("people-rejected.csv")
	s.key("Return")
	rejects := filepath.Join(s.home, "people-rejected.csv")
	s.waitFile(rejects)
	s.waitText("Rejected lines saved")
	b, err := os.ReadFile(rejects)
	if err != nil {
		s.t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(b), "\uFEFF"))).ReadAll()
	if err != nil || len(rows) != 2 || rows[0][1] != "Rejected because" || rows[1][0] != "3" || !strings.Contains(rows[1][1], "Last name") || rows[1][2] != "900002" {
		s.t.Errorf("the rejects file reads %q (%v)", rows, err)
	}
	for _, mrn := range []string{"900001", "900003"} {
		if w := s.where(mrn); len(w) != 1 || w[0].state != "in-file" {
			s.t.Errorf("chartroom where %s after the import: %+v", mrn, w)
		}
	}
	imported := false
	for _, e := range s.auditEvents() {
		imported = imported || e.Action == records.AuditImport
	}
	if !imported {
		s.t.Error("no import event in the audit log")
	}
	s.clickLast("OK")
	s.waitGone("Rejected lines saved")

	s.clickText("Choose a CSV file")
	s.waitText("Cancel")
	s.chooseInFileDialog(filepath.Join(s.home, "big.csv"))
	s.waitText("Last Name")
	s.clickText("Import the file")
	s.clickText("Cancel the import")
	s.waitText("Import cancelled")
	if out, _, err := s.cliAs(e2eAdmin, "where", "Cancelperson"); err == nil || strings.TrimSpace(out) != "" {
		s.t.Errorf("after the cancelled import, chartroom where Cancelperson: %v\n%s", err, out)
	}
}

// overdueOne is an overdue folder of the demo practice and its borrower.
type overdueOne struct {
	barcode, surname, borrower string
	borrowerID                 records.ID
}

// anOverdueFolder picks an overdue folder whose patient's surname no other
// overdue folder shares, so typing it leaves one chart in the list.
func (s *session) anOverdueFolder() overdueOne {
	s.t.Helper()
	var picked overdueOne
	s.service(func(ctx context.Context, svc records.Service) {
		today := records.DateOf(time.Now())
		bySurname := map[string][]records.Volume{}
		var order []string
		err := svc.ListVolumes(ctx, records.VolumeFilter{OverdueOn: today, Order: records.OrderBorrower}, func(v records.Volume) error {
			last, _, _ := strings.Cut(v.PatientName, ",")
			if len(bySurname[last]) == 0 {
				order = append(order, last)
			}
			bySurname[last] = append(bySurname[last], v)
			return nil
		})
		if err != nil {
			s.t.Fatal(err)
		}
		for _, last := range order {
			if vs := bySurname[last]; len(vs) == 1 && strings.IndexFunc(last, func(r rune) bool { return r > 127 }) < 0 {
				picked = overdueOne{vs[0].Barcode, last, vs[0].BorrowerName, vs[0].BorrowerID}
				return
			}
		}
		s.t.Fatal("the demo practice has no overdue folder with a surname of its own")
	})
	return picked
}

// scenarioOverdueWorklist: a clerk opens the overdue worklist, finds a
// chart by its patient's surname, chooses it with the keyboard and checks
// it in (chartroom where says it is in file), then prints a borrower's
// notice; with no printer the notice is saved as a PDF naming that
// borrower alone.
func scenarioOverdueWorklist(c *e2eCase) {
	s := c.session("demo")
	one := s.anOverdueFolder()
	s.launch()
	s.signIn(e2eClerk[0], e2eClerk[1])
	s.clickText("Overdue charts")
	s.waitText("charts overdue with")
	s.typeText(one.surname)
	s.waitText(one.surname)
	s.key("Down")
	s.key("Tab")
	s.key("Tab")
	s.key("space")
	s.waitText("Checked in")
	s.waitFor("chartroom where "+one.barcode+" saying in file", func() bool {
		w := s.where(one.barcode)
		return len(w) == 1 && w[0].state == "in-file"
	})
	// A request or loose papers waiting for the folder are told in a
	// notice, as at the scan station.
	if _, shown := s.pollText("OK", 2*time.Second); shown {
		s.clickLast("OK")
		s.waitGone("Requested by")
	}

	other := s.anOverdueFolder()
	// The keyboard is back in the box after the check-in.
	s.key("ctrl+a", "BackSpace")
	s.typeText(other.borrower)
	s.waitText("Print notice for this borrower")
	s.clickText("Print notice for this borrower")
	if _, err := exec.LookPath("lp"); err == nil {
		s.waitText("sent to the printer")
		return
	}
	s.waitText("Notice not printed")
	s.clickLast("Save as")
	s.waitText("Save File")
	s.key("Return")
	var pdf string
	s.waitFor("the notice saved as a PDF", func() bool {
		found, _ := filepath.Glob(filepath.Join(s.home, "overdue-notice-*.pdf"))
		if len(found) == 1 {
			pdf = found[0]
		}
		return pdf != ""
	})
	s.waitFile(pdf)
	text := pdfText(s.t, pdf)
	if !strings.Contains(text, "Overdue notice") || !strings.Contains(text, other.borrower) {
		s.t.Errorf("the saved notice does not name %s:\n%s", other.borrower, text)
	}
	s.service(func(ctx context.Context, svc records.Service) {
		bs, err := svc.ListBorrowers(ctx, true)
		if err != nil {
			s.t.Fatal(err)
		}
		for _, b := range bs {
			if b.ID != other.borrowerID && strings.Contains(text, "To\n\n"+b.Name+"\n") {
				s.t.Errorf("the notice for %s also addresses %s", other.borrower, b.Name)
			}
		}
	})
}
