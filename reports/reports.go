// Package reports prints Chartroom's PDF reports, folder labels, outguides
// and request slips with gofpdf. Data comes through records.Service only;
// rows are streamed onto the pages, never collected, so the location report
// of a whole record room takes the memory of its PDF and no more.
//
// Every page carries the practice name, the title, the filters and the day
// at the top, and "Page x of y", who printed it when, and the notice
// "Confidential: contains protected health information" at the bottom.
// The same data and clock (Params.Now) give byte-identical PDFs.
package reports

import (
	"time"

	"github.com/chartroom/chartroom/records"
)

// Params are a report's filters. Only the fields a report lists in its
// Report.Filters apply; setting another is refused, so a filter is never
// silently ignored.
type Params struct {
	// Now is the printed-at time; the caller passes its clock so that tests
	// are deterministic. It is required.
	Now time.Time

	LocationID, BorrowerID, RecordTypeID, PatientID, VolumeID records.ID

	States []records.VolumeState
	Order  records.VolumeOrder

	// Date is the day of a pull list, or the "as of" day of overdue and
	// location reports; zero means the day of Now.
	Date records.Date
	// From and To bound a history or activity report (inclusive).
	From, To records.Date

	// VolumeIDs chooses the volumes for labels and outguides; empty means
	// every volume matching the filters (labels) or the pull list (outguides).
	VolumeIDs []records.ID
	// LabelFormat is LabelAvery5160 (the default) or LabelRoll.
	LabelFormat string
	// StartPosition is the 1-based position of the first label on the
	// first sheet, so a half-used sheet can go through the printer again.
	StartPosition int

	// IncludeDestroyed lists destroyed folders too; by default a report of
	// folders shows the folders that exist.
	IncludeDestroyed bool

	// BatchID is the destruction batch a certificate is for.
	BatchID records.ID
	// Scans are the barcodes of a shelf audit, in the order scanned.
	Scans []string
	// Digits narrows a shelf audit to a range of terminal-digit sections.
	Digits *records.DigitRange
}

// Report describes one report for the command line's --list and the app's
// Reports screen.
type Report struct {
	Name        string
	Title       string
	Description string
	// Filters names the Params a report takes (the Filter* constants), in
	// the order a form offers them.
	Filters []string
}

// Filter names: which Params field a report takes. The command line's flags
// and the Reports screen's fields carry the same names.
const (
	FilterLocation      = "location"          // Params.LocationID
	FilterState         = "state"             // Params.States
	FilterBorrower      = "borrower"          // Params.BorrowerID
	FilterRecordType    = "record-type"       // Params.RecordTypeID
	FilterPatient       = "patient"           // Params.PatientID
	FilterVolume        = "volume"            // Params.VolumeID
	FilterOrder         = "order"             // Params.Order; see ParseOrder
	FilterDate          = "date"              // Params.Date
	FilterFrom          = "from"              // Params.From
	FilterTo            = "to"                // Params.To
	FilterVolumes       = "volumes"           // Params.VolumeIDs
	FilterLabelFormat   = "label-format"      // Params.LabelFormat
	FilterStartPosition = "start-position"    // Params.StartPosition
	FilterBatch         = "batch"             // Params.BatchID
	FilterScans         = "scans"             // Params.Scans
	FilterDestroyed     = "include-destroyed" // Params.IncludeDestroyed
)

// Label formats.
const (
	LabelAvery5160 = "avery5160" // Letter sheet of 30 labels, 2⅝" × 1"
	LabelRoll      = "roll"      // one 89 × 36 mm label per page, for a label printer
)

// Avery5160PerSheet is how many labels an Avery 5160 sheet holds.
const Avery5160PerSheet = 30

// Report names. They are a contract: the command line and the app use them.
const (
	ReportLocation       = "location"
	ReportOutByBorrower  = "out-by-borrower"
	ReportOverdue        = "overdue"
	ReportOverdueNotices = "overdue-notices"
	ReportPullList       = "pull-list"
	ReportOutguides      = "outguides"
	ReportRequestSlips   = "request-slips"
	ReportHistory        = "history"
	ReportLabels         = "labels"
	ReportMissing        = "missing"
	ReportActivity       = "activity"

	ReportRetention              = "retention"
	ReportDestructionCertificate = "destruction-certificate"
	ReportShelfAudit             = "shelf-audit"
)

// List returns every report in a stable order.
func List() []Report {
	out := make([]Report, len(catalog))
	for i, e := range catalog {
		f := make([]string, len(e.filters))
		copy(f, e.filters)
		out[i] = Report{Name: e.name, Title: e.title, Description: e.description, Filters: f}
	}
	return out
}

// orderNames are the spellings of records.VolumeOrder on the command line.
var orderNames = map[string]records.VolumeOrder{
	"filing":   records.OrderFiling,
	"borrower": records.OrderBorrower,
	"due":      records.OrderDue,
}

// ParseOrder reads an order's name: "filing" (or ""), "borrower" or "due".
func ParseOrder(s string) (records.VolumeOrder, error) {
	if s == "" {
		return records.OrderFiling, nil
	}
	o, ok := orderNames[s]
	if !ok {
		return 0, records.FieldError("Order", "%q is not an order; use filing, borrower or due", s)
	}
	return o, nil
}

// OrderName is the name ParseOrder reads for o.
func OrderName(o records.VolumeOrder) string {
	switch o {
	case records.OrderFiling:
		return "filing"
	case records.OrderBorrower:
		return "borrower"
	case records.OrderDue:
		return "due"
	}
	return "unknown"
}
