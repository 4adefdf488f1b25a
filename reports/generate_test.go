package reports

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/reports/needtool"
)

func clerkCtx() context.Context {
	return records.WithActor(context.Background(), records.Actor{UserID: 7, Username: "clerk.demo", Role: records.RoleClerk})
}

func generate(t *testing.T, svc Store, name string, p Params) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Generate(clerkCtx(), svc, name, p, &buf); err != nil {
		t.Fatalf("Generate(%s): %v", name, err)
	}
	keepSample(t, buf.Bytes())
	return buf.Bytes()
}

func TestListIsTheContract(t *testing.T) {
	want := []string{"location", "out-by-borrower", "overdue", "overdue-notices", "pull-list", "outguides",
		"request-slips", "history", "labels", "missing", "activity", "disclosures",
		"retention", "destruction-certificate", "shelf-audit"}
	var got []string
	for _, r := range List() {
		got = append(got, r.Name)
		if r.Title == "" || r.Description == "" {
			t.Errorf("%s has no title or description", r.Name)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("List() = %v, want %v", got, want)
	}
	// The caller's copy is its own.
	List()[0].Filters[0].Name = "changed"
	List()[0].Orders[0] = records.OrderDue
	if List()[0].Filters[0].Name == "changed" || List()[0].Orders[0] == records.OrderDue {
		t.Error("List shares its slices")
	}
}

// TestFiltersAreDeclaredOnce: every report's filters are declared filters,
// each name once in a report; a report that takes the order filter says
// which orders, filing first; OneOf names filters the report takes.
func TestFiltersAreDeclaredOnce(t *testing.T) {
	used := map[FilterKind]bool{}
	for _, r := range List() {
		names := map[string]bool{}
		takesOrder := false
		for _, f := range r.Filters {
			d := declaredKind(f.Kind)
			if f.Name != d.Name || f.Label != d.Label || f.Help != d.Help {
				t.Errorf("%s: filter %+v differs from its declaration %+v", r.Name, f, d)
			}
			if names[f.Name] {
				t.Errorf("%s takes %s twice", r.Name, f.Name)
			}
			names[f.Name], used[f.Kind] = true, true
			takesOrder = takesOrder || f.Kind == KindOrder
		}
		if takesOrder != (len(r.Orders) > 1) || (takesOrder && r.Orders[0] != records.OrderFiling) {
			t.Errorf("%s: order filter %v, orders %v", r.Name, takesOrder, r.Orders)
		}
		for _, n := range r.OneOf {
			if !names[n] {
				t.Errorf("%s needs one of %v, but does not take %s", r.Name, r.OneOf, n)
			}
		}
	}
	for _, f := range Filters() {
		if f.Name == "" || f.Label == "" || f.Help == "" || f.Required {
			t.Errorf("filter %+v: a name, a label, a line of help, required by no default", f)
		}
		if !used[f.Kind] {
			t.Errorf("no report takes %s (kind %d)", f.Name, f.Kind)
		}
	}
}

// TestRequiredFiltersAreRefusedWhenMissing: a report refuses to run without
// a filter it declares required, naming that filter, as the faces promise.
func TestRequiredFiltersAreRefusedWhenMissing(t *testing.T) {
	svc := newFakeStore()
	for _, r := range List() {
		var needs []string
		for _, f := range r.Filters {
			if f.Required {
				needs = append(needs, f.Name)
			}
		}
		if len(r.OneOf) > 0 {
			needs = append(needs, r.OneOf[0])
		}
		if len(needs) == 0 {
			continue
		}
		t.Run(r.Name, func(t *testing.T) {
			var buf bytes.Buffer
			err := Generate(clerkCtx(), svc, r.Name, Params{Now: testNow}, &buf)
			if records.ErrorCode(err) != records.EInvalid || !slices.Contains(needs, records.ErrorField(err)) {
				t.Errorf("with no filters: %v (field %q), want a refusal naming one of %v", err, records.ErrorField(err), needs)
			}
		})
	}
}

// reportCases are parameters that make each report print something.
func reportCases() map[string]Params {
	return map[string]Params{
		ReportLocation:       {Now: testNow},
		ReportOutByBorrower:  {Now: testNow},
		ReportOverdue:        {Now: testNow, Order: records.OrderDue},
		ReportOverdueNotices: {Now: testNow},
		ReportPullList:       {Now: testNow, Date: testToday},
		ReportOutguides:      {Now: testNow},
		ReportRequestSlips:   {Now: testNow},
		ReportHistory:        {Now: testNow, PatientID: 2, From: testToday.AddDays(-30), To: testToday},
		ReportLabels:         {Now: testNow, StartPosition: 4},
		ReportMissing:        {Now: testNow},
		ReportActivity:       {Now: testNow},
		ReportDisclosures:    {Now: testNow, PatientID: 2},

		ReportRetention:              {Now: testNow},
		ReportDestructionCertificate: {Now: testNow, BatchID: 7},
		ReportShelfAudit:             {Now: testNow, LocationID: 10, Scans: []string{"V00000002", "V00000001", "V00000009"}},
	}
}

// reportShows is a line each report must show with the fake store's data.
var reportShows = map[string]string{
	ReportLocation:       "6 volumes, 4 out, 2 overdue",
	ReportOutByBorrower:  "4 charts out to 3 borrowers, 2 overdue",
	ReportOverdue:        "2 charts overdue",
	ReportOverdueNotices: "Please return the charts to the record room of " + testPractice + ", 12 Sample Lane",
	ReportPullList:       "4 charts requested, 1 already pulled, 3 not in file",
	ReportOutguides:      "Signature of borrower",
	ReportRequestSlips:   "CHART REQUEST",
	ReportHistory:        "Patient: Nguyễn, Thị Lan (01-35-56)",
	ReportLabels:         "Starting at label 4",
	ReportMissing:        "1 volume missing",
	ReportActivity:       "Dates: 2026-02-04 to 2026-03-05",
	ReportDisclosures:    "2020-03-05 to 2026-03-05 (the six years before the request)",

	ReportRetention:              "5 folders eligible for destruction, 4 of them not in file",
	ReportDestructionCertificate: "2 folders destroyed in batch 7",
	ReportShelfAudit:             "belongs after 12-34-56 Núñez, María José",
}

func TestGenerateEveryReport(t *testing.T) {
	svc := newFakeStore()
	svc.moves = []records.Movement{{VolumeID: 2, Kind: records.MoveCheckOut, At: testNow.AddDate(0, 0, -13), Username: "clerk.demo",
		VolumeLabel: "Medical 1", Barcode: "V00000002", ToBorrower: "Dr. Ada Quill", ToBorrowerID: 1}}
	for _, r := range List() {
		t.Run(r.Name, func(t *testing.T) {
			p, ok := reportCases()[r.Name]
			if !ok {
				t.Fatal("no test case")
			}
			text := strings.Join(pdfPages(t, generate(t, svc, r.Name, p)), "\n")
			for _, w := range []string{testPractice, r.Title, "Printed 2026-03-05 14:30 by clerk.demo", confidential, reportShows[r.Name]} {
				if !strings.Contains(text, w) {
					t.Errorf("%s lacks %q:\n%s", r.Name, w, text)
				}
			}
			// Accented and non-Latin names survive into the text.
			if !slices.Contains([]string{ReportActivity, ReportOverdueNotices, ReportMissing}, r.Name) && !strings.Contains(text, "Nguyễn") {
				t.Errorf("%s lost the accents of Nguyễn", r.Name)
			}
		})
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	svc := newFakeStore()
	for name, p := range reportCases() {
		t.Run(name, func(t *testing.T) {
			a := generate(t, svc, name, p)
			b := generate(t, svc, name, p)
			if !bytes.Equal(a, b) {
				t.Fatalf("two runs differ (%d and %d bytes)", len(a), len(b))
			}
			p.Now = p.Now.Add(time.Minute)
			if c := generate(t, svc, name, p); bytes.Equal(a, c) {
				t.Error("a different clock gives the same bytes; the printed-at time is not in the PDF")
			}
		})
	}
}

func TestGenerateRefusesBadParams(t *testing.T) {
	svc := newFakeStore()
	tests := []struct {
		name   string
		report string
		p      Params
		code   string
		field  string
		says   string
	}{
		{"unknown report", "shelf-list", Params{Now: testNow}, records.EInvalid, "", "there is no report called"},
		{"no clock", ReportLocation, Params{}, records.EInvalid, "", "time it is printed"},
		{"filter not taken", ReportPullList, Params{Now: testNow, BorrowerID: 1}, records.EInvalid, FilterBorrower, "does not take this filter"},
		{"bad state", ReportLocation, Params{Now: testNow, States: []records.VolumeState{"lost"}}, records.EInvalid, FilterState, "not a volume state"},
		{"order not offered", ReportLocation, Params{Now: testNow, Order: records.OrderDue}, records.EInvalid, FilterOrder, "filing or borrower"},
		{"range backwards", ReportActivity, Params{Now: testNow, From: testToday, To: testToday.AddDays(-1)}, records.EInvalid, FilterTo, "before the start"},
		{"label format", ReportLabels, Params{Now: testNow, LabelFormat: "sheet"}, records.EInvalid, FilterLabelFormat, "not a label format"},
		{"start past the sheet", ReportLabels, Params{Now: testNow, StartPosition: 31}, records.EInvalid, FilterStartPosition, "between 1 and 30"},
		{"start on a roll", ReportLabels, Params{Now: testNow, LabelFormat: LabelRoll, StartPosition: 3}, records.EInvalid, FilterStartPosition, "not to a roll"},
		{"history of nothing", ReportHistory, Params{Now: testNow}, records.EInvalid, FilterPatient, "Patient: choose a patient or a folder: the chart history needs one"},
		{"zero volume id", ReportLabels, Params{Now: testNow, VolumeIDs: []records.ID{1, 0}}, records.EInvalid, FilterBarcode, "no id"},
		{"history of two folders", ReportHistory, Params{Now: testNow, VolumeIDs: []records.ID{1, 2}}, records.EInvalid, FilterBarcode, "about one folder, not 2"},
		{"unknown borrower", ReportOverdue, Params{Now: testNow, BorrowerID: 99}, records.ENotFound, "", "no borrower"},
		{"unknown location", ReportLocation, Params{Now: testNow, LocationID: 99}, records.ENotFound, "", "no location"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := Generate(clerkCtx(), svc, tt.report, tt.p, &buf)
			if records.ErrorCode(err) != tt.code || records.ErrorField(err) != tt.field || !strings.Contains(records.ErrorMessage(err), tt.says) {
				t.Fatalf("got %v (code %q, field %q); want code %q, field %q, saying %q",
					err, records.ErrorCode(err), records.ErrorField(err), tt.code, tt.field, tt.says)
			}
			if buf.Len() != 0 {
				t.Error("a refused report wrote output")
			}
		})
	}
}

// pageSize returns what pdfinfo says of the first page's size.
func pageSize(t *testing.T, pdf []byte) string {
	t.Helper()
	needtool.Need(t, "pdfinfo")
	path := filepath.Join(t.TempDir(), "r.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdfinfo", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(strings.TrimPrefix(lineWith(string(out), "Page size:"), "Page size:"))
}

func TestGeneratePaperSize(t *testing.T) {
	svc := newFakeStore()
	if got := pageSize(t, generate(t, svc, ReportLocation, Params{Now: testNow})); !strings.Contains(got, "(letter)") {
		t.Errorf("Letter setting gave %s", got)
	}
	svc.settings.Paper = records.PaperA4
	a4 := generate(t, svc, ReportLocation, Params{Now: testNow})
	if got := pageSize(t, a4); !strings.Contains(got, "(A4)") {
		t.Errorf("A4 setting gave %s", got)
	}
	// The A4 table keeps every column readable.
	text := pdfPages(t, a4)[0]
	if line := lineWith(text, "Nguyễn"); !strings.Contains(line, "Out: Dr. Ada Quill") || !strings.Contains(line, "2026-02-27") {
		t.Errorf("A4 row cut: %q", line)
	}
	// Avery 5160 sheets are Letter whatever the setting.
	if got := pageSize(t, generate(t, svc, ReportLabels, Params{Now: testNow})); !strings.Contains(got, "(letter)") {
		t.Errorf("labels on A4 setting gave %s", got)
	}
}

func TestGenerateChosenVolumes(t *testing.T) {
	svc := newFakeStore()
	// Chosen out of order; labels come in filing order.
	pdf := generate(t, svc, ReportLabels, Params{Now: testNow, VolumeIDs: []records.ID{6, 1, 2}})
	slots := labelSlots(t, pdf, 1)
	want := map[string]int{"12-34-56": 1, "01-35-56": 2, "77-88-99": 3}
	if len(slots) != len(want) {
		t.Fatalf("labels %v, want %v", slots, want)
	}
	for mrn, pos := range want {
		if slots[mrn] != pos {
			t.Errorf("label %s at %d, want %d", mrn, slots[mrn], pos)
		}
	}
	// One volume given as VolumeID to a report of chosen volumes, and as
	// the only chosen volume to a report of one volume.
	if text := pdfPages(t, generate(t, svc, ReportOutguides, Params{Now: testNow, VolumeID: 2}))[0]; !strings.Contains(text, "Nguyễn, Thị Lan") ||
		!strings.Contains(text, "2026-02-20") || !strings.Contains(text, "Dr. Ada Quill") {
		t.Errorf("outguide of volume 2:\n%s", text)
	}
	svc.moves = []records.Movement{{VolumeID: 2, Kind: records.MoveCheckOut, At: testNow.AddDate(0, 0, -13), Username: "clerk.demo", VolumeLabel: "Medical 1", ToBorrower: "Dr. Ada Quill"}}
	if text := pdfPages(t, generate(t, svc, ReportHistory, Params{Now: testNow, VolumeIDs: []records.ID{2}}))[0]; !strings.Contains(text, "Volume: Nguyễn, Thị Lan (01-35-56), Medical 1, V00000002") ||
		!strings.Contains(text, "Checked out") {
		t.Errorf("history of volume 2:\n%s", text)
	}
}

func TestGenerateOutguidesFromPullList(t *testing.T) {
	pages := pdfPages(t, generate(t, newFakeStore(), ReportOutguides, Params{Now: testNow}))
	if len(pages) != 4 {
		t.Fatalf("%d outguides, want one per open request (4)", len(pages))
	}
	// Núñez's folder is in file: it goes to Dr. Quill today, due by her own
	// loan period of 7 days.
	if !strings.Contains(pages[0], "Núñez, María José") || !strings.Contains(lineWith(pages[0], "2026-03-05  "), "2026-03-12") ||
		strings.Contains(pages[0], "NOT ON THE SHELF") {
		t.Errorf("outguide 1: want Núñez to Dr. Ada Quill due 2026-03-12, no warning:\n%s", pages[0])
	}
	// Zamora's folder is out to Billing since 2026-02-02: the law firm's
	// request cannot be pulled. The outguide says where it is, not that it
	// goes to the law firm today.
	z := pages[3]
	for _, w := range []string{"Zamora-Quiñones, Ana", "NOT ON THE SHELF", "out to Billing Department since 2026-02-02, due 2026-03-01",
		"Pennywhistle & Partners LLP asked for it for 2026-03-05"} {
		if !strings.Contains(strings.Join(strings.Fields(z), " "), w) {
			t.Errorf("outguide 4 lacks %q:\n%s", w, z)
		}
	}
	if line := lineWith(z, "2026-02-02  "); !strings.Contains(line, "2026-03-01") {
		t.Errorf("outguide 4 does not show the current loan (out 2026-02-02, due 2026-03-01): %q", line)
	}
	if strings.Contains(z, "2026-03-19") {
		t.Errorf("outguide 4 gives a due date for a loan that cannot happen:\n%s", z)
	}
	// The person printing is told too: Nguyễn's folder is out to Dr.
	// Quill, Østergaard's offsite, Zamora's out to Billing.
	warnings, err := Render(clerkCtx(), newFakeStore(), ReportOutguides, Params{Now: testNow}, &bytes.Buffer{})
	if err != nil || len(warnings) != 3 || !strings.Contains(warnings[2], "the outguide of Zamora-Quiñones, Ana (77-88-99), Medical 1: NOT ON THE SHELF") {
		t.Errorf("warnings %q, %v; want three, the last for Zamora", warnings, err)
	}
}

func TestParseOrder(t *testing.T) {
	for _, o := range []records.VolumeOrder{records.OrderFiling, records.OrderBorrower, records.OrderDue} {
		got, err := ParseOrder(OrderName(o))
		if err != nil || got != o {
			t.Errorf("ParseOrder(OrderName(%d)) = %d, %v", o, got, err)
		}
	}
	if o, err := ParseOrder(""); err != nil || o != records.OrderFiling {
		t.Errorf("empty order: %d, %v", o, err)
	}
	if _, err := ParseOrder("shelf"); records.ErrorCode(err) != records.EInvalid {
		t.Errorf("ParseOrder(shelf): %v", err)
	}
}
