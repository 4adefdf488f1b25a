package storetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chartroom/chartroom/records"
)

// mergeBookkeeping are the tables a merge and its undo write to on top of
// the data they move: the log of merges and the audit trail.
var mergeBookkeeping = []string{"merges", "merge_moves", "audit", "audit_checkpoint"}

// tablesExcept is the database's fingerprint by table, without the tables
// named: a fingerprint gives each table a line starting with its name,
// followed by its rows, each a line in double quotes.
func (f *Fixture) tablesExcept(skip ...string) map[string]string {
	f.T.Helper()
	out := map[string]string{}
	table := ""
	for _, line := range strings.SplitAfter(f.db.Fingerprint(f.T), "\n") {
		if line == "" {
			continue
		}
		if !strings.HasPrefix(line, `"`) {
			table, _, _ = strings.Cut(strings.TrimSpace(line), " ")
		}
		if !slices.Contains(skip, table) {
			out[table] += line
		}
	}
	return out
}

// DuplicateCharts builds two charts of one made-up person, each with
// folders, history, a request, loose papers, a disclosure and an
// accounting request; the retired chart's second folder is out to a doctor.
func (f *Fixture) DuplicateCharts() (retired, survivor records.Patient) {
	t := f.T
	t.Helper()
	retired = f.Patient("100001", "Doe", "Jan")
	survivor = f.DuplicatePatient("200002", retired)
	lawyer := f.Borrower(records.Borrower{Name: "Quill & Ink LLP", Kind: records.BorrowerExternal, Address: "1 Example Plaza"})
	today := records.DateOf(f.Clock.Now())
	for _, p := range []records.Patient{retired, survivor} {
		if _, err := f.S.AddVolume(f.Clerk, records.Volume{PatientID: p.ID}); err != nil {
			t.Fatal(err)
		}
		v := f.FirstVolume(p)
		if _, err := f.S.CheckOut(f.Clerk, records.CheckOutInput{Barcode: v.Barcode, BorrowerID: lawyer.ID, Note: "subpoena " + p.MRN, Purpose: records.PurposeLegal}); err != nil {
			t.Fatal(err)
		}
		f.Clock.Advance(time.Hour)
		if _, err := f.S.CheckIn(f.Clerk, v.Barcode); err != nil {
			t.Fatal(err)
		}
		if _, err := f.S.CreateRequest(f.Clerk, records.Request{PatientID: p.ID, BorrowerID: f.DrGrey.ID, NeededOn: today.AddDays(2), Reason: "visit " + p.MRN}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.S.AddLooseFiling(f.Clerk, records.LooseFiling{PatientID: p.ID, Description: "Lab results " + p.MRN}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.S.LogAccountingRequest(f.Clerk, records.AccountingRequest{PatientID: p.ID, RequestedBy: "the patient"}); err != nil {
			t.Fatal(err)
		}
	}
	// The retired chart's second folder is out to a doctor during the merge.
	vs, _ := f.S.VolumesOfPatient(f.Clerk, retired.ID)
	if _, err := f.S.CheckOut(f.Clerk, records.CheckOutInput{Barcode: vs[1].Barcode, BorrowerID: f.DrStone.ID}); err != nil {
		t.Fatal(err)
	}
	return retired, survivor
}

func historyText(t *testing.T, f *Fixture, patientID records.ID) string {
	t.Helper()
	h, err := f.S.History(f.Clerk, records.HistoryFilter{PatientID: patientID})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, m := range h {
		fmt.Fprintf(&b, "%d %s %s %s %s\n", m.ID, m.Kind, m.Barcode, m.VolumeLabel, m.MRN)
	}
	return b.String()
}

func testMergeThenUndoLeavesTheDatabaseAsItWas(t *testing.T, db NewDatabase) {
	f := newFixture(t, db)
	retired, survivor := f.DuplicateCharts()
	third := f.DuplicatePatient("300003", retired)
	before := f.tablesExcept(mergeBookkeeping...)
	histRetired, histSurvivor := historyText(t, f, retired.ID), historyText(t, f, survivor.ID)
	retiredVols, _ := f.S.VolumesOfPatient(f.Clerk, retired.ID)

	// Roles: a clerk may not merge.
	_, err := f.S.MergePatients(f.Clerk, retired.MRN, survivor.MRN, "")
	WantCode(t, err, records.EForbidden)

	pv, err := f.S.PreviewMerge(f.Supervisor, "10-00-01", "20-00-02")
	if err != nil || pv.Refusal != nil {
		t.Fatalf("preview: %+v %v", pv, err)
	}
	if len(pv.Retired.Volumes) != 2 || pv.Retired.Requests != 1 || pv.Retired.Loose != 1 || pv.Retired.Disclosures != 1 ||
		pv.Retired.AccountingRequests != 1 || pv.Retired.Movements == 0 || len(pv.Renumber) != 2 {
		t.Fatalf("preview %+v", pv)
	}

	f.Clock.Advance(time.Hour)
	m, err := f.S.MergePatients(f.Supervisor, retired.MRN, survivor.MRN, "same person, registered twice")
	if err != nil {
		t.Fatal(err)
	}
	want := records.MergeCounts{Volumes: 2, Renumbered: 2, Requests: 1, Loose: 1, Disclosures: 1, AccountingRequests: 1}
	if m.Moved != want || m.RetiredMRN != retired.MRN || m.SurvivorMRN != survivor.MRN || m.MergedByName != "sam" {
		t.Fatalf("merge %+v", m)
	}

	// The survivor holds everything; folders keep their barcodes and
	// follow the survivor's numbers; their history came along.
	vs, _ := f.S.VolumesOfPatient(f.Clerk, survivor.ID)
	if len(vs) != 4 {
		t.Fatalf("survivor has %d folders", len(vs))
	}
	numbers := map[string]int{}
	for _, v := range vs {
		numbers[v.Barcode] = v.Number
	}
	if numbers[retiredVols[0].Barcode] != 3 || numbers[retiredVols[1].Barcode] != 4 {
		t.Fatalf("renumbered %v", numbers)
	}
	if h := historyText(t, f, survivor.ID); strings.Count(h, "\n") != strings.Count(histRetired+histSurvivor, "\n") {
		t.Fatalf("survivor history:\n%s", h)
	}
	if got, _ := f.S.ListDisclosures(f.Clerk, records.DisclosureFilter{PatientID: survivor.ID}); len(got) != 2 {
		t.Fatalf("survivor disclosures %d", len(got))
	}

	// The retired chart number still finds the survivor, everywhere.
	p, err := f.S.PatientByMRN(f.Clerk, "10-00-01")
	if err != nil || p.ID != survivor.ID {
		t.Fatalf("PatientByMRN(retired) = %+v %v", p, err)
	}
	hits, err := f.S.Search(f.Clerk, "100001", 10)
	if err != nil || len(hits) == 0 || hits[0].ID != survivor.ID || hits[0].MatchedBy != "merged" {
		t.Fatalf("Search(retired) = %+v %v", hits, err)
	}
	where, err := f.S.Where(f.Clerk, "100001")
	if err != nil || len(where) != 4 || where[0].MRN != survivor.MRN {
		t.Fatalf("Where(retired) = %+v %v", where, err)
	}
	if v, err := f.S.VolumeByBarcode(f.Clerk, retiredVols[0].Barcode); err != nil || v.PatientID != survivor.ID {
		t.Fatalf("scan of a moved folder: %+v %v", v, err)
	}
	// Merged charts drop out of name search: one Doe, Jan.
	if hits, _ := f.S.Search(f.Clerk, "doe, jan", 10); len(hits) != 2 || hits[0].ID != survivor.ID || hits[1].ID != third.ID {
		t.Fatalf("name search %+v", hits)
	}

	// Refusals.
	for _, tc := range []struct{ name, retired, survivor string }{
		{"same chart", survivor.MRN, survivor.MRN},
		{"already merged", retired.MRN, third.MRN},
		{"survivor merged", third.MRN, retired.MRN},
		{"would chain", survivor.MRN, third.MRN},
	} {
		_, err := f.S.MergePatients(f.Supervisor, tc.retired, tc.survivor, "")
		if records.ErrorCode(err) != records.EConflict {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	_, err = f.S.MergePatients(f.Supervisor, "999999", survivor.MRN, "")
	WantCode(t, err, records.ENotFound)

	// Roles: a supervisor may not undo.
	_, err = f.S.UndoMerge(f.Supervisor, m.ID, "")
	WantCode(t, err, records.EForbidden)

	f.Clock.Advance(time.Hour)
	u, err := f.S.UndoMerge(f.Admin, m.ID, "two different people after all")
	if err != nil {
		t.Fatal(err)
	}
	if !u.Undone() || u.UndoneByName != "ada" || u.UndoNote != "two different people after all" {
		t.Fatalf("undo %+v", u)
	}
	after := f.tablesExcept(mergeBookkeeping...)
	for table, b := range before {
		if after[table] != b {
			t.Errorf("table %s differs after merge and undo:\nbefore %s\nafter  %s", table, b, after[table])
		}
	}
	if len(after) != len(before) {
		t.Errorf("%d tables before, %d after", len(before), len(after))
	}
	if h := historyText(t, f, retired.ID); h != histRetired {
		t.Errorf("retired history\n%s\nwant\n%s", h, histRetired)
	}
	if h := historyText(t, f, survivor.ID); h != histSurvivor {
		t.Errorf("survivor history\n%s\nwant\n%s", h, histSurvivor)
	}
	_, err = f.S.UndoMerge(f.Admin, m.ID, "")
	WantCode(t, err, records.EConflict)

	ms, err := f.S.ListMerges(f.Supervisor)
	if err != nil || len(ms) != 1 || !ms[0].Undone() {
		t.Fatalf("ListMerges %+v %v", ms, err)
	}
	ev, _ := f.S.ListAudit(f.Supervisor, records.AuditFilter{Entity: "patient", EntityID: retired.ID, Limit: 1})
	if len(ev) != 1 || ev[0].Action != records.AuditUnmerge {
		t.Fatalf("undo not audited: %+v", ev)
	}
	if problem, _, err := f.S.VerifyAudit(f.Admin, true); problem != nil || err != nil {
		t.Fatalf("audit chain: %+v %v", problem, err)
	}
}

func testUndoMergeAfterLaterChanges(t *testing.T, db NewDatabase) {
	f := newFixture(t, db)
	retired, survivor := f.DuplicateCharts()
	retiredVols, _ := f.S.VolumesOfPatient(f.Clerk, retired.ID)
	if _, err := f.S.SetLegalHold(f.Supervisor, retired.ID, true, "Case 25-9 (fictitious)"); err != nil {
		t.Fatal(err)
	}
	m, err := f.S.MergePatients(f.Supervisor, retired.MRN, survivor.MRN, "")
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := f.S.Patient(f.Clerk, survivor.ID); !p.LegalHold {
		t.Fatal("the retired chart's legal hold did not carry to the survivor")
	}
	// After the merge: a request for a moved folder, and one for the
	// survivor's own chart. The first goes back with its folder.
	today := records.DateOf(f.Clock.Now())
	forMoved, err := f.S.CreateRequest(f.Clerk, records.Request{VolumeID: retiredVols[0].ID, BorrowerID: f.DrStone.ID, NeededOn: today})
	if err != nil {
		t.Fatal(err)
	}
	forSurvivor, err := f.S.CreateRequest(f.Clerk, records.Request{PatientID: survivor.ID, BorrowerID: f.DrStone.ID, NeededOn: today})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.S.UndoMerge(f.Admin, m.ID, ""); err != nil {
		t.Fatal(err)
	}
	r1, _ := f.S.ListRequests(f.Clerk, records.RequestFilter{VolumeID: retiredVols[0].ID})
	r2, _ := f.S.ListRequests(f.Clerk, records.RequestFilter{PatientID: survivor.ID})
	if len(r1) != 1 || r1[0].ID != forMoved.ID || r1[0].PatientID != retired.ID {
		t.Fatalf("request for a moved folder: %+v", r1)
	}
	found := false
	for _, r := range r2 {
		found = found || r.ID == forSurvivor.ID
	}
	if !found {
		t.Fatalf("the survivor's own new request left it: %+v", r2)
	}
	if p, _ := f.S.Patient(f.Clerk, survivor.ID); p.LegalHold {
		t.Fatal("the carried legal hold stayed on the survivor")
	}
	if p, _ := f.S.Patient(f.Clerk, retired.ID); p.Status != records.PatientActive || !p.LegalHold {
		t.Fatalf("retired after undo %+v", p)
	}
}

// UndoRefusedWhenAFolderChanged merges two charts, has renumber give a
// moved folder another number behind the store's back (as SQL from another
// program would), and checks that the undo is refused as not exact: a
// store's own test, since only the store can reach its rows that way.
func UndoRefusedWhenAFolderChanged(t *testing.T, f *Fixture, renumber func(volumeID records.ID, number int)) {
	t.Helper()
	retired, survivor := f.DuplicateCharts()
	vols, err := f.S.VolumesOfPatient(f.Clerk, retired.ID)
	if err != nil {
		t.Fatal(err)
	}
	m, err := f.S.MergePatients(f.Supervisor, retired.MRN, survivor.MRN, "")
	if err != nil {
		t.Fatal(err)
	}
	renumber(vols[0].ID, 99)
	_, err = f.S.UndoMerge(f.Admin, m.ID, "")
	WantCode(t, err, records.EConflict)
	if want := fmt.Sprintf("merge #%d cannot be undone exactly: volume %d it moved to chart %s has changed since", m.ID, vols[0].ID, survivor.MRN); !strings.Contains(err.Error(), want) {
		t.Fatalf("refusal %q, want %q", err, want)
	}
	if p, _ := f.S.Patient(f.Clerk, retired.ID); p.Status != records.PatientMerged {
		t.Fatalf("a refused undo changed the retired chart: %+v", p)
	}
}
