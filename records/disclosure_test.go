package records

import (
	"strings"
	"testing"
)

func TestDisclosurePurposeClassification(t *testing.T) {
	tests := []struct {
		purpose    DisclosurePurpose
		reportable bool
	}{
		{PurposeTreatment, false},
		{PurposePayment, false},
		{PurposeOperations, false},
		{PurposeToPatient, false},
		{PurposeAuthorized, false},
		{PurposeInvolvedInCare, false},
		{PurposeSecurity, false},
		{PurposeCorrectional, false},
		{PurposeLimitedDataSet, false},
		{PurposeLegal, true},
		{PurposeLawEnforcement, true},
		{PurposePublicHealth, true},
		{PurposeHealthOversight, true},
		{PurposeAbuseReport, true},
		{PurposeResearch, true},
		{PurposeWorkersComp, true},
		{PurposeDecedent, true},
		{PurposeOther, true},
		{"something-new", true}, // unknown: account for it rather than leave it out
	}
	for _, tt := range tests {
		if got := tt.purpose.Reportable(); got != tt.reportable {
			t.Errorf("%s: Reportable() = %v, want %v", tt.purpose, got, tt.reportable)
		}
	}
	if len(DisclosurePurposes) != len(purposeLabels) {
		t.Fatalf("%d purposes listed, %d labelled", len(DisclosurePurposes), len(purposeLabels))
	}
	for _, p := range DisclosurePurposes {
		back, ok := PurposeFromLabel(p.Label())
		if !ok || back != p {
			t.Errorf("label %q of %s reads back as %q %v", p.Label(), p, back, ok)
		}
	}
}

func TestAccountingPeriodBoundaries(t *testing.T) {
	d := MustParseDate
	tests := []struct {
		name       string
		disclosed  string
		asOf       string
		inAccounts bool
	}{
		{"first day of the period", "2019-06-15", "2025-06-15", true},
		{"the day before the period", "2019-06-14", "2025-06-15", false},
		{"the day of the request", "2025-06-15", "2025-06-15", true},
		{"the day after the request", "2025-06-16", "2025-06-15", false},
		{"mid-period", "2022-01-01", "2025-06-15", true},
		// 2028-02-29 minus six years is 2022-03-01 (2022 has no 29 February).
		{"leap day request, 1 March six years back", "2022-03-01", "2028-02-29", true},
		{"leap day request, 28 February six years back", "2022-02-28", "2028-02-29", false},
		{"request on 1 March after a leap year", "2020-03-01", "2026-03-01", true},
		{"leap day seven years back", "2020-02-29", "2026-03-01", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := InAccountingPeriod(d(tt.disclosed), d(tt.asOf)); got != tt.inAccounts {
				t.Fatalf("InAccountingPeriod(%s, %s) = %v, want %v", tt.disclosed, tt.asOf, got, tt.inAccounts)
			}
		})
	}
	from, to := AccountingPeriod(d("2025-06-15"))
	if from.String() != "2019-06-15" || to.String() != "2025-06-15" {
		t.Fatalf("AccountingPeriod = %s..%s", from, to)
	}
}

func TestAccountingEntries(t *testing.T) {
	d := MustParseDate
	ds := []Disclosure{
		{ID: 1, Date: d("2019-06-14"), Category: PurposeLegal},     // before the period
		{ID: 2, Date: d("2019-06-15"), Category: PurposeLegal},     // first day
		{ID: 3, Date: d("2021-03-01"), Category: PurposeTreatment}, // exempt
		{ID: 4, Date: d("2024-02-01"), Category: PurposePublicHealth},
		{ID: 5, Date: d("2025-06-16"), Category: PurposeOther}, // after the request
	}
	got := AccountingEntries(ds, d("2025-06-15"))
	if len(got) != 2 || got[0].ID != 2 || got[1].ID != 4 {
		t.Fatalf("AccountingEntries = %+v, want disclosures 2 and 4", got)
	}
	if len(AccountingEntries(nil, d("2025-06-15"))) != 0 {
		t.Fatal("no disclosures, yet entries")
	}
}

func TestValidateDisclosure(t *testing.T) {
	today := MustParseDate("2025-06-15")
	good := func() Disclosure {
		return Disclosure{PatientID: 1, Date: today, Recipient: " Quill & Ink LLP ", Description: "Chart copy", Purpose: "subpoena", Category: PurposeLegal}
	}
	tests := []struct {
		name  string
		edit  func(*Disclosure)
		field string
	}{
		{"valid", func(*Disclosure) {}, ""},
		{"no chart", func(d *Disclosure) { d.PatientID = 0 }, "Chart"},
		{"no date", func(d *Disclosure) { d.Date = Date{} }, "Date"},
		{"future date", func(d *Disclosure) { d.Date = today.AddDays(1) }, "Date"},
		{"no recipient", func(d *Disclosure) { d.Recipient = "  " }, "Recipient"},
		{"no description", func(d *Disclosure) { d.Description = "" }, "Description"},
		{"no purpose", func(d *Disclosure) { d.Purpose = "" }, "Purpose"},
		{"control character", func(d *Disclosure) { d.Address = "1 Main St\n" + "x" }, "Address"},
		{"unknown category", func(d *Disclosure) { d.Category = "gossip" }, "Category"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := good()
			tt.edit(&d)
			err := ValidateDisclosure(&d, today)
			if got := ErrorField(err); got != tt.field {
				t.Fatalf("field %q, want %q (err %v)", got, tt.field, err)
			}
			if err == nil && (d.Recipient != "Quill & Ink LLP" || d.Source != DisclosureManual) {
				t.Fatalf("not cleaned: %+v", d)
			}
		})
	}
	d := good()
	d.Category = ""
	if err := ValidateDisclosure(&d, today); err != nil || d.Category != PurposeOther || !d.Reportable() {
		t.Fatalf("empty category: %v %+v", err, d)
	}
}

func TestDisclosureForCheckOut(t *testing.T) {
	today := MustParseDate("2025-06-15")
	v := Volume{ID: 7, PatientID: 3, Number: 1, Barcode: "V7", TypeName: "Medical"}
	lawyer := Borrower{ID: 4, Name: "Quill & Ink LLP", Kind: BorrowerExternal, Address: "1 Example Plaza", Active: true}
	storage := Borrower{ID: 5, Name: "Boxes", Kind: BorrowerOffsite, Active: true}
	doctor := Borrower{ID: 6, Name: "Dr. Zed", Kind: BorrowerProvider, Active: true}

	for _, b := range []Borrower{storage, doctor} {
		d, err := DisclosureForCheckOut(v, b, CheckOutInput{}, today)
		if d != nil || err != nil {
			t.Fatalf("%s: a disclosure (%+v, %v) for an inside borrower", b.Kind, d, err)
		}
	}
	_, err := DisclosureForCheckOut(v, lawyer, CheckOutInput{Note: "  "}, today)
	if ErrorField(err) != "Purpose" || !strings.Contains(ErrorMessage(err), "is required for a check-out to Quill & Ink LLP") {
		t.Fatalf("no purpose: %v", err)
	}
	// A purpose that was given but is bad is told why, not that it is missing.
	_, err = DisclosureForCheckOut(v, lawyer, CheckOutInput{Note: "sub\x07poena"}, today)
	if ErrorField(err) != "Purpose" || !strings.Contains(ErrorMessage(err), "control character") {
		t.Fatalf("purpose with a control character: %v", err)
	}
	d, err := DisclosureForCheckOut(v, lawyer, CheckOutInput{Note: "subpoena", Purpose: PurposeLegal}, today)
	if err != nil || d == nil {
		t.Fatalf("with purpose: %v", err)
	}
	if d.Recipient != lawyer.Name || d.Address != lawyer.Address || d.PatientID != 3 || d.VolumeID != 7 || d.BorrowerID != 4 ||
		d.Source != DisclosureCheckOut || d.Description != "Chart folder Medical 1 (V7)" || !d.Date.Equal(today) || !d.Reportable() {
		t.Fatalf("disclosure %+v", d)
	}
	d, _ = DisclosureForCheckOut(v, lawyer, CheckOutInput{Note: "claim"}, today)
	if d.Category != PurposeOther {
		t.Fatalf("default category %q", d.Category)
	}
}

func TestAccountingRequestRule(t *testing.T) {
	d := MustParseDate
	today := d("2025-06-15")
	r := AccountingRequest{PatientID: 1, Received: d("2025-04-16")}
	if err := ValidateAccountingRequest(&r, today); err != nil {
		t.Fatal(err)
	}
	if r.Due.String() != "2025-06-15" {
		t.Fatalf("due %s, want received + 60 days", r.Due)
	}
	if r.Overdue(d("2025-06-15")) {
		t.Fatal("overdue on its due day")
	}
	if !r.Overdue(d("2025-06-16")) {
		t.Fatal("not overdue the day after its due day")
	}
	future := AccountingRequest{PatientID: 1, Received: today.AddDays(1)}
	if ErrorField(ValidateAccountingRequest(&future, today)) != "Received" {
		t.Fatal("a request received tomorrow")
	}
	blank := AccountingRequest{PatientID: 1}
	if err := ValidateAccountingRequest(&blank, today); err != nil || !blank.Received.Equal(today) || blank.Due.String() != "2025-08-14" {
		t.Fatalf("received defaults to today: %v %+v", err, blank)
	}

	note := " sent by mail "
	tests := []struct {
		name     string
		answered Date
		field    string
		code     string
	}{
		{"on the day received", d("2025-04-16"), "", ""},
		{"today", today, "", ""},
		{"before received", d("2025-04-15"), "Answered", EInvalid},
		{"tomorrow", today.AddDays(1), "Answered", EInvalid},
		{"no date", Date{}, "Answered", EInvalid},
	}
	for _, tt := range tests {
		n := note
		var err error
		code := ""
		if refusal := AnswerRefusal(r, tt.answered, today, &n); refusal != nil {
			err, code = refusal, refusal.Code
		}
		if ErrorField(err) != tt.field || code != tt.code {
			t.Errorf("%s: %v", tt.name, err)
		}
		if err == nil && n != "sent by mail" {
			t.Errorf("%s: note not cleaned: %q", tt.name, n)
		}
	}
	r.Answered = today
	if err := AnswerRefusal(r, today, today, &note); err == nil || err.Code != EConflict {
		t.Fatalf("answered twice: %v", err)
	}
	if r.Open() || r.Overdue(today.AddDays(100)) {
		t.Fatal("an answered request is open or overdue")
	}
}
