package reports

import (
	"io"

	"github.com/chartroom/chartroom/records"
)

// ReportDisclosures is a patient's accounting of disclosures (HIPAA,
// 45 CFR 164.528) for the six years before a day.
const ReportDisclosures = "disclosures"

// accountingPeriod is the period printed top right: the six years before
// the as-of day.
func accountingPeriod(j *job) string {
	from, to := records.AccountingPeriod(j.today)
	return rangeText(from, to)
}

// runDisclosures makes the accounting: the patient, the period, and every
// reportable disclosure in it (the rule in records decides which).
func runDisclosures(j *job, w io.Writer) error {
	pt, err := j.svc.Patient(j.ctx, j.p.PatientID)
	if err != nil {
		return err
	}
	from, to := records.AccountingPeriod(j.today)
	all, err := j.svc.ListDisclosures(j.ctx, records.DisclosureFilter{PatientID: pt.ID, From: from, To: to})
	if err != nil {
		return err
	}
	d := newDocument(j.hdr)
	if err := renderDisclosures(d, pt, from, to, records.AccountingEntries(all, j.today)); err != nil {
		return err
	}
	return d.output(w)
}

var disclosureColumns = []column{
	{Title: "Date", Width: 15},
	{Title: "Recipient and address", Width: 48, Bold: true},
	{Title: "What was disclosed", Width: 42},
	{Title: "Purpose", Width: 45},
}

// renderDisclosures writes the accounting for patient pt over from..to.
// Cells wrap rather than cut: an accounting must be complete.
func renderDisclosures(d *document, pt records.Patient, from, to records.Date, entries []records.Disclosure) error {
	d.section("Patient and period")
	d.fact("Patient", pt.DisplayName())
	d.fact("Chart number (MRN)", records.FormatMRN(pt.MRN, d.hdr.Filing))
	dob := dayText(pt.DOB)
	if dob == "" {
		dob = "not recorded"
	}
	d.fact("Date of birth", dob)
	d.fact("Period", from.String()+" to "+to.String()+" (the six years before the request)")
	d.pdf.Ln(2)
	d.paragraph("This accounting lists the disclosures of the patient's health information made in the period " +
		"other than those for treatment, payment and health care operations, those to the patient, those " +
		"made with the patient's written authorization, and the other disclosures 45 CFR 164.528(a)(1) exempts.")
	d.pdf.Ln(2)
	if len(entries) == 0 {
		d.note("No disclosures that must be accounted for were made in this period.")
		return d.err()
	}
	d.startTable(disclosureColumns)
	for _, e := range entries {
		recipient := e.Recipient
		if e.Address != "" {
			recipient += "\n" + e.Address
		}
		purpose := e.Purpose
		if e.Category != records.PurposeOther {
			purpose += "\n(" + e.Category.Label() + ")"
		}
		d.wrappedRow(e.Date.String(), recipient, e.Description, purpose)
	}
	d.totalRow(count(len(entries), "disclosure", "disclosures"))
	d.endTable()
	return d.err()
}

// fact writes a "Label: value" line.
func (d *document) fact(label, value string) {
	p := d.pdf
	d.ensure(6)
	p.SetX(marginSide)
	d.font("B", 9)
	d.text(42, 5.5, label+":", "L")
	y := p.GetY()
	h := d.textWhole(marginSide+42, y+(5.5-lineHeight(9))/2, d.contentWidth()-42, value, "", 9, 8, "L")
	p.SetXY(marginSide, y+max(5.5, h+0.5))
}

const wrappedLineHeight = 3.8

// wrappedRow writes a table row whose cells wrap onto as many lines as
// they need (explicit line breaks kept); the row never splits over a page.
func (d *document) wrappedRow(cells ...string) {
	t := d.tbl
	p := d.pdf
	lines := make([][]string, len(t.cols))
	boldLines := make([]int, len(t.cols)) // a bold column's first part (the name) is bold, the rest not
	most := 1
	for i, c := range t.cols {
		room := t.widths[i] - 2*p.GetCellMargin()
		if i < len(cells) {
			for n, part := range splitLines(d.printableKeepBreaks(cells[i])) {
				d.font("", tableFontSize)
				if c.Bold && n == 0 {
					d.font("B", tableFontSize)
				}
				lines[i] = append(lines[i], p.SplitText(part, room)...)
				if c.Bold && n == 0 {
					boldLines[i] = len(lines[i])
				}
			}
		}
		most = max(most, len(lines[i]))
	}
	h := float64(most)*wrappedLineHeight + 1.5
	if p.GetY()+h > d.bottom() {
		d.newPage()
	}
	top := p.GetY()
	if t.rows%2 == 1 {
		d.stripe(top, h, zebraFill)
	}
	x := marginSide
	for i := range t.cols {
		for n, l := range lines[i] {
			style := ""
			if n < boldLines[i] {
				style = "B"
			}
			d.font(style, tableFontSize)
			p.SetXY(x, top+0.75+float64(n)*wrappedLineHeight)
			p.CellFormat(t.widths[i], wrappedLineHeight, l, "", 0, "L", false, 0, "")
		}
		x += t.widths[i]
	}
	p.SetXY(marginSide, top+h)
	t.rows++
}

// printableKeepBreaks is printable, keeping the line breaks a cell asks for.
func (d *document) printableKeepBreaks(s string) string {
	parts := splitLines(s)
	for i, part := range parts {
		parts[i] = d.printable(part)
	}
	out := ""
	for i, part := range parts {
		if i > 0 {
			out += "\n"
		}
		out += part
	}
	return out
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}
