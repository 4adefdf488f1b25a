// Package reports prints Chartroom's PDF reports, folder labels, outguides
// and request slips with gofpdf. Data comes through Store, the read calls of
// records.Service that reports make; rows are streamed onto the pages, never
// collected, so the location report of a whole record room takes the memory
// of its PDF and no more.
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

// Params are a report's filters. Only the fields of the kinds a report
// lists in its Report.Filters apply; setting another is refused, so a filter
// is never silently ignored.
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

// Report describes one report for the command line's --list and flags and
// for the app's Reports form, which are built from it: a face cannot offer
// a filter or an order the report refuses.
type Report struct {
	Name        string
	Title       string
	Description string
	// Filters are the filters the report takes, in the order a form
	// offers them.
	Filters []Filter
	// Orders are the orders the report can be sorted in (by its order
	// filter), the default first; empty when it has one order of its own.
	Orders []records.VolumeOrder
	// OneOf names filters of which the report needs at least one (a
	// history: a patient or a folder).
	OneOf []string
}

// Filter returns the report's filter called name.
func (r Report) Filter(name string) (Filter, bool) {
	for _, f := range r.Filters {
		if f.Name == name {
			return f, true
		}
	}
	return Filter{}, false
}

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
		out[i] = e.report()
	}
	return out
}

// Find returns the report called name.
func Find(name string) (Report, bool) {
	e, ok := lookup(name)
	if !ok {
		return Report{}, false
	}
	return e.report(), true
}
