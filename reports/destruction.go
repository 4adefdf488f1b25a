package reports

import (
	"io"
	"slices"
	"strings"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/chartroom/chartroom/records"
)

// runDestructionCertificate makes the certificate of destruction of a batch.
func runDestructionCertificate(j *job, w io.Writer) error {
	b, err := j.svc.DestructionBatch(j.ctx, j.p.BatchID)
	if err != nil {
		return err
	}
	d := newDocument(j.hdr)
	if err := renderCertificate(d, j.set, b); err != nil {
		return err
	}
	return d.output(w)
}

// businessStatement is the certificate's declaration; its first words are
// what auditors look for.
const businessStatement = "The records listed below were destroyed in the normal course of business, in accordance with the " +
	"retention policy of %s and the law that applies to it. None of them was on legal hold or, to our knowledge, " +
	"subject to a pending or foreseeable lawsuit, audit or investigation when destroyed."

var certificateColumns = []column{
	{Title: "Patient", Width: 44, Bold: true},
	{Title: "MRN", Width: 15, Floor: mrnFloorSize},
	{Title: "Date of birth", Width: 17},
	{Title: "Volume", Width: 18},
	{Title: "Barcode", Width: 17},
	{Title: "Dates covered", Width: 33},
	{Title: "Rule", Width: 15},
}

// renderCertificate writes the batch's facts, the statement, the list of
// records and the signature lines.
func renderCertificate(d *document, set records.Settings, b records.DestructionBatch) error {
	d.ensure(60)
	practice := set.PracticeName
	if practice == "" {
		practice = "the practice"
	}
	patients := map[string]bool{}
	for _, it := range b.Items {
		patients[it.MRN] = true
	}
	d.facts([][2]string{
		{"Batch number", itoa(int(b.ID))},
		{"Date destroyed", b.Date.String()},
		{"Method of destruction", b.Method},
		{"Records destroyed", count(len(b.Items), "folder", "folders") + " of " + count(len(patients), "patient", "patients")},
		{"Dates covered", rangeText(b.First, b.Last)},
		{"Destroyed by", b.DestroyedBy},
		{"Witness", b.Witness},
		{"Recorded", d.hdr.clock(b.RecordedAt) + " by " + b.RecordedBy},
	})
	if b.Note != "" {
		d.facts([][2]string{{"Note", b.Note}})
	}
	d.statement(strings.Replace(businessStatement, "%s", practice, 1))

	d.startTable(certificateColumns)
	for _, it := range sortedItems(b.Items) {
		d.row(
			it.PatientName,
			records.FormatMRN(it.MRN, d.hdr.Filing),
			dayText(it.DOB),
			it.VolumeLabel,
			it.Barcode,
			rangeText(it.First, it.Last),
			it.Rule.Label(),
		)
	}
	d.totalRow(count(len(b.Items), "folder", "folders") + " destroyed in batch " + itoa(int(b.ID)))
	d.endTable()
	d.signatures([][2]string{{"Destroyed by", b.DestroyedBy}, {"Witness", b.Witness}})
	return d.err()
}

// factLabelWidth is the column of the labels of facts, in millimetres.
const factLabelWidth = 62.0

// facts writes label: value lines, the labels in a column.
func (d *document) facts(rows [][2]string) {
	p := d.pdf
	for _, r := range rows {
		d.ensure(6)
		p.SetX(marginSide)
		d.textColor(inkMuted)
		d.font("", 9)
		d.text(factLabelWidth, 6, r[0], "L")
		d.textColor(inkDark)
		w := d.contentWidth() - factLabelWidth
		y := p.GetY()
		h := d.textWhole(marginSide+factLabelWidth, y+(6-lineHeight(9.5))/2, w, r[1], "B", 9.5, 8, "L")
		p.SetXY(marginSide, y+max(6, h+1))
	}
	p.Ln(2)
}

// statement writes wrapped text across the page in the body size.
func (d *document) statement(s string) {
	d.ensure(20)
	p := d.pdf
	p.SetX(marginSide)
	d.font("", 9.5)
	d.textColor(inkDark)
	p.MultiCell(d.contentWidth(), 5, d.printable(s), "", "L", false)
	p.Ln(3)
}

// signatures writes a signature block per person, kept together on a page:
// the name printed, a line to sign on and a line for the date.
func (d *document) signatures(people [][2]string) {
	const blockH = 26.0
	d.ensure(blockH*float64(len(people)) + 4)
	p := d.pdf
	p.Ln(4)
	w := d.contentWidth()
	for _, who := range people {
		y := p.GetY()
		d.textWhole(marginSide, y+0.5, w, who[0]+": "+who[1], "B", 9.5, 8, "L")
		d.drawColor(inkDark)
		p.SetLineWidth(0.3)
		lineY := y + 17
		p.Line(marginSide, lineY, marginSide+w*0.6, lineY)
		p.Line(marginSide+w*0.68, lineY, marginSide+w, lineY)
		d.font("", 8)
		d.textColor(inkMuted)
		p.SetXY(marginSide, lineY+0.5)
		d.text(w*0.6, 4, "Signature", "L")
		p.SetXY(marginSide+w*0.68, lineY+0.5)
		d.text(w*0.32, 4, "Date", "L")
		d.textColor(inkDark)
		p.SetXY(marginSide, y+blockH)
	}
}

// sortedItems are a batch's records by patient name as a reader of the
// names expects: the Unicode collation (CLDR root), where Ñ follows N and
// Ø follows O, not Z as in the store's byte order. The practice's
// language is not a setting; the root order suits English and Spanish
// names alike. Chart number and volume break ties.
func sortedItems(items []records.DestructionItem) []records.DestructionItem {
	c := collate.New(language.Und, collate.IgnoreCase)
	out := slices.Clone(items)
	slices.SortStableFunc(out, func(a, b records.DestructionItem) int {
		if n := c.CompareString(a.PatientName, b.PatientName); n != 0 {
			return n
		}
		return strings.Compare(a.MRN+"\x00"+a.VolumeLabel, b.MRN+"\x00"+b.VolumeLabel)
	})
	return out
}
