package reports

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chartroom/chartroom/records"
)

// fixtureDisclosures are Nguyễn's (patient 2) disclosures: reportable and
// exempt ones, inside and outside the six years before testToday
// (2026-03-05; the period starts 2020-03-05).
func fixtureDisclosures() []records.Disclosure {
	d := records.MustParseDate
	return []records.Disclosure{
		{ID: 1, PatientID: 2, Date: d("2020-03-04"), Recipient: "Too Early & Co", Description: "Chart copy", Purpose: "old subpoena", Category: records.PurposeLegal},
		{ID: 2, PatientID: 2, Date: d("2020-03-05"), Recipient: "Pennywhistle & Partners LLP", Address: "1 Example Plaza, Springfield",
			Description: "Chart folder Medical 1 (V00000002)", Purpose: "Subpoena duces tecum in a made-up case about a very long matter that needs two lines", Category: records.PurposeLegal},
		{ID: 3, PatientID: 2, Date: d("2023-07-01"), Recipient: "Dr. Treats Elsewhere", Description: "Referral letter", Purpose: "referral", Category: records.PurposeTreatment},
		{ID: 4, PatientID: 2, Date: d("2025-11-30"), Recipient: "Springfield Health Department", Address: "5 Civic Way", Description: "Immunization record", Purpose: "Outbreak report", Category: records.PurposePublicHealth},
		{ID: 5, PatientID: 2, Date: d("2026-03-05"), Recipient: "Same Day Insurance", Description: "Claim file", Purpose: "claim", Category: records.PurposePayment},
	}
}

// ListDisclosures answers from fixtureDisclosures the way the store does.
func (f *fakeStore) ListDisclosures(ctx context.Context, flt records.DisclosureFilter) ([]records.Disclosure, error) {
	var out []records.Disclosure
	for _, d := range f.disclosures {
		if (flt.PatientID == 0 || d.PatientID == flt.PatientID) && (flt.From.IsZero() || !d.Date.Before(flt.From)) && (flt.To.IsZero() || !d.Date.After(flt.To)) {
			out = append(out, d)
		}
	}
	return out, nil
}

func TestDisclosuresReport(t *testing.T) {
	svc := newFakeStore()
	svc.patients[0].DOB = records.NewDate(1988, time.July, 19)
	text := strings.Join(pdfPages(t, generate(t, svc, ReportDisclosures, Params{Now: testNow, PatientID: 2})), "\n")
	for _, w := range []string{
		"Accounting of disclosures", "Nguyễn, Thị Lan", "01-35-56", "1988-07-19", "2020-03-05 to 2026-03-05",
		"Pennywhistle & Partners LLP", "1 Example Plaza, Springfield", "Subpoena duces tecum", "about a very long matter",
		"Springfield Health Department", "Outbreak report", "Public health", "2 disclosures",
	} {
		if !strings.Contains(text, w) {
			t.Errorf("accounting lacks %q:\n%s", w, text)
		}
	}
	// Exempt ones and those outside the period are left out.
	for _, w := range []string{"Too Early", "Dr. Treats Elsewhere", "Same Day Insurance"} {
		if strings.Contains(text, w) {
			t.Errorf("accounting lists %q:\n%s", w, text)
		}
	}
	assertOrder(t, text, "2020-03-05", "Pennywhistle", "2025-11-30", "Springfield Health")

	// An earlier as-of day moves the period: the 2020-03-04 disclosure is in.
	text = strings.Join(pdfPages(t, generate(t, svc, ReportDisclosures, Params{Now: testNow, PatientID: 2, Date: records.NewDate(2026, time.March, 4)})), "\n")
	if !strings.Contains(text, "Too Early & Co") || !strings.Contains(text, "2020-03-04 to 2026-03-04") {
		t.Errorf("as of 2026-03-04:\n%s", text)
	}

	// None in the period: a statement says so.
	text = strings.Join(pdfPages(t, generate(t, svc, ReportDisclosures, Params{Now: testNow, PatientID: 2, Date: records.NewDate(2040, time.January, 1)})), "\n")
	if !strings.Contains(text, "No disclosures that must be accounted for were made in this period.") {
		t.Errorf("empty accounting:\n%s", text)
	}

	// The patient is required.
	err := Generate(context.Background(), svc, ReportDisclosures, Params{Now: testNow}, &strings.Builder{})
	if records.ErrorField(err) != FilterPatient {
		t.Fatalf("no patient: %v", err)
	}
}

func TestPullListFlagsAMissingFolder(t *testing.T) {
	for _, tt := range []struct{ where, want string }{
		{"missing (home: Record room)", "FOLDER MISSING (home: Record room)"},
		{"", "FOLDER MISSING"},
		{"Shelf 3", "FOLDER MISSING: Shelf 3"},
	} {
		if got := placeText(records.StateMissing, tt.where); got != tt.want {
			t.Errorf("placeText(missing, %q) = %q, want %q", tt.where, got, tt.want)
		}
	}
}
