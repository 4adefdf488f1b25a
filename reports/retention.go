package reports

import (
	"io"

	"github.com/chartroom/chartroom/records"
)

// runRetention makes the retention review: every folder the policy allows
// to destroy on the report's day, in filing order, with the rule.
func runRetention(j *job, w io.Writer) error {
	d := newDocumentOriented(j.hdr, "L")
	src := func(fn func(records.RetentionCandidate) error) error {
		return j.svc.ReviewRetention(j.ctx, j.today, fn)
	}
	if err := renderRetention(d, j.set.Retention, src); err != nil {
		return err
	}
	return d.output(w)
}

// The review is printed sideways (Letter: 255 mm of content).
var retentionColumns = []column{
	{Title: "Patient", Width: 46, Bold: true},
	{Title: "MRN", Width: 17, Floor: mrnFloorSize},
	{Title: "Volume", Width: 22},
	{Title: "Barcode", Width: 19},
	{Title: "Last visit", Width: 18},
	{Title: "Born / died", Width: 40},
	{Title: "Rule", Width: 34},
	{Title: "Eligible since", Width: 19},
	{Title: "Before destroying", Width: 40, Alert: true},
}

// renderRetention writes one row per eligible folder src yields; a folder
// that is not on its shelf says what to do first.
func renderRetention(d *document, pol records.RetentionPolicy, src func(func(records.RetentionCandidate) error) error) error {
	d.note(policyText(pol))
	d.startTable(retentionColumns)
	n, blocked := 0, 0
	err := src(func(c records.RetentionCandidate) error {
		n++
		v, p := c.Volume, c.Patient
		block := ""
		if b := c.Blocked(); b != "" {
			blocked++
			block = volumePlace(v)
		}
		d.row(
			v.PatientName,
			records.FormatMRN(v.MRN, d.hdr.Filing),
			v.Label(),
			v.Barcode,
			dayText(p.LastVisit),
			bornDied(p),
			ruleText(c.Decision.Rule, pol),
			dayText(c.Decision.EligibleOn),
			block,
		)
		return nil
	})
	if err != nil {
		return err
	}
	if n == 0 {
		d.note("No folder may be destroyed on this day under the retention policy.")
	} else {
		total := count(n, "folder", "folders") + " eligible for destruction"
		if blocked > 0 {
			total += ", " + thousands(blocked) + " of them not in file"
		}
		d.totalRow(total)
	}
	d.endTable()
	return d.err()
}

// policyText states the policy the review applied.
func policyText(r records.RetentionPolicy) string {
	return "Policy: adults " + itoa(r.AdultYears) + " years after the last visit; minors until " + itoa(r.MajorityAge) + " + " +
		itoa(r.MinorYears) + " years; deceased " + itoa(r.DeceasedYears) + " years after death; billing-only records " +
		itoa(r.BillingOnlyYears) + " years. Charts on legal hold are never listed."
}

// bornDied is "1950-01-01" or "1950-01-01 – d. 2020-05-05".
func bornDied(p records.Patient) string {
	s := dayText(p.DOB)
	if !p.Deceased.IsZero() {
		if s != "" {
			s += " – "
		}
		s += "d. " + p.Deceased.String()
	}
	return s
}

// ruleText names the rule that made a folder eligible and its period.
func ruleText(r records.RetentionRule, pol records.RetentionPolicy) string {
	switch r {
	case records.RuleAdult:
		return "Adult: " + itoa(pol.AdultYears) + " y after last visit"
	case records.RuleMinor:
		return "Minor: age " + itoa(pol.MajorityAge) + " + " + itoa(pol.MinorYears) + " y"
	case records.RuleDeceased:
		return "Deceased: " + itoa(pol.DeceasedYears) + " y after death"
	case records.RuleBillingOnly:
		return "Billing: " + itoa(pol.BillingOnlyYears) + " y after last visit"
	}
	return string(r)
}
