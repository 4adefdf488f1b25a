package records

import "fmt"

// RetentionRule names the rule that decides when a folder may be destroyed.
type RetentionRule string

const (
	RuleAdult       RetentionRule = "adult"        // N years after the last visit
	RuleMinor       RetentionRule = "minor"        // age of majority + M years
	RuleDeceased    RetentionRule = "deceased"     // K years after death
	RuleBillingOnly RetentionRule = "billing-only" // the billing record type's own period
)

// Label is the rule's short name in lists and reports.
func (r RetentionRule) Label() string {
	switch r {
	case RuleAdult:
		return "Adult"
	case RuleMinor:
		return "Minor"
	case RuleDeceased:
		return "Deceased"
	case RuleBillingOnly:
		return "Billing"
	}
	return string(r)
}

// RetentionDecision says whether a folder may be destroyed on a day, from
// when, and which rule was the last to allow it (or why never).
type RetentionDecision struct {
	Eligible   bool
	EligibleOn Date          // the first day every rule allows destruction; zero when never
	Rule       RetentionRule // the rule that allows it last
	Reason     string        // in words, for the review list
}

// Retention decides whether a folder of record type rt for patient p may be
// destroyed on day asOf under policy pol. Every applicable rule must allow
// it, so the eligible day is the latest of: the last visit plus the adult
// period (or the billing period for billing-only types); for a patient who
// was a minor at the last visit, the age of majority plus the minor period;
// for a deceased patient, the death plus the deceased period. A legal hold,
// a merged or destroyed index row, or a missing last visit (nothing to count
// from) keeps the folder.
func Retention(p Patient, billingOnly bool, pol RetentionPolicy, asOf Date) RetentionDecision {
	switch {
	case p.LegalHold:
		return RetentionDecision{Reason: "on legal hold"}
	case p.Status == PatientMerged:
		return RetentionDecision{Reason: "merged into " + p.MergedInto}
	case p.Status == PatientDestroyed:
		return RetentionDecision{Reason: "already destroyed"}
	case p.LastVisit.IsZero():
		return RetentionDecision{Reason: "no last visit on record"}
	}
	d := RetentionDecision{Rule: RuleAdult, EligibleOn: p.LastVisit.AddYears(pol.AdultYears)}
	if billingOnly {
		d = RetentionDecision{Rule: RuleBillingOnly, EligibleOn: p.LastVisit.AddYears(pol.BillingOnlyYears)}
	} else if !p.DOB.IsZero() && p.DOB.AgeOn(p.LastVisit) < pol.MajorityAge {
		if minor := p.DOB.AddYears(pol.MajorityAge + pol.MinorYears); minor.After(d.EligibleOn) {
			d = RetentionDecision{Rule: RuleMinor, EligibleOn: minor}
		}
	}
	if !p.Deceased.IsZero() {
		if dead := p.Deceased.AddYears(pol.DeceasedYears); dead.After(d.EligibleOn) {
			d = RetentionDecision{Rule: RuleDeceased, EligibleOn: dead}
		}
	}
	d.Eligible = !asOf.Before(d.EligibleOn)
	switch d.Rule {
	case RuleAdult:
		d.Reason = fmt.Sprintf("%s after the last visit on %s", years(pol.AdultYears), p.LastVisit)
	case RuleBillingOnly:
		d.Reason = fmt.Sprintf("%s after the last visit on %s (billing record)", years(pol.BillingOnlyYears), p.LastVisit)
	case RuleMinor:
		d.Reason = fmt.Sprintf("%s after turning %d (born %s)", years(pol.MinorYears), pol.MajorityAge, p.DOB)
	case RuleDeceased:
		d.Reason = fmt.Sprintf("%s after death on %s", years(pol.DeceasedYears), p.Deceased)
	}
	return d
}

func years(n int) string {
	if n == 1 {
		return "1 year"
	}
	return fmt.Sprintf("%d years", n)
}
