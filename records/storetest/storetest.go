// Package storetest is the contract every Chartroom store keeps: one suite of
// tests that says what the records services must do, run against each store
// from that store's own tests (records/sqlite's TestContract; records/postgres
// runs the tests it passes by name with RunNamed while it is being built). A behaviour that differs between
// the stores is a bug in one of them.
//
// A store runs the suite with Run, giving it a way to make an empty
// database and open stores on it; tests of a store's own internals (files,
// crash safety, migrations from its old versions, bulk loading) stay with
// the store.
package storetest

import (
	"testing"
	"time"

	"github.com/chartroom/chartroom/records"
)

// Database is one test's empty database, as its store gives it to the
// suite.
type Database struct {
	// Open opens one more store on the database with the clock now, as
	// another workstation would; the store is closed when t ends.
	Open func(t testing.TB, now func() time.Time) records.Service
	// Fingerprint is every row of every table, read without changing
	// anything: two equal fingerprints are the same records. Each table
	// is a line starting with its name, then its rows, each a line in
	// double quotes (%q), so a test can leave tables out.
	Fingerprint func(t testing.TB) string
}

// NewDatabase makes an empty database for one test, removed when t ends.
type NewDatabase func(t *testing.T) Database

// contract lists the suite's tests by name.
var contract = []struct {
	name string
	test func(*testing.T, NewDatabase)
}{
	{"LocationsTree", testLocationsTree},
	{"RecordTypesAndBorrowers", testRecordTypesAndBorrowers},
	{"ListVolumesAndCounts", testListVolumesAndCounts},
	{"AuditChainVerifies", testAuditChainVerifies},
	{"AuditOfViewsAndChanges", testAuditOfViewsAndChanges},
	{"ManualDisclosuresAndAccountingRequests", testManualDisclosuresAndAccountingRequests},
	{"MissingFolderFoundByAnyScan", testMissingFolderFoundByAnyScan},
	{"CreatePatientRefusesALikelyDuplicate", testCreatePatientRefusesALikelyDuplicate},
	{"PullingARequestWhoseFolderIsOut", testPullingARequestWhoseFolderIsOut},
	{"LooseFiling", testLooseFiling},
	{"MergeThenUndoLeavesTheDatabaseAsItWas", testMergeThenUndoLeavesTheDatabaseAsItWas},
	{"UndoMergeAfterLaterChanges", testUndoMergeAfterLaterChanges},
	{"WorkstationsRaceForOneChart", testWorkstationsRaceForOneChart},
	{"ImportPatients", testImportPatients},
	{"ImportAppointmentsAndRequests", testImportAppointmentsAndRequests},
	{"ImportStopsPartWay", testImportStopsPartWay},
	{"ImportIntoEmptyPractice", testImportIntoEmptyPractice},
	{"ImportMatchesOnExternalIDsAndAssignsChartNumbers", testImportMatchesOnExternalIDsAndAssignsChartNumbers},
	{"ImportAssignsNoNumberBeyondTheWidth", testImportAssignsNoNumberBeyondTheWidth},
	{"ExternalIDsAreFoundAndUnique", testExternalIDsAreFoundAndUnique},
	{"ImportAppointmentsFindsPatientsAndProviders", testImportAppointmentsFindsPatientsAndProviders},
	{"UpdatePatient", testUpdatePatient},
	{"CheckOutAndIn", testCheckOutAndIn},
	{"CheckOutRules", testCheckOutRules},
	{"MissingFoundTransfer", testMissingFoundTransfer},
	{"MovesReturnTheStoredFolder", testMovesReturnTheStoredFolder},
	{"WorkstationsRaceForOneFolder", testWorkstationsRaceForOneFolder},
	{"AnotherWorkstationsChangesAreHeard", testAnotherWorkstationsChangesAreHeard},
	{"RetentionPresets", testRetentionPresets},
	{"LegalHold", testLegalHold},
	{"ReviewRetention", testReviewRetention},
	{"RecordDestruction", testRecordDestruction},
	{"Search", testSearch},
	{"Where", testWhere},
	{"Initialize", testInitialize},
	{"SecurityEveryMethodChecksTheRole", testSecurityEveryMethodChecksTheRole},
	{"SignInLockout", testSignInLockout},
	{"AdminUnlocksAndPasswords", testAdminUnlocksAndPasswords},
	{"RolesEnforced", testRolesEnforced},
	{"BackupWritesACheckedPrivateCopy", testBackupWritesACheckedPrivateCopy},
	{"BackupPassphrase", testBackupPassphrase},
	{"CheckIntegrityOfASoundPractice", testCheckIntegrityOfASoundPractice},
	{"AutoBackupOncePerDayAndKeeps", testAutoBackupOncePerDayAndKeeps},
	{"CheckBackupsNoticesADamagedBackup", testCheckBackupsNoticesADamagedBackup},
	{"ShelfAuditFindings", testShelfAuditFindings},
	{"ApplyShelfAudit", testApplyShelfAudit},
	{"ApplyShelfAuditOfASection", testApplyShelfAuditOfASection},
}

// Run runs the whole contract against the store newDB opens, each test as
// a subtest named after it, one after another: a store under test may
// share one server between its tests.
func Run(t *testing.T, newDB NewDatabase) {
	for _, c := range contract {
		t.Run(c.name, func(t *testing.T) { c.test(t, newDB) })
	}
}

// RunNamed runs the contract's tests of the given names, in the suite's
// order, each as a subtest named after it: for a store still being built,
// which lists the tests it passes. A name the suite does not have fails t,
// so a list cannot claim a test that is not run.
func RunNamed(t *testing.T, newDB NewDatabase, names ...string) {
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	for _, c := range contract {
		if want[c.name] {
			delete(want, c.name)
			t.Run(c.name, func(t *testing.T) { c.test(t, newDB) })
		}
	}
	for n := range want {
		t.Errorf("the contract has no test named %q", n)
	}
}

// Names lists the contract's tests in the order Run runs them.
func Names() []string {
	out := make([]string, len(contract))
	for i, c := range contract {
		out[i] = c.name
	}
	return out
}
