package records

import (
	"strings"
	"testing"
	"time"
)

var (
	provider = Borrower{ID: 1, Name: "Dr. Alder Testwood", Kind: BorrowerProvider, Active: true}
	fast     = Borrower{ID: 2, Name: "Billing Office", Kind: BorrowerDepartment, LoanDays: 3, Active: true}
	storage  = Borrower{ID: 3, Name: "Ironvault Storage", Kind: BorrowerOffsite, Active: true}
	medical  = RecordType{ID: 1, Name: "Medical", LoanDays: 14}
	noLoan   = RecordType{ID: 2, Name: "Archive", LoanDays: 0}
)

func TestDueDate(t *testing.T) {
	out := time.Date(2026, 11, 22, 16, 45, 0, 0, time.Local)
	tests := []struct {
		b    Borrower
		rt   RecordType
		want string
	}{
		{provider, medical, "2026-12-06"}, // the record type's period
		{fast, medical, "2026-11-25"},     // the borrower's own period wins
		{storage, medical, ""},            // offsite storage has no due date
		{provider, noLoan, ""},            // no period, no due date
	}
	for _, tt := range tests {
		if got := DueDate(out, tt.b, tt.rt).String(); got != tt.want {
			t.Errorf("DueDate(%s, %s) = %q, want %q", tt.b.Name, tt.rt.Name, got, tt.want)
		}
	}
}

func TestOverdue(t *testing.T) {
	due := MustParseDate("2026-12-06")
	tests := []struct {
		name  string
		v     Volume
		today string
		want  bool
		days  int
	}{
		{"on the due day", Volume{State: StateCheckedOut, Due: due}, "2026-12-06", false, 0},
		{"the day after", Volume{State: StateCheckedOut, Due: due}, "2026-12-07", true, 1},
		{"long past", Volume{State: StateCheckedOut, Due: due}, "2027-01-05", true, 30},
		{"returned", Volume{State: StateInFile, Due: due}, "2027-01-05", false, 0},
		{"offsite", Volume{State: StateOffsite, BorrowerKind: BorrowerOffsite, Due: due}, "2027-01-05", false, 0},
		{"no due date", Volume{State: StateCheckedOut}, "2027-01-05", false, 0},
		{"missing", Volume{State: StateMissing, Due: due}, "2027-01-05", false, 0},
	}
	for _, tt := range tests {
		today := MustParseDate(tt.today)
		if got := Overdue(tt.v, today); got != tt.want {
			t.Errorf("%s: Overdue = %v, want %v", tt.name, got, tt.want)
		}
		if got := DaysOverdue(tt.v, today); got != tt.days {
			t.Errorf("%s: DaysOverdue = %d, want %d", tt.name, got, tt.days)
		}
	}
}

func TestCheckOutRefusal(t *testing.T) {
	since := time.Date(2026, 11, 20, 9, 5, 0, 0, time.UTC)
	inFile := Volume{Barcode: "V0000001", TypeName: "Medical", Number: 1, State: StateInFile}
	outToProvider := Volume{Barcode: "V0000001", TypeName: "Medical", Number: 1, State: StateCheckedOut, BorrowerID: provider.ID, BorrowerName: provider.Name, OutSince: since}
	tests := []struct {
		name    string
		v       Volume
		to      Borrower
		handOff bool
		want    string // "" = allowed
	}{
		{"in file", inFile, provider, false, ""},
		{"already out", outToProvider, fast, false, "already out to Dr. Alder Testwood since 2026-11-20 09:05"},
		{"hand-off", outToProvider, fast, true, ""},
		{"hand-off to the same borrower", outToProvider, provider, true, "already out to Dr. Alder Testwood"},
		{"hand-off of an in-file folder", inFile, provider, true, "is in file"},
		{"missing", Volume{Barcode: "V1", State: StateMissing}, provider, false, "missing"},
		{"destroyed", Volume{Barcode: "V1", State: StateDestroyed}, provider, false, "destroyed"},
		{"inactive borrower", inFile, Borrower{Name: "Dr. Gone", Active: false}, false, "not an active borrower"},
	}
	for _, tt := range tests {
		err := CheckOutRefusal(tt.v, tt.to, tt.handOff)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: refused: %v", tt.name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: got %v, want a refusal containing %q", tt.name, err, tt.want)
		case err != nil && err.Code != EConflict:
			t.Errorf("%s: code %s, want conflict", tt.name, err.Code)
		}
	}
}

func TestCheckInRefusal(t *testing.T) {
	for state, ok := range map[VolumeState]bool{StateCheckedOut: true, StateOffsite: true, StateMissing: true, StateInTransit: true, StateInFile: false, StateDestroyed: false} {
		err := CheckInRefusal(Volume{Barcode: "V1", State: state})
		if (err == nil) != ok {
			t.Errorf("check-in of a %s folder: %v", state, err)
		}
	}
}

func TestRequestIsStale(t *testing.T) {
	r := Request{State: RequestPending, NeededOn: MustParseDate("2026-11-01")}
	if RequestIsStale(r, MustParseDate("2026-11-15"), 14) {
		t.Error("stale on the last day")
	}
	if !RequestIsStale(r, MustParseDate("2026-11-16"), 14) {
		t.Error("not stale the day after")
	}
	if RequestIsStale(r, MustParseDate("2027-11-16"), 0) {
		t.Error("expiry 0 means never")
	}
	r.State = RequestPulled
	if RequestIsStale(r, MustParseDate("2027-11-16"), 14) {
		t.Error("a pulled request does not expire")
	}
}

func TestNormalizeScan(t *testing.T) {
	tests := []struct{ in, want, err string }{
		{"v0000042\r\n", "V0000042", ""},
		{"\tB00101 ", "B00101", ""},
		{"", "", "empty"},
		{"\r\n", "", "empty"},
		{strings.Repeat("9", 65), "", "at most 64"},
		{"V00\x0142", "", "no barcode label carries"},
		{"Vé1", "", "no barcode label carries"},
	}
	for _, tt := range tests {
		got, err := NormalizeScan(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("NormalizeScan(%q) = %q, %v; want error %q", tt.in, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("NormalizeScan(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestParseQuery(t *testing.T) {
	tests := []struct {
		in          string
		kind        QueryKind
		digits      string
		last, first string
	}{
		{"12-34-56", QueryNumber, "123456", "", ""},
		{" 1234 ", QueryNumber, "1234", "", ""},
		{"Núñez", QueryName, "", "nunez", ""},
		{"núñez, ma", QueryName, "", "nunez", "ma"},
		{"O'Con", QueryName, "", "ocon", ""},
		{"v0000042", QueryCode, "", "v0000042", ""},
		{"", QueryEmpty, "", "", ""},
		{"  ,  ", QueryEmpty, "", "", ""},
		{", Zoë", QueryName, "", "", "zoe"},
	}
	for _, tt := range tests {
		q := ParseQuery(tt.in)
		if q.Kind != tt.kind || q.Digits != tt.digits || q.Last != tt.last || q.First != tt.first {
			t.Errorf("ParseQuery(%q) = %+v", tt.in, q)
		}
	}
	if q := ParseQuery("v0000042"); q.Code != "V0000042" {
		t.Errorf("barcode query code = %q", q.Code)
	}
}

func TestPrefixUpperBound(t *testing.T) {
	for in, want := range map[string]string{"abc": "abd", "ab\xff": "ac", "": "", "\xff\xff": ""} {
		if got := PrefixUpperBound(in); got != want {
			t.Errorf("PrefixUpperBound(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzNormalizeScan(f *testing.F) {
	for _, s := range []string{"V0000042\r", "B00101", "", "\x00", "ABC def"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		code, err := NormalizeScan(in)
		if err != nil {
			if ErrorCode(err) != EInvalid {
				t.Fatalf("scan error has code %q", ErrorCode(err))
			}
			return
		}
		if code == "" || len(code) > MaxScanLength || strings.ToUpper(code) != code {
			t.Fatalf("NormalizeScan(%q) = %q", in, code)
		}
		if again, err := NormalizeScan(code); err != nil || again != code {
			t.Fatalf("not idempotent: %q -> %q -> %q %v", in, code, again, err)
		}
	})
}

func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"12-34-56", "Núñez, Ma", "V0000042", "", ",", "'; DROP TABLE patients; --"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		q := ParseQuery(in)
		switch q.Kind {
		case QueryNumber:
			if q.Digits == "" {
				t.Fatalf("number query without digits: %q", in)
			}
		case QueryName, QueryCode:
			if q.Last == "" && q.First == "" {
				t.Fatalf("name query with nothing to search: %q", in)
			}
		}
		if q.Last != FoldName(q.Last) || q.First != FoldName(q.First) {
			t.Fatalf("query parts not folded: %+v", q)
		}
	})
}
