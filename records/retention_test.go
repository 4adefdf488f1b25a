package records

import (
	"strings"
	"testing"
)

func TestRetentionAtDayBoundaries(t *testing.T) {
	pol := DefaultSettings().Retention // adults 10, minors 18+10, deceased 5, billing 7
	d := MustParseDate
	tests := []struct {
		name     string
		p        Patient
		billing  bool
		asOf     string
		eligible bool
		on       string
		rule     RetentionRule
	}{
		{"adult, the day before", Patient{DOB: d("1960-05-01"), LastVisit: d("2016-11-22")}, false, "2026-11-21", false, "2026-11-22", RuleAdult},
		{"adult, on the day", Patient{DOB: d("1960-05-01"), LastVisit: d("2016-11-22")}, false, "2026-11-22", true, "2026-11-22", RuleAdult},
		{"minor at last visit: majority + 10 is later", Patient{DOB: d("2010-03-01"), LastVisit: d("2012-01-01")}, false, "2038-02-28", false, "2038-03-01", RuleMinor},
		{"minor turns 28 today", Patient{DOB: d("2010-03-01"), LastVisit: d("2012-01-01")}, false, "2038-03-01", true, "2038-03-01", RuleMinor},
		{"minor seen at 17: the minor rule ends a day later", Patient{DOB: d("2000-01-01"), LastVisit: d("2017-12-31")}, false, "2027-12-31", false, "2028-01-01", RuleMinor},
		{"seen on the 18th birthday: an adult visit", Patient{DOB: d("2000-06-15"), LastVisit: d("2018-06-15")}, false, "2028-06-15", true, "2028-06-15", RuleAdult},
		{"seen the day before turning 18: minor rule", Patient{DOB: d("2000-06-15"), LastVisit: d("2018-06-14")}, false, "2028-06-14", false, "2028-06-15", RuleMinor},
		{"minor seen when young: the adult rule is later", Patient{DOB: d("2000-01-01"), LastVisit: d("2017-01-01")}, false, "2027-12-31", false, "2028-01-01", RuleMinor},
		{"minor at 17: not yet 10 years after the last visit either", Patient{DOB: d("2009-01-01"), LastVisit: d("2026-06-01")}, false, "2037-01-01", true, "2037-01-01", RuleMinor},
		{"deceased: 5 years after death when that is later", Patient{DOB: d("1930-01-01"), LastVisit: d("2020-01-01"), Deceased: d("2026-01-10")}, false, "2031-01-09", false, "2031-01-10", RuleDeceased},
		{"deceased long ago: last visit rule later", Patient{DOB: d("1930-01-01"), LastVisit: d("2019-01-01"), Deceased: d("2019-02-01")}, false, "2029-01-01", true, "2029-01-01", RuleAdult},
		{"billing-only record type", Patient{DOB: d("1960-01-01"), LastVisit: d("2019-11-22")}, true, "2026-11-22", true, "2026-11-22", RuleBillingOnly},
		{"billing-only the day before", Patient{DOB: d("1960-01-01"), LastVisit: d("2019-11-22")}, true, "2026-11-21", false, "2026-11-22", RuleBillingOnly},
	}
	for _, tt := range tests {
		got := Retention(tt.p, tt.billing, pol, d(tt.asOf))
		if got.Eligible != tt.eligible || got.EligibleOn.String() != tt.on || got.Rule != tt.rule {
			t.Errorf("%s: got eligible=%v on %s by %s (%s); want %v on %s by %s", tt.name, got.Eligible, got.EligibleOn, got.Rule, got.Reason, tt.eligible, tt.on, tt.rule)
		}
		if got.Reason == "" {
			t.Errorf("%s: no reason", tt.name)
		}
	}
}

func TestRetentionNever(t *testing.T) {
	pol := DefaultSettings().Retention
	old := Patient{DOB: MustParseDate("1900-01-01"), LastVisit: MustParseDate("1950-01-01")}
	far := MustParseDate("2100-01-01")
	for name, p := range map[string]Patient{
		"legal hold":    func() Patient { q := old; q.LegalHold = true; return q }(),
		"merged":        func() Patient { q := old; q.Status = PatientMerged; q.MergedInto = "123456"; return q }(),
		"destroyed":     func() Patient { q := old; q.Status = PatientDestroyed; return q }(),
		"no last visit": {DOB: MustParseDate("1900-01-01")},
	} {
		if d := Retention(p, false, pol, far); d.Eligible || d.Reason == "" {
			t.Errorf("%s: %+v", name, d)
		}
	}
}

// TestRetentionLifecycleBoundaries covers the cases the retention review
// and a destruction batch depend on, each on the day before and the day of.
func TestRetentionLifecycleBoundaries(t *testing.T) {
	pol := RetentionPolicy{AdultYears: 10, MajorityAge: 18, MinorYears: 10, DeceasedYears: 5, BillingOnlyYears: 7}
	d := MustParseDate
	held := Patient{DOB: d("1950-01-01"), LastVisit: d("2000-01-01"), LegalHold: true}
	tests := []struct {
		name     string
		p        Patient
		billing  bool
		asOf     string
		eligible bool
		rule     RetentionRule
	}{
		{"adult seen 2016-03-01, day before", Patient{DOB: d("1970-01-01"), LastVisit: d("2016-03-01")}, false, "2026-02-28", false, RuleAdult},
		{"adult seen 2016-03-01, on the day", Patient{DOB: d("1970-01-01"), LastVisit: d("2016-03-01")}, false, "2026-03-01", true, RuleAdult},
		{"leap day visit: eligible on 1 March ten years on", Patient{DOB: d("1970-01-01"), LastVisit: d("2016-02-29")}, false, "2026-02-28", false, RuleAdult},
		{"leap day visit, 1 March", Patient{DOB: d("1970-01-01"), LastVisit: d("2016-02-29")}, false, "2026-03-01", true, RuleAdult},
		{"minor turning 28 tomorrow", Patient{DOB: d("1998-07-04"), LastVisit: d("2008-07-04")}, false, "2026-07-03", false, RuleMinor},
		{"minor turning 28 today", Patient{DOB: d("1998-07-04"), LastVisit: d("2008-07-04")}, false, "2026-07-04", true, RuleMinor},
		{"deceased: day before five years", Patient{DOB: d("1940-01-01"), LastVisit: d("2015-01-01"), Deceased: d("2021-05-05")}, false, "2026-05-04", false, RuleDeceased},
		{"deceased: five years to the day", Patient{DOB: d("1940-01-01"), LastVisit: d("2015-01-01"), Deceased: d("2021-05-05")}, false, "2026-05-05", true, RuleDeceased},
		{"billing folder of a minor follows the billing period", Patient{DOB: d("2010-01-01"), LastVisit: d("2019-03-10")}, true, "2026-03-10", true, RuleBillingOnly},
		{"billing folder, day before", Patient{DOB: d("2010-01-01"), LastVisit: d("2019-03-10")}, true, "2026-03-09", false, RuleBillingOnly},
		{"billing folder of the deceased waits for the deceased rule", Patient{DOB: d("1940-01-01"), LastVisit: d("2015-01-01"), Deceased: d("2023-01-01")}, true, "2027-12-31", false, RuleDeceased},
		{"legal hold, a century later", held, false, "2100-01-01", false, ""},
		{"legal hold on a billing folder", held, true, "2100-01-01", false, ""},
	}
	for _, tt := range tests {
		got := Retention(tt.p, tt.billing, pol, d(tt.asOf))
		if got.Eligible != tt.eligible || got.Rule != tt.rule {
			t.Errorf("%s: eligible=%v rule=%q (%s); want %v %q", tt.name, got.Eligible, got.Rule, got.Reason, tt.eligible, tt.rule)
		}
	}
}

func TestDestructionRefusal(t *testing.T) {
	on := MustParseDate("2026-03-10")
	v := Volume{Barcode: "V0000001", TypeName: "Medical", Number: 1, MRN: "123456", PatientName: "Testperson, Ana", State: StateInFile}
	eligible := RetentionDecision{Eligible: true, EligibleOn: MustParseDate("2020-01-01"), Rule: RuleAdult}
	later := RetentionDecision{EligibleOn: MustParseDate("2030-01-01"), Rule: RuleAdult, Reason: "10 years after the last visit on 2020-01-01"}
	hold := RetentionDecision{Reason: "on legal hold"}
	out := v
	out.State, out.BorrowerName = StateCheckedOut, "Dr. Zed Fictional"
	missing := v
	missing.State = StateMissing
	gone := v
	gone.State = StateDestroyed
	tests := []struct {
		name string
		v    Volume
		d    RetentionDecision
		want string // "" when allowed
	}{
		{"eligible and in file", v, eligible, ""},
		{"not yet eligible", v, later, "not eligible until 2030-01-01"},
		{"legal hold", v, hold, "never eligible: on legal hold"},
		{"out", out, eligible, "out to Dr. Zed Fictional"},
		{"missing", missing, eligible, "marked missing"},
		{"already destroyed", gone, eligible, "already destroyed"},
	}
	for _, tt := range tests {
		got := DestructionRefusal(tt.v, tt.d, on)
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
		if got != "" && !strings.Contains(got, "V0000001") {
			t.Errorf("%s: %q does not name the folder", tt.name, got)
		}
	}
}

func TestValidateDestruction(t *testing.T) {
	today := MustParseDate("2026-03-10")
	ok := DestructionInput{Method: "cross-cut shredding", DestroyedBy: "Sam Shredder", Witness: "Wanda Witness", VolumeIDs: []ID{3, 1, 3}}
	in := ok
	if err := ValidateDestruction(&in, today); err != nil {
		t.Fatal(err)
	}
	if !in.Date.Equal(today) || len(in.VolumeIDs) != 2 {
		t.Errorf("defaults: %+v", in)
	}
	tests := []struct {
		field string
		edit  func(*DestructionInput)
	}{
		{"Method", func(in *DestructionInput) { in.Method = " " }},
		{"Destroyed by", func(in *DestructionInput) { in.DestroyedBy = "" }},
		{"Witness", func(in *DestructionInput) { in.Witness = "" }},
		{"Witness", func(in *DestructionInput) { in.Witness = "sam SHREDDER" }},
		{"Date", func(in *DestructionInput) { in.Date = today.AddDays(1) }},
		{"Folders", func(in *DestructionInput) { in.VolumeIDs = nil }},
	}
	for _, tt := range tests {
		in := ok
		in.VolumeIDs = []ID{1}
		tt.edit(&in)
		if err := ValidateDestruction(&in, today); ErrorField(err) != tt.field {
			t.Errorf("%s: got %v", tt.field, err)
		}
	}
}

func TestRecordDates(t *testing.T) {
	d := MustParseDate
	tests := []struct {
		opened, last, first, wantLast string
	}{
		{"2001-05-01", "2015-06-30", "2001-05-01", "2015-06-30"},
		{"2024-01-01", "2015-06-30", "2015-06-30", "2015-06-30"}, // imported after the last visit
		{"", "2015-06-30", "2015-06-30", "2015-06-30"},
		{"2001-05-01", "", "2001-05-01", "2001-05-01"},
	}
	for _, tt := range tests {
		var v Volume
		var p Patient
		if tt.opened != "" {
			v.Opened = d(tt.opened)
		}
		if tt.last != "" {
			p.LastVisit = d(tt.last)
		}
		f, l := RecordDates(v, p)
		if f.String() != tt.first || l.String() != tt.wantLast {
			t.Errorf("opened %s last %s: got %s..%s, want %s..%s", tt.opened, tt.last, f, l, tt.first, tt.wantLast)
		}
	}
}

func TestCheckDestruction(t *testing.T) {
	policy := DefaultSettings().Retention
	on := MustParseDate("2025-03-10")
	old := DestructionCandidate{
		Volume:  Volume{ID: 1, Barcode: "V1", State: StateInFile, Opened: MustParseDate("1990-04-01"), MRN: "000001", TypeName: "Medical", Number: 1},
		Patient: Patient{DOB: MustParseDate("1940-01-01"), LastVisit: MustParseDate("2000-01-01")},
	}
	older := old
	older.Volume.ID, older.Volume.Barcode, older.Volume.Opened = 2, "V2", MustParseDate("1980-02-01")
	recent := old
	recent.Volume.ID, recent.Volume.Barcode, recent.Patient.LastVisit = 3, "V3", MustParseDate("2020-01-01")
	in := DestructionInput{Date: on, VolumeIDs: []ID{1, 2, 3, 4}}

	_, err := CheckDestruction(in, []*DestructionCandidate{&old, &older, &recent, nil}, policy)
	msg := ErrorMessage(err)
	if ErrorCode(err) != EConflict || !strings.Contains(msg, "2 folder(s) refused") || !strings.Contains(msg, "V3 ") || !strings.Contains(msg, NoSuchFolderRefusal(4)) {
		t.Fatalf("refusal %q", msg)
	}
	in.VolumeIDs = []ID{1, 2}
	list, err := CheckDestruction(in, []*DestructionCandidate{&old, &older}, policy)
	if err != nil || len(list) != 2 || list[1].Decision.Rule != RuleAdult {
		t.Fatalf("CheckDestruction = %+v, %v", list, err)
	}
	if first, last := BatchDates(list); first.String() != "1980-02-01" || last.String() != "2000-01-01" {
		t.Errorf("BatchDates = %s, %s", first, last)
	}
	if it := list[0].Item(); it.VolumeID != 1 || it.VolumeLabel != "Medical 1" || it.First.String() != "1990-04-01" || it.Last.String() != "2000-01-01" || it.Rule != RuleAdult {
		t.Errorf("Item = %+v", it)
	}
}
