package reports

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/chartroom/chartroom/records"
)

// Store is what reports read from a store: the read calls of records.Service
// they make, and no others. A records.Service is one.
type Store interface {
	Settings(ctx context.Context) (records.Settings, error)
	Patient(ctx context.Context, id records.ID) (records.Patient, error)
	Volume(ctx context.Context, id records.ID) (records.Volume, error)
	VolumeByBarcode(ctx context.Context, barcode string) (records.Volume, error)
	ListVolumes(ctx context.Context, f records.VolumeFilter, fn func(records.Volume) error) error
	History(ctx context.Context, f records.HistoryFilter) ([]records.Movement, error)
	ListBorrowers(ctx context.Context, includeInactive bool) ([]records.Borrower, error)
	Borrower(ctx context.Context, id records.ID) (records.Borrower, error)
	ListLocations(ctx context.Context) ([]records.Location, error)
	ListRecordTypes(ctx context.Context) ([]records.RecordType, error)
	ListRequests(ctx context.Context, f records.RequestFilter) ([]records.Request, error)
	ListDisclosures(ctx context.Context, f records.DisclosureFilter) ([]records.Disclosure, error)
	ReviewRetention(ctx context.Context, asOf records.Date, fn func(records.RetentionCandidate) error) error
	DestructionBatch(ctx context.Context, id records.ID) (records.DestructionBatch, error)
	// ShelfAudit compares scans with the records and changes nothing.
	ShelfAudit(ctx context.Context, section records.ShelfSection, barcodes []string) (records.ShelfAuditResult, error)
}

var _ Store = records.Service(nil)

// job is one report being made: the request, the practice's settings and
// the store the data comes from.
type job struct {
	ctx   context.Context
	svc   Store
	p     Params
	set   records.Settings
	today records.Date // Params.Date, else the day of Params.Now
	hdr   header
}

// Generate writes report name for p to w as a PDF. It reads the settings
// (practice name, paper size, filing system) and the data through svc, as
// the signed-in user of ctx, who is named as the printer on every page. An
// unknown name or a bad parameter is an EInvalid error naming the problem;
// nothing is written then.
//
// A page with characters the report font cannot print (a name in Chinese
// or Arabic script) says so itself; Render also returns such warnings.
func Generate(ctx context.Context, svc Store, name string, p Params, w io.Writer) error {
	_, err := Render(ctx, svc, name, p, w)
	return err
}

// Render is Generate, also returning the warnings the person printing must
// be told, which the pages say too: characters the font could not print
// and on which pages, outguides of folders that are not on the shelf.
func Render(ctx context.Context, svc Store, name string, p Params, w io.Writer) (warnings []string, err error) {
	e, ok := lookup(name)
	if !ok {
		return nil, records.Errorf(records.EInvalid, "there is no report called %q; the reports are: %s", name, strings.Join(names(), ", "))
	}
	e.foldVolumes(&p)
	if err := e.check(p); err != nil {
		return nil, err
	}
	if e.defaults != nil {
		e.defaults(&p)
	}
	set, err := svc.Settings(ctx)
	if err != nil {
		return nil, err
	}
	j := &job{ctx: ctx, svc: svc, p: p, set: set, today: p.Date}
	if j.today.IsZero() {
		j.today = records.DateOf(p.Now)
	}
	filters, err := j.describeFilters(e)
	if err != nil {
		return nil, err
	}
	j.hdr = header{
		Practice:  set.PracticeName,
		Title:     e.title,
		Filters:   filters,
		About:     e.about(j),
		PrintedAt: p.Now,
		Paper:     set.Paper,
		Filing:    set.Filing,
		warnings:  &warnings,
	}
	if a, ok := records.ActorFrom(ctx); ok {
		j.hdr.PrintedBy = a.Username
	}
	if err := e.run(j, w); err != nil {
		return nil, err
	}
	return warnings, nil
}

func lookup(name string) (entry, bool) {
	for _, e := range catalog {
		if e.name == name {
			return e, true
		}
	}
	return entry{}, false
}

func names() []string {
	out := make([]string, len(catalog))
	for i, e := range catalog {
		out[i] = e.name
	}
	return out
}

// takes reports whether the report takes a filter of kind k.
func (e entry) takes(k FilterKind) bool {
	return slices.ContainsFunc(e.filters, func(f Filter) bool { return f.Kind == k })
}

// foldVolumes lets a caller name one volume either way: a report that takes
// chosen volumes accepts VolumeID as a choice of one, and a report about one
// volume accepts a single chosen volume.
func (e entry) foldVolumes(p *Params) {
	takesOne, takesMany := e.takes(KindVolume), e.takes(KindVolumes)
	switch {
	case takesMany && !takesOne && p.VolumeID != 0:
		if !slices.Contains(p.VolumeIDs, p.VolumeID) {
			p.VolumeIDs = append(slices.Clip(p.VolumeIDs), p.VolumeID)
		}
		p.VolumeID = 0
	case takesOne && !takesMany && len(p.VolumeIDs) == 1 && (p.VolumeID == 0 || p.VolumeID == p.VolumeIDs[0]):
		p.VolumeID, p.VolumeIDs = p.VolumeIDs[0], nil
	}
}

// isSet reports whether p gives a filter of kind k.
func isSet(p Params, k FilterKind) bool {
	switch k {
	case KindLocation:
		return p.LocationID != 0
	case KindStates:
		return len(p.States) > 0
	case KindBorrower:
		return p.BorrowerID != 0
	case KindRecordType:
		return p.RecordTypeID != 0
	case KindPatient:
		return p.PatientID != 0
	case KindVolume:
		return p.VolumeID != 0
	case KindVolumes:
		return len(p.VolumeIDs) > 0
	case KindOrder:
		return p.Order != records.OrderFiling
	case KindDate:
		return !p.Date.IsZero()
	case KindFrom:
		return !p.From.IsZero()
	case KindTo:
		return !p.To.IsZero()
	case KindLabelFormat:
		return p.LabelFormat != ""
	case KindStartPosition:
		return p.StartPosition != 0
	case KindBatch:
		return p.BatchID != 0
	case KindScans:
		return len(p.Scans) > 0
	case KindIncludeDestroyed:
		return p.IncludeDestroyed
	}
	return false
}

// check refuses parameters the report does not take, values that make no
// sense and filters it needs and did not get, naming the filter as the
// command line and the form do.
func (e entry) check(p Params) error {
	if p.Now.IsZero() {
		return records.Errorf(records.EInvalid, "the report needs the time it is printed at")
	}
	for _, f := range declared {
		if !isSet(p, f.Kind) || e.takes(f.Kind) {
			continue
		}
		if f.Kind == KindVolumes && e.takes(KindVolume) {
			return declaredKind(KindVolume).Errorf("the %s report is about one folder, not %d", e.name, len(p.VolumeIDs))
		}
		return f.Errorf("the %s report does not take this filter; it takes %s", e.name, takes(e.filters))
	}
	for _, s := range p.States {
		if !s.Valid() {
			return stateFilter.Errorf("%q is not a volume state", s)
		}
	}
	if p.Order != records.OrderFiling && !slices.Contains(e.orders, p.Order) {
		allowed := make([]string, len(e.orders))
		for i, o := range e.orders {
			allowed[i] = OrderName(o)
		}
		return orderFilter.Errorf("the %s report can be sorted by %s only", e.name, strings.Join(allowed, " or "))
	}
	if !p.From.IsZero() && !p.To.IsZero() && p.To.Before(p.From) {
		return toFilter.Errorf("%s is before the start of the range %s", p.To, p.From)
	}
	if slices.Contains(p.VolumeIDs, 0) {
		return foldersFilter.Errorf("a chosen volume has no id")
	}
	switch p.LabelFormat {
	case "", LabelAvery5160:
		if p.StartPosition < 0 || p.StartPosition > Avery5160PerSheet {
			return startFilter.Errorf("must be between 1 and %d (the labels on an Avery 5160 sheet), not %d", Avery5160PerSheet, p.StartPosition)
		}
	case LabelRoll:
		if p.StartPosition > 1 {
			return startFilter.Errorf("applies to sheets of labels, not to a roll")
		}
	default:
		return labelFormatFilter.Errorf("%q is not a label format; use %s or %s", p.LabelFormat, LabelAvery5160, LabelRoll)
	}
	return e.checkNeeded(p)
}

// checkNeeded refuses a report without a filter it declares Required, or
// without any of its OneOf filters.
func (e entry) checkNeeded(p Params) error {
	what := strings.ToLower(e.title)
	for _, f := range e.filters {
		if f.Required && !isSet(p, f.Kind) {
			return f.Errorf("choose one: the %s needs it", what)
		}
	}
	if len(e.oneOf) == 0 {
		return nil
	}
	var labels []string
	for _, f := range e.filters {
		if !slices.Contains(e.oneOf, f.Name) {
			continue
		}
		if isSet(p, f.Kind) {
			return nil
		}
		labels = append(labels, "a "+strings.ToLower(f.Label))
	}
	first, _ := e.report().Filter(e.oneOf[0])
	return first.Errorf("choose %s: the %s needs one", strings.Join(labels, " or "), what)
}

// takes lists the names of filters, as an error tells them.
func takes(filters []Filter) string {
	if len(filters) == 0 {
		return "no filters"
	}
	names := make([]string, 0, len(filters))
	for _, f := range filters {
		if !slices.Contains(names, f.Name) {
			names = append(names, f.Name)
		}
	}
	return strings.Join(names, ", ")
}

// describeFilters turns the parameters into the words printed under the
// title ("Borrower: Dr. Ada Quill"); looking the names up also refuses ids
// that do not exist.
func (j *job) describeFilters(e entry) ([]string, error) {
	p := j.p
	var out []string
	if p.PatientID != 0 {
		pt, err := j.svc.Patient(j.ctx, p.PatientID)
		if err != nil {
			return nil, err
		}
		out = append(out, "Patient: "+pt.DisplayName()+" ("+records.FormatMRN(pt.MRN, j.set.Filing)+")")
	}
	if p.VolumeID != 0 {
		v, err := j.svc.Volume(j.ctx, p.VolumeID)
		if err != nil {
			return nil, err
		}
		out = append(out, "Volume: "+v.PatientName+" ("+records.FormatMRN(v.MRN, j.set.Filing)+"), "+v.Label()+", "+v.Barcode)
	}
	if p.LocationID != 0 {
		locs, err := j.svc.ListLocations(j.ctx)
		if err != nil {
			return nil, err
		}
		i := slices.IndexFunc(locs, func(l records.Location) bool { return l.ID == p.LocationID })
		if i < 0 {
			return nil, records.Errorf(records.ENotFound, "there is no location with id %d", p.LocationID)
		}
		out = append(out, "Location: "+locs[i].Path)
	}
	if len(p.States) > 0 {
		s := make([]string, len(p.States))
		for i, st := range p.States {
			s[i] = stateLabel(st)
		}
		out = append(out, "State: "+strings.Join(s, ", "))
	}
	if p.BorrowerID != 0 {
		b, err := j.svc.Borrower(j.ctx, p.BorrowerID)
		if err != nil {
			return nil, err
		}
		out = append(out, "Borrower: "+b.Name)
	}
	if p.RecordTypeID != 0 {
		rts, err := j.svc.ListRecordTypes(j.ctx)
		if err != nil {
			return nil, err
		}
		i := slices.IndexFunc(rts, func(rt records.RecordType) bool { return rt.ID == p.RecordTypeID })
		if i < 0 {
			return nil, records.Errorf(records.ENotFound, "there is no record type with id %d", p.RecordTypeID)
		}
		out = append(out, "Record type: "+rts[i].Name)
	}
	if !p.From.IsZero() || !p.To.IsZero() {
		out = append(out, "Dates: "+rangeText(p.From, p.To))
	}
	if len(p.VolumeIDs) > 0 {
		out = append(out, fmt.Sprintf("Chosen volumes: %d", len(p.VolumeIDs)))
	}
	if p.StartPosition > 1 {
		out = append(out, fmt.Sprintf("Starting at label %d", p.StartPosition))
	}
	if p.BatchID != 0 {
		out = append(out, fmt.Sprintf("Destruction batch %d", p.BatchID))
	}
	if e.takes(KindIncludeDestroyed) && !slices.Contains(p.States, records.StateDestroyed) {
		if p.IncludeDestroyed {
			out = append(out, "Destroyed folders included")
		} else {
			out = append(out, "Destroyed folders left out")
		}
	}
	if e.takes(KindScans) {
		out = append(out, "Scanned: "+count(len(p.Scans), "barcode", "barcodes"))
	}
	if e.takes(KindOrder) {
		out = append(out, "Order: "+orderText(p.Order, j.set.Filing))
	} else if e.filing {
		out = append(out, "Order: "+orderText(records.OrderFiling, j.set.Filing))
	}
	if len(out) == 0 {
		out = append(out, "All records")
	}
	return out, nil
}

func orderText(o records.VolumeOrder, fs records.FilingSystem) string {
	filing := "filing (" + strings.ToLower(fs.Label()) + ")"
	switch o {
	case records.OrderBorrower:
		return "borrower, then " + filing
	case records.OrderDue:
		return "due date, then " + filing
	}
	return filing
}

// rangeText shows an inclusive range of days with either end open.
func rangeText(from, to records.Date) string {
	switch {
	case from.IsZero() && to.IsZero():
		return "all dates"
	case from.IsZero():
		return "up to " + to.String()
	case to.IsZero():
		return "from " + from.String()
	case from.Equal(to):
		return from.String()
	}
	return from.String() + " to " + to.String()
}

// warn tells the person printing something the pages also say.
func (j *job) warn(s string) {
	if j.hdr.warnings != nil {
		*j.hdr.warnings = append(*j.hdr.warnings, s)
	}
}

// localDay is the calendar day of t in the zone of the report's clock.
func (h header) localDay(t time.Time) records.Date {
	if t.IsZero() {
		return records.Date{}
	}
	return records.DateOf(t.In(h.PrintedAt.Location()))
}

// volumeFilter is the listing a volume report streams.
func (j *job) volumeFilter(order records.VolumeOrder) records.VolumeFilter {
	return records.VolumeFilter{
		LocationID:   j.p.LocationID,
		States:       j.p.States,
		BorrowerID:   j.p.BorrowerID,
		RecordTypeID: j.p.RecordTypeID,
		PatientID:    j.p.PatientID,
		Order:        order,
		// Reports of folders show the folders that exist unless asked.
		ExcludeDestroyed: !j.p.IncludeDestroyed,
	}
}

// listVolumes binds a filter to the service's stream.
func (j *job) listVolumes(f records.VolumeFilter) volumeSource {
	return func(fn func(records.Volume) error) error {
		return j.svc.ListVolumes(j.ctx, f, fn)
	}
}

// volumeSource yields volumes in order to fn and stops at fn's first error;
// records.VolumeService.ListVolumes bound to a filter is one, a slice in a
// test is another.
type volumeSource func(fn func(records.Volume) error) error

// sliceSource yields the volumes of a slice.
func sliceSource(vs []records.Volume) volumeSource {
	return func(fn func(records.Volume) error) error {
		for _, v := range vs {
			if err := fn(v); err != nil {
				return err
			}
		}
		return nil
	}
}
