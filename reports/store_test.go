package reports

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/sqlite"
	"github.com/chartroom/chartroom/records/sqlite/sqlitetest"
)

// storePractice is a real database file with a few made-up charts:
// patients created out of filing order, one chart out and overdue, one
// returned, one missing, one requested for today.
type storePractice struct {
	svc     *sqlite.Store
	ctx     context.Context
	clock   *records.ManualClock
	now     time.Time
	nguyen  records.Patient
	volumes []records.Volume // every volume, in creation order
}

func openStorePractice(t *testing.T) *storePractice {
	t.Helper()
	clock := records.NewManualClock(time.Date(2026, time.February, 2, 9, 0, 0, 0, time.Local))
	svc, ctx := sqlitetest.Open(t, clock.Now, records.Settings{PracticeName: testPractice, MRNWidth: 6, Filing: records.FilingTerminalDigit})
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	sp := &storePractice{svc: svc, ctx: ctx, clock: clock}

	people := []records.Patient{
		{MRN: "013556", LastName: "Nguyễn", FirstName: "Thị Lan", DOB: records.NewDate(1988, time.July, 19)},
		{MRN: "998877", LastName: "O'Connor", FirstName: "Zoë", DOB: records.NewDate(2001, time.March, 9)},
		{MRN: "123456", LastName: "Núñez", FirstName: "María José", DOB: records.NewDate(1961, time.April, 3)},
		{MRN: "000157", LastName: "Fitzgerald-Worthington-Montgomery", FirstName: "Bartholomew Alexander", DOB: records.NewDate(1975, time.January, 30)},
	}
	for i, p := range people {
		p, err := svc.CreatePatient(sp.ctx, p)
		must(err)
		vs, err := svc.VolumesOfPatient(sp.ctx, p.ID)
		must(err)
		sp.volumes = append(sp.volumes, vs...)
		if i == 0 {
			sp.nguyen = p
		}
	}
	quill, err := svc.SaveBorrower(sp.ctx, records.Borrower{Name: "Dr. Ada Quill", Kind: records.BorrowerProvider, Room: "Room 12", LoanDays: 7, Active: true})
	must(err)

	// 2026-02-02: O'Connor's chart goes out and comes back on the 6th.
	_, err = svc.CheckOut(sp.ctx, records.CheckOutInput{Barcode: sp.volumes[1].Barcode, BorrowerID: quill.ID})
	must(err)
	clock.Set(time.Date(2026, time.February, 6, 15, 0, 0, 0, time.Local))
	_, err = svc.CheckIn(sp.ctx, sp.volumes[1].Barcode)
	must(err)
	// 2026-02-20: Nguyễn's chart goes out for 7 days and stays out.
	clock.Set(time.Date(2026, time.February, 20, 10, 15, 0, 0, time.Local))
	_, err = svc.CheckOut(sp.ctx, records.CheckOutInput{Barcode: sp.volumes[0].Barcode, BorrowerID: quill.ID})
	must(err)
	// 2026-03-04: the long-named chart cannot be found; Núñez is wanted tomorrow.
	clock.Set(time.Date(2026, time.March, 4, 16, 0, 0, 0, time.Local))
	_, err = svc.MarkMissing(sp.ctx, sp.volumes[3].ID, "not on shelf at audit")
	must(err)
	_, err = svc.CreateRequest(sp.ctx, records.Request{PatientID: sp.volumes[2].PatientID, VolumeID: sp.volumes[2].ID,
		BorrowerID: quill.ID, NeededOn: records.NewDate(2026, time.March, 5), NeededAt: "09:30", Reason: "Follow-up visit"})
	must(err)

	sp.now = time.Date(2026, time.March, 5, 8, 0, 0, 0, time.Local)
	clock.Set(sp.now)
	return sp
}

func (sp *storePractice) generate(t *testing.T, name string, p Params) []byte {
	t.Helper()
	p.Now = sp.now
	var buf bytes.Buffer
	if err := Generate(sp.ctx, sp.svc, name, p, &buf); err != nil {
		t.Fatalf("Generate(%s): %v", name, err)
	}
	keepSample(t, buf.Bytes())
	return buf.Bytes()
}

func TestGenerateAgainstStore(t *testing.T) {
	sp := openStorePractice(t)

	t.Run("location in terminal-digit order", func(t *testing.T) {
		text := pdfPages(t, sp.generate(t, ReportLocation, Params{}))[0]
		// Created in the order 01-35-56, 99-88-77, 12-34-56, 00-01-57; filed
		// by primary pair, then secondary: 12-34-56 before 01-35-56.
		assertOrder(t, text, "12-34-56", "01-35-56", "00-01-57", "99-88-77")
		assertOrder(t, text, "Núñez, María José", "Nguyễn, Thị Lan", "Fitzgerald", "O'Connor, Zoë")
		line := lineWith(text, "Nguyễn")
		for _, w := range []string{"Out: Dr. Ada Quill", "Room 12", "2026-02-20", "2026-02-27", "6"} {
			if !strings.Contains(line, w) {
				t.Errorf("Nguyễn row lacks %q: %q", w, line)
			}
		}
		for _, w := range []string{"Printed 2026-03-05 08:00 by ada", "4 volumes, 1 out, 1 overdue", confidential} {
			if !strings.Contains(text, w) {
				t.Errorf("location report lacks %q", w)
			}
		}
	})

	t.Run("overdue", func(t *testing.T) {
		text := pdfPages(t, sp.generate(t, ReportOverdue, Params{}))[0]
		if !strings.Contains(text, "1 chart overdue") || !strings.Contains(lineWith(text, "Nguyễn"), "Dr. Ada Quill") || strings.Contains(text, "Núñez") {
			t.Errorf("overdue list:\n%s", text)
		}
	})

	t.Run("pull list and outguides", func(t *testing.T) {
		text := pdfPages(t, sp.generate(t, ReportPullList, Params{}))[0]
		if line := lineWith(text, "Núñez"); !strings.Contains(line, "☐") || !strings.Contains(line, "09:30") || !strings.Contains(line, "Record room") {
			t.Errorf("pull list row: %q\n%s", line, text)
		}
		guides := pdfPages(t, sp.generate(t, ReportOutguides, Params{}))
		if len(guides) != 1 || !strings.Contains(guides[0], "12-34-56") || !strings.Contains(guides[0], "2026-03-12") {
			t.Errorf("outguides:\n%s", strings.Join(guides, "\f"))
		}
	})

	t.Run("history includes the return", func(t *testing.T) {
		text := pdfPages(t, sp.generate(t, ReportHistory, Params{VolumeID: sp.volumes[1].ID, From: records.NewDate(2026, time.February, 1), To: records.NewDate(2026, time.February, 28)}))[0]
		assertOrder(t, text, "Opened", "2026-02-02 09:00", "Checked out", "Dr. Ada Quill", "2026-02-06 15:00", "Checked in", "3 movements")
	})

	t.Run("labels scan", func(t *testing.T) {
		pdf := sp.generate(t, ReportLabels, Params{})
		if got, want := decodeBarcodes(t, pdf, 1), barcodesOf(sp.volumes); !slices.Equal(got, want) {
			t.Errorf("scanned %q, want %q", got, want)
		}
	})

	t.Run("missing", func(t *testing.T) {
		text := pdfPages(t, sp.generate(t, ReportMissing, Params{}))[0]
		if !strings.Contains(lineWith(text, "Fitzgerald"), "2026-03-04") || !strings.Contains(text, "1 volume missing") {
			t.Errorf("missing report:\n%s", text)
		}
	})

	t.Run("activity", func(t *testing.T) {
		text := strings.Join(pdfPages(t, sp.generate(t, ReportActivity, Params{From: records.NewDate(2026, time.February, 1)})), "\n")
		assertOrder(t, text, "Check-outs", "2", "from the shelf", "2", "Checked in", "1", "2026-02-02", "2026-02-06", "2026-02-20", "Dr. Ada Quill", "2", "ada")
	})

	t.Run("every report, twice the same", func(t *testing.T) {
		for _, r := range List() {
			p := Params{}
			if r.Name == ReportHistory || r.Name == ReportDisclosures {
				p.PatientID = sp.nguyen.ID
			}
			switch r.Name {
			case ReportDestructionCertificate:
				continue // this practice destroyed nothing; lifecycle_test.go checks it twice
			case ReportShelfAudit:
				p.LocationID, p.Scans = sp.volumes[0].HomeID, []string{sp.volumes[1].Barcode, sp.volumes[0].Barcode}
			}
			a, b := sp.generate(t, r.Name, p), sp.generate(t, r.Name, p)
			if !bytes.Equal(a, b) {
				t.Errorf("%s: two runs over the same database differ", r.Name)
			}
		}
	})
}
