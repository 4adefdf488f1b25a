package storetest

import (
	"strings"
	"testing"
	"time"

	"github.com/chartroom/chartroom/records"
)

func testManualDisclosuresAndAccountingRequests(t *testing.T, db NewDatabase) {
	f := newFixture(t, db)
	p := f.Patient("222333", "Nobody", "Nora")
	today := records.DateOf(f.Clock.Now())

	_, err := f.S.AddDisclosure(f.Clerk, records.Disclosure{PatientID: p.ID, Date: today, Recipient: "County Health Dept", Description: "Immunization record"})
	if records.ErrorField(err) != "Purpose" {
		t.Fatalf("no purpose: %v", err)
	}
	_, err = f.S.AddDisclosure(records.WithActor(f.Clerk, records.Actor{}), records.Disclosure{})
	WantCode(t, err, records.EUnauthorized)
	for _, d := range []records.Disclosure{
		{PatientID: p.ID, Date: today.AddDays(-10), Recipient: "County Health Dept", Address: "5 Civic Way", Description: "Immunization record", Purpose: "outbreak report", Category: records.PurposePublicHealth},
		{PatientID: p.ID, Date: today.AddDays(-3), Recipient: "Dr. Elsewhere", Description: "Referral letter", Purpose: "referral", Category: records.PurposeTreatment},
	} {
		if _, err := f.S.AddDisclosure(f.Clerk, d); err != nil {
			t.Fatal(err)
		}
	}
	ds, err := f.S.ListDisclosures(f.Clerk, records.DisclosureFilter{PatientID: p.ID, From: today.AddDays(-5)})
	if err != nil || len(ds) != 1 || ds[0].Recipient != "Dr. Elsewhere" {
		t.Fatalf("filtered list: %+v %v", ds, err)
	}
	views, _ := f.S.ListAudit(f.Supervisor, records.AuditFilter{Entity: "patient", EntityID: p.ID, Limit: 1})
	if len(views) != 1 || !strings.Contains(views[0].Detail, "disclosures") {
		t.Fatalf("the list was not audited as a view: %+v", views)
	}

	// A request for an accounting: due in 60 days, counted until answered.
	r, err := f.S.LogAccountingRequest(f.Clerk, records.AccountingRequest{PatientID: p.ID, Received: today.AddDays(-61), RequestedBy: "the patient"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Due.String() != today.AddDays(-1).String() || !r.Open() || r.MRN != p.MRN {
		t.Fatalf("logged %+v", r)
	}
	if _, err := f.S.LogAccountingRequest(f.Clerk, records.AccountingRequest{PatientID: p.ID}); err != nil {
		t.Fatal(err)
	}
	c, err := f.S.Counts(f.Clerk)
	if err != nil || c.AccountingOpen != 2 || c.AccountingOverdue != 1 {
		t.Fatalf("counts %+v %v", c, err)
	}
	open, err := f.S.ListAccountingRequests(f.Clerk, records.AccountingRequestFilter{OpenOnly: true})
	if err != nil || len(open) != 2 || open[0].ID != r.ID {
		t.Fatalf("open requests (overdue first): %+v %v", open, err)
	}
	_, err = f.S.AnswerAccountingRequest(f.Clerk, r.ID, today, "mailed")
	WantCode(t, err, records.EForbidden)
	_, err = f.S.AnswerAccountingRequest(f.Supervisor, r.ID, today.AddDays(1), "mailed")
	if records.ErrorField(err) != "Answered" {
		t.Fatalf("answered tomorrow: %v", err)
	}
	ans, err := f.S.AnswerAccountingRequest(f.Supervisor, r.ID, today, " mailed to the patient ")
	if err != nil || ans.Open() || ans.AnswerNote != "mailed to the patient" || ans.AnsweredName != "sam" {
		t.Fatalf("answered %+v %v", ans, err)
	}
	_, err = f.S.AnswerAccountingRequest(f.Supervisor, r.ID, today, "")
	WantCode(t, err, records.EConflict)
	if c, _ := f.S.Counts(f.Clerk); c.AccountingOpen != 1 || c.AccountingOverdue != 0 {
		t.Fatalf("counts after answer %+v", c)
	}
	// The next day the remaining request is still within its 60 days.
	f.Clock.Advance(24 * time.Hour)
	if c, _ := f.S.Counts(f.Clerk); c.AccountingOpen != 1 || c.AccountingOverdue != 0 {
		t.Fatalf("counts next day %+v", c)
	}
}

func testMissingFolderFoundByAnyScan(t *testing.T, db NewDatabase) {
	f := newFixture(t, db)
	p := f.Patient("424242", "Quux", "Mona")
	v := f.FirstVolume(p)
	req, err := f.S.CreateRequest(f.Clerk, records.Request{PatientID: p.ID, BorrowerID: f.DrStone.ID, NeededOn: records.DateOf(f.Clock.Now()).AddDays(1)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.S.MarkMissing(f.Clerk, v.ID, "not on the shelf"); err != nil {
		t.Fatal(err)
	}
	// Who and when: the missing movement.
	h, _ := f.S.History(f.Clerk, records.HistoryFilter{VolumeID: v.ID, Limit: 1})
	if h[0].Kind != records.MoveMissing || h[0].Username != "cleo" || !h[0].At.Equal(f.Clock.Now()) {
		t.Fatalf("missing movement %+v", h[0])
	}
	// Its open request is flagged.
	reqs, _ := f.S.ListRequests(f.Clerk, records.RequestFilter{PatientID: p.ID})
	if len(reqs) != 1 || reqs[0].ID != req.ID || !reqs[0].FolderMissing() {
		t.Fatalf("request not flagged: %+v", reqs)
	}

	// A check-out scan finds it: found, then out, in one go.
	f.Clock.Advance(time.Hour)
	res, err := f.S.CheckOut(f.Clerk, records.CheckOutInput{Barcode: v.Barcode, BorrowerID: f.DrGrey.ID})
	if err != nil {
		t.Fatal(err)
	}
	if !res.WasMissing || res.Volume.State != records.StateCheckedOut || res.Volume.BorrowerID != f.DrGrey.ID {
		t.Fatalf("check-out of a missing folder: %+v", res)
	}
	h, _ = f.S.History(f.Clerk, records.HistoryFilter{VolumeID: v.ID, Limit: 2})
	if h[0].Kind != records.MoveCheckOut || h[1].Kind != records.MoveFound || h[1].Note != "scanned at check-out" {
		t.Fatalf("history %+v", h)
	}
	reqs, _ = f.S.ListRequests(f.Clerk, records.RequestFilter{PatientID: p.ID})
	if reqs[0].FolderMissing() {
		t.Fatalf("request still flagged after the folder was found: %+v", reqs[0])
	}

	// A hand-off scan of a missing folder (it went missing while out) finds it too.
	if _, err := f.S.MarkMissing(f.Clerk, v.ID, ""); err != nil {
		t.Fatal(err)
	}
	res, err = f.S.CheckOut(f.Clerk, records.CheckOutInput{Barcode: v.Barcode, BorrowerID: f.DrStone.ID, HandOff: true})
	if err != nil || !res.WasMissing || res.Volume.BorrowerID != f.DrStone.ID {
		t.Fatalf("hand-off of a missing folder: %+v %v", res, err)
	}
	// A check-out to an inactive borrower does not record it found.
	if _, err := f.S.MarkMissing(f.Clerk, v.ID, ""); err != nil {
		t.Fatal(err)
	}
	gone := f.DrGrey
	gone.Active = false
	if _, err := f.S.CheckIn(f.Clerk, v.Barcode); err != nil { // found at check-in
		t.Fatal(err)
	}
	if _, err := f.S.MarkMissing(f.Clerk, v.ID, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := f.S.SaveBorrower(f.Supervisor, gone); err != nil {
		t.Fatal(err)
	}
	_, err = f.S.CheckOut(f.Clerk, records.CheckOutInput{Barcode: v.Barcode, BorrowerID: gone.ID})
	WantCode(t, err, records.EConflict)
	if got, _ := f.S.Volume(f.Clerk, v.ID); got.State != records.StateMissing {
		t.Fatalf("a refused scan changed the folder: %s", got.State)
	}
	if c, _ := f.S.Counts(f.Clerk); c.Missing != 1 {
		t.Fatalf("missing count %d", c.Missing)
	}
}
