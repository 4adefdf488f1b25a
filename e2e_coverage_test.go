package main

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// e2eScenario names one end-to-end scenario (e2e_scenarios_test.go, build
// tag e2e), the ui files whose screens it drives, and whether it also runs
// at the narrow screen size. This table is the one list both the suite and
// TestE2EScreenCoverage read, and the README's table follows it.
type e2eScenario struct {
	name   string
	covers []string // ui/*.go files
	narrow bool     // also at 1024x768
}

var e2eScenarios = []e2eScenario{
	{"SignIn", []string{"signin.go", "mainwindow.go", "status.go", "idle.go"}, true},
	{"FindByName", []string{"find.go", "chart.go", "table.go"}, true},
	{"FindByChartNumber", []string{"find.go", "chart.go"}, false},
	{"FindByScannedBarcode", []string{"find.go", "chart.go"}, false},
	{"ScanStationCheckOutCheckIn", []string{"scan.go", "bigtheme.go", "background.go", "coalesce.go"}, true},
	{"ReportSaveAs", []string{"reports.go", "output.go", "filedialog.go"}, true},
	{"ReportFilterForm", []string{"reports.go", "filedialog.go"}, true},
	{"BackupToFolder", []string{"admin.go", "admin_backup.go", "filedialog.go"}, false},
	{"RestoreBackup", []string{"admin_backup.go", "filedialog.go"}, false},
	{"ImportAppointments", []string{"requests.go", "found.go", "filedialog.go"}, false},
	{"FirstRun", []string{"firstrun.go", "startup_check.go", "autobackup.go"}, false},
	{"DamagedDatabaseRestore", []string{"signin.go", "errors.go", "filedialog.go"}, false},
	{"NewPatient", []string{"patient.go", "formdialog.go", "layout.go"}, false},
	{"NewRequest", []string{"requests.go", "format.go"}, false},
	{"Borrowers", []string{"borrowers.go"}, false},
	{"AdminUsers", []string{"admin_users.go"}, false},
	{"AdminLocations", []string{"admin_locations.go"}, false},
	{"AdminRecordTypes", []string{"admin_types.go"}, false},
	{"AdminSettings", []string{"admin_settings.go"}, false},
	{"AdminRetentionPolicy", []string{"admin_retention.go"}, false},
	{"AdminMerge", []string{"admin_merge.go"}, false},
	{"Retention", []string{"retention.go"}, false},
	{"ShelfAudit", []string{"shelfaudit.go"}, true},
	{"Disclosures", []string{"disclosures.go"}, false},
	{"LegalHold", []string{"chart_hold.go", "chart.go"}, false},
	{"FindEnterWhileTyping", []string{"find.go", "found.go", "table.go"}, true},
	{"ScanTwiceAndLock", []string{"scan.go", "idle.go", "signin.go", "ui.go"}, false},
	{"RequestBadTime", []string{"requests.go"}, false},
	{"SettingsAskBeforeRenumbering", []string{"admin_settings.go"}, false},
	{"NewPatientDuplicate", []string{"patient.go", "formdialog.go"}, false},
	{"LooseFilingShowsWhose", []string{"loose.go"}, false},
	{"PrintAsksPageCount", []string{"reports.go", "output.go"}, false},
	{"ShelfAuditSection", []string{"shelfaudit.go"}, false},
	{"BackupPassphrase", []string{"admin_backup_places.go", "admin_backup.go"}, false},
	{"FirstDayChecklist", []string{"firstday.go", "mainwindow.go"}, true},
	{"ImportPatients", []string{"import.go", "admin.go", "filedialog.go"}, true},
	{"OverdueWorklist", []string{"overdue.go", "output.go"}, true},
	{"ChartKeys", []string{"chart.go", "keys.go", "mainwindow.go"}, true},
	{"ChartAfterChart", []string{"chart.go", "mainwindow.go", "table.go"}, false},
	{"RequestsMarkAllPulled", []string{"requests.go", "table.go"}, true},
	{"StatusBarAndShortcuts", []string{"status.go", "mainwindow.go", "window.go", "keys.go"}, true},
	{"TwoWorkstationsOnOneServer", []string{"live.go", "status.go", "scan.go"}, true},
	{"ConnectPracticeServer", []string{"serverform.go", "firstrun.go", "signin.go"}, true},
}

// e2eNotScreens are the ui files that draw no screen of their own, each
// with the reason; every other non-test file of ui/ must be covered by a
// scenario.
var e2eNotScreens = map[string]string{
	"ui.go":              "the shell that every scenario starts through (Start, sign-in switch)",
	"guard.go":           "the panic guard draws only a message; every scenario fails on a panic in the app's log, and TestGuardKeepsTheWindowAlive (ui) triggers one on purpose",
	"console_other.go":   "draws nothing: hides the console window of the print command on Windows, a no-op elsewhere",
	"console_windows.go": "draws nothing: hides the console window of the print command; the Windows GUI is driven under Wine by .ci/windows.sh",
}

// TestE2EScreenCoverage fails when a ui file that draws a screen has no
// end-to-end scenario, so a new screen cannot ship untested by the suite.
func TestE2EScreenCoverage(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("ui", "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	covered := map[string][]string{}
	seen := map[string]bool{}
	for _, sc := range e2eScenarios {
		if seen[sc.name] {
			t.Errorf("scenario %s is listed twice", sc.name)
		}
		seen[sc.name] = true
		for _, f := range sc.covers {
			covered[f] = append(covered[f], sc.name)
		}
	}
	exists := map[string]bool{}
	var missing []string
	for _, path := range files {
		name := filepath.Base(path)
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		exists[name] = true
		if _, ok := e2eNotScreens[name]; ok {
			continue
		}
		if len(covered[name]) == 0 {
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	for _, name := range missing {
		t.Errorf("ui/%s has no end-to-end scenario: add one to e2eScenarios (e2e_coverage_test.go) and e2e_scenarios_test.go, or, if it draws no screen, list it in e2eNotScreens with the reason", name)
	}
	for name := range covered {
		if !exists[name] {
			t.Errorf("a scenario claims to cover ui/%s, which does not exist", name)
		}
	}
	for name := range e2eNotScreens {
		if !exists[name] {
			t.Errorf("e2eNotScreens names ui/%s, which does not exist", name)
		}
	}
	if _, err := os.Stat("e2e_scenarios_test.go"); err != nil {
		t.Errorf("the scenarios file: %v", err)
	}
}
