package reports

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/sqlite"
	"github.com/chartroom/chartroom/records/sqlite/sqlitetest"
)

// lifecyclePractice is a real database with charts old enough to destroy
// and a shelf with folders to audit. Its clock is 2026-03-10.
type lifecyclePractice struct {
	svc   *sqlite.Store
	ctx   context.Context
	now   time.Time
	vols  map[string]records.Volume // by patient surname
	shelf records.Location
}

func openLifecyclePractice(t *testing.T) *lifecyclePractice {
	t.Helper()
	now := time.Date(2026, time.March, 10, 9, 0, 0, 0, time.Local)
	svc, ctx := sqlitetest.Open(t, func() time.Time { return now }, records.Settings{PracticeName: testPractice, MRNWidth: 6, Filing: records.FilingTerminalDigit})
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	lp := &lifecyclePractice{svc: svc, ctx: ctx, now: now, vols: map[string]records.Volume{}}
	rooms, err := svc.ListLocations(lp.ctx)
	must(err)
	lp.shelf, err = svc.SaveLocation(lp.ctx, records.Location{ParentID: rooms[0].ID, Name: "Shelf 3", Kind: records.LocationShelf})
	must(err)
	d := records.MustParseDate
	for _, p := range []records.Patient{
		{MRN: "123456", LastName: "Núñez", FirstName: "María José", DOB: d("1941-04-03"), LastVisit: d("2012-06-01")},
		{MRN: "013556", LastName: "Nguyễn", FirstName: "Thị Lan", DOB: d("1950-07-19"), LastVisit: d("2014-01-15"), Deceased: d("2014-02-01")},
		{MRN: "998877", LastName: "O'Connor", FirstName: "Zoë", DOB: d("2001-03-09"), LastVisit: d("2010-01-01")}, // minor: 2029
		{MRN: "000157", LastName: "Recent", FirstName: "Rita", DOB: d("1970-01-30"), LastVisit: d("2024-01-30")},
	} {
		p, err := svc.CreatePatient(lp.ctx, p)
		must(err)
		vs, err := svc.VolumesOfPatient(lp.ctx, p.ID)
		must(err)
		v, err := svc.Transfer(lp.ctx, vs[0].ID, lp.shelf.ID, "")
		must(err)
		lp.vols[p.LastName] = v
	}
	return lp
}

func (lp *lifecyclePractice) generate(t *testing.T, name string, p Params) string {
	t.Helper()
	p.Now = lp.now
	var buf bytes.Buffer
	if err := Generate(lp.ctx, lp.svc, name, p, &buf); err != nil {
		t.Fatalf("Generate(%s): %v", name, err)
	}
	keepSample(t, buf.Bytes())
	return strings.Join(pdfPages(t, buf.Bytes()), "\f")
}

func TestRetentionReport(t *testing.T) {
	lp := openLifecyclePractice(t)
	text := lp.generate(t, ReportRetention, Params{})
	for _, want := range []string{"Retention review", testPractice, "As of 2026-03-10", "Policy: adults 10 years", "2 folders eligible", "Page 1 of 1", "Confidential"} {
		if !strings.Contains(text, want) {
			t.Errorf("retention report lacks %q:\n%s", want, text)
		}
	}
	// Filing order: 12-34-56 (section 56) before 01-35-56.
	assertOrder(t, text, "Núñez, María José", "Nguyễn, Thị Lan")
	line := lineWith(text, "Núñez")
	for _, w := range []string{"12-34-56", "Medical 1", "2012-06-01", "1941-04-03", "Adult", "2022-06-01"} {
		if !strings.Contains(line, w) {
			t.Errorf("Núñez row lacks %q: %q", w, line)
		}
	}
	if line := lineWith(text, "Nguyễn"); !strings.Contains(line, "d. 2014-02-01") || !strings.Contains(line, "2024-01-15") {
		t.Errorf("Nguyễn row: %q", line)
	}
	for _, absent := range []string{"O'Connor", "Recent"} {
		if strings.Contains(text, absent) {
			t.Errorf("%s is not eligible but listed", absent)
		}
	}
	// As of 2029-03-09 the minor turns 28.
	if text := lp.generate(t, ReportRetention, Params{Date: records.MustParseDate("2029-03-09")}); !strings.Contains(text, "O'Connor") || !strings.Contains(lineWith(text, "O'Connor"), "Minor") {
		t.Errorf("minor on 2029-03-09 not listed:\n%s", text)
	}
}

func TestDestructionCertificate(t *testing.T) {
	lp := openLifecyclePractice(t)
	var buf bytes.Buffer
	err := Generate(lp.ctx, lp.svc, ReportDestructionCertificate, Params{Now: lp.now}, &buf)
	if records.ErrorField(err) != FilterBatch {
		t.Errorf("no batch: %v", err)
	}
	b, err := lp.svc.RecordDestruction(lp.ctx, records.DestructionInput{
		Method: "Cross-cut shredding on site", DestroyedBy: "Sam Shredder", Witness: "Wanda Witness",
		VolumeIDs: []records.ID{lp.vols["Núñez"].ID, lp.vols["Nguyễn"].ID},
	})
	if err != nil {
		t.Fatal(err)
	}
	text := lp.generate(t, ReportDestructionCertificate, Params{BatchID: b.ID})
	for _, want := range []string{
		"Certificate of destruction", "Batch number", "2026-03-10", "Cross-cut shredding on site",
		"2 folders of 2 patients", "2012-06-01 to 2014-01-15", "destroyed in the normal course of business",
		"Núñez, María José", "12-34-56", "Nguyễn, Thị Lan",
		"Destroyed by: Sam Shredder", "Witness: Wanda Witness", "Signature", "Date", "Page 1 of 1",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("certificate lacks %q:\n%s", want, text)
		}
	}
	assertOrder(t, text, "destroyed in the normal course of business", "Nguyễn", "Núñez", "Destroyed by: Sam Shredder", "Witness: Wanda Witness")
	var a, b2 bytes.Buffer
	for _, buf := range []*bytes.Buffer{&a, &b2} {
		if err := Generate(lp.ctx, lp.svc, ReportDestructionCertificate, Params{Now: lp.now, BatchID: b.ID}, buf); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(a.Bytes(), b2.Bytes()) {
		t.Error("two certificates of the same batch differ")
	}
}

func TestShelfAuditReport(t *testing.T) {
	lp := openLifecyclePractice(t)
	v := lp.vols
	// Shelf order (terminal digit): 12-34-56, 01-35-56, 00-01-57, 99-88-77.
	if _, err := lp.svc.MarkMissing(lp.ctx, v["Recent"].ID, "looked twice"); err != nil {
		t.Fatal(err)
	}
	scans := []string{v["Núñez"].Barcode, v["O'Connor"].Barcode, v["Nguyễn"].Barcode, v["Recent"].Barcode, "ZZ-UNKNOWN"}
	var buf bytes.Buffer
	if err := Generate(lp.ctx, lp.svc, ReportShelfAudit, Params{Now: lp.now, Scans: scans}, &buf); records.ErrorField(err) != FilterLocation {
		t.Errorf("no location: %v", err)
	}
	text := lp.generate(t, ReportShelfAudit, Params{LocationID: lp.shelf.ID, Scans: scans})
	for _, want := range []string{"Shelf audit", "Record room > Shelf 3", "Scanned: 5 barcodes", "Out of filing order", "Recorded elsewhere, out or missing",
		"Unknown barcodes and repeated scans", "Recorded here but not seen", "ZZ-UNKNOWN", "unknown barcode", "recorded missing"} {
		if !strings.Contains(text, want) {
			t.Errorf("shelf audit lacks %q:\n%s", want, text)
		}
	}
	if line := lineWith(text, "O'Connor"); !strings.Contains(line, "belongs after 00-01-57 Recent, Rita") {
		t.Errorf("O'Connor row: %q", line)
	}
	if line := lineWith(text, "recorded missing"); !strings.Contains(line, "Recent, Rita") || !strings.Contains(line, "00-01-57") {
		t.Errorf("recorded missing row: %q", line)
	}
	if line := lineWith(text, "Recorded here but not seen"); !strings.Contains(line, "0") {
		t.Errorf("not seen count: %q", line)
	}
	assertOrder(t, text, "Out of filing order", "O'Connor", "Recorded elsewhere", "Recent", "Unknown barcodes", "ZZ-UNKNOWN", "Every folder recorded here was scanned.")
}
