package sqlite

import (
	"strings"
	"testing"
	"time"

	"github.com/chartroom/chartroom/records"
)

func countRows(t *testing.T, f *fixture, table string) int {
	t.Helper()
	var n int
	if err := f.s.r.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCheckOutToOutsidePartyRecordsDisclosure(t *testing.T) {
	f := newFixture(t)
	lawyer := f.borrower(records.Borrower{Name: "Quill & Ink LLP", Kind: records.BorrowerExternal, Address: "1 Example Plaza, Springfield"})
	p := f.patient("123456", "Testwell", "Ada")
	v := f.firstVolume(p)

	// No purpose: refused, naming the field, and nothing is saved.
	movesBefore := countRows(t, f, "movements")
	_, err := f.s.CheckOutScan(f.clerk, records.CheckOutInput{Barcode: v.Barcode, BorrowerID: lawyer.ID, Note: "  "})
	wantCode(t, err, records.EInvalid)
	if records.ErrorField(err) != "Purpose" || !strings.Contains(err.Error(), "Quill & Ink LLP") {
		t.Fatalf("refusal %q (field %q)", err, records.ErrorField(err))
	}
	if n := countRows(t, f, "disclosures"); n != 0 {
		t.Fatalf("%d disclosures after a refused check-out", n)
	}
	if n := countRows(t, f, "movements"); n != movesBefore {
		t.Fatalf("movements %d -> %d after a refused check-out", movesBefore, n)
	}
	if got, _ := f.s.Volume(f.clerk, v.ID); got.State != records.StateInFile {
		t.Fatalf("refused check-out moved the folder: %s", got.State)
	}

	// With a purpose: out, and one disclosure in the same transaction.
	res, err := f.s.CheckOutScan(f.clerk, records.CheckOutInput{Barcode: v.Barcode, BorrowerID: lawyer.ID, Note: "subpoena in Doe v. Roe", Purpose: records.PurposeLegal})
	if err != nil {
		t.Fatal(err)
	}
	if res.Volume.State != records.StateCheckedOut || res.Disclosure == nil {
		t.Fatalf("result %+v", res)
	}
	d := res.Disclosure
	if d.PatientID != p.ID || d.Recipient != lawyer.Name || d.Address != lawyer.Address || d.Purpose != "subpoena in Doe v. Roe" ||
		d.Category != records.PurposeLegal || d.VolumeID != v.ID || d.Source != records.DisclosureCheckOut || d.Username != "cleo" ||
		d.Date.String() != "2025-03-10" || !strings.Contains(d.Description, v.Barcode) {
		t.Fatalf("disclosure %+v", d)
	}
	list, err := f.s.ListDisclosures(f.clerk, records.DisclosureFilter{PatientID: p.ID})
	if err != nil || len(list) != 1 || list[0].ID != d.ID {
		t.Fatalf("ListDisclosures: %+v %v", list, err)
	}

	// Inside borrowers and offsite storage: no purpose needed, no disclosure.
	p2 := f.patient("123457", "Testwell", "Bo")
	for _, b := range []records.Borrower{f.drGrey, f.offsite} {
		v2 := f.firstVolume(p2)
		res, err := f.s.CheckOutScan(f.clerk, records.CheckOutInput{Barcode: v2.Barcode, BorrowerID: b.ID})
		if err != nil || res.Disclosure != nil {
			t.Fatalf("%s: %+v %v", b.Name, res, err)
		}
		if _, err := f.s.CheckIn(f.clerk, v2.Barcode); err != nil {
			t.Fatal(err)
		}
	}
	// A hand-off to an outside party is a disclosure too.
	v2 := f.firstVolume(p2)
	if _, err := f.s.CheckOut(f.clerk, records.CheckOutInput{Barcode: v2.Barcode, BorrowerID: f.drGrey.ID}); err != nil {
		t.Fatal(err)
	}
	_, err = f.s.CheckOutScan(f.clerk, records.CheckOutInput{Barcode: v2.Barcode, BorrowerID: lawyer.ID, HandOff: true})
	if records.ErrorField(err) != "Purpose" {
		t.Fatalf("hand-off without purpose: %v", err)
	}
	res, err = f.s.CheckOutScan(f.clerk, records.CheckOutInput{Barcode: v2.Barcode, BorrowerID: lawyer.ID, HandOff: true, Note: "insurer review", Purpose: records.PurposePayment})
	if err != nil || res.Disclosure == nil || res.Disclosure.Reportable() {
		t.Fatalf("hand-off: %+v %v", res, err)
	}
	if n := countRows(t, f, "disclosures"); n != 2 {
		t.Fatalf("%d disclosures, want 2", n)
	}
	// Disclosures are evidence: the database refuses to rewrite them.
	if _, err := f.s.w.Exec("UPDATE disclosures SET recipient = 'someone else'"); err == nil {
		t.Fatal("a disclosure was rewritten")
	}
	if _, err := f.s.w.Exec("DELETE FROM disclosures"); err == nil {
		t.Fatal("a disclosure was deleted")
	}
}

func TestManualDisclosuresAndAccountingRequests(t *testing.T) {
	f := newFixture(t)
	p := f.patient("222333", "Nobody", "Nora")
	today := records.DateOf(f.clock.Now())

	_, err := f.s.AddDisclosure(f.clerk, records.Disclosure{PatientID: p.ID, Date: today, Recipient: "County Health Dept", Description: "Immunization record"})
	if records.ErrorField(err) != "Purpose" {
		t.Fatalf("no purpose: %v", err)
	}
	_, err = f.s.AddDisclosure(records.WithActor(f.clerk, records.Actor{}), records.Disclosure{})
	wantCode(t, err, records.EUnauthorized)
	for _, d := range []records.Disclosure{
		{PatientID: p.ID, Date: today.AddDays(-10), Recipient: "County Health Dept", Address: "5 Civic Way", Description: "Immunization record", Purpose: "outbreak report", Category: records.PurposePublicHealth},
		{PatientID: p.ID, Date: today.AddDays(-3), Recipient: "Dr. Elsewhere", Description: "Referral letter", Purpose: "referral", Category: records.PurposeTreatment},
	} {
		if _, err := f.s.AddDisclosure(f.clerk, d); err != nil {
			t.Fatal(err)
		}
	}
	ds, err := f.s.ListDisclosures(f.clerk, records.DisclosureFilter{PatientID: p.ID, From: today.AddDays(-5)})
	if err != nil || len(ds) != 1 || ds[0].Recipient != "Dr. Elsewhere" {
		t.Fatalf("filtered list: %+v %v", ds, err)
	}
	views, _ := f.s.ListAudit(f.supervisor, records.AuditFilter{Entity: "patient", EntityID: p.ID, Limit: 1})
	if len(views) != 1 || !strings.Contains(views[0].Detail, "disclosures") {
		t.Fatalf("the list was not audited as a view: %+v", views)
	}

	// A request for an accounting: due in 60 days, counted until answered.
	r, err := f.s.LogAccountingRequest(f.clerk, records.AccountingRequest{PatientID: p.ID, Received: today.AddDays(-61), RequestedBy: "the patient"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Due.String() != today.AddDays(-1).String() || !r.Open() || r.MRN != p.MRN {
		t.Fatalf("logged %+v", r)
	}
	if _, err := f.s.LogAccountingRequest(f.clerk, records.AccountingRequest{PatientID: p.ID}); err != nil {
		t.Fatal(err)
	}
	c, err := f.s.Counts(f.clerk)
	if err != nil || c.AccountingOpen != 2 || c.AccountingOverdue != 1 {
		t.Fatalf("counts %+v %v", c, err)
	}
	open, err := f.s.ListAccountingRequests(f.clerk, records.AccountingRequestFilter{OpenOnly: true})
	if err != nil || len(open) != 2 || open[0].ID != r.ID {
		t.Fatalf("open requests (overdue first): %+v %v", open, err)
	}
	_, err = f.s.AnswerAccountingRequest(f.clerk, r.ID, today, "mailed")
	wantCode(t, err, records.EForbidden)
	_, err = f.s.AnswerAccountingRequest(f.supervisor, r.ID, today.AddDays(1), "mailed")
	if records.ErrorField(err) != "Answered" {
		t.Fatalf("answered tomorrow: %v", err)
	}
	ans, err := f.s.AnswerAccountingRequest(f.supervisor, r.ID, today, " mailed to the patient ")
	if err != nil || ans.Open() || ans.AnswerNote != "mailed to the patient" || ans.AnsweredName != "sam" {
		t.Fatalf("answered %+v %v", ans, err)
	}
	_, err = f.s.AnswerAccountingRequest(f.supervisor, r.ID, today, "")
	wantCode(t, err, records.EConflict)
	if c, _ := f.s.Counts(f.clerk); c.AccountingOpen != 1 || c.AccountingOverdue != 0 {
		t.Fatalf("counts after answer %+v", c)
	}
	// The next day the remaining request is still within its 60 days.
	f.clock.Advance(24 * time.Hour)
	if c, _ := f.s.Counts(f.clerk); c.AccountingOpen != 1 || c.AccountingOverdue != 0 {
		t.Fatalf("counts next day %+v", c)
	}
}

func TestMissingFolderFoundByAnyScan(t *testing.T) {
	f := newFixture(t)
	p := f.patient("424242", "Quux", "Mona")
	v := f.firstVolume(p)
	req, err := f.s.CreateRequest(f.clerk, records.Request{PatientID: p.ID, BorrowerID: f.drStone.ID, NeededOn: records.DateOf(f.clock.Now()).AddDays(1)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.MarkMissing(f.clerk, v.ID, "not on the shelf"); err != nil {
		t.Fatal(err)
	}
	// Who and when: the missing movement.
	h, _ := f.s.History(f.clerk, records.HistoryFilter{VolumeID: v.ID, Limit: 1})
	if h[0].Kind != records.MoveMissing || h[0].Username != "cleo" || !h[0].At.Equal(f.clock.Now()) {
		t.Fatalf("missing movement %+v", h[0])
	}
	// Its open request is flagged.
	reqs, _ := f.s.ListRequests(f.clerk, records.RequestFilter{PatientID: p.ID})
	if len(reqs) != 1 || reqs[0].ID != req.ID || !reqs[0].FolderMissing() {
		t.Fatalf("request not flagged: %+v", reqs)
	}

	// A check-out scan finds it: found, then out, in one go.
	f.clock.Advance(time.Hour)
	res, err := f.s.CheckOutScan(f.clerk, records.CheckOutInput{Barcode: v.Barcode, BorrowerID: f.drGrey.ID})
	if err != nil {
		t.Fatal(err)
	}
	if !res.WasMissing || res.Volume.State != records.StateCheckedOut || res.Volume.BorrowerID != f.drGrey.ID {
		t.Fatalf("check-out of a missing folder: %+v", res)
	}
	h, _ = f.s.History(f.clerk, records.HistoryFilter{VolumeID: v.ID, Limit: 2})
	if h[0].Kind != records.MoveCheckOut || h[1].Kind != records.MoveFound || h[1].Note != "scanned at check-out" {
		t.Fatalf("history %+v", h)
	}
	reqs, _ = f.s.ListRequests(f.clerk, records.RequestFilter{PatientID: p.ID})
	if reqs[0].FolderMissing() {
		t.Fatalf("request still flagged after the folder was found: %+v", reqs[0])
	}

	// A hand-off scan of a missing folder (it went missing while out) finds it too.
	if _, err := f.s.MarkMissing(f.clerk, v.ID, ""); err != nil {
		t.Fatal(err)
	}
	res, err = f.s.CheckOutScan(f.clerk, records.CheckOutInput{Barcode: v.Barcode, BorrowerID: f.drStone.ID, HandOff: true})
	if err != nil || !res.WasMissing || res.Volume.BorrowerID != f.drStone.ID {
		t.Fatalf("hand-off of a missing folder: %+v %v", res, err)
	}
	// A check-out to an inactive borrower does not record it found.
	if _, err := f.s.MarkMissing(f.clerk, v.ID, ""); err != nil {
		t.Fatal(err)
	}
	gone := f.drGrey
	gone.Active = false
	if _, err := f.s.CheckIn(f.clerk, v.Barcode); err != nil { // found at check-in
		t.Fatal(err)
	}
	if _, err := f.s.MarkMissing(f.clerk, v.ID, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.SaveBorrower(f.supervisor, gone); err != nil {
		t.Fatal(err)
	}
	_, err = f.s.CheckOutScan(f.clerk, records.CheckOutInput{Barcode: v.Barcode, BorrowerID: gone.ID})
	wantCode(t, err, records.EConflict)
	if got, _ := f.s.Volume(f.clerk, v.ID); got.State != records.StateMissing {
		t.Fatalf("a refused scan changed the folder: %s", got.State)
	}
	if c, _ := f.s.Counts(f.clerk); c.Missing != 1 {
		t.Fatalf("missing count %d", c.Missing)
	}
}
