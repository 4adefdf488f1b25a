package sqlite

import (
	"strings"
	"testing"

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
	lawyer := f.Borrower(records.Borrower{Name: "Quill & Ink LLP", Kind: records.BorrowerExternal, Address: "1 Example Plaza, Springfield"})
	p := f.Patient("123456", "Testwell", "Ada")
	v := f.FirstVolume(p)

	// No purpose: refused, naming the field, and nothing is saved.
	movesBefore := countRows(t, f, "movements")
	_, err := f.s.CheckOut(f.Clerk, records.CheckOutInput{Barcode: v.Barcode, BorrowerID: lawyer.ID, Note: "  "})
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
	if got, _ := f.s.Volume(f.Clerk, v.ID); got.State != records.StateInFile {
		t.Fatalf("refused check-out moved the folder: %s", got.State)
	}

	// With a purpose: out, and one disclosure in the same transaction.
	res, err := f.s.CheckOut(f.Clerk, records.CheckOutInput{Barcode: v.Barcode, BorrowerID: lawyer.ID, Note: "subpoena in Doe v. Roe", Purpose: records.PurposeLegal})
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
	list, err := f.s.ListDisclosures(f.Clerk, records.DisclosureFilter{PatientID: p.ID})
	if err != nil || len(list) != 1 || list[0].ID != d.ID {
		t.Fatalf("ListDisclosures: %+v %v", list, err)
	}

	// Inside borrowers and offsite storage: no purpose needed, no disclosure.
	p2 := f.Patient("123457", "Testwell", "Bo")
	for _, b := range []records.Borrower{f.DrGrey, f.Offsite} {
		v2 := f.FirstVolume(p2)
		res, err := f.s.CheckOut(f.Clerk, records.CheckOutInput{Barcode: v2.Barcode, BorrowerID: b.ID})
		if err != nil || res.Disclosure != nil {
			t.Fatalf("%s: %+v %v", b.Name, res, err)
		}
		if _, err := f.s.CheckIn(f.Clerk, v2.Barcode); err != nil {
			t.Fatal(err)
		}
	}
	// A hand-off to an outside party is a disclosure too.
	v2 := f.FirstVolume(p2)
	if _, err := f.s.CheckOut(f.Clerk, records.CheckOutInput{Barcode: v2.Barcode, BorrowerID: f.DrGrey.ID}); err != nil {
		t.Fatal(err)
	}
	_, err = f.s.CheckOut(f.Clerk, records.CheckOutInput{Barcode: v2.Barcode, BorrowerID: lawyer.ID, HandOff: true})
	if records.ErrorField(err) != "Purpose" {
		t.Fatalf("hand-off without purpose: %v", err)
	}
	res, err = f.s.CheckOut(f.Clerk, records.CheckOutInput{Barcode: v2.Barcode, BorrowerID: lawyer.ID, HandOff: true, Note: "insurer review", Purpose: records.PurposePayment})
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
