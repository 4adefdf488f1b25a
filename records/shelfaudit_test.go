package records

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// shelf is a crafted shelf: folders V01..Vnn homed at location 1, filed in
// barcode order (filing keys 0100, 0200, ...).
func shelf(n int) []Volume {
	vs := make([]Volume, n)
	for i := range vs {
		vs[i] = Volume{
			ID: ID(i + 1), Barcode: fmt.Sprintf("V%02d", i+1), Number: 1, RecordTypeID: 1, HomeID: 1, HomePath: "Room > Shelf 1",
			State: StateInFile, MRN: fmt.Sprintf("%04d00", i+1), PatientName: fmt.Sprintf("Patient %02d", i+1),
			FilingKey: fmt.Sprintf("%04d", (i+1)*100),
		}
	}
	return vs
}

// scan turns barcodes into scans, looking each up in known.
func scan(known []Volume, codes ...string) []ShelfScan {
	out := make([]ShelfScan, len(codes))
	for i, c := range codes {
		out[i].Barcode = c
		for _, v := range known {
			if v.Barcode == c {
				out[i].Volume = v
			}
		}
	}
	return out
}

func insideShelf1(id ID) bool { return id == 1 }

// flagged lists the barcodes of the scans matching pick.
func flagged(r ShelfAuditResult, pick func(ShelfScanResult) bool) []string {
	var out []string
	for _, s := range r.Scans {
		if pick(s) {
			out = append(out, s.Barcode)
		}
	}
	return out
}

func outOfOrder(s ShelfScanResult) bool { return s.OutOfOrder }

func TestAuditShelfOrder(t *testing.T) {
	vs := shelf(10)
	tests := []struct {
		name  string
		codes []string
		want  []string // flagged out of order
	}{
		{"all in order", []string{"V01", "V02", "V03", "V04"}, nil},
		{"one folder filed too late", []string{"V01", "V02", "V04", "V05", "V03", "V06"}, []string{"V03"}},
		{"one folder filed far too early", []string{"V01", "V09", "V02", "V03", "V04", "V05"}, []string{"V09"}},
		{"a run put back in the wrong place", []string{"V01", "V02", "V07", "V08", "V09", "V03", "V04", "V05", "V06", "V10"}, []string{"V07", "V08", "V09"}},
		{"the first folder misfiled at the end", []string{"V02", "V03", "V04", "V01"}, []string{"V01"}},
		{"two swapped neighbours flag one", []string{"V01", "V03", "V02", "V04"}, []string{"V03"}},
		{"reverse order keeps one", []string{"V04", "V03", "V02", "V01"}, []string{"V04", "V03", "V02"}},
		{"empty scan", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := AuditShelf(insideShelf1, vs, scan(vs, tt.codes...))
			if got := flagged(r, outOfOrder); !slices.Equal(got, tt.want) {
				t.Errorf("out of order %v, want %v", got, tt.want)
			}
			if c := r.Counts(); c.OutOfOrder != len(tt.want) || c.InOrder != len(tt.codes)-len(tt.want) {
				t.Errorf("counts %+v", c)
			}
		})
	}
}

func TestAuditShelfPlacement(t *testing.T) {
	vs := shelf(6)
	r := AuditShelf(insideShelf1, vs, scan(vs, "V01", "V02", "V04", "V05", "V03", "V06"))
	s := r.Scans[4]
	if !s.OutOfOrder || s.After.Barcode != "V02" || s.Before.Barcode != "V04" {
		t.Fatalf("V03: %+v", s)
	}
	// 000200 reads 00-02-00 in terminal digit.
	if got := s.Describe(FilingTerminalDigit); got != "out of order: belongs between 00-02-00 Patient 02 and 00-04-00 Patient 04" {
		t.Errorf("describe: %q", got)
	}
	// A folder that belongs at the very start of the shelf.
	r = AuditShelf(insideShelf1, vs, scan(vs, "V02", "V03", "V04", "V01"))
	if s := r.Scans[3]; s.After.ID != 0 || s.Before.Barcode != "V02" || !strings.Contains(s.Placement(FilingNumeric), "before 000200") {
		t.Errorf("V01 at the end: %+v %q", s, s.Placement(FilingNumeric))
	}
}

func TestAuditShelfRecordsAndStrays(t *testing.T) {
	vs := shelf(6)
	out := vs[1] // V02 is recorded out to a borrower
	out.State, out.BorrowerID, out.BorrowerName = StateCheckedOut, 7, "Dr. Zed Fictional"
	missing := vs[2] // V03 is recorded missing
	missing.State = StateMissing
	stray := Volume{ID: 50, Barcode: "V50", HomeID: 2, HomePath: "Room > Shelf 2", State: StateInFile, RecordTypeID: 1, Number: 1, FilingKey: "0350", MRN: "005000"}
	gone := Volume{ID: 60, Barcode: "V60", HomeID: 1, State: StateDestroyed, RecordTypeID: 1, Number: 1, FilingKey: "0550", MRN: "006000"}
	known := []Volume{vs[0], out, missing, vs[3], vs[4], vs[5], stray, gone}
	// Expected on the shelf: folders recorded in file there (not V02, V03).
	expected := []Volume{vs[0], vs[3], vs[4], vs[5]}
	// V05 is never scanned; NOPE is no folder; V01 is scanned twice.
	r := AuditShelf(insideShelf1, expected, scan(known, "V01", "V02", "V03", "V50", "V04", "NOPE", "V60", "V06", "V01"))

	problems := map[string]ShelfProblem{}
	for _, s := range r.Scans {
		if s.Problem != "" {
			problems[s.Barcode] = s.Problem
		}
	}
	want := map[string]ShelfProblem{"V02": ShelfRecordedOut, "V03": ShelfRecordedMissing, "V50": ShelfRecordedElsewhere, "V60": ShelfRecordedDestroyed}
	if fmt.Sprint(problems) != fmt.Sprint(want) {
		t.Errorf("problems %v, want %v", problems, want)
	}
	if got := flagged(r, func(s ShelfScanResult) bool { return s.Unknown }); !slices.Equal(got, []string{"NOPE"}) {
		t.Errorf("unknown %v", got)
	}
	if s := r.Scans[8]; s.RepeatOf != 1 || s.OK() || !strings.Contains(s.Describe(FilingNumeric), "scanned twice") {
		t.Errorf("repeat: %+v", s)
	}
	var notSeen []string
	for _, v := range r.NotSeen {
		notSeen = append(notSeen, v.Barcode)
	}
	if !slices.Equal(notSeen, []string{"V05"}) {
		t.Errorf("not seen %v, want [V05]", notSeen)
	}
	if got := flagged(r, outOfOrder); len(got) != 0 {
		t.Errorf("out of order %v, want none (the stray files between V03 and V04)", got)
	}
	c := r.Counts()
	if c != (ShelfCounts{Scanned: 9, InOrder: 3, Misrecorded: 4, Unknown: 1, Repeats: 1, NotSeen: 1}) {
		t.Errorf("counts %+v", c)
	}
	if d := r.Scans[1].Describe(FilingNumeric); d != "recorded out to Dr. Zed Fictional" {
		t.Errorf("describe out: %q", d)
	}
	if d := r.Scans[3].Describe(FilingNumeric); d != "recorded at Room > Shelf 2" {
		t.Errorf("describe elsewhere: %q", d)
	}
}

func TestParseScanList(t *testing.T) {
	got, err := ParseScanList("v01\r\n\r\n  V02  \n\tV03\r\n")
	if err != nil || !slices.Equal(got, []string{"V01", "V02", "V03"}) {
		t.Fatalf("%v %v", got, err)
	}
	if _, err := ParseScanList("V01\nV\x0102\n"); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("bad line: %v", err)
	}
}

func FuzzParseScanList(f *testing.F) {
	for _, s := range []string{"V0000001\nV0000002\r\n\n  V0000003  \n", "", "\n\n", "bad code!\n", "V1\x00\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		codes, err := ParseScanList(text)
		if err != nil {
			if ErrorCode(err) != EInvalid || !strings.HasPrefix(ErrorMessage(err), "line ") {
				t.Fatalf("ParseScanList error without its line: %v", err)
			}
			return
		}
		lines := 0
		for _, line := range strings.Split(text, "\n") {
			if strings.TrimSpace(line) != "" {
				lines++
			}
		}
		if len(codes) != lines {
			t.Fatalf("%d codes from %d non-blank lines", len(codes), lines)
		}
		for _, c := range codes {
			if again, err := NormalizeScan(c); err != nil || again != c {
				t.Fatalf("code %q does not normalize to itself: %q %v", c, again, err)
			}
		}
	})
}

func TestParseDigitRange(t *testing.T) {
	cases := []struct {
		in        string
		want      *DigitRange
		wantError bool
	}{
		{"", nil, false},
		{"56", &DigitRange{56, 56}, false},
		{"00-09", &DigitRange{0, 9}, false},
		{" 0 - 9 ", &DigitRange{0, 9}, false},
		{"9-0", nil, true},
		{"100", nil, true},
		{"a-b", nil, true},
		{"-5", nil, true},
		{"5-", nil, true},
		{"1-2-3", nil, true},
	}
	for _, c := range cases {
		got, err := ParseDigitRange(c.in)
		if (err != nil) != c.wantError {
			t.Errorf("%q: error %v, want error %v", c.in, err, c.wantError)
			continue
		}
		if (got == nil) != (c.want == nil) || (got != nil && *got != *c.want) {
			t.Errorf("%q: %v, want %v", c.in, got, c.want)
		}
		if err != nil && ErrorField(err) != "Sections" {
			t.Errorf("%q: error names field %q", c.in, ErrorField(err))
		}
	}
	r := &DigitRange{0, 9}
	for mrn, want := range map[string]bool{"123409": true, "123410": false, "000000": true, "12-34-05": true} {
		if got := r.Contains(mrn); got != want {
			t.Errorf("%v contains %s: %v, want %v", r, mrn, got, want)
		}
	}
}

func FuzzParseDigitRange(f *testing.F) {
	for _, s := range []string{"", "56", "00-09", "9-0", "1-2-3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseDigitRange(s)
		if err == nil && r != nil && (r.From < 0 || r.To > 99 || r.From > r.To) {
			t.Fatalf("%q parsed to %+v", s, r)
		}
	})
}
