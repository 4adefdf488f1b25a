package records

import (
	"testing"
	"time"
)

func TestCheckOutDue(t *testing.T) {
	now := time.Date(2026, 3, 10, 9, 30, 0, 0, time.Local)
	doctor := Borrower{Kind: BorrowerProvider, LoanDays: 14}
	storage := Borrower{Kind: BorrowerOffsite}
	cases := []struct {
		name    string
		asked   string
		b       Borrower
		want    string
		invalid bool
	}{
		{"none asked: the loan period", "", doctor, "2026-03-24", false},
		{"none asked, offsite: no due date", "", storage, "", false},
		{"a later day asked", "2026-04-01", doctor, "2026-04-01", false},
		{"today asked", "2026-03-10", doctor, "2026-03-10", false},
		{"a past day asked", "2026-03-09", doctor, "", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var asked Date
			if c.asked != "" {
				asked = MustParseDate(c.asked)
			}
			due, err := CheckOutDue(asked, now, c.b, RecordType{})
			if c.invalid {
				if ErrorCode(err) != EInvalid {
					t.Fatalf("due %v, err %v: want the day refused", due, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if !due.IsZero() {
				got = due.String()
			}
			if got != c.want {
				t.Errorf("due %q, want %q", got, c.want)
			}
		})
	}
}

func TestCheckOutKindAndDetail(t *testing.T) {
	v := Volume{Barcode: "V0000042", MRN: "123456", State: StateInFile}
	b := Borrower{Name: "Dr. Quill Testdoctor"}
	if k := CheckOutKind(v); k != MoveCheckOut {
		t.Errorf("a folder in file: %s", k)
	}
	v.State = StateCheckedOut
	if k := CheckOutKind(v); k != MoveHandOff {
		t.Errorf("a folder out: %s", k)
	}
	got := CheckOutDetail(MoveCheckOut, v, b, MustParseDate("2026-03-24"), 2)
	want := "check-out V0000042 (" + v.Label() + ", chart 123456) to Dr. Quill Testdoctor due 2026-03-24; 2 request(s) fulfilled"
	if got != want {
		t.Errorf("detail %q\nwant %q", got, want)
	}
}
