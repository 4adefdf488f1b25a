package storetest

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chartroom/chartroom/records"
)

func row(line int, mrn, last, first, dob string) records.PatientRow {
	p := records.Patient{MRN: mrn, LastName: last, FirstName: first}
	if dob != "" {
		p.DOB = records.MustParseDate(dob)
	}
	return records.PatientRow{Line: line, Patient: p}
}

func testImportPatients(t *testing.T, db NewDatabase) {
	f := newFixture(t, db)
	existing := f.Patient("000100", "Quux", "Existing")
	rows := []records.PatientRow{
		row(2, "1-00", "Quux", "Existing", "1970-01-02"),    // same as stored: unchanged
		row(3, "200", "Quux", "Newbie", "1980-05-06"),       // new
		row(4, "300", "Zorp", "Renamed", "1990-01-01"),      // new
		row(5, "", "Nomrn", "Nora", ""),                     // rejected: no MRN
		row(6, "0200", "Quux", "Twice", ""),                 // rejected: repeated in the file
		row(7, "400", "Future", "Fay", "2999-01-01"),        // rejected: DOB in the future
		row(8, "1234567", "Toolong", "Tom", ""),             // rejected: too many digits
		row(9, "500", "Quux", "Fifth", ""),                  // new
		row(10, "000100", "Quux", "Existing", "1970-01-02"), // repeated
	}
	sum, err := f.S.ImportPatients(f.Supervisor, records.PatientRows(rows), true)
	if err != nil {
		t.Fatal(err)
	}
	want := "imported 3, updated 0, unchanged 1, rejected 5"
	if got := summary(sum); got != want {
		t.Fatalf("dry run: %s, want %s", got, want)
	}
	if hits, _ := f.S.Search(f.Clerk, "000200", 5); len(hits) != 0 {
		t.Fatal("a dry run wrote a patient")
	}
	sum, err = f.S.ImportPatients(f.Supervisor, records.PatientRows(rows), false)
	if err != nil || summary(sum) != want {
		t.Fatalf("import: %s, %v", summary(sum), err)
	}
	reasons := map[int]string{}
	for _, r := range sum.Rejected {
		reasons[r.Line] = r.Reason
	}
	for line, part := range map[int]string{5: "MRN", 6: "repeated (first on line 3)", 7: "future", 8: "digits", 10: "repeated (first on line 2)"} {
		if !strings.Contains(reasons[line], part) {
			t.Errorf("line %d rejected with %q, want it to mention %q", line, reasons[line], part)
		}
	}
	p, err := f.S.PatientByMRN(f.Clerk, "200")
	if err != nil || p.FirstName != "Newbie" {
		t.Fatalf("imported patient: %+v %v", p, err)
	}
	vs, _ := f.S.VolumesOfPatient(f.Clerk, p.ID)
	if len(vs) != 1 || vs[0].Number != 1 || vs[0].TypeName != "Medical" || vs[0].HomeID != f.Room.ID || vs[0].State != records.StateInFile {
		t.Fatalf("imported patient's folders: %+v", vs)
	}

	// Importing the same file again changes nothing.
	sum, err = f.S.ImportPatients(f.Supervisor, records.PatientRows(rows), false)
	if err != nil || summary(sum) != "imported 0, updated 0, unchanged 4, rejected 5" {
		t.Fatalf("second import: %s, %v", summary(sum), err)
	}
	// A changed row updates; an empty field keeps what is stored.
	changed := []records.PatientRow{row(2, "100", "Quux-Smythe", "", "")}
	sum, err = f.S.ImportPatients(f.Supervisor, records.PatientRows(changed), false)
	if err != nil || summary(sum) != "imported 0, updated 1, unchanged 0, rejected 0" {
		t.Fatalf("update import: %s, %v", summary(sum), err)
	}
	p, _ = f.S.Patient(f.Clerk, existing.ID)
	if p.LastName != "Quux-Smythe" || p.FirstName != "Existing" || !p.DOB.Equal(existing.DOB) {
		t.Fatalf("updated patient: %+v", p)
	}
	if hits, _ := f.S.Search(f.Clerk, "quux smy", 5); len(hits) != 1 {
		t.Fatalf("search after a rename by import: %v", hits)
	}
}

func summary(s records.ImportSummary) string {
	return fmt.Sprintf("imported %d, updated %d, unchanged %d, rejected %d", s.Imported, s.Updated, s.Unchanged, len(s.Rejected))
}

func testImportAppointmentsAndRequests(t *testing.T, db NewDatabase) {
	f := newFixture(t, db)
	today := records.DateOf(f.Clock.Now())
	a := f.Patient("000011", "Quux", "Alpha")   // terminal digit: section 11
	b := f.Patient("000099", "Quux", "Bravo")   // section 99
	c := f.Patient("000050", "Quux", "Charlie") // section 50
	rows := []records.AppointmentRow{
		{Line: 2, Date: today, Time: "09:00", MRN: "99", Provider: "dr. zed grey", Reason: "follow-up"},
		{Line: 3, Date: today, Time: "10:00", MRN: "11", Provider: "Dr. Ima Stone"},
		{Line: 4, Date: today, Time: "11:00", MRN: "50", Provider: "DR. ZED GREY"},
		{Line: 5, Date: today, Time: "11:30", MRN: "77", Provider: "Dr. Zed Grey"},
		{Line: 6, Date: today, Time: "12:00", MRN: "11", Provider: "Dr. Nobody"},
		{Line: 7, Date: today.AddDays(1), Time: "08:00", MRN: "11", Provider: "Dr. Zed Grey"},
		{Line: 8, MRN: "11", Provider: "Dr. Zed Grey"},
	}
	sum, err := f.S.ImportAppointments(f.Clerk, rows, true)
	if err != nil || sum.Imported != 4 || len(sum.Rejected) != 3 {
		t.Fatalf("dry run: %+v %v", sum, err)
	}
	if reqs, _ := f.S.ListRequests(f.Clerk, records.RequestFilter{}); len(reqs) != 0 {
		t.Fatal("a dry run wrote requests")
	}
	sum, err = f.S.ImportAppointments(f.Clerk, rows, false)
	if err != nil || sum.Imported != 4 || len(sum.Rejected) != 3 {
		t.Fatalf("import: %+v %v", sum, err)
	}
	if !strings.Contains(sum.Rejected[0].Reason, "no patient has the chart number 00-00-77") || !strings.Contains(sum.Rejected[1].Reason, "Dr. Nobody") {
		t.Fatalf("reasons: %+v", sum.Rejected)
	}
	sum, _ = f.S.ImportAppointments(f.Clerk, rows, false)
	if sum.Imported != 0 || sum.Unchanged != 4 {
		t.Fatalf("second import: %+v", sum)
	}

	// A pull list: filing order within the day (sections 11, 50, 99).
	reqs, err := f.S.ListRequests(f.Clerk, records.RequestFilter{From: today, To: today})
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, r := range reqs {
		order = append(order, r.MRN)
	}
	if strings.Join(order, " ") != "000011 000050 000099" {
		t.Fatalf("pull list order %v", order)
	}
	if r := reqs[0]; r.BorrowerName != f.DrStone.Name || r.VolumeLabel != "Medical 1" || r.Where != "Record room" || r.Source != "appointment" ||
		r.PatientID != a.ID || r.VolumeState != records.StateInFile {
		t.Fatalf("request display: %+v", r)
	}

	// States: pending -> pulled by hand; fulfilled only by the check-out
	// to the one who asked; reasons required.
	r := reqs[2] // b, Dr. Grey
	if r.PatientID != b.ID {
		t.Fatalf("third request is for %s", r.MRN)
	}
	_, err = f.S.SetRequestState(f.Clerk, r.ID, records.RequestFulfilled, "")
	WantCode(t, err, records.EConflict)
	_, err = f.S.SetRequestState(f.Clerk, r.ID, records.RequestCancelled, " ")
	WantCode(t, err, records.EInvalid)
	if r, err = f.S.SetRequestState(f.Clerk, r.ID, records.RequestPulled, ""); err != nil || r.State != records.RequestPulled {
		t.Fatalf("pulled: %+v %v", r, err)
	}
	_, err = f.S.SetRequestState(f.Clerk, r.ID, records.RequestFulfilled, "")
	WantCode(t, err, records.EConflict) // the folder is still in file
	if v := f.FirstVolume(b); v.State != records.StateInFile {
		t.Fatalf("b's folder is %s", v.State)
	}

	// Checking c's folder out to Dr. Grey fulfils his request for c; at
	// check-in Dr. Stone's open request for a shows up, and loose papers.
	cv := f.FirstVolume(c)
	if _, err := f.S.CheckOut(f.Clerk, records.CheckOutInput{Barcode: cv.Barcode, BorrowerID: f.DrGrey.ID}); err != nil {
		t.Fatal(err)
	}
	if reqs, _ := f.S.ListRequests(f.Clerk, records.RequestFilter{PatientID: c.ID}); reqs[0].State != records.RequestFulfilled {
		t.Fatalf("check-out did not fulfil the request: %+v", reqs[0])
	}
	av := f.FirstVolume(a)
	if _, err := f.S.CheckOut(f.Clerk, records.CheckOutInput{Barcode: av.Barcode, BorrowerID: f.LawFirm.ID, Note: "claim review", Purpose: records.PurposePayment}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.S.AddLooseFiling(f.Clerk, records.LooseFiling{PatientID: a.ID, Description: "Lab results", From: "Quux Labs"}); err != nil {
		t.Fatal(err)
	}
	res, err := f.S.CheckIn(f.Clerk, av.Barcode)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.LooseWaiting) != 1 || res.LooseWaiting[0].Description != "Lab results" || len(res.Requests) != 2 {
		t.Fatalf("check-in result: loose %+v, requests %+v", res.LooseWaiting, res.Requests)
	}
	counts, err := f.S.Counts(f.Clerk)
	if err != nil || counts.LooseWaiting != 1 || counts.RequestsDue != 1 || counts.Out != 1 {
		t.Fatalf("counts: %+v %v", counts, err)
	}
	if _, err := f.S.MarkFiled(f.Clerk, res.LooseWaiting[0].ID); err != nil {
		t.Fatal(err)
	}
	_, err = f.S.MarkFiled(f.Clerk, res.LooseWaiting[0].ID)
	WantCode(t, err, records.EConflict)
	if l, _ := f.S.ListLooseFiling(f.Clerk, 0, records.LooseWaiting); len(l) != 0 {
		t.Fatalf("still waiting: %+v", l)
	}

	// Expiry: pending requests past the expiry setting become expired.
	manual, err := f.S.CreateRequest(f.Clerk, records.Request{PatientID: b.ID, BorrowerID: f.DrStone.ID, NeededOn: today, Reason: "review"})
	if err != nil || manual.State != records.RequestPending || manual.Source != "manual" {
		t.Fatalf("CreateRequest: %+v %v", manual, err)
	}
	f.Clock.Advance(14 * 24 * time.Hour)
	if n, err := f.S.ExpireRequests(f.Clerk); err != nil || n != 0 {
		t.Fatalf("expire on the last day: %d %v", n, err)
	}
	f.Clock.Advance(24 * time.Hour)
	n, err := f.S.ExpireRequests(f.Clerk)
	if err != nil || n != 2 { // Dr. Stone's for a and the manual one; tomorrow's is not stale yet
		t.Fatalf("expired %d, %v", n, err)
	}
	left, _ := f.S.ListRequests(f.Clerk, records.RequestFilter{States: []records.RequestState{records.RequestPending}})
	if len(left) != 1 || !left[0].NeededOn.Equal(today.AddDays(1)) {
		t.Fatalf("pending after expiry: %+v", left)
	}
}

// importRows is a large import: more rows than a store writes in one batch.
const importRows = 3000

// testImportStopsPartWay: a source that fails part way (a file that cannot
// be read further) or an import cancelled part way writes nothing, and the
// source is not read again once ImportPatients has returned.
func testImportStopsPartWay(t *testing.T, db NewDatabase) {
	for _, tc := range []struct {
		name, want string
		cancel     bool
	}{
		{"the source fails", "the disk went away", false},
		{"the import is cancelled", "stopped before", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, db)
			ctx, cancel := context.WithCancel(f.Supervisor)
			defer cancel()
			rows := FakeRows(4, 2000, importRows)
			var returned atomic.Bool
			var readAfter atomic.Int32
			src := func(yield func(records.PatientRow, error) bool) {
				for i, r := range rows {
					if i == importRows/3+7 {
						if !tc.cancel {
							yield(records.PatientRow{}, records.Errorf(records.EInvalid, "the disk went away"))
							return
						}
						cancel()
						time.Sleep(50 * time.Millisecond) // still reading a row when the import gives up
					}
					if returned.Load() {
						readAfter.Add(1)
					}
					if !yield(r, nil) {
						return
					}
				}
			}
			_, err := f.S.ImportPatients(ctx, src, false)
			returned.Store(true)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("import: %v, want an error saying %q", err, tc.want)
			}
			if hits, _ := f.S.Search(f.Clerk, "002000", 5); len(hits) != 0 {
				t.Fatalf("a failed import wrote patients: %v", hits)
			}
			time.Sleep(100 * time.Millisecond) // past the slow read: a reader left behind would carry on
			if n := readAfter.Load(); n != 0 {
				t.Fatalf("the source was read %d times after the import returned", n)
			}
		})
	}
}

// testImportIntoEmptyPractice: the first load skips the lookup of stored
// chart numbers (none can be there); repeats in the file are still refused,
// and the same file imported again finds every row unchanged.
func testImportIntoEmptyPractice(t *testing.T, db NewDatabase) {
	f := newFixture(t, db)
	rows := []records.PatientRow{
		row(2, "200", "Quux", "Newbie", "1980-05-06"),
		row(3, "0200", "Quux", "Again", ""), // the same chart number, spelt otherwise
		row(4, "300", "Zorp", "Third", ""),
	}
	sum, err := f.S.ImportPatients(f.Supervisor, records.PatientRows(rows), false)
	if err != nil || summary(sum) != "imported 2, updated 0, unchanged 0, rejected 1" || sum.Rejected[0].Line != 3 {
		t.Fatalf("first load: %s %+v, %v", summary(sum), sum.Rejected, err)
	}
	sum, err = f.S.ImportPatients(f.Supervisor, records.PatientRows(rows), false)
	if err != nil || summary(sum) != "imported 0, updated 0, unchanged 2, rejected 1" {
		t.Fatalf("the same file again: %s, %v", summary(sum), err)
	}
}
