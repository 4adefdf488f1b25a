package reports

import (
	"io"
	"slices"

	"github.com/chartroom/chartroom/records"
)

// entry is a report in the catalog: its description, the filters it takes
// and the function that makes it.
type entry struct {
	name, title, description string
	filters                  []Filter
	orders                   []records.VolumeOrder // accepted Params.Order values, the default first
	oneOf                    []string              // filters of which at least one is needed
	filing                   bool                  // rows come in filing order (said in the header)
	about                    func(j *job) string   // the day or range, top right of the header
	defaults                 func(p *Params)       // fills parameters left empty
	run                      func(j *job, w io.Writer) error
}

func asOf(j *job) string    { return "As of " + j.today.String() }
func forDay(j *job) string  { return "For " + j.today.String() }
func inRange(j *job) string { return rangeText(j.p.From, j.p.To) }
func noDay(*job) string     { return "" }

var catalog = []entry{
	{
		name: ReportLocation, title: "Chart location report",
		description: "Where every volume is: in file at a location or out to a borrower, with due dates and days overdue. Sorted in filing order or by borrower. Destroyed folders are left out unless asked for.",
		filters:     []Filter{locationFilter, stateFilter, borrowerFilter, recordTypeFilter, orderFilter, dateFilter, destroyedFilter},
		orders:      []records.VolumeOrder{records.OrderFiling, records.OrderBorrower},
		about:       asOf, run: runLocation,
	},
	{
		name: ReportOutByBorrower, title: "Charts out by borrower",
		description: "Every volume checked out, grouped by borrower, with days out and days overdue.",
		filters:     []Filter{borrowerFilter, recordTypeFilter, dateFilter},
		filing:      true, about: asOf, run: runOutByBorrower,
	},
	{
		name: ReportOverdue, title: "Overdue charts",
		description: "Volumes past their due date and still out (offsite storage is never overdue).",
		filters:     []Filter{borrowerFilter, recordTypeFilter, orderFilter, dateFilter},
		orders:      []records.VolumeOrder{records.OrderFiling, records.OrderBorrower, records.OrderDue},
		about:       asOf, run: runOverdue,
	},
	{
		name: ReportOverdueNotices, title: "Overdue notice",
		description: "One page per borrower listing their overdue charts, ready to hand over.",
		filters:     []Filter{borrowerFilter, recordTypeFilter, dateFilter},
		filing:      true, about: asOf, run: runOverdueNotices,
	},
	{
		name: ReportPullList, title: "Pull list",
		description: "The charts requested for a day (including appointment imports) in filing order, with a checkbox and each chart's current location.",
		filters:     []Filter{dateFilter},
		filing:      true, about: forDay, run: runPullList,
	},
	{
		name: ReportOutguides, title: "Outguide",
		description: "One outguide per chart on the day's pull list, or per chosen volume: name, MRN, volume, date out, borrower, due date and a signature line.",
		filters:     []Filter{dateFilter, foldersFilter},
		filing:      true, about: forDay, run: runOutguides,
	},
	{
		name: ReportRequestSlips, title: "Request slips",
		description: "A slip per request of the day's pull list, three to a page, to travel with the chart.",
		filters:     []Filter{dateFilter},
		filing:      true, about: forDay, run: runRequestSlips,
	},
	{
		name: ReportHistory, title: "Chart history",
		description: "Every movement of a patient's volumes or of one volume in a date range, returns included.",
		filters:     []Filter{patientFilter, folderFilter, fromFilter, toFilter},
		oneOf:       []string{FilterPatient, FilterBarcode},
		about:       inRange, run: runHistory,
	},
	{
		name: ReportLabels, title: "Folder labels",
		description: "Folder labels with name, MRN in large digits, volume and year, Code 128 barcode and colour bands; Avery 5160 sheets (with a start position) or a label roll. Destroyed folders get no label unless asked for.",
		filters:     []Filter{locationFilter, stateFilter, borrowerFilter, recordTypeFilter, patientFilter, foldersFilter, labelFormatFilter, startFilter, destroyedFilter},
		filing:      true, about: noDay, run: runLabels,
	},
	{
		name: ReportMissing, title: "Missing charts",
		description: "Volumes marked missing, in filing order, with their home location.",
		filters:     []Filter{locationFilter, recordTypeFilter},
		filing:      true, about: asOf, run: runMissing,
	},
	{
		name: ReportActivity, title: "Activity statistics",
		description: "Check-outs per day, per borrower and per clerk, and the time from request to check-out, for a date range (default: the last 30 days).",
		filters:     []Filter{fromFilter, toFilter},
		about:       inRange, defaults: lastThirtyDays, run: runActivity,
	},
	{
		name: ReportDisclosures, title: "Accounting of disclosures",
		description: "A patient's accounting of disclosures (HIPAA 45 CFR 164.528): the reportable disclosures of the six years before a day (default: today), with recipient, address, description and purpose.",
		filters:     []Filter{required(patientFilter), dateFilter},
		about:       accountingPeriod, run: runDisclosures,
	},
	{
		name: ReportRetention, title: "Retention review",
		description: "Every folder the retention policy allows to destroy on a day (default: today), in filing order, with the rule that makes it eligible and since when. Charts on legal hold are never listed.",
		filters:     []Filter{dateFilter},
		filing:      true, about: asOf, run: runRetention,
	},
	{
		name: ReportDestructionCertificate, title: "Certificate of destruction",
		description: "A destruction batch's certificate: the records destroyed, the dates they cover, the method, the statement that they were destroyed in the normal course of business, and signature lines for the person destroying them and the witness.",
		filters:     []Filter{required(batchFilter)},
		about:       noDay, run: runDestructionCertificate,
	},
	{
		name: ReportShelfAudit, title: "Shelf audit",
		description: "A scan of a location's shelves compared with the records: folders out of filing order and where they belong, folders recorded elsewhere, out or missing, unknown barcodes, and folders recorded there but not seen.",
		filters:     []Filter{required(locationFilter), scansFilter},
		about:       asOf, run: runShelfAudit,
	},
}

// report is the entry as the faces see it, sharing no slice with the catalog.
func (e entry) report() Report {
	fs := make([]Filter, len(e.filters))
	for i, f := range e.filters {
		f.Aliases = slices.Clone(f.Aliases)
		fs[i] = f
	}
	return Report{Name: e.name, Title: e.title, Description: e.description, Filters: fs,
		Orders: slices.Clone(e.orders), OneOf: slices.Clone(e.oneOf)}
}
