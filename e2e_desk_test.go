//go:build e2e && linux

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/chartroom/chartroom/records"
)

// The scenarios of the desk's defects that unit tests could not see: each
// failed before its fix.

// scenarioFindEnterWhileTyping: a surname's first letters, a pause while
// their list shows, then the rest typed fast and Enter at once: Enter opens
// the chart the whole text names, not the first row of the list for the
// first letters.
func scenarioFindEnterWhileTyping(c *e2eCase) {
	s := c.demoAs(e2eClerk)
	p := s.uniquePatient("Bramble")
	s.key("ctrl+f")
	s.typeText("Bram")
	s.waitText("matches")
	rest := strings.TrimPrefix(p.surname, "Bram") + ", " + p.given
	s.xdo("type", "--delay", "5", "--", rest)
	s.key("Return")
	s.expectChartOpened(p.mrn, p.surname)
	s.shot("the named chart")
}

// scenarioScanTwiceAndLock: a scanner firing the same folder twice to the
// same borrower is "Already out", not a refusal; Ctrl+L and signing in
// again (the username filled in) finds the scan station with its borrower
// and log.
func scenarioScanTwiceAndLock(c *e2eCase) {
	s := c.demoAs(e2eClerk)
	folder := s.inFileFolder("T")
	s.key("ctrl+2")
	s.waitText("scan the borrower's badge")
	s.scan("B00101")
	s.waitText("Alder Testwood: scan the folders")
	s.scan(folder.barcode)
	s.waitText("Checked out to")
	s.scan(folder.barcode)
	s.waitText("Already out to")
	s.waitText("done, 0 refused")
	s.shot("scanned twice")
	if l := s.folderState(folder.barcode); l.state != "checked-out" || !strings.Contains(l.place, "Alder Testwood") {
		s.t.Errorf("after two scans %s is %s at %q; want checked out to Dr. Alder Testwood", folder.barcode, l.state, l.place)
	}
	s.key("ctrl+l")
	s.waitText("Sign in to the record room")
	s.shot("locked")
	// The username is filled in and the password box has the focus.
	s.typeText(e2eClerk[1])
	s.key("Return")
	s.waitTitle("clerk")
	s.waitText("Already out to")
	s.waitText("done, 0 refused")
	s.shot("back at the scan station")
}

// scenarioRequestBadTime: a request for 25:99 is refused naming the time,
// and nothing is saved; a request is fulfilled by the check-out to the one
// who asked.
func scenarioRequestBadTime(c *e2eCase) {
	s := c.demoAs(e2eClerk)
	p := s.uniquePatient("Bramble")
	day := records.DateOf(time.Now()).String()
	s.key("ctrl+3")
	s.clickText("New request")
	s.waitText("Needed on")
	s.fillDialog("Chart", p.mrn)
	s.choose("Borrower", "Alder Testwood")
	s.fillDialog("Needed on", day)
	s.fillDialog("Time", "25:99")
	s.clickLast("Create")
	// The refusal is red under the form (OCR does not read red on dark):
	// the form stays open and nothing is saved.
	time.Sleep(2 * time.Second)
	s.waitText("Needed on")
	s.shot("refused")
	hasRequestAt := func(at string) bool {
		found := false
		s.service(func(ctx context.Context, svc records.Service) {
			reqs, err := svc.ListRequests(ctx, records.RequestFilter{})
			if err != nil {
				s.t.Fatal(err)
			}
			for _, r := range reqs {
				found = found || (digits(r.MRN) == digits(p.mrn) && r.NeededAt == at)
			}
		})
		return found
	}
	if hasRequestAt("25:99") {
		s.t.Error("a request for 25:99 was saved")
	}
	s.fillDialog("Time", "10:15")
	s.clickLast("Create")
	s.waitGone("Needed on")
	s.waitFor("a request for "+p.mrn+" at 10:15 in the database", func() bool { return hasRequestAt("10:15") })
}

// scenarioSettingsAskBeforeRenumbering: a new chart-number width asks
// first, naming what the chart numbers become; "Keep as it is" changes
// nothing in the database.
func scenarioSettingsAskBeforeRenumbering(c *e2eCase) {
	s := c.demoAs(e2eAdmin)
	s.adminTab("Settings")
	// 12: OCR reads a two-digit option, not a lone "7".
	s.choose("MRN width (digits)", "12")
	s.clickText("Save settings")
	s.waitText("Change how every chart number prints")
	s.waitText("from 6 to 12 digits")
	s.shot("asked")
	s.clickText("Keep as it is")
	s.waitGone("Change how every chart number prints")
	s.service(func(ctx context.Context, svc records.Service) {
		st, err := svc.Settings(ctx)
		if err != nil || st.MRNWidth != 6 {
			s.t.Errorf("the chart-number width is %d (%v) after Keep as it is; want 6", st.MRNWidth, err)
		}
	})
}

// scenarioNewPatientDuplicate: a new patient with the names and birth date
// of a demo chart is refused naming that chart; nothing is created.
func scenarioNewPatientDuplicate(c *e2eCase) {
	s := c.demoAs(e2eClerk)
	p := s.uniquePatient("Bramble")
	existing := s.patientByMRN(p.mrn)
	mrn := s.freeMRN()
	s.clickText("New patient")
	s.waitText("Last name")
	s.fillDialog("MRN", mrn)
	s.fillDialog("Last name", existing.LastName)
	s.fillDialog("First name", existing.FirstName)
	if existing.MiddleName != "" {
		s.fillDialog("Middle name", existing.MiddleName)
	}
	s.fillDialog("Date of birth", existing.DOB.String())
	s.clickLast("Create")
	// The refusal names the chart (red, under the form) and offers it as
	// a button on the form's new Existing row (OCR may misread its digits:
	// the button is clicked by its row).
	s.waitText("Existing")
	s.shot("refused")
	if out, _, err := s.cliAs(e2eClerk, "where", mrn); err == nil && strings.TrimSpace(out) != "" {
		s.t.Errorf("chart %s was created for a patient who has chart %s:\n%s", mrn, p.mrn, out)
	}
	s.clickRightOf("Existing", 120)
	s.expectChartOpened(p.mrn, p.surname)
}

// scenarioLooseFilingShowsWhose: the typed chart number shows whose chart
// it is before anything is saved; the papers recorded are in the database,
// waiting for that patient.
func scenarioLooseFilingShowsWhose(c *e2eCase) {
	s := c.demoAs(e2eClerk)
	p := s.uniquePatient("Bramble")
	s.key("ctrl+4")
	s.fill("Chart", p.mrn)
	// Under the number: "Surname, Given, chart, born …" and where each
	// folder is, before anything is saved.
	s.waitText("born")
	s.shot("whose chart")
	s.fill("Description", "Letter e2e")
	s.clickText("Record papers")
	pat := s.patientByMRN(p.mrn)
	s.waitForRecord("the letter recorded for "+p.mrn, func(ctx context.Context, svc records.Service) (bool, error) {
		list, err := svc.ListLooseFiling(ctx, pat.ID, "")
		return slices.ContainsFunc(list, func(l records.LooseFiling) bool { return l.Description == "Letter e2e" }), err
	})
	s.shot("recorded")
}

// scenarioPrintAsksPageCount: folder labels of every folder are more than
// ten pages: Print asks first, naming the count, and Cancel prints nothing.
func scenarioPrintAsksPageCount(c *e2eCase) {
	s := c.demoAs(e2eClerk)
	s.key("ctrl+6")
	s.clickText("Folder labels")
	s.waitText("Start position")
	s.clickLast("Print")
	s.waitText("Send all of them to the printer")
	s.shot("asked")
	s.clickLast("Cancel")
	s.waitGone("Send all of them to the printer")
}

// scenarioShelfAuditSection: an audit of sections 00-49 of the record room
// says what share of them was scanned, and marking missing asks first.
func scenarioShelfAuditSection(c *e2eCase) {
	s := c.demoAs(e2eClerk)
	var folder whereLine
	for _, l := range s.where("T") {
		if l.state == "in-file" && l.place == "Record room" && records.TerminalSection(digits(l.mrn)) <= 49 {
			folder = l
			break
		}
	}
	s.key("ctrl+7")
	s.clickText("Choose the location to audit")
	// The option "Record room" itself, not "Record room > X-ray cabinet".
	s.click(s.waitLabel("Record room", true).centre())
	s.fill("Terminal-digit sections", "00-49")
	s.key("Return")
	s.waitText("Sections 00-49 of Record room")
	if folder.barcode != "" {
		s.scan(folder.barcode)
		s.waitText("1 scanned")
	}
	// The button, below the help text that names it too.
	s.clickLast("Mark missing and found")
	s.waitText("Marking folders missing is right only")
	s.shot("asked")
	s.clickLast("Cancel")
	s.waitGone("Marking folders missing is right only")
}

// scenarioBackupPassphrase: an admin sets the practice's backup passphrase
// on Backups; the database then holds a backup key (its status says
// so), and the passphrase itself is nowhere in the database file.
func scenarioBackupPassphrase(c *e2eCase) {
	s := c.demoAs(e2eAdmin)
	const passphrase = "ferns-pass under the quiet lamp"
	s.adminTab("Backups")
	// The places card is below the fold at this size: scroll the page.
	s.waitText("Back up now")
	s.xdo("mousemove", "700", "450")
	s.xdo("click", "--repeat", "15", "--delay", "50", "5")
	s.clickLast("Backup passphrase")
	// "Again" alone is also in the Restore card's "sign in again".
	s.waitText("New passphrase")
	s.fillDialog("New passphrase", passphrase)
	s.fillDialog("Again", passphrase)
	s.clickLast("Save")
	s.waitGone("New passphrase")
	s.shot("passphrase set")
	s.service(func(ctx context.Context, svc records.Service) {
		st, err := svc.BackupStatus(ctx)
		if err != nil || !st.PassphraseSet {
			s.t.Errorf("after Save the backup status is %+v (%v); want a passphrase set", st, err)
		}
	})
	s.stopApp()
	if raw, err := os.ReadFile(s.db); err == nil && bytes.Contains(raw, []byte(passphrase)) {
		s.t.Error("the backup passphrase is stored in the clear in the database file")
	}
}

// scenarioChartKeys: the chart's keys with no mouse: Ctrl+O opens the
// check-out, Escape cancels it (the folder stays in file), Ctrl+O again and
// the form checks the folder out, Ctrl+I checks it back in, Ctrl+B goes
// back to Find.
func scenarioChartKeys(c *e2eCase) {
	s := c.demoAs(e2eClerk)
	p := s.uniquePatient("Quill")
	inFile := func() map[string]bool {
		out := map[string]bool{}
		for _, l := range s.where(p.mrn) {
			if l.mrn == p.mrn && l.state == "in-file" {
				out[l.barcode] = true
			}
		}
		return out
	}
	before := inFile()
	if len(before) == 0 {
		s.t.Fatalf("no folder of %s in file", p.mrn)
	}
	s.key("ctrl+f")
	s.typeText(p.mrn)
	s.key("Return")
	s.expectChartOpened(p.mrn, p.surname)
	s.key("ctrl+o")
	s.waitText("Purpose")
	s.shot("check-out form")
	s.key("Escape")
	s.waitGone("Purpose")
	if got := inFile(); len(got) != len(before) {
		s.t.Fatalf("Escape on the check-out form left %d of %d folders in file", len(got), len(before))
	}
	out := s.checkOutToAlder(p.mrn, func(barcode string) bool { return before[barcode] })
	s.shot("checked out")
	s.key("ctrl+i")
	s.waitFor(out+" back in file", func() bool { return s.folderState(out).state == "in-file" })
	s.key("ctrl+b")
	s.waitText("Find a chart")
	s.shot("back")
}

// checkOutToAlder checks a folder of the chart on show out by keyboard
// (Ctrl+O, Dr. Alder Testwood, Check out) and returns the one of chart
// mrn's folders that wasInFile which `where` then says is out to him.
func (s *session) checkOutToAlder(mrn string, wasInFile func(barcode string) bool) string {
	s.t.Helper()
	s.key("ctrl+o")
	s.waitText("Purpose")
	s.choose("Borrower", "Alder Testwood")
	s.clickDialogButton("Check out")
	s.waitGone("Purpose")
	var out string
	s.waitFor("a folder of "+mrn+" checked out to Dr. Alder Testwood", func() bool {
		for _, l := range s.where(mrn) {
			if wasInFile(l.barcode) && l.state == "checked-out" && strings.Contains(l.place, "Alder Testwood") {
				out = l.barcode
				return true
			}
		}
		return false
	})
	return out
}

// scenarioChartAfterChart: one chart, then another through Find, by
// keyboard: the second is shown in the view the first left (emptied in
// between), so its name shows and the first's is gone, and its check-out
// (Ctrl+O, a doctor) moves its own folder, not the first patient's.
func scenarioChartAfterChart(c *e2eCase) {
	s := c.demoAs(e2eClerk)
	first, second := s.uniquePatient("Quill"), s.uniquePatient("Bramble")
	states := func(mrn string) map[string]string {
		out := map[string]string{}
		for _, l := range s.where(mrn) {
			if l.mrn == mrn {
				out[l.barcode] = l.state
			}
		}
		return out
	}
	firstBefore, secondBefore := states(first.mrn), states(second.mrn)
	open := func(p findPatient) {
		s.key("ctrl+f")
		s.waitText("Find a chart")
		s.key("ctrl+a")
		s.key("BackSpace")
		s.typeText(p.mrn)
		s.waitText("1 match")
		s.key("Return")
		s.expectChartOpened(p.mrn, p.surname)
	}
	open(first)
	s.key("ctrl+o")
	s.waitText("Purpose")
	s.key("Escape")
	s.waitGone("Purpose")
	open(second)
	s.waitGone(first.surname)
	s.shot("second chart")
	out := s.checkOutToAlder(second.mrn, func(barcode string) bool { return secondBefore[barcode] == "in-file" })
	if got := states(first.mrn); !maps.Equal(got, firstBefore) {
		s.t.Errorf("the first chart's folders moved: %v, were %v", got, firstBefore)
	}
	s.key("ctrl+i")
	s.waitFor(out+" back in file", func() bool { return s.folderState(out).state == "in-file" })
	s.shot("second chart's folder back")
}

// scenarioRequestsMarkAllPulled: the requests of the coming days, Mark
// all, then Pulled (N) once: every pending request whose folder is on the
// shelf is pulled in the database; one whose folder is out stays pending
// and a notice says why, which Enter closes.
func scenarioRequestsMarkAllPulled(c *e2eCase) {
	s := c.demoAs(e2eClerk)
	today := records.DateOf(time.Now())
	week := records.RequestFilter{From: today, To: today.AddDays(7)}
	states := func() map[records.ID]records.RequestState {
		out := map[records.ID]records.RequestState{}
		s.service(func(ctx context.Context, svc records.Service) {
			reqs, err := svc.ListRequests(ctx, week)
			if err != nil {
				s.t.Fatal(err)
			}
			for _, q := range reqs {
				out[q.ID] = q.State
			}
		})
		return out
	}
	// What Pulled should do to each pending request: pulled when its
	// folder is in file, else left pending.
	want := map[records.ID]records.RequestState{}
	refused := 0
	s.service(func(ctx context.Context, svc records.Service) {
		reqs, err := svc.ListRequests(ctx, week)
		if err != nil {
			s.t.Fatal(err)
		}
		for _, q := range reqs {
			if q.State != records.RequestPending {
				continue
			}
			if s.folderState(q.Barcode).state == "in-file" {
				want[q.ID] = records.RequestPulled
			} else {
				want[q.ID] = records.RequestPending
				refused++
			}
		}
	})
	if len(want)-refused < 2 {
		s.t.Fatal("the demo has fewer than two pending requests on the shelf this week")
	}
	s.key("ctrl+3")
	s.waitText("marks several")
	s.clickText("Mark all")
	s.waitText("marked")
	s.shot("all marked")
	// The Pulled button is the one left of Check out to requester (the
	// state filter says "pulled" too).
	b := s.waitText("out to requester")
	_, y := b.centre()
	s.click(b.left-150, y)
	s.waitFor("the pending requests on the shelf pulled in the database, the others still pending", func() bool {
		got := states()
		for id, st := range want {
			if got[id] != st {
				return false
			}
		}
		return true
	})
	if refused > 0 {
		s.waitText("were not changed")
		s.shot("told why")
		s.key("Return")
		s.waitGone("were not changed")
	}
	s.waitText("marks several")
	s.shot("pulled")
}

// scenarioStatusBarAndShortcuts: the window fits the screen (the status
// bar with the clerk's name and the red Overdue count shows), Overdue
// opens the overdue list, Help > Keyboard shortcuts lists the scan
// station's keys and Escape closes it; the window's size is remembered in
// the app's preferences when it closes.
func scenarioStatusBarAndShortcuts(c *e2eCase) {
	s := c.demoAs(e2eClerk)
	s.waitText("Casey Clerk")
	// The Overdue button is white on red, which OCR does not read: it is
	// the button right of the loose papers' count.
	s.clickRightOf("papers:", 70)
	s.waitText("Overdue charts")
	s.shot("overdue list")
	s.clickText("Help")
	s.clickText("Keyboard shortcuts")
	s.waitText("Hand-off mode")
	s.shot("shortcuts")
	s.key("Escape")
	s.waitGone("Hand-off mode")
	s.stopApp()
	prefs, err := os.ReadFile(filepath.Join(s.home, ".config", "fyne", "org.chartroom.app", "preferences.json"))
	if err != nil {
		s.t.Fatalf("no preferences after closing: %v", err)
	}
	var p map[string]float64
	if err := json.Unmarshal(prefs, &p); err != nil {
		s.t.Fatalf("preferences %s: %v", prefs, err)
	}
	if p["window.width"] <= 0 || p["window.width"] > float64(s.size.w) || p["window.height"] <= 0 || p["window.height"] > float64(s.size.h) {
		s.t.Errorf("remembered window %vx%v, want a size within the %dx%d screen", p["window.width"], p["window.height"], s.size.w, s.size.h)
	}
}
