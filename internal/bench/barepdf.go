package bench

import (
	"io"
	"strconv"
	"time"

	"github.com/jung-kurt/gofpdf"

	"github.com/chartroom/chartroom/assets"
	"github.com/chartroom/chartroom/records"
)

// These two write the same table of folders, for `chartroom bench`: the
// chart location report as Generate makes it (header, footer, repeated
// column titles, stripes, shrinking), and the floor it is measured
// against, nothing but one gofpdf cell per value. Both take the folders from
// memory, so only the PDF is timed.

// LocationReportPDF writes the chart location report of vols.
func LocationReportPDF(w io.Writer, practice string, now time.Time, vols []records.Volume) error {
	d := newDocument(header{Practice: practice, Title: "Chart location report", Filters: []string{"All records"},
		About: "As of " + records.DateOf(now).String(), PrintedAt: now, PrintedBy: "bench",
		Paper: records.PaperLetter, Filing: records.FilingTerminalDigit})
	if err := renderLocation(d, records.DateOf(now), sliceSource(vols)); err != nil {
		return err
	}
	return d.output(w)
}

// BareTablePDF writes the same cells as LocationReportPDF with a plain
// gofpdf loop: no page header or footer, no repeated titles, stripes or
// shrinking.
func BareTablePDF(w io.Writer, now time.Time, vols []records.Volume) error {
	today := records.DateOf(now)
	widths := make([]float64, len(locationColumns))
	total := 0.0
	for _, c := range locationColumns {
		total += c.Width
	}
	for i, c := range locationColumns {
		widths[i] = 192 * c.Width / total
	}
	pdf := gofpdf.New("P", "mm", "Letter", "")
	pdf.AddUTF8FontFromBytes(fontFamily, "", assets.ReportFont)
	pdf.SetFont(fontFamily, "", tableFontSize)
	pdf.SetAutoPageBreak(true, 16)
	pdf.AddPage()
	for _, v := range vols {
		since := ""
		if v.State.Out() {
			since = v.OutSince.Format("2006-01-02")
		}
		late := ""
		if n := records.DaysOverdue(v, today); n > 0 {
			late = strconv.Itoa(n)
		}
		cells := []string{v.PatientName, records.FormatMRN(v.MRN, records.FilingTerminalDigit), v.Label(), v.Where(),
			v.BorrowerTel, since, v.Due.String(), late}
		for i, c := range cells {
			pdf.CellFormat(widths[i], tableRowHeight, c, "", 0, "L", false, 0, "")
		}
		pdf.Ln(tableRowHeight)
	}
	return pdf.Output(w)
}
