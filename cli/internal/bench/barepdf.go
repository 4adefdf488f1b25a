package bench

import (
	"io"
	"strconv"
	"time"

	"github.com/jung-kurt/gofpdf"

	"github.com/chartroom/chartroom/assets"
	"github.com/chartroom/chartroom/records"
)

// The floors the chart location report is measured against: the same cells
// of the same folders written by a plain gofpdf loop, with nothing the
// report adds (page header and footer, repeated column titles, text fitted
// to its column, overdue colour), and the same loop with the two things a
// clerk reads the report by, each patient's name in bold and every other
// row striped. The folders come from memory, so only the PDF is timed.

// bareColumns are the loop's column widths in millimetres of a Letter page's
// 192 mm of content, in the report's proportions.
var bareColumns = []float64{40, 17, 22, 47, 19, 16, 16, 11}

const (
	bareFontSize  = 7.5
	bareRowHeight = 5.0
	bareFont      = "dejavu"
)

// barePDF writes one row of cells per folder. With styled, the name is in
// bold and every other row has a grey band under it.
func barePDF(w io.Writer, now time.Time, vols []records.Volume, styled bool) error {
	today := records.DateOf(now)
	pdf := gofpdf.New("P", "mm", "Letter", "")
	pdf.AddUTF8FontFromBytes(bareFont, "", assets.ReportFont)
	if styled {
		pdf.AddUTF8FontFromBytes(bareFont, "B", assets.ReportFontBold)
		pdf.SetFillColor(242, 244, 247)
	}
	pdf.SetFont(bareFont, "", bareFontSize)
	pdf.SetAutoPageBreak(true, 16)
	pdf.AddPage()
	cells := make([]string, len(bareColumns))
	for i, v := range vols {
		since := ""
		if v.State.Out() {
			since = v.OutSince.Format("2006-01-02")
		}
		late := ""
		if n := records.DaysOverdue(v, today); n > 0 {
			late = strconv.Itoa(n)
		}
		cells = append(cells[:0], v.PatientName, records.FormatMRN(v.MRN, records.FilingTerminalDigit), v.Label(), v.Where(),
			v.BorrowerTel, since, v.Due.String(), late)
		fill := styled && i%2 == 1
		for c, text := range cells {
			if styled && c == 0 {
				pdf.SetFont(bareFont, "B", bareFontSize)
			}
			pdf.CellFormat(bareColumns[c], bareRowHeight, text, "", 0, "L", fill, 0, "")
			if styled && c == 0 {
				pdf.SetFont(bareFont, "", bareFontSize)
			}
		}
		pdf.Ln(bareRowHeight)
	}
	return pdf.Output(w)
}
