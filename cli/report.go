package cli

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/reports"
)

var reportCommand = &command{
	name:    "report",
	usage:   "report --list | report NAME [-o FILE.pdf] [--location L] [--state S] [--borrower B] [--type T] [--date D] [--from D --to D] [--mrn M] [--barcode X] [--order filing|borrower|due] [--format avery5160|roll] [--start N] [--batch N] [--scans FILE] [--include-destroyed]",
	summary: "write a PDF report; NAME from 'chartroom report --list'",
	detail: `Writes the report to FILE.pdf (default NAME-YYYYMMDD.pdf in the current folder) and
prints its path. Filters name things the way a clerk does: a location by its path
("Record room > Cabinet A") or name, a borrower by badge or name, a record type by name,
a patient by MRN, a folder by barcode. --state takes one or more states separated by
commas (in-file, checked-out, in-transit, missing, offsite, destroyed). --barcode may be
given more than once (folder labels for several folders).`,
	setup: func(fs *flag.FlagSet) action {
		list := fs.Bool("list", false, "list the reports and the filters each one takes")
		var o reportOptions
		fs.StringVar(&o.out, "o", "", "write the PDF to `FILE` (default NAME-YYYYMMDD.pdf)")
		fs.StringVar(&o.location, "location", "", "only folders filed at this `LOCATION` (path or name) and inside it")
		fs.StringVar(&o.states, "state", "", "only folders in these `STATES` (comma-separated)")
		fs.StringVar(&o.borrower, "borrower", "", "only this `BORROWER` (badge or name)")
		fs.StringVar(&o.recordType, "type", "", "only this record `TYPE` (name or code)")
		fs.StringVar(&o.date, "date", "", "the `DAY` of the report (YYYY-MM-DD), e.g. a pull list's day")
		fs.StringVar(&o.from, "from", "", "the first `DAY` of a date range (YYYY-MM-DD)")
		fs.StringVar(&o.to, "to", "", "the last `DAY` of a date range (YYYY-MM-DD)")
		fs.StringVar(&o.mrn, "mrn", "", "only the patient with this chart number (`MRN`)")
		addBarcode := func(s string) error {
			o.barcodes = append(o.barcodes, s)
			return nil
		}
		fs.Func("barcode", "only the folder with this `BARCODE` (repeatable, for labels and outguides)", addBarcode)
		fs.StringVar(&o.order, "order", "", "the `ORDER` of a listing: filing, borrower or due")
		fs.StringVar(&o.format, "format", "", "the label `FORMAT`: avery5160 (default) or roll")
		fs.IntVar(&o.start, "start", 0, "the first label `POSITION` on a partly used sheet (1-30)")
		fs.StringVar(&o.batch, "batch", "", "the destruction batch `NUMBER` of a certificate")
		fs.BoolVar(&o.includeDestroyed, "include-destroyed", false, "list destroyed folders too (location report, labels)")
		fs.StringVar(&o.scans, "scans", "", "the `FILE` of barcodes scanned for a shelf audit, one per line (\"-\": standard input)")
		fs.StringVar(&o.date, "as-of", "", "same as --date")
		// The reports package and the app's Reports screen name some filters
		// differently; their names work here too, so its messages do.
		fs.StringVar(&o.recordType, "record-type", "", "same as --type")
		fs.StringVar(&o.mrn, "patient", "", "same as --mrn")
		fs.Func("volume", "same as --barcode", addBarcode)
		fs.Func("volumes", "same as --barcode", addBarcode)
		fs.StringVar(&o.format, "label-format", "", "same as --format")
		fs.IntVar(&o.start, "start-position", 0, "same as --start")
		return func(ctx context.Context, c *invocation, args []string) error {
			if *list {
				if len(args) > 0 {
					return usagef("--list takes no report name")
				}
				listReports(c)
				return nil
			}
			if len(args) != 1 {
				return usagef("name one report (see 'chartroom report --list')")
			}
			rep, ok := findReport(args[0])
			if !ok {
				return usagef("there is no report %q (see 'chartroom report --list')", args[0])
			}
			if err := flagsTaken(fs, rep); err != nil {
				return err
			}
			p, err := o.staticParams(rep)
			if err != nil {
				return err
			}
			return c.withSession(ctx, func(ctx context.Context, svc records.Service) error {
				if err := o.resolve(ctx, svc, &p); err != nil {
					return err
				}
				if o.scans != "" {
					if p.Scans, err = c.readScans(o.scans); err != nil {
						return err
					}
				}
				p.Now = c.now()
				path := o.out
				if path == "" {
					path = rep.Name + "-" + p.Now.Format("20060102") + ".pdf"
				}
				if err := c.writeReport(ctx, svc, rep.Name, p, path); err != nil {
					return err
				}
				fmt.Fprintln(c.stdout, path)
				return nil
			})
		}
	},
}

func listReports(c *invocation) {
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	for _, r := range reports.List() {
		var flags []string
		for _, f := range r.Filters {
			name := "--" + cliFilterFlag(f)
			if !slices.Contains(flags, name) {
				flags = append(flags, name)
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r.Name, r.Title, strings.Join(flags, " "))
	}
	tw.Flush()
}

// cliFilterFlag is the command line's flag for a reports filter name.
func cliFilterFlag(filter string) string {
	switch filter {
	case reports.FilterRecordType:
		return "type"
	case reports.FilterPatient:
		return "mrn"
	case reports.FilterVolume, reports.FilterVolumes:
		return "barcode"
	case reports.FilterLabelFormat:
		return "format"
	case reports.FilterStartPosition:
		return "start"
	case reports.FilterBatch:
		return "batch"
	case reports.FilterScans:
		return "scans"
	}
	return filter
}

// flagFilters are the reports filters the report command's flags set.
var flagFilters = map[string][]string{
	"location": {reports.FilterLocation}, "state": {reports.FilterState}, "borrower": {reports.FilterBorrower},
	"type": {reports.FilterRecordType}, "record-type": {reports.FilterRecordType},
	"date": {reports.FilterDate}, "as-of": {reports.FilterDate}, "from": {reports.FilterFrom}, "to": {reports.FilterTo},
	"mrn": {reports.FilterPatient}, "patient": {reports.FilterPatient},
	"barcode": {reports.FilterVolume, reports.FilterVolumes}, "volume": {reports.FilterVolume, reports.FilterVolumes},
	"volumes": {reports.FilterVolume, reports.FilterVolumes},
	"order":   {reports.FilterOrder}, "format": {reports.FilterLabelFormat}, "label-format": {reports.FilterLabelFormat},
	"start": {reports.FilterStartPosition}, "start-position": {reports.FilterStartPosition},
	"batch": {reports.FilterBatch}, "scans": {reports.FilterScans}, "include-destroyed": {reports.FilterDestroyed},
}

// flagsTaken refuses, as bad usage, a filter flag the report does not
// take, before anything is opened.
func flagsTaken(fs *flag.FlagSet, rep reports.Report) error {
	var err error
	fs.Visit(func(f *flag.Flag) {
		filters, isFilter := flagFilters[f.Name]
		if err != nil || !isFilter || slices.ContainsFunc(filters, func(x string) bool { return slices.Contains(rep.Filters, x) }) {
			return
		}
		var takes []string
		for _, x := range rep.Filters {
			if flag := "--" + cliFilterFlag(x); !slices.Contains(takes, flag) {
				takes = append(takes, flag)
			}
		}
		if len(takes) == 0 {
			err = usagef("the %s report takes no filters, not --%s", rep.Name, f.Name)
			return
		}
		err = usagef("the %s report does not take --%s; it takes %s", rep.Name, f.Name, strings.Join(takes, " "))
	})
	return err
}

func findReport(name string) (reports.Report, bool) {
	for _, r := range reports.List() {
		if r.Name == name {
			return r, true
		}
	}
	return reports.Report{}, false
}

// writeReport generates into a temporary file beside path and renames it,
// so a report that fails half-way leaves no broken PDF behind. The report's
// warnings (characters the font could not print, outguides of folders not
// on the shelf) go to stderr.
func (c *invocation) writeReport(ctx context.Context, svc records.Service, name string, p reports.Params, path string) error {
	warnings, err := writeReportFile(ctx, svc, name, p, path)
	for _, w := range warnings {
		fmt.Fprintf(c.stderr, "chartroom: warning: %s\n", w)
	}
	// A filter missing or out of range (a history with no --mrn or
	// --barcode) is bad usage, whichever check found it.
	if field := records.ErrorField(err); records.ErrorCode(err) == records.EInvalid && slices.Contains(reportFilterNames(), field) {
		return usagef("--%s: %s", cliFilterFlag(field), strings.TrimPrefix(records.ErrorMessage(err), field+": "))
	}
	return err
}

// reportFilterNames are the filters of every report.
func reportFilterNames() []string {
	var out []string
	for _, r := range reports.List() {
		out = append(out, r.Filters...)
	}
	return out
}

// writeReportFile makes the report in memory, then writes it to a
// temporary file beside path and renames it into place, so a report that
// fails or is killed half-way leaves no broken PDF behind: a kill while the
// report is made (seconds) leaves nothing; one in the moment of writing
// leaves a hidden temporary file, which a later report into the same
// folder removes (removeStaleTemps).
func writeReportFile(ctx context.Context, svc records.Service, name string, p reports.Params, path string) ([]string, error) {
	var pdf bytes.Buffer
	warnings, err := reports.Render(ctx, svc, name, p, &pdf)
	if err != nil {
		return nil, err
	}
	dir := filepath.Dir(path)
	removeStaleTemps(dir, time.Now()) // file times are the real clock's
	tmp, err := os.CreateTemp(dir, reportTempPattern)
	if err != nil {
		return nil, records.Errorf(records.EInvalid, "cannot write the report into %s: %v", dir, err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing left to remove
	if _, err := tmp.Write(pdf.Bytes()); err != nil {
		tmp.Close()
		return nil, records.Errorf(records.EInvalid, "cannot write the report into %s: %v", dir, err)
	}
	if err := tmp.Close(); err != nil {
		return nil, records.Internal("could not finish writing the report", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return nil, records.Errorf(records.EInvalid, "cannot write the report to %s: %v", path, err)
	}
	return warnings, nil
}

// reportTempPattern names the temporary file a report is written to.
const reportTempPattern = ".chartroom-report-*.pdf"

// staleTempAge is how old a report's temporary file must be to be taken
// for one a killed report left: far longer than writing any report takes.
const staleTempAge = time.Hour

// removeStaleTemps removes the temporary report files in dir that a killed
// report left behind; it is best effort, since they are only clutter.
func removeStaleTemps(dir string, now time.Time) {
	old, _ := filepath.Glob(filepath.Join(dir, reportTempPattern))
	for _, f := range old {
		if st, err := os.Stat(f); err == nil && st.Mode().IsRegular() && now.Sub(st.ModTime()) > staleTempAge {
			os.Remove(f)
		}
	}
}

// reportOptions are the report command's filters as typed.
type reportOptions struct {
	out, location, states, borrower, recordType string
	date, from, to, mrn, order, format          string
	barcodes                                    []string
	start                                       int
	batch, scans                                string
	includeDestroyed                            bool
	manyVolumes                                 bool // the report takes a list of folders
}

// staticParams checks and converts the filters that need no database.
// Whether the report takes a filter is the reports package's to say.
func (o *reportOptions) staticParams(rep reports.Report) (reports.Params, error) {
	var p reports.Params
	var err error
	for _, d := range []struct {
		flag string
		in   string
		out  *records.Date
	}{{"date", o.date, &p.Date}, {"from", o.from, &p.From}, {"to", o.to, &p.To}} {
		if *d.out, err = records.ParseDate(d.in); err != nil {
			return p, usagef("--%s: %v", d.flag, err)
		}
	}
	if !p.From.IsZero() && !p.To.IsZero() && p.To.Before(p.From) {
		return p, usagef("--to %s is before --from %s", p.To, p.From)
	}
	if o.states != "" {
		for _, s := range strings.Split(o.states, ",") {
			st := records.VolumeState(strings.TrimSpace(s))
			if !st.Valid() {
				return p, usagef("--state %q is not one of in-file, checked-out, in-transit, missing, offsite, destroyed", s)
			}
			p.States = append(p.States, st)
		}
	}
	if p.Order, err = reports.ParseOrder(o.order); err != nil {
		return p, usagef("--order must be filing, borrower or due, not %q", o.order)
	}
	switch o.format {
	case "", reports.LabelAvery5160, reports.LabelRoll:
		p.LabelFormat = o.format
	default:
		return p, usagef("--format must be %s or %s, not %q", reports.LabelAvery5160, reports.LabelRoll, o.format)
	}
	if o.start < 0 || o.start > reports.Avery5160PerSheet {
		return p, usagef("--start must be a label position from 1 to %d, not %d", reports.Avery5160PerSheet, o.start)
	}
	if o.start > 1 && o.format == reports.LabelRoll {
		return p, usagef("--start applies to sheets of labels, not to a roll")
	}
	p.StartPosition = o.start
	p.IncludeDestroyed = o.includeDestroyed
	if p.BatchID, err = batchFlag(o.batch); err != nil {
		return p, err
	}
	if len(o.barcodes) > 1 && !slices.Contains(rep.Filters, reports.FilterVolumes) {
		return p, usagef("the %s report takes at most one --barcode", rep.Name)
	}
	o.manyVolumes = slices.Contains(rep.Filters, reports.FilterVolumes)
	return p, nil
}

// resolve turns the names in the filters into the ids the report needs.
func (o *reportOptions) resolve(ctx context.Context, svc records.Service, p *reports.Params) error {
	var err error
	if o.location != "" {
		if p.LocationID, err = findLocation(ctx, svc, o.location); err != nil {
			return err
		}
	}
	if o.borrower != "" {
		b, err := svc.FindBorrower(ctx, o.borrower)
		if err != nil {
			return err
		}
		p.BorrowerID = b.ID
	}
	if o.recordType != "" {
		if p.RecordTypeID, err = findRecordType(ctx, svc, o.recordType); err != nil {
			return err
		}
	}
	if o.mrn != "" {
		pat, err := svc.PatientByMRN(ctx, o.mrn)
		if err != nil {
			return err
		}
		p.PatientID = pat.ID
	}
	for _, code := range o.barcodes {
		v, err := svc.VolumeByBarcode(ctx, code)
		if err != nil {
			return err
		}
		if o.manyVolumes {
			p.VolumeIDs = append(p.VolumeIDs, v.ID)
		} else {
			p.VolumeID = v.ID
		}
	}
	return nil
}

// findLocation finds a location by its full path or, when unambiguous, by
// its name, case-insensitively.
func findLocation(ctx context.Context, svc records.Service, name string) (records.ID, error) {
	locs, err := svc.ListLocations(ctx)
	if err != nil {
		return 0, err
	}
	var byName []records.Location
	for _, l := range locs {
		if strings.EqualFold(l.Path, name) {
			return l.ID, nil
		}
		if strings.EqualFold(l.Name, name) {
			byName = append(byName, l)
		}
	}
	switch len(byName) {
	case 1:
		return byName[0].ID, nil
	case 0:
		return 0, records.Errorf(records.ENotFound, "there is no location %q", name)
	}
	paths := make([]string, len(byName))
	for i, l := range byName {
		paths[i] = "\"" + l.Path + "\""
	}
	return 0, records.Errorf(records.EInvalid, "%d locations are called %q; name one by its path: %s", len(byName), name, strings.Join(paths, ", "))
}

// findRecordType finds a record type by name or code, case-insensitively.
func findRecordType(ctx context.Context, svc records.Service, name string) (records.ID, error) {
	types, err := svc.ListRecordTypes(ctx)
	if err != nil {
		return 0, err
	}
	for _, rt := range types {
		if strings.EqualFold(rt.Name, name) {
			return rt.ID, nil
		}
	}
	for _, rt := range types {
		if strings.EqualFold(rt.Code, name) {
			return rt.ID, nil
		}
	}
	return 0, records.Errorf(records.ENotFound, "there is no record type %q", name)
}
