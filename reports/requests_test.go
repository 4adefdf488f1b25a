package reports

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chartroom/chartroom/records"
)

// fixtureRequests are the day's open requests in filing order.
func fixtureRequests() []records.Request {
	vs := fixtureVolumes()
	req := func(id records.ID, v records.Volume, b records.Borrower, at, reason, source string, st records.RequestState) records.Request {
		return records.Request{
			ID: id, PatientID: v.PatientID, VolumeID: v.ID, BorrowerID: b.ID, NeededOn: testToday, NeededAt: at,
			Reason: reason, State: st, Source: source, CreatedAt: testNow.Add(-20 * time.Hour),
			MRN: v.MRN, PatientName: v.PatientName, BorrowerName: b.Name, BorrowerTel: firstNonEmpty(b.Room, b.Phone),
			VolumeLabel: v.Label(), Barcode: v.Barcode, VolumeState: v.State, Where: v.Where(), FilingKey: v.FilingKey,
		}
	}
	return []records.Request{
		req(1, vs[0], drQuill, "09:30", "Follow-up visit", "appointment", records.RequestPending),
		req(2, vs[1], drQuill, "10:15", "Annual physical", "appointment", records.RequestPending),
		req(3, vs[3], billing, "", "Insurance audit", "manual", records.RequestPulled),
		req(4, vs[5], lawyer, "", "Records request (subpoena)", "manual", records.RequestPending),
	}
}

func TestPullList(t *testing.T) {
	pdf := renderPDF(t, newDocument(testHeader("Pull list")), func(d *document) error {
		return renderPullList(d, fixtureRequests())
	})
	text := pdfPages(t, pdf)[0]
	assertOrder(t, text, "12-34-56", "01-35-56", "44-55-66", "77-88-99")
	rows := []struct {
		key, box string
		want     []string
	}{
		{"Núñez", "☐", []string{"09:30", "Record room > Cabinet A > Shelf 3", "Dr. Ada Quill"}},
		{"Nguyễn", "☐", []string{"10:15", "Out: Dr. Ada Quill"}},
		{"Østergaard", "☑", []string{"Offsite: Boxwood Storage", "Billing Department"}},
		{"Zamora", "☐", []string{"Out: Billing Department", "Pennywhistle & Partners LLP"}},
	}
	for _, r := range rows {
		line := lineWith(text, r.key)
		if !strings.HasPrefix(strings.TrimSpace(line), r.box) {
			t.Errorf("%s row does not start with %s: %q", r.key, r.box, line)
		}
		for _, w := range r.want {
			if !strings.Contains(line, w) {
				t.Errorf("%s row lacks %q: %q", r.key, w, line)
			}
		}
	}
	if !strings.Contains(text, "4 charts requested, 1 already pulled, 3 not in file") {
		t.Errorf("pull list total missing:\n%s", text)
	}
}

func TestOutguides(t *testing.T) {
	guides := []outguide{
		{PatientName: "Nguyễn, Thị Lan", MRN: "013556", Volume: "Medical 1", Barcode: "V00000002", DateOut: testToday,
			Borrower: "Dr. Ada Quill", Where: "Room 12", Due: testToday.AddDays(7), Reason: "Annual physical"},
		{PatientName: "O'Connor, Zoë", MRN: "998877", Volume: "X-ray 2", Barcode: "V00000005"},
	}
	pdf := renderPDF(t, newDocument(testHeader("Outguide")), func(d *document) error {
		return renderOutguides(d, guides)
	})
	pages := pdfPages(t, pdf)
	if len(pages) != 2 {
		t.Fatalf("%d pages, want one per outguide", len(pages))
	}
	for _, w := range []string{"Nguyễn, Thị Lan", "01-35-56", "Medical 1", "V00000002", "2026-03-05", "2026-03-12",
		"Dr. Ada Quill", "Room 12", "Annual physical", "Signature of borrower", confidential} {
		if !strings.Contains(pages[0], w) {
			t.Errorf("first outguide lacks %q", w)
		}
	}
	for _, w := range []string{"O'Connor, Zoë", "99-88-77", "X-ray 2", "Date out", "Due back", "Borrower"} {
		if !strings.Contains(pages[1], w) {
			t.Errorf("second outguide lacks %q", w)
		}
	}
	if strings.Contains(pages[1], "Dr. Ada Quill") {
		t.Error("an outguide for a chart in file names a borrower")
	}
}

func TestRequestSlipsThreePerPage(t *testing.T) {
	reqs := fixtureRequests()
	pdf := renderPDF(t, newDocument(testHeader("Request slips")), func(d *document) error {
		return renderRequestSlips(d, reqs)
	})
	pages := pdfPages(t, pdf)
	if len(pages) != 2 {
		t.Fatalf("4 slips on %d pages, want 2", len(pages))
	}
	assertOrder(t, pages[0], "Needed 2026-03-05 at 09:30", "Núñez, María José", "Dr. Ada Quill", "Follow-up visit", "Appointment import",
		"Nguyễn, Thị Lan", "Østergaard, Søren", "Billing Department", "Insurance audit", "Offsite: Boxwood Storage")
	assertOrder(t, pages[1], "Zamora-Quiñones, Ana", "77-88-99", "Pennywhistle & Partners LLP", "Records request (subpoena)", "Entered by the record room")
	if strings.Count(pages[0], "CHART REQUEST") != 3 || strings.Count(pages[1], "CHART REQUEST") != 1 {
		t.Error("slips are not three to a page")
	}
}

func TestHistory(t *testing.T) {
	at := func(day, hour int) time.Time { return time.Date(2026, time.February, day, hour, 5, 0, 0, time.UTC) }
	moves := []records.Movement{
		{Kind: records.MoveCheckOut, At: at(2, 9), Username: "clerk.demo", VolumeLabel: "Medical 1", Barcode: "V00000002",
			FromLocation: "Record room > Cabinet A > Shelf 3", ToBorrower: "Dr. Ada Quill", Due: records.NewDate(2026, time.February, 9)},
		{Kind: records.MoveCheckIn, At: at(6, 15), Username: "clerk.demo", VolumeLabel: "Medical 1", Barcode: "V00000002",
			FromBorrower: "Dr. Ada Quill", ToLocation: "Record room > Cabinet A > Shelf 3"},
		{Kind: records.MoveHandOff, At: at(20, 10), Username: "supervisor.demo", VolumeLabel: "Medical 1", Barcode: "V00000002",
			FromBorrower: "Billing Department", ToBorrower: "Dr. Ada Quill", Note: "Passed on in clinic"},
	}
	pdf := renderPDF(t, newDocumentOriented(testHeader("Chart history"), "L"), func(d *document) error {
		return renderHistory(d, moves)
	})
	text := pdfPages(t, pdf)[0]
	assertOrder(t, text, "2026-02-02 09:05", "Checked out", "2026-02-09",
		"2026-02-06 15:05", "Checked in", "Dr. Ada Quill", "Record room",
		"2026-02-20 10:05", "Handed off", "Billing Department", "Dr. Ada Quill", "supervisor.demo", "Passed on in clinic",
		"3 movements")
}

// TestSlipsAndOutguidesCarryScannableBarcodes: the folder's barcode is a
// Code 128 symbol a scanner reads off the returned slip or outguide.
func TestSlipsAndOutguidesCarryScannableBarcodes(t *testing.T) {
	svc := newFakeStore()
	svc.volumes[1].Barcode = "V2024-000123" // letters, digits and a dash
	svc.requests = fixtureRequests()
	svc.requests[1].Barcode = svc.volumes[1].Barcode
	tests := []struct {
		report string
		page   int
		want   []string
	}{
		{ReportRequestSlips, 1, []string{"V00000001", "V00000004", "V2024-000123"}},
		{ReportRequestSlips, 2, []string{"V00000006"}},
		{ReportOutguides, 1, []string{"V00000001"}},
		{ReportOutguides, 2, []string{"V2024-000123"}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s page %d", tt.report, tt.page), func(t *testing.T) {
			pdf := generate(t, svc, tt.report, Params{Now: testNow})
			if got := decodeBarcodes(t, pdf, tt.page); !slices.Equal(got, tt.want) {
				t.Errorf("decoded %v, want %v", got, tt.want)
			}
		})
	}
}
