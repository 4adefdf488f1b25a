package reports

import (
	"strings"
	"testing"
	"time"

	"github.com/chartroom/chartroom/records"
)

func TestSummarizeActivity(t *testing.T) {
	at := func(day, hour, min int) time.Time { return time.Date(2026, time.March, day, hour, min, 0, 0, time.UTC) }
	mv := func(kind records.MovementKind, when time.Time, user string, vol records.ID, code string, to records.Borrower) records.Movement {
		return records.Movement{Kind: kind, At: when, Username: user, VolumeID: vol, Barcode: code, ToBorrowerID: to.ID, ToBorrower: to.Name}
	}
	moves := []records.Movement{
		mv(records.MoveCheckOut, at(2, 9, 40), "clerk.amy", 1, "V1", drQuill),
		mv(records.MoveCheckOut, at(2, 11, 0), "clerk.amy", 2, "V2", drQuill),
		mv(records.MoveCheckOut, at(2, 11, 30), "clerk.ben", 3, "V3", billing),
		mv(records.MoveCheckIn, at(3, 16, 0), "clerk.ben", 1, "V1", records.Borrower{}),
		mv(records.MoveHandOff, at(4, 10, 0), "clerk.ben", 2, "V2", billing),
		mv(records.MoveMissing, at(4, 12, 0), "clerk.amy", 4, "V4", records.Borrower{}),
	}
	req := func(vol records.ID, code string, b records.Borrower, created time.Time, source string) records.Request {
		return records.Request{VolumeID: vol, Barcode: code, BorrowerID: b.ID, CreatedAt: created, Source: source}
	}
	reqs := []records.Request{
		req(1, "V1", drQuill, at(2, 9, 0), "manual"),       // 40 min
		req(3, "V3", billing, at(2, 9, 30), "manual"),      // 2 h
		req(2, "V2", billing, at(3, 10, 0), "manual"),      // hand-off next day: 24 h
		req(4, "V4", drQuill, at(1, 8, 0), "manual"),       // never checked out: unmatched
		req(2, "V2", drQuill, at(1, 11, 0), "appointment"), // 1 d 0 h
		req(1, "V1", billing, at(1, 11, 0), "appointment"), // wrong borrower: unmatched
		req(3, "V3", billing, at(2, 12, 0), "appointment"), // request after the check-out: unmatched
		req(0, "", drQuill, at(1, 7, 0), "appointment"),    // no volume named: unmatched
	}
	a := summarizeActivity(moves, reqs, time.UTC)

	if len(a.Days) != 3 || a.Days[0].CheckOuts != 3 || a.Days[1].Return != 1 || a.Days[2].CheckOuts != 1 {
		t.Errorf("days: %+v", a.Days)
	}
	summary := a.Totals[records.MoveCheckOut] + a.Totals[records.MoveHandOff]
	perDay, perBorrower, perClerk := 0, 0, 0
	for _, x := range a.Days {
		perDay += x.CheckOuts
	}
	for _, x := range a.Borrowers {
		perBorrower += x.N
	}
	for _, x := range a.Clerks {
		perClerk += x.CheckOuts
	}
	if summary != 4 || perDay != summary || perBorrower != summary || perClerk != summary {
		t.Errorf("check-outs: summary %d, per day %d, per borrower %d, per clerk %d; want 4 everywhere", summary, perDay, perBorrower, perClerk)
	}
	if len(a.Borrowers) != 2 || a.Borrowers[0] != (namedCount{"Billing Department", 2}) || a.Borrowers[1] != (namedCount{"Dr. Ada Quill", 2}) {
		t.Errorf("borrowers: %+v", a.Borrowers)
	}
	if len(a.Clerks) != 2 || a.Clerks[0] != (clerkCount{"clerk.amy", 2, 0, 3}) || a.Clerks[1] != (clerkCount{"clerk.ben", 2, 1, 3}) {
		t.Errorf("clerks: %+v", a.Clerks)
	}
	if a.Manual != (waitStats{Median: 2 * time.Hour, Matched: 3, Of: 4}) {
		t.Errorf("manual waits: %+v", a.Manual)
	}
	if a.Appointment != (waitStats{Median: 24 * time.Hour, Matched: 1, Of: 4}) {
		t.Errorf("appointment waits: %+v", a.Appointment)
	}

	pdf := renderPDF(t, newDocument(testHeader("Activity statistics")), func(d *document) error {
		return renderActivity(d, a)
	})
	text := strings.Join(pdfPages(t, pdf), "\n")
	// One definition of a check-out: the summary's total is the total of
	// every table (3 from the shelf and 1 hand-off).
	assertOrder(t, text, "Summary", "Check-outs", "4", "from the shelf", "3", "handed off from another borrower", "1", "Checked in", "1",
		"A check-out is a folder given to a borrower",
		"Check-outs per day", "2026-03-02", "Monday", "3", "2026-03-03", "Tuesday", "2026-03-04", "Wednesday",
		"Check-outs per borrower", "Billing Department", "2", "Dr. Ada Quill", "2",
		"Work per clerk", "clerk.amy", "clerk.ben",
		"Time from request to check-out", "Entered by the record room", "2 h 00 min", "3 of 4",
		"From appointment imports", "24 h 00 min", "1 of 4", "lead time")
}

func TestDurationText(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{40 * time.Minute, "40 min"},
		{59*time.Minute + 50*time.Second, "1 h 00 min"},
		{2*time.Hour + 5*time.Minute, "2 h 05 min"},
		{2*time.Hour + 59*time.Minute + 40*time.Second, "3 h 00 min"},
		{50 * time.Hour, "2 d 2 h"},
		{71*time.Hour + 45*time.Minute, "3 d 0 h"},
	}
	for _, tt := range tests {
		if got := durationText(tt.d); got != tt.want {
			t.Errorf("durationText(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestMedian(t *testing.T) {
	tests := []struct {
		in   []time.Duration
		want time.Duration
	}{
		{nil, 0},
		{[]time.Duration{5}, 5},
		{[]time.Duration{9, 1, 5}, 5},
		{[]time.Duration{8, 2, 4, 6}, 5},
	}
	for _, tt := range tests {
		if got := median(tt.in); got != tt.want {
			t.Errorf("median(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
