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

// job is one report being made: the request, the practice's settings and
// the service the data comes from.
type job struct {
	ctx   context.Context
	svc   records.Service
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
func Generate(ctx context.Context, svc records.Service, name string, p Params, w io.Writer) error {
	_, err := Render(ctx, svc, name, p, w)
	return err
}

// Render is Generate, also returning the warnings the person printing must
// be told, which the pages say too: characters the font could not print
// and on which pages, outguides of folders that are not on the shelf.
func Render(ctx context.Context, svc records.Service, name string, p Params, w io.Writer) (warnings []string, err error) {
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

// foldVolumes lets a caller name one volume either way: a report that takes
// chosen volumes accepts VolumeID as a choice of one, and a report about one
// volume accepts a single chosen volume.
func (e entry) foldVolumes(p *Params) {
	takesOne, takesMany := slices.Contains(e.filters, FilterVolume), slices.Contains(e.filters, FilterVolumes)
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

// check refuses parameters the report does not take and values that make
// no sense, naming the field as the command line and the form call it.
func (e entry) check(p Params) error {
	if p.Now.IsZero() {
		return records.Errorf(records.EInvalid, "the report needs the time it is printed at")
	}
	set := map[string]bool{
		FilterLocation:      p.LocationID != 0,
		FilterState:         len(p.States) > 0,
		FilterBorrower:      p.BorrowerID != 0,
		FilterRecordType:    p.RecordTypeID != 0,
		FilterPatient:       p.PatientID != 0,
		FilterVolume:        p.VolumeID != 0,
		FilterOrder:         p.Order != records.OrderFiling,
		FilterDate:          !p.Date.IsZero(),
		FilterFrom:          !p.From.IsZero(),
		FilterTo:            !p.To.IsZero(),
		FilterVolumes:       len(p.VolumeIDs) > 0,
		FilterLabelFormat:   p.LabelFormat != "",
		FilterStartPosition: p.StartPosition != 0,
		FilterBatch:         p.BatchID != 0,
		FilterScans:         len(p.Scans) > 0,
		FilterDestroyed:     p.IncludeDestroyed,
	}
	for _, f := range allFilters {
		if set[f] && !slices.Contains(e.filters, f) {
			return records.FieldError(f, "the %s report does not take this filter; it takes %s", e.name, takes(e.filters))
		}
	}
	for _, s := range p.States {
		if !s.Valid() {
			return records.FieldError(FilterState, "%q is not a volume state", s)
		}
	}
	if p.Order != records.OrderFiling && !slices.Contains(e.orders, p.Order) {
		allowed := make([]string, len(e.orders))
		for i, o := range e.orders {
			allowed[i] = OrderName(o)
		}
		return records.FieldError(FilterOrder, "the %s report can be sorted by %s only", e.name, strings.Join(allowed, " or "))
	}
	if !p.From.IsZero() && !p.To.IsZero() && p.To.Before(p.From) {
		return records.FieldError(FilterTo, "%s is before the start of the range %s", p.To, p.From)
	}
	if slices.Contains(p.VolumeIDs, 0) {
		return records.FieldError(FilterVolumes, "a chosen volume has no id")
	}
	switch p.LabelFormat {
	case "", LabelAvery5160:
		if p.StartPosition < 0 || p.StartPosition > Avery5160PerSheet {
			return records.FieldError(FilterStartPosition, "must be between 1 and %d (the labels on an Avery 5160 sheet), not %d", Avery5160PerSheet, p.StartPosition)
		}
	case LabelRoll:
		if p.StartPosition > 1 {
			return records.FieldError(FilterStartPosition, "applies to sheets of labels, not to a roll")
		}
	default:
		return records.FieldError(FilterLabelFormat, "%q is not a label format; use %s or %s", p.LabelFormat, LabelAvery5160, LabelRoll)
	}
	if e.need != nil {
		return e.need(p)
	}
	return nil
}

var allFilters = []string{
	FilterLocation, FilterState, FilterBorrower, FilterRecordType, FilterPatient, FilterVolume,
	FilterOrder, FilterDate, FilterFrom, FilterTo, FilterVolumes, FilterLabelFormat, FilterStartPosition,
	FilterBatch, FilterScans, FilterDestroyed,
}

func takes(filters []string) string {
	if len(filters) == 0 {
		return "no filters"
	}
	return strings.Join(filters, ", ")
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
	if slices.Contains(e.filters, FilterDestroyed) && !slices.Contains(p.States, records.StateDestroyed) {
		if p.IncludeDestroyed {
			out = append(out, "Destroyed folders included")
		} else {
			out = append(out, "Destroyed folders left out")
		}
	}
	if slices.Contains(e.filters, FilterScans) {
		out = append(out, "Scanned: "+count(len(p.Scans), "barcode", "barcodes"))
	}
	if slices.Contains(e.filters, FilterOrder) {
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
