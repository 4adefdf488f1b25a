//go:build e2e && linux

package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chartroom/chartroom/records"
)

// e2eCase is one scenario at one screen size.
type e2eCase struct {
	t    *testing.T
	run  *e2eRun
	x    *xvfb
	size e2eSize
}

// session opens the scenario's database (see newSession's seed) without
// starting the app.
func (c *e2eCase) session(seed string) *session {
	return newSession(c.t, c.run, c.x, c.size, seed)
}

// demoAs starts the app on a copy of the demo practice and signs in as user.
func (c *e2eCase) demoAs(user [2]string) *session {
	s := c.session("demo")
	s.launch()
	s.signIn(user[0], user[1])
	return s
}

// e2eFuncs are the scenarios by the names of e2eScenarios.
var e2eFuncs = map[string]func(c *e2eCase){
	"SignIn":                       scenarioSignIn,
	"FindEnterWhileTyping":         scenarioFindEnterWhileTyping,
	"ScanTwiceAndLock":             scenarioScanTwiceAndLock,
	"RequestBadTime":               scenarioRequestBadTime,
	"SettingsAskBeforeRenumbering": scenarioSettingsAskBeforeRenumbering,
	"NewPatientDuplicate":          scenarioNewPatientDuplicate,
	"LooseFilingShowsWhose":        scenarioLooseFilingShowsWhose,
	"PrintAsksPageCount":           scenarioPrintAsksPageCount,
	"ShelfAuditSection":            scenarioShelfAuditSection,
	"BackupPassphrase":             scenarioBackupPassphrase,
	"FindByName":                   scenarioFindByName,
	"FindByChartNumber":            scenarioFindByChartNumber,
	"FindByScannedBarcode":         scenarioFindByScannedBarcode,
	"ScanStationCheckOutCheckIn":   scenarioScanStation,
	"ReportSaveAs":                 scenarioReportSaveAs,
	"ReportFilterForm":             scenarioReportFilterForm,
	"BackupToFolder":               scenarioBackupToFolder,
	"RestoreBackup":                scenarioRestoreBackup,
	"ImportAppointments":           scenarioImportAppointments,
	"FirstDayChecklist":            scenarioFirstDayChecklist,
	"ImportPatients":               scenarioImportPatients,
	"OverdueWorklist":              scenarioOverdueWorklist,
	"FirstRun":                     scenarioFirstRun,
	"DamagedDatabaseRestore":       scenarioDamagedDatabaseRestore,
	"NewPatient":                   scenarioNewPatient,
	"NewRequest":                   scenarioNewRequest,
	"Borrowers":                    scenarioBorrowers,
	"AdminUsers":                   scenarioAdminUsers,
	"AdminLocations":               scenarioAdminLocations,
	"AdminRecordTypes":             scenarioAdminRecordTypes,
	"AdminSettings":                scenarioAdminSettings,
	"AdminRetentionPolicy":         scenarioAdminRetentionPolicy,
	"AdminMerge":                   scenarioAdminMerge,
	"Retention":                    scenarioRetention,
	"ShelfAudit":                   scenarioShelfAudit,
	"Disclosures":                  scenarioDisclosures,
	"LegalHold":                    scenarioLegalHold,
	"ChartKeys":                    scenarioChartKeys,
	"ChartAfterChart":              scenarioChartAfterChart,
	"RequestsMarkAllPulled":        scenarioRequestsMarkAllPulled,
	"StatusBarAndShortcuts":        scenarioStatusBarAndShortcuts,
	"TwoWorkstationsOnOneServer":   scenarioTwoWorkstations,
	"ConnectPracticeServer":        scenarioConnectPracticeServer,
}

// TestE2E runs every scenario at 1366x768, then those marked narrow at
// 1024x768, each on its own copy of the demo practice (or the database it
// makes), one X server per size.
func TestE2E(t *testing.T) {
	run := e2eSetup(t)
	defer t.Logf("end-to-end screenshots and app logs: %s", run.out)
	for _, sc := range e2eScenarios {
		if e2eFuncs[sc.name] == nil {
			t.Errorf("scenario %s is in e2eScenarios but has no function in e2eFuncs", sc.name)
		}
	}
	for name := range e2eFuncs {
		if !e2eListed(name) {
			t.Errorf("scenario %s has a function but is not in e2eScenarios", name)
		}
	}
	for _, size := range []e2eSize{e2eWide, e2eNarrow} {
		t.Run(size.name, func(t *testing.T) {
			x := startXvfb(t, size)
			for _, sc := range e2eScenarios {
				if size == e2eNarrow && !sc.narrow {
					continue
				}
				fn := e2eFuncs[sc.name]
				if fn == nil {
					continue
				}
				t.Run(sc.name, func(t *testing.T) {
					fn(&e2eCase{t: t, run: run, x: x, size: size})
				})
			}
		})
	}
}

func e2eListed(name string) bool {
	for _, sc := range e2eScenarios {
		if sc.name == name {
			return true
		}
	}
	return false
}

// digits keeps a chart number's digits, so "26-48-41" and "264841" compare.
func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// lastViewOf is the newest audit "view" event of a chart, or nil.
func lastView(events []records.AuditEvent) *records.AuditEvent {
	for i := len(events) - 1; i >= 0; i-- {
		if events[i].Action == records.AuditView && events[i].Entity == "patient" {
			return &events[i]
		}
	}
	return nil
}

// newestFirst reports whether ListAudit's order is newest first.
func newestFirst(events []records.AuditEvent) bool {
	return len(events) > 1 && events[0].At.After(events[len(events)-1].At)
}

// latestViewedChart is the chart number the newest chart view names.
func (s *session) latestViewedChart() string {
	s.t.Helper()
	events := s.auditEvents()
	var ev *records.AuditEvent
	if newestFirst(events) {
		for i := range events {
			if events[i].Action == records.AuditView && events[i].Entity == "patient" {
				ev = &events[i]
				break
			}
		}
	} else {
		ev = lastView(events)
	}
	if ev == nil {
		return ""
	}
	return ev.Detail
}

// expectChartOpened checks, outside the window, that the newest chart view
// in the audit log is the chart mrn, and on screen that its name shows.
func (s *session) expectChartOpened(mrn, shownName string) {
	s.t.Helper()
	s.waitText(shownName)
	s.waitFor("an audit view event of chart "+mrn, func() bool {
		return strings.Contains(digits(s.latestViewedChart()), digits(mrn))
	})
}

// scenarioSignIn: a wrong password is refused with a message and an audit
// event; the right one opens the main window named for the clerk; Ctrl+L
// locks it back to the sign-in form.
func scenarioSignIn(c *e2eCase) {
	s := c.session("demo")
	s.launch()
	s.waitText("Sign in to the record room")
	s.clickRightOf("Username", 60)
	s.typeText("clerk")
	s.key("Tab")
	s.typeText("not-the-password")
	s.key("Return")
	s.waitText("password")
	s.shot("refused")
	s.waitFor("an audit sign-in-failed event for clerk", func() bool {
		for _, e := range s.auditEvents() {
			if e.Action == records.AuditSignInFailed && strings.Contains(e.Detail+e.Username, "clerk") {
				return true
			}
		}
		return false
	})
	s.clickRightOf("Password", 60)
	s.clearEntry()
	s.typeText(e2eClerk[1])
	s.key("Return")
	s.waitTitle("clerk")
	s.waitText("Find a chart")
	s.waitText("Out:")
	// The status bar's count of charts out is the database's.
	s.shot("signed in")
	s.key("ctrl+l")
	s.waitText("Sign in to the record room")
	title, _ := s.xdoOut("getwindowname", s.win)
	if strings.Contains(title, "clerk") {
		s.t.Errorf("after Ctrl+L the window title still names the clerk: %q", title)
	}
	signIns := 0
	for _, e := range s.auditEvents() {
		if e.Action == records.AuditSignIn && e.Username == "clerk" {
			signIns++
		}
	}
	if signIns == 0 {
		s.t.Errorf("no audit sign-in event of clerk after signing in")
	}
}

// findPatient is a demo patient the Find scenarios look for: a surname that
// only one chart has, and its chart number and first barcode.
type findPatient struct {
	surname, given, mrn, barcode string
}

// uniquePatient picks, by the command line, a demo patient whose surname
// begins with prefix and is shared by no other chart.
func (s *session) uniquePatient(prefix string) findPatient {
	s.t.Helper()
	bySurname := map[string]map[string]whereLine{}
	for _, l := range s.where(prefix) {
		sur, _, _ := strings.Cut(l.name, ",")
		if bySurname[sur] == nil {
			bySurname[sur] = map[string]whereLine{}
		}
		if _, ok := bySurname[sur][l.mrn]; !ok {
			bySurname[sur][l.mrn] = l
		}
	}
	best := ""
	for sur, charts := range bySurname {
		if len(charts) == 1 && !strings.ContainsAny(sur, "-' ") && (best == "" || sur < best) {
			best = sur
		}
	}
	if best == "" {
		s.t.Fatalf("no demo patient with a surname of its own starting %q; choose another prefix", prefix)
	}
	for _, l := range bySurname[best] {
		_, given, _ := strings.Cut(l.name, ", ")
		given, _, _ = strings.Cut(given, " ")
		return findPatient{surname: best, given: given, mrn: l.mrn, barcode: l.barcode}
	}
	panic("unreachable")
}

// scenarioFindByName: Ctrl+F, a surname typed as a person types, Enter
// opens that patient's chart; the audit log's newest view names it.
func scenarioFindByName(c *e2eCase) {
	s := c.demoAs(e2eClerk)
	p := s.uniquePatient("Bramble")
	s.key("ctrl+6")
	s.waitText("Save as")
	s.key("ctrl+f")
	s.waitText("Find a chart")
	s.typeText(p.surname + ", " + p.given)
	s.waitText("1 match")
	s.key("Return")
	s.expectChartOpened(p.mrn, p.surname)
	s.shot("chart open")
}

// scenarioFindByChartNumber: the chart number typed with its dashes, Enter.
func scenarioFindByChartNumber(c *e2eCase) {
	s := c.demoAs(e2eClerk)
	p := s.uniquePatient("Bramble")
	s.typeText(p.mrn)
	s.key("Return")
	s.expectChartOpened(p.mrn, p.surname)
}

// scenarioFindByScannedBarcode: a folder's barcode fired by a scanner into
// Find (characters, then Enter at once) opens its chart.
func scenarioFindByScannedBarcode(c *e2eCase) {
	s := c.demoAs(e2eClerk)
	p := s.uniquePatient("S")
	s.scan(p.barcode)
	s.expectChartOpened(p.mrn, p.surname)
}

// scenarioScanStation: a borrower's badge, then a folder, scanned at the
// scan station checks it out to that borrower; F3 and the same folder check
// it back in. `chartroom where` says so after each, and the status bar's
// count of folders out follows.
func scenarioScanStation(c *e2eCase) {
	s := c.demoAs(e2eClerk)
	var folder whereLine
	for _, l := range s.where("T") {
		if l.state == "in-file" {
			folder = l
			break
		}
	}
	if folder.barcode == "" {
		s.t.Fatal("no folder in file among the demo's T surnames")
	}
	out := s.outCount()
	s.key("ctrl+2")
	s.waitText("scan the borrower's badge")
	s.scan("B00101")
	s.waitText("Alder Testwood: scan the folders")
	s.scan(folder.barcode)
	s.waitText("Checked out to")
	// The status bar counts the folder out once the scans pause.
	s.waitText(fmt.Sprintf("Out: %d", out+1))
	s.waitFor("chartroom where: "+folder.barcode+" checked out to Dr. Alder Testwood", func() bool {
		for _, l := range s.where(folder.barcode) {
			if l.barcode == folder.barcode {
				return l.state == "checked-out" && strings.Contains(l.place, "Alder Testwood")
			}
		}
		return false
	})
	s.shot("checked out")
	s.key("F3")
	s.waitText("Check in: scan each returned folder")
	s.scan(folder.barcode)
	s.waitFor("chartroom where: "+folder.barcode+" back in file", func() bool {
		for _, l := range s.where(folder.barcode) {
			if l.barcode == folder.barcode {
				return l.state == "in-file"
			}
		}
		return false
	})
	s.waitText(fmt.Sprintf("Out: %d", out))
	s.shot("checked in")
}

// scenarioReportSaveAs: Reports, the chart location report, Save as…, a
// file name typed into the file dialog; the PDF is written where asked and
// pdftotext reads the report's title and the confidentiality footer.
func scenarioReportSaveAs(c *e2eCase) {
	s := c.demoAs(e2eClerk)
	s.key("ctrl+6")
	text := s.saveReportAs("location-e2e.pdf")
	for _, want := range []string{"Chart location", "Confidential", "Page 1 of"} {
		if !strings.Contains(text, want) {
			s.t.Errorf("the saved PDF location-e2e.pdf does not read %q", want)
		}
	}
	s.shot("saved")
}

// scenarioReportFilterForm: forms built from what a report declares. The
// chart history of a folder the command line checked out: its barcode typed
// in the Folder field, Save as…; pdftotext reads the folder and its
// check-out. Then the overdue charts sorted by borrower, an order that
// report offers: the PDF says so.
func scenarioReportFilterForm(c *e2eCase) {
	s := c.demoAs(e2eClerk)
	folder := s.inFileFolder("T")
	s.cli("checkout", "--to", "B00101", folder.barcode)
	s.key("ctrl+6")
	s.clickText("Chart history")
	s.clickText("folder barcode") // the Folder field's placeholder
	s.typeText(folder.barcode)
	s.shot("folder typed")
	text := s.saveReportAs("history-e2e.pdf")
	for _, want := range []string{"Chart history", folder.barcode, "Checked out", "Alder Testwood", "Confidential"} {
		if !strings.Contains(text, want) {
			s.t.Errorf("the history PDF does not read %q:\n%s", want, text)
		}
	}

	s.clickText("Overdue charts")
	s.clickRightOf("Order", 60)
	// The drop-down's choices show below the field: the lowest "borrower".
	s.clickLast("borrower")
	s.shot("sorted by borrower")
	text = s.saveReportAs("overdue-e2e.pdf")
	for _, want := range []string{"Overdue charts", "Order: borrower, then filing"} {
		if !strings.Contains(text, want) {
			s.t.Errorf("the overdue PDF does not read %q:\n%s", want, text)
		}
	}
}

// saveReportAs saves the report on screen as name in the home folder with
// Save as… and returns the text pdftotext reads from it.
func (s *session) saveReportAs(name string) string {
	s.t.Helper()
	s.clickText("Save as")
	s.waitText("Cancel")
	s.clearEntry() // the name box holds the report's own name
	s.typeText(name)
	s.key("Return")
	path := filepath.Join(s.home, name)
	s.waitFile(path)
	s.waitText("PDF saved")
	s.clickLast("OK")
	s.waitGone("PDF saved")
	return pdfText(s.t, path)
}

// adminTab opens Administration (Ctrl+7) and the tab titled tab.
func (s *session) adminTab(tab string) {
	s.t.Helper()
	s.key("ctrl+7")
	s.waitText("Administration")
	s.clickText(tab)
}

// backupsIn lists the backup files in dir.
func backupsIn(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".db") {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	return out
}

// scenarioBackupToFolder: Administration > Backups > Back up to a
// folder…, a folder chosen in the file dialog; a backup file appears there
// and the audit log has the backup event.
func scenarioBackupToFolder(c *e2eCase) {
	s := c.session("demo")
	dir := filepath.Join(s.home, "offsite")
	if err := os.Mkdir(dir, 0o755); err != nil {
		s.t.Fatal(err)
	}
	s.launch()
	s.signIn(e2eAdmin[0], e2eAdmin[1])
	s.adminTab("Backups")
	s.clickText("Back up to a folder")
	s.waitText("Cancel")
	s.clickLast("offsite")
	s.clickLast("Open")
	s.waitText("Backup saved")
	s.waitFor("a backup file in "+dir, func() bool { return len(backupsIn(s.t, dir)) == 1 })
	backup := backupsIn(s.t, dir)[0]
	out, errOut, err := s.cliAs(e2eAdmin, "--db", backup, "verify")
	if err != nil {
		s.t.Errorf("chartroom verify of the backup %s: %v\n%s%s", backup, err, out, errOut)
	}
	found := false
	for _, e := range s.auditEvents() {
		if e.Action == records.AuditBackup {
			found = true
		}
	}
	if !found {
		s.t.Error("no backup event in the audit log")
	}
}

// folderState is the state and place `chartroom where` gives a barcode.
func (s *session) folderState(barcode string) whereLine {
	s.t.Helper()
	for _, l := range s.where(barcode) {
		if l.barcode == barcode {
			return l
		}
	}
	s.t.Fatalf("chartroom where %s names no such folder", barcode)
	return whereLine{}
}

// inFileFolder is a demo folder in file whose patient's surname starts
// with prefix.
func (s *session) inFileFolder(prefix string) whereLine {
	s.t.Helper()
	for _, l := range s.where(prefix) {
		if l.state == "in-file" {
			return l
		}
	}
	s.t.Fatalf("no folder in file among the demo's %s surnames", prefix)
	return whereLine{}
}

// scenarioRestoreBackup: a backup made by the command line, a check-out
// made after it, then Administration > Restore a backup… with the file
// chosen in the dialog and confirmed: the app asks to sign in again and the
// folder is back in file.
func scenarioRestoreBackup(c *e2eCase) {
	s := c.session("demo")
	dir := filepath.Join(s.home, "saved")
	backup := s.shortBackup(dir)
	folder := s.inFileFolder("W")
	s.cli("checkout", "--to", "B00101", folder.barcode)
	if st := s.folderState(folder.barcode).state; st != "checked-out" {
		s.t.Fatalf("after the command line's check-out %s is %s", folder.barcode, st)
	}
	s.launch()
	s.signIn(e2eAdmin[0], e2eAdmin[1])
	s.adminTab("Backups")
	s.clickText("Restore a backup")
	s.waitText("Cancel")
	s.clickLast("saved")
	s.chooseInFileDialog(backup)
	s.waitText("Restore this backup")
	s.clickLast("Yes")
	s.waitText("Sign in again")
	if st := s.folderState(folder.barcode).state; st != "in-file" {
		s.t.Errorf("after restoring the backup made before the check-out, %s is %s; want in-file", folder.barcode, st)
	}
	s.signIn(e2eAdmin[0], e2eAdmin[1])
}

// scenarioImportAppointments: Requests > Import appointments…, a CSV chosen
// in the file dialog, the dry run confirmed: the requests are in the
// database for the day and the chart.
func scenarioImportAppointments(c *e2eCase) {
	s := c.session("demo")
	p := s.uniquePatient("Bramble")
	day := records.DateOf(time.Now()).AddDays(3).String()
	csv := "date,time,mrn,provider,reason\n" + day + ",09:30," + p.mrn + ",Dr. Alder Testwood,e2e follow-up\n"
	if err := os.WriteFile(filepath.Join(s.home, "visits.csv"), []byte(csv), 0o644); err != nil {
		s.t.Fatal(err)
	}
	s.launch()
	s.signIn(e2eClerk[0], e2eClerk[1])
	s.key("ctrl+3")
	s.clickText("Import appointments")
	s.waitText("Cancel")
	s.chooseInFileDialog(filepath.Join(s.home, "visits.csv"))
	s.waitText("imported 1")
	s.clickLast("Yes")
	s.waitText("Appointments imported")
	s.waitForRecord("an appointment request for "+p.mrn+" on "+day+" 09:30 in the database", func(ctx context.Context, svc records.Service) (bool, error) {
		reqs, err := svc.ListRequests(ctx, records.RequestFilter{})
		return slices.ContainsFunc(reqs, func(r records.Request) bool {
			return digits(r.MRN) == digits(p.mrn) && r.NeededOn.String() == day && r.NeededAt == "09:30" && r.Source == "appointment"
		}), err
	})
}

// scenarioFirstRun: an empty database shows the first-run form; the
// practice and its admin are created, the admin signs in, and the command
// line signs in as that admin and lists the user.
func scenarioFirstRun(c *e2eCase) {
	s := c.session("empty")
	s.launch()
	s.waitText("Set up a new practice")
	s.clickRightOf("Practice name", 60)
	s.typeText("Quillwood Test Practice")
	s.clickRightOf("Admin username", 60)
	s.typeText("firstadmin")
	s.clickRightOf("Display name", 60)
	s.typeText("Fern Firstadmin")
	s.clickRightOf("Password", 200)
	s.typeText("first-run-pass")
	s.clickRightOf("again", 60)
	s.typeText("first-run-pass")
	s.clickText("Create the practice")
	s.waitText("The practice is ready")
	s.signInTo("firstadmin", "first-run-pass", "Getting started")
	out, errOut, err := s.cliAs([2]string{"firstadmin", "first-run-pass"}, "users", "list")
	if err != nil || !strings.Contains(out, "firstadmin") {
		s.t.Errorf("chartroom users list as the new admin: %v\n%s%s", err, out, errOut)
	}
	if out, errOut, err := s.cliAs([2]string{"firstadmin", "first-run-pass"}, "verify"); err != nil {
		s.t.Errorf("chartroom verify: %v\n%s%s", err, out, errOut)
	}
}

// scenarioDamagedDatabaseRestore: a backup made by the command line, then
// the database's first pages overwritten; the app starts on "could not be
// opened", Restore a backup… picks the backup in the file dialog, and the
// app comes back at sign-in on a database `chartroom verify` passes.
func scenarioDamagedDatabaseRestore(c *e2eCase) {
	s := c.session("demo")
	dir := filepath.Join(s.home, "saved")
	backup := s.shortBackup(dir)
	f, err := os.OpenFile(s.db, os.O_RDWR, 0)
	if err != nil {
		s.t.Fatal(err)
	}
	if _, err := f.WriteAt(bytes.Repeat([]byte("DAMAGED!"), 1024), 0); err != nil {
		s.t.Fatal(err)
	}
	f.Close()
	if _, _, err := s.cliAs(e2eAdmin, "verify"); err == nil {
		s.t.Fatal("chartroom verify passes the damaged database")
	}
	s.launch()
	s.waitText("could not be opened")
	s.clickText("Restore a backup")
	s.waitText("Cancel")
	s.clickLast("saved")
	s.chooseInFileDialog(backup)
	s.waitText("Restore this backup")
	s.clickLast("Yes")
	s.waitText("Sign in to the record room")
	if out, errOut, err := s.cliAs(e2eAdmin, "verify"); err != nil {
		s.t.Errorf("chartroom verify after the restore: %v\n%s%s", err, out, errOut)
	}
	s.signIn(e2eClerk[0], e2eClerk[1])
}

// shortBackup makes a backup by the command line into dir and renames it
// good.db: the file dialog's grid cuts long names short, and OCR must read
// the name to click it.
func (s *session) shortBackup(dir string) string {
	s.t.Helper()
	s.cli("backup", "--to", dir)
	backups := backupsIn(s.t, dir)
	if len(backups) != 1 {
		s.t.Fatalf("chartroom backup wrote %d files in %s", len(backups), dir)
	}
	short := filepath.Join(dir, "good.db")
	if err := os.Rename(backups[0], short); err != nil {
		s.t.Fatal(err)
	}
	return short
}

// fill clicks the field right of the topmost label (a form on a page,
// above any table whose column has the same name), empties it and types
// text.
func (s *session) fill(label, text string) {
	s.t.Helper()
	s.fillAt(s.waitLabel(label, false), text)
}

// waitLabel waits until label shows as a line of its own and returns the
// topmost such place, or the lowest when last.
func (s *session) waitLabel(label string, last bool) box {
	s.t.Helper()
	deadline := time.Now().Add(e2eTextWait)
	for {
		s.waitText(label)
		if all := outsideMenuBar(s.lastWords, findLabels(s.lastWords, label)); len(all) > 0 {
			if last {
				return lowest(all)
			}
			return all[0]
		}
		if time.Now().After(deadline) {
			s.failScreen(fmt.Sprintf("the label %q never showed on a line of its own", label))
		}
		time.Sleep(e2ePoll)
	}
}

// fillDialog is fill for a dialog's form: the lowest label, below the title
// bar and the page behind.
func (s *session) fillDialog(label, text string) {
	s.t.Helper()
	s.fillAt(s.waitLabel(label, true), text)
}

// fillAt types text into the field right of label and waits until it
// shows there; on a loaded machine a click can land before the field is
// ready, so a field still empty is clicked and typed once more.
func (s *session) fillAt(label box, text string) {
	s.t.Helper()
	_, y := label.centre()
	for try := 0; ; try++ {
		s.click(label.right+60, y)
		s.clearEntry()
		s.typeText(text)
		if s.isSecret(text) {
			return
		}
		if _, ok := s.pollText(text, 5*time.Second); ok || try == 1 {
			return
		}
	}
}

// isSecret is true for the passwords the scenarios type: a password entry
// shows dots, never the text.
func (s *session) isSecret(text string) bool {
	return strings.Contains(text, "-pass")
}

// clickDialogButton clicks a dialog's button: the word label on the line of
// the lowest Cancel, right of it, where edit dialogs put their confirm
// button.
func (s *session) clickDialogButton(label string) {
	s.t.Helper()
	deadline := time.Now().Add(e2eTextWait)
	for {
		s.waitText("Cancel")
		cancel := lowest(findPhraseAll(s.lastWords, "Cancel"))
		for _, b := range findPhraseAll(s.lastWords, label) {
			if b.left > cancel.right && b.top < cancel.bottom && b.bottom > cancel.top {
				s.click(b.centre())
				return
			}
		}
		if time.Now().After(deadline) {
			s.failScreen(fmt.Sprintf("no %q button beside the dialog's Cancel", label))
		}
		time.Sleep(e2ePoll)
	}
}

// lowest is the box nearest the bottom of the screen.
// outsideMenuBar leaves out the boxes on the main menu's line (File ...
// Help): the Chart menu's title is not a form's Chart label.
func outsideMenuBar(words []ocrWord, boxes []box) []box {
	var out []box
	for _, b := range boxes {
		menu := map[string]bool{}
		for _, w := range words {
			if cy := w.top + w.height/2; cy >= b.top && cy <= b.bottom {
				menu[norm(w.text)] = true
			}
		}
		if !(menu["file"] && menu["help"]) {
			out = append(out, b)
		}
	}
	return out
}

func lowest(all []box) box {
	last := all[0]
	for _, b := range all {
		if b.top > last.top {
			last = b
		}
	}
	return last
}

// choose opens the drop-down right of label and picks option.
func (s *session) choose(label, option string) {
	s.t.Helper()
	s.waitText(label)
	l := lowest(findPhraseAll(s.lastWords, label))
	_, y := l.centre()
	s.click(l.right+60, y)
	s.clickLast(option)
}

// patientByMRN reads a patient from the database.
func (s *session) patientByMRN(mrn string) records.Patient {
	s.t.Helper()
	var p records.Patient
	s.service(func(ctx context.Context, svc records.Service) {
		var err error
		if p, err = svc.PatientByMRN(ctx, mrn); err != nil {
			s.t.Fatalf("patient %s: %v", mrn, err)
		}
	})
	return p
}

// openChartByMRN opens a chart through Find.
func (s *session) openChartByMRN(p findPatient) {
	s.t.Helper()
	s.key("ctrl+f")
	s.typeText(p.mrn)
	s.waitText("1 match")
	s.key("Return")
	s.expectChartOpened(p.mrn, p.surname)
}

// freeMRN is a chart number no demo patient has.
func (s *session) freeMRN() string {
	s.t.Helper()
	for _, mrn := range []string{"90-87-65", "91-82-73", "93-84-75", "94-86-17"} {
		// where refuses a chart number no patient has.
		if out, _, err := s.cliAs(e2eClerk, "where", mrn); err != nil && strings.TrimSpace(out) == "" {
			return mrn
		}
	}
	s.t.Fatal("every candidate chart number is taken in the demo")
	return ""
}

// scenarioNewPatient: Find > New patient…, the form filled and created:
// `chartroom where` finds the new chart's first folder in file.
func scenarioNewPatient(c *e2eCase) {
	s := c.demoAs(e2eClerk)
	mrn := s.freeMRN()
	s.clickText("New patient")
	s.waitText("Last name")
	s.fillDialog("MRN", mrn)
	s.fillDialog("Last name", "Quenby")
	s.fillDialog("First name", "Ivo")
	s.fillDialog("Date of birth", "1980-04-02")
	s.clickLast("Create")
	s.waitGone("Last name")
	lines := s.where(mrn)
	if len(lines) != 1 || !strings.Contains(lines[0].name, "Quenby, Ivo") || lines[0].state != "in-file" {
		s.t.Errorf("chartroom where %s after New patient: %+v; want one folder of Quenby, Ivo in file", mrn, lines)
	}
}

// scenarioNewRequest: Requests > New request… for a chart and a doctor:
// the request is in the database.
func scenarioNewRequest(c *e2eCase) {
	s := c.demoAs(e2eClerk)
	p := s.uniquePatient("Bramble")
	day := records.DateOf(time.Now()).AddDays(2).String()
	s.key("ctrl+3")
	s.clickText("New request")
	s.waitText("Needed on")
	s.fillDialog("Chart", p.mrn)
	s.choose("Borrower", "Alder Testwood")
	s.fillDialog("Needed on", day)
	s.fillDialog("Time", "10:15")
	s.fillDialog("Reason", "e2e check")
	s.clickLast("Create")
	s.waitForRecord("a request for "+p.mrn+" on "+day+" in the database", func(ctx context.Context, svc records.Service) (bool, error) {
		reqs, err := svc.ListRequests(ctx, records.RequestFilter{})
		return slices.ContainsFunc(reqs, func(r records.Request) bool {
			return digits(r.MRN) == digits(p.mrn) && r.NeededOn.String() == day && r.Reason == "e2e check"
		}), err
	})
}

// scenarioBorrowers: a supervisor adds a borrower with a badge; `chartroom
// borrowers list` shows it.
func scenarioBorrowers(c *e2eCase) {
	s := c.demoAs(e2eSupervisor)
	s.key("ctrl+5")
	s.clickText("New borrower")
	s.waitText("Loan days")
	s.fillDialog("Name", "Dr. Ozzie Testfield")
	s.fillDialog("Badge", "B00999")
	s.clickLast("Create")
	s.waitFor("the new borrower in chartroom borrowers list", func() bool {
		out := s.cli("borrowers", "list")
		return strings.Contains(out, "Dr. Ozzie Testfield") && strings.Contains(out, "B00999")
	})
	s.shot("created")
}

// scenarioAdminUsers: Administration > Users > New user…: the new clerk can
// sign in on the command line.
func scenarioAdminUsers(c *e2eCase) {
	s := c.demoAs(e2eAdmin)
	s.adminTab("Users")
	s.clickText("New user")
	s.waitText("Password again")
	s.fillDialog("Username", "eddie")
	s.fillDialog("Display name", "Eddie Testclerk")
	s.fillDialog("Password", "eddie-pass-1")
	s.fillDialog("Password again", "eddie-pass-1")
	s.clickLast("Create")
	s.waitGone("Password again")
	if out, errOut, err := s.cliAs([2]string{"eddie", "eddie-pass-1"}, "where", "Bramble"); err != nil {
		s.t.Errorf("the new user cannot work on the command line: %v\n%s%s", err, out, errOut)
	}
}

// scenarioAdminLocations: a new top-level place is in the database.
func scenarioAdminLocations(c *e2eCase) {
	s := c.demoAs(e2eAdmin)
	s.adminTab("Locations")
	s.clickText("New top-level place")
	s.waitText("Kind")
	s.fillDialog("Name", "Annex Testroom")
	s.clickLast("Save")
	s.waitForRecord("the new place Annex Testroom in the database", func(ctx context.Context, svc records.Service) (bool, error) {
		locs, err := svc.ListLocations(ctx)
		return slices.ContainsFunc(locs, func(l records.Location) bool { return l.Name == "Annex Testroom" }), err
	})
}

// scenarioAdminRecordTypes: a new record type is in the database.
func scenarioAdminRecordTypes(c *e2eCase) {
	s := c.demoAs(e2eAdmin)
	s.adminTab("Record types")
	s.clickText("New record type")
	s.waitText("Colour")
	s.fillDialog("Name", "Consent forms")
	s.fillDialog("Code", "CF")
	s.fillDialog("Loan days", "7")
	s.fillDialog("Colour", "#336699")
	s.clickLast("Save")
	s.waitForRecord("the new record type Consent forms in the database", func(ctx context.Context, svc records.Service) (bool, error) {
		types, err := svc.ListRecordTypes(ctx)
		return slices.ContainsFunc(types, func(rt records.RecordType) bool { return rt.Name == "Consent forms" }), err
	})
}

// scenarioAdminSettings: the practice address saved on the Settings tab is
// the database's.
func scenarioAdminSettings(c *e2eCase) {
	s := c.demoAs(e2eAdmin)
	s.adminTab("Settings")
	s.fill("Practice address", "1 Testing Lane, Exampleton")
	s.clickText("Save settings")
	s.waitForRecord("the practice address in the database", func(ctx context.Context, svc records.Service) (bool, error) {
		st, err := svc.Settings(ctx)
		return st.PracticeAddress == "1 Testing Lane, Exampleton", err
	})
	s.shot("saved")
}

// scenarioAdminRetentionPolicy: the adults' retention years saved on the
// Retention tab are the database's.
func scenarioAdminRetentionPolicy(c *e2eCase) {
	s := c.demoAs(e2eAdmin)
	s.adminTab("Retention")
	s.fill("Adults: years after last visit", "12")
	s.clickText("Save the policy")
	s.waitForRecord("12 adult years in the database's retention policy", func(ctx context.Context, svc records.Service) (bool, error) {
		st, err := svc.Settings(ctx)
		return st.Retention.AdultYears == 12, err
	})
	s.shot("saved")
}

// scenarioAdminMerge: a supervisor merges one chart into another; the
// retired chart is merged into the survivor in the database.
func scenarioAdminMerge(c *e2eCase) {
	s := c.demoAs(e2eSupervisor)
	retired := s.uniquePatient("Bramble")
	survivor := s.uniquePatient("S")
	s.adminTab("Merge")
	s.fill("Duplicate (retired)", retired.mrn)
	s.fill("Survivor", survivor.mrn)
	s.clickText("Compare")
	s.waitText(survivor.surname)
	// The lowest "Merge": the button under the comparison, not the tab.
	s.clickLast("Merge")
	s.waitText("Note")
	s.fillDialog("Note", "same person registered twice (e2e)")
	s.clickDialogButton("Merge")
	// A retired chart number finds its survivor from now on.
	s.waitFor("chart "+retired.mrn+" merged into "+survivor.mrn, func() bool {
		return digits(s.patientByMRN(retired.mrn).MRN) == digits(survivor.mrn)
	})
	s.shot("merged")
}

// scenarioRetention: a supervisor reviews the folders the policy allows to
// destroy today, selects those in file and records their destruction; the
// audit log has the new destruction batch.
func scenarioRetention(c *e2eCase) {
	s := c.demoAs(e2eSupervisor)
	batches := func() int {
		n := 0
		for _, e := range s.auditEvents() {
			if e.Entity == "destruction-batch" && e.Action != records.AuditView {
				n++
			}
		}
		return n
	}
	before := batches()
	s.key("ctrl+8")
	s.clickText("Review")
	s.waitText("Select all in file")
	s.shot("reviewed")
	s.clickText("Select all in file")
	// Record destruction… is white on red, which the OCR threshold loses;
	// it stands right of Select none.
	s.clickRightOf("Select none", 80)
	s.waitText("Witness")
	s.fillDialog("Method", "cross-cut shredding (e2e)")
	s.fillDialog("Destroyed by", "Sam Supervisor")
	s.fillDialog("Witness", "Avery Admin")
	s.clickLast("Continue")
	// "Destroy N folders" is white on red too; it stands right of Go back.
	s.waitText("This cannot be undone")
	s.clickRightOf("Go back", 100)
	s.waitFor("a destruction batch recorded in the audit log", func() bool { return batches() > before })
	s.shot("destroyed")
}

// scenarioShelfAudit: a clerk chooses the record room at the shelf audit
// (Ctrl+9), scans two of its folders, and makes the records agree with the
// shelf (a destructive, confirmed action): `chartroom where` then reports a
// folder of the record room that was not scanned as missing, and the
// scanned ones still in file.
func scenarioShelfAudit(c *e2eCase) {
	s := c.demoAs(e2eClerk)
	var scanned []whereLine
	var notScanned whereLine
	for _, l := range s.where("T") {
		if l.state != "in-file" || l.place != "Record room" {
			continue
		}
		if len(scanned) < 2 {
			scanned = append(scanned, l)
		} else if notScanned.barcode == "" {
			notScanned = l
		}
	}
	if notScanned.barcode == "" {
		s.t.Fatal("fewer than three demo folders in file in the record room")
	}
	s.key("ctrl+7")
	s.clickText("Choose the location to audit")
	// The option "Record room" itself, not "Record room > X-ray cabinet".
	s.click(s.waitLabel("Record room", true).centre())
	s.waitText("Record room")
	for _, l := range scanned {
		s.scan(l.barcode)
	}
	s.waitText("2 scanned")
	// The button, below the screen's help text that names it too.
	s.clickLast("Mark missing and found")
	s.waitText("Make the records agree with the shelf")
	// "Mark N missing, M found" is white on red, which OCR cannot read;
	// it stands right of the dialog's Cancel, which has the focus.
	s.clickRightOf("Cancel", 100)
	s.waitFor("chartroom where: "+notScanned.barcode+" missing", func() bool {
		return s.folderState(notScanned.barcode).state == "missing"
	})
	for _, l := range scanned {
		if st := s.folderState(l.barcode).state; st != "in-file" {
			s.t.Errorf("after the shelf audit the scanned folder %s is %s; want in-file", l.barcode, st)
		}
	}
	s.shot("applied")
}

// scenarioDisclosures: a disclosure recorded from a chart is listed by
// `chartroom disclosures list`.
func scenarioDisclosures(c *e2eCase) {
	s := c.demoAs(e2eSupervisor)
	p := s.uniquePatient("Bramble")
	s.openChartByMRN(p)
	s.clickText("Disclosures")
	s.clickText("Add disclosure")
	s.waitText("Recipient")
	s.fillDialog("Recipient", "Examplestate Insurance (fictitious)")
	s.fillDialog("Address", "2 Claim Road, Exampleton")
	s.fillDialog("Description", "visit notes 2025")
	s.fillDialog("Purpose", "claim review")
	s.clickLast("Record")
	s.waitFor("the disclosure in chartroom disclosures list", func() bool {
		out, _, _ := s.cliAs(e2eAdmin, "disclosures", "list", p.mrn)
		return strings.Contains(out, "Examplestate Insurance")
	})
}

// scenarioLegalHold: a supervisor puts a chart on legal hold from the chart
// view; the database has the hold.
func scenarioLegalHold(c *e2eCase) {
	s := c.demoAs(e2eSupervisor)
	p := s.uniquePatient("Bramble")
	s.openChartByMRN(p)
	s.clickText("Legal hold")
	s.waitText("Put on hold")
	s.fillDialog("Reason", "case 2026-TEST-1")
	s.clickLast("Put on hold")
	s.waitFor("chart "+p.mrn+" on legal hold", func() bool { return s.patientByMRN(p.mrn).LegalHold })
	s.shot("on hold")
}
