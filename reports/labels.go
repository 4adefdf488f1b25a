package reports

import (
	"cmp"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jung-kurt/gofpdf"

	"github.com/chartroom/chartroom/records"
)

// Avery 5160 geometry, in millimetres: a Letter sheet of 3 × 10 labels of
// 2⅝" × 1", 0.5" from the top, 3/16" from the side, 1/8" between columns.
const (
	averyTop     = 12.7
	averyLeft    = 4.7625
	averyW       = 66.675
	averyH       = 25.4
	averyPitchX  = 69.85
	averyPitchY  = 25.4
	averyColumns = 3
	averyRows    = 10
)

// LabelsPerSheet is how many folder labels one Avery 5160 sheet holds.
const LabelsPerSheet = averyColumns * averyRows

// A roll label is 89 × 36 mm (the common large address label of label
// printers), one per page; the label design is scaled up to fill it.
const (
	rollW = 89.0
	rollH = 36.0
)

// runLabels prints labels for the chosen volumes, or for every volume the
// filters match.
func runLabels(j *job, w io.Writer) error {
	src := j.listVolumes(j.volumeFilter(records.OrderFiling))
	if len(j.p.VolumeIDs) > 0 {
		vs := make([]records.Volume, 0, len(j.p.VolumeIDs))
		for _, id := range j.p.VolumeIDs {
			v, err := j.svc.Volume(j.ctx, id)
			if err != nil {
				return err
			}
			if v.State == records.StateDestroyed && !j.p.IncludeDestroyed {
				continue // the header says destroyed folders are left out
			}
			vs = append(vs, v)
		}
		slices.SortStableFunc(vs, func(a, b records.Volume) int { return cmp.Compare(a.FilingKey, b.FilingKey) })
		src = sliceSource(vs)
	}
	var d *document
	var err error
	if j.p.LabelFormat == LabelRoll {
		d = newRollDocument(j.hdr)
		err = renderRollLabels(d, src)
	} else {
		d = newAveryDocument(j.hdr)
		err = renderAveryLabels(d, max(j.p.StartPosition, 1), src)
	}
	if err != nil {
		return err
	}
	return d.output(w)
}

// newAveryDocument starts a sheet of Avery 5160 labels. The sheets are
// Letter whatever the practice's paper setting, since that is what they are
// sold as; the header and footer sit in the sheet's margins.
func newAveryDocument(h header) *document {
	h.Filters = append(append([]string(nil), h.Filters...), "Avery 5160, 30 labels per Letter sheet")
	return newDocumentSized(h, &gofpdf.InitType{OrientationStr: "P", UnitStr: "mm", SizeStr: "Letter"}, furnitureCompact)
}

// newRollDocument starts a roll of labels, one label per page. A label has
// no room for a header or footer.
func newRollDocument(h header) *document {
	return newDocumentSized(h, &gofpdf.InitType{OrientationStr: "P", UnitStr: "mm", Size: gofpdf.SizeType{Wd: rollW, Ht: rollH}}, furnitureNone)
}

// renderAveryLabels fills sheets with labels from src, starting at label
// position start (1–30, row by row) of the first sheet, so the unused
// labels of a half-used sheet can be printed on.
func renderAveryLabels(d *document, start int, src volumeSource) error {
	pos := start - 1
	n := 0
	err := src(func(v records.Volume) error {
		if n == 0 || pos == averyColumns*averyRows {
			d.newPage()
			if n > 0 {
				pos = 0
			}
		}
		n++
		col, row := pos%averyColumns, pos/averyColumns
		pos++
		return d.label(v, averyLeft+float64(col)*averyPitchX, averyTop+float64(row)*averyPitchY)
	})
	if err != nil {
		return err
	}
	if n == 0 {
		d.newPage()
		d.pdf.SetXY(averyLeft, averyTop)
		d.font("", 9)
		d.text(averyW*2, 8, "No volumes match these filters: no labels to print.", "L")
	}
	return d.err()
}

// renderRollLabels prints one label per page.
func renderRollLabels(d *document, src volumeSource) error {
	scale := min(rollW/averyW, rollH/averyH)
	n := 0
	err := src(func(v records.Volume) error {
		n++
		d.newPage()
		p := d.pdf
		p.TransformBegin()
		p.TransformScale(scale*100, scale*100, 0, 0)
		err := d.label(v, (rollW/scale-averyW)/2, (rollH/scale-averyH)/2)
		p.TransformEnd()
		return err
	})
	if err != nil {
		return err
	}
	if n == 0 {
		d.newPage()
		d.pdf.SetXY(2, 2)
		d.font("", 7)
		d.text(rollW-4, 5, "No volumes match these filters.", "L")
	}
	return d.err()
}

// label draws one folder label with its top left corner at (x, y), in the
// size of an Avery 5160 label: colour bands and the chart number in large
// digits at the top, the name under them, the barcode, volume and year at
// the bottom.
func (d *document) label(v records.Volume, x, y float64) error {
	p := d.pdf
	const pad = 2.2

	// Colour bands of the filing key: the primary digit pair, or the first
	// letters of the surname in alphabetic filing.
	key := records.ColorBandKey(d.hdr.Filing, v.MRN, surnameOf(v))
	bx := x + pad
	for _, c := range key {
		b := bandFor(c)
		d.fillColor(b.fill)
		p.Rect(bx, y+pad, 6.2, 10, "F")
		if b.striped {
			d.fillColor(white)
			p.Rect(bx, y+pad+3.6, 6.2, 2.8, "F")
			b.ink = inkDark
		}
		d.textColor(b.ink)
		d.font("B", 12)
		p.SetXY(bx, y+pad)
		p.CellFormat(6.2, 10, string(c), "", 0, "C", false, 0, "")
		bx += 6.8
	}
	d.textColor(inkDark)

	// The chart number, as large as fits; never cut, since it is what the
	// folder is filed by.
	tx := x + pad + 14.4
	tw := x + averyW - pad - tx
	mrn := records.FormatMRN(v.MRN, d.hdr.Filing)
	size := 17.0
	d.font("B", size)
	for size > 8 && p.GetStringWidth(mrn) > tw-1 {
		size -= 0.5
		d.font("B", size)
	}
	p.SetXY(tx, y+pad-0.6)
	p.CellFormat(tw, 7, mrn, "", 0, "L", false, 0, "")

	// The name under it, in up to three lines of shrinking type; a name
	// too long even then keeps its surname whole and gives the other names
	// as initials, or only the first initial when those do not fit either.
	const nameH = 5.6
	lines, size, ok := d.setLinesInBox(v.PatientName, "B", 7.5, 4.5, tw, nameH)
	for _, given := range []int{-1, 1} {
		if ok {
			break
		}
		lines, size, ok = d.setLinesInBox(initialled(v.PatientName, given), "B", 7.5, 4.5, tw, nameH)
	}
	d.drawLines(tx, y+pad+6.6, tw, lines, "B", size, "L")

	// The barcode of the volume, readable digits under it.
	by := y + 14.4
	const barH = 5.9
	bw, err := d.barcode(v.Barcode, x+pad-0.8, by, 42, barH)
	if err != nil {
		return err
	}
	p.SetXY(x+pad-0.8, by+barH+0.1)
	d.font("", 5.5)
	d.textColor(inkMuted)
	p.CellFormat(bw, 2.6, v.Barcode, "", 0, "C", false, 0, "")
	d.textColor(inkDark)

	// Volume and the year it was opened, beside the barcode; the volume
	// ("X-ray films 2") is never cut: it shrinks, then wraps.
	rx := x + pad - 0.8 + bw + 1
	rw := x + averyW - pad - rx
	vol, vsize, _ := d.setLinesInBox(v.Label(), "B", 8, 5, rw, 6.5)
	vh := d.drawLines(rx, by-0.6, rw, vol, "B", vsize, "R")
	if !v.Opened.IsZero() {
		ysize := max(5, min(11, (barH+2.6-vh)/0.3528/1.18))
		p.SetXY(rx, by-0.6+vh)
		d.font("B", ysize)
		d.text(rw, lineHeight(ysize), strconv.Itoa(v.Opened.Year()), "R")
	}
	return nil
}

// surnameOf is the surname of a volume's patient, from its "Last, First"
// display name, for alphabetic colour bands.
func surnameOf(v records.Volume) string {
	for i := 0; i < len(v.PatientName); i++ {
		if v.PatientName[i] == ',' {
			return v.PatientName[:i]
		}
	}
	return v.PatientName
}

// initialled shortens "Last, First Middle" to "Last, F. M.": the surname
// whole, the first most given names as initials (all when most < 0).
func initialled(name string, most int) string {
	last, given, ok := strings.Cut(name, ",")
	if !ok {
		return name
	}
	out := last + ","
	for i, g := range strings.Fields(given) {
		if most >= 0 && i >= most {
			break
		}
		r, _ := utf8.DecodeRuneInString(g)
		out += " " + string(r) + "."
	}
	return out
}
