package records

import "testing"

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
