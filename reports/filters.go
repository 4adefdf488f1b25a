package reports

import (
	"fmt"
	"slices"

	"github.com/chartroom/chartroom/records"
)

// FilterKind is what a filter chooses. Each kind sets one field of Params,
// and tells a face how to ask for it: the Reports form draws a drop-down,
// a date box or a checkbox by kind, the command line reads a flag's text by
// kind.
type FilterKind int

const (
	KindLocation         FilterKind = iota + 1 // Params.LocationID: a location and every place inside it
	KindStates                                 // Params.States: one or more volume states
	KindBorrower                               // Params.BorrowerID
	KindRecordType                             // Params.RecordTypeID
	KindPatient                                // Params.PatientID, chosen by chart number
	KindVolume                                 // Params.VolumeID: one folder, chosen by barcode
	KindVolumes                                // Params.VolumeIDs: several folders, chosen by barcode
	KindOrder                                  // Params.Order: one of the report's Orders
	KindDate                                   // Params.Date: the day of the report
	KindFrom                                   // Params.From: the first day of a range
	KindTo                                     // Params.To: the last day of a range
	KindLabelFormat                            // Params.LabelFormat
	KindStartPosition                          // Params.StartPosition
	KindBatch                                  // Params.BatchID: a destruction batch by number
	KindScans                                  // Params.Scans: the barcodes of a shelf scan
	KindIncludeDestroyed                       // Params.IncludeDestroyed: yes or no
)

// Filter declares one filter a report takes. Its Name is the command
// line's flag (without "--"), the key of the Reports form's field and the
// field an error about it names (records.ErrorField); Label is the words a
// form and an error show a clerk.
type Filter struct {
	Name  string
	Label string
	Kind  FilterKind
	// Aliases are other flag names the command line accepts for it.
	Aliases []string
	// Help says in a line what the filter does, for the command line's
	// flag usage and its message when a needed filter is missing.
	Help string
	// Required: the report is refused without it.
	Required bool
}

// Errorf is an EInvalid error about the filter: it names the filter (its
// Name, for the faces to mark the flag or field) and reads "Label: ...".
func (f Filter) Errorf(format string, args ...any) *records.Error {
	return &records.Error{Code: records.EInvalid, Field: f.Name, Message: f.Label + ": " + fmt.Sprintf(format, args...)}
}

// Filter names: the command line's flags and the form's field keys.
const (
	FilterLocation   = "location"
	FilterState      = "state"
	FilterBorrower   = "borrower"
	FilterRecordType = "type"
	FilterPatient    = "mrn"
	// FilterBarcode chooses one folder (KindVolume) or several (KindVolumes),
	// whichever the report declares.
	FilterBarcode       = "barcode"
	FilterOrder         = "order"
	FilterDate          = "date"
	FilterFrom          = "from"
	FilterTo            = "to"
	FilterLabelFormat   = "format"
	FilterStartPosition = "start"
	FilterBatch         = "batch"
	FilterScans         = "scans"
	FilterDestroyed     = "include-destroyed"
)

// The filters, declared once; a report lists the ones it takes (required()
// marks those it needs).
var (
	locationFilter = Filter{Name: FilterLocation, Label: "Location", Kind: KindLocation,
		Help: "only folders filed at this location and inside it"}
	stateFilter = Filter{Name: FilterState, Label: "States", Kind: KindStates,
		Help: "only folders in these states (none: all)"}
	borrowerFilter = Filter{Name: FilterBorrower, Label: "Borrower", Kind: KindBorrower,
		Help: "only this borrower"}
	recordTypeFilter = Filter{Name: FilterRecordType, Label: "Record type", Kind: KindRecordType,
		Help: "only this record type"}
	patientFilter = Filter{Name: FilterPatient, Label: "Patient", Kind: KindPatient,
		Help: "the patient with this chart number"}
	folderFilter = Filter{Name: FilterBarcode, Label: "Folder", Kind: KindVolume,
		Help: "the folder with this barcode"}
	foldersFilter = Filter{Name: FilterBarcode, Label: "Folders", Kind: KindVolumes,
		Help: "only the folders with these barcodes (none: all)"}
	orderFilter = Filter{Name: FilterOrder, Label: "Order", Kind: KindOrder,
		Help: "the order of the listing"}
	dateFilter = Filter{Name: FilterDate, Label: "Date", Kind: KindDate, Aliases: []string{"as-of"},
		Help: "the day of the report (default: today)"}
	fromFilter = Filter{Name: FilterFrom, Label: "From", Kind: KindFrom,
		Help: "the first day of the range"}
	toFilter = Filter{Name: FilterTo, Label: "To", Kind: KindTo,
		Help: "the last day of the range"}
	labelFormatFilter = Filter{Name: FilterLabelFormat, Label: "Label format", Kind: KindLabelFormat,
		Help: "Avery 5160 sheets (the default) or a label printer's roll"}
	startFilter = Filter{Name: FilterStartPosition, Label: "Start position", Kind: KindStartPosition,
		Help: "the first free label on a partly used sheet"}
	batchFilter = Filter{Name: FilterBatch, Label: "Destruction batch", Kind: KindBatch,
		Help: "the destruction batch the certificate is for"}
	scansFilter = Filter{Name: FilterScans, Label: "Scanned barcodes", Kind: KindScans,
		Help: "the barcodes scanned, in shelf order"}
	destroyedFilter = Filter{Name: FilterDestroyed, Label: "Include destroyed folders", Kind: KindIncludeDestroyed,
		Help: "list destroyed folders too"}
)

// required is f, needed by the report that lists it.
func required(f Filter) Filter {
	f.Required = true
	return f
}

// declared are all the filters, one per kind.
var declared = []Filter{
	locationFilter, stateFilter, borrowerFilter, recordTypeFilter, patientFilter, folderFilter, foldersFilter, orderFilter,
	dateFilter, fromFilter, toFilter, labelFormatFilter, startFilter, batchFilter, scansFilter, destroyedFilter,
}

// Filters returns every filter, one per kind (the two kinds of FilterBarcode
// share its name): the command line registers a flag for each name.
func Filters() []Filter {
	out := make([]Filter, len(declared))
	for i, f := range declared {
		f.Aliases = slices.Clone(f.Aliases)
		out[i] = f
	}
	return out
}

// declaredKind is the filter of kind k.
func declaredKind(k FilterKind) Filter {
	for _, f := range declared {
		if f.Kind == k {
			return f
		}
	}
	panic(fmt.Sprintf("reports: no filter of kind %d", k))
}

// orderNames are the orders a listing can be sorted in, as ParseOrder reads them.
var orderNames = []struct {
	name  string
	order records.VolumeOrder
}{
	{"filing", records.OrderFiling},
	{"borrower", records.OrderBorrower},
	{"due", records.OrderDue},
}

// ParseOrder reads an order's name: "filing" (or ""), "borrower" or "due".
func ParseOrder(s string) (records.VolumeOrder, error) {
	if s == "" {
		return records.OrderFiling, nil
	}
	for _, o := range orderNames {
		if o.name == s {
			return o.order, nil
		}
	}
	return 0, orderFilter.Errorf("%q is not an order; use filing, borrower or due", s)
}

// OrderName is the name ParseOrder reads for o.
func OrderName(o records.VolumeOrder) string {
	for _, n := range orderNames {
		if n.order == o {
			return n.name
		}
	}
	return "unknown"
}
