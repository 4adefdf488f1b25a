package cli

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/reports"
)

var reportCommand = &command{
	name:    "report",
	usage:   "report --list | report NAME [-o FILE.pdf] " + reportFlagsUsage(),
	summary: "write a PDF report; NAME from 'chartroom report --list'",
	detail: `Writes the report to FILE.pdf (default NAME-YYYYMMDD.pdf in the current folder) and
prints its path. Each report takes the filters 'chartroom report --list' shows for it;
another is bad usage. Filters name things the way a clerk does: a location by its path
("Record room > Cabinet A") or name, a borrower by badge or name, a record type by name,
a patient by MRN, a folder by barcode. --state takes one or more states separated by
commas (in-file, checked-out, in-transit, missing, offsite, destroyed). --barcode may be
given more than once where a report takes several folders (folder labels, outguides).`,
	setup: func(fs *flag.FlagSet) action {
		list := fs.Bool("list", false, "list the reports and the filters and orders each one takes")
		out := fs.String("o", "", "write the PDF to `FILE` (default NAME-YYYYMMDD.pdf)")
		given := registerReportFlags(fs)
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
			rep, ok := reports.Find(args[0])
			if !ok {
				return usagef("there is no report %q (see 'chartroom report --list')", args[0])
			}
			o := reportOptions{rep: rep, values: given}
			if err := o.checkTaken(fs); err != nil {
				return err
			}
			p, err := o.staticParams()
			if err != nil {
				return err
			}
			if err := o.checkNeeded(); err != nil {
				return err
			}
			return c.withSession(ctx, func(ctx context.Context, svc records.Service) error {
				if err := o.resolve(ctx, svc, &p); err != nil {
					return err
				}
				if scans, ok := o.last(reports.FilterScans); ok {
					if p.Scans, err = c.readScans(scans); err != nil {
						return err
					}
				}
				p.Now = c.now()
				path := *out
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

// reportFlags are the report command's filter flags: one per name of
// reports.Filters (the two kinds of --barcode share one), in their order.
func reportFlags() []reports.Filter {
	var out []reports.Filter
	for _, f := range reports.Filters() {
		if !slices.ContainsFunc(out, func(g reports.Filter) bool { return g.Name == f.Name }) {
			out = append(out, f)
		}
	}
	return out
}

// registerReportFlags adds a flag (and its aliases) for each filter; the
// returned map collects each filter's values by its name as given, in order.
func registerReportFlags(fs *flag.FlagSet) map[string][]string {
	given := map[string][]string{}
	for _, f := range reportFlags() {
		name := f.Name
		add := func(s string) error {
			given[name] = append(given[name], s)
			return nil
		}
		usage := f.Help + filterFlagHint(f)
		if f.Kind == reports.KindIncludeDestroyed {
			fs.BoolFunc(name, usage, func(s string) error {
				if s != "true" {
					delete(given, name) // --include-destroyed=false
					return nil
				}
				return add(s)
			})
			continue
		}
		fs.Func(name, usage, add)
		for _, alias := range f.Aliases {
			fs.Func(alias, "same as --"+name, add)
		}
	}
	return given
}

// filterValueName names a filter's value in the flag's usage and in a
// synopsis; filterValueHow says how to write it.
func filterValueName(f reports.Filter) (name, how string) {
	switch f.Kind {
	case reports.KindLocation:
		return "LOCATION", "path or name"
	case reports.KindStates:
		return "STATES", "comma-separated"
	case reports.KindBorrower:
		return "BORROWER", "badge or name"
	case reports.KindRecordType:
		return "TYPE", "name or code"
	case reports.KindPatient:
		return "MRN", ""
	case reports.KindVolume, reports.KindVolumes:
		return "BARCODE", "repeatable where a report takes several folders"
	case reports.KindOrder:
		return "ORDER", "filing, borrower or due, as --list shows for each report"
	case reports.KindDate, reports.KindFrom, reports.KindTo:
		return "DAY", "YYYY-MM-DD"
	case reports.KindLabelFormat:
		return "FORMAT", reports.LabelAvery5160 + " or " + reports.LabelRoll
	case reports.KindStartPosition:
		return "POSITION", "1-30"
	case reports.KindBatch:
		return "NUMBER", ""
	case reports.KindScans:
		return "FILE", "one barcode per line; \"-\": standard input"
	}
	return "", ""
}

// filterFlagHint is the end of a flag's usage: its value, between the
// backquotes flag.PrintDefaults reads, and how to write it.
func filterFlagHint(f reports.Filter) string {
	name, how := filterValueName(f)
	switch {
	case name == "":
		return ""
	case how == "":
		return " (`" + name + "`)"
	}
	return " (`" + name + "`: " + how + ")"
}

// filterFlagValue is the value of a filter's flag in a synopsis.
func filterFlagValue(f reports.Filter, orders []records.VolumeOrder) string {
	switch f.Kind {
	case reports.KindIncludeDestroyed:
		return ""
	case reports.KindOrder:
		names := make([]string, len(orders))
		for i, o := range orders {
			names[i] = reports.OrderName(o)
		}
		return " " + strings.Join(names, "|")
	case reports.KindLabelFormat:
		return " " + reports.LabelAvery5160 + "|" + reports.LabelRoll
	case reports.KindVolumes:
		return " BARCODE..."
	}
	name, _ := filterValueName(f)
	return " " + name
}

// reportFlagsUsage is every filter flag, for the command's synopsis.
func reportFlagsUsage() string {
	var b strings.Builder
	for i, f := range reportFlags() {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString("[--" + f.Name + filterFlagValue(f, []records.VolumeOrder{records.OrderFiling, records.OrderBorrower, records.OrderDue}) + "]")
	}
	return b.String()
}

// reportSynopsis is a report's filters as flags: a required one bare, the
// ones of which one is needed in parentheses, the others in brackets.
func reportSynopsis(r reports.Report) string {
	var parts, oneOf []string
	for _, f := range r.Filters {
		flag := "--" + f.Name + filterFlagValue(f, r.Orders)
		switch {
		case slices.Contains(r.OneOf, f.Name):
			oneOf = append(oneOf, flag)
			if len(oneOf) == len(r.OneOf) {
				parts = append(parts, "("+strings.Join(oneOf, " | ")+")")
			}
		case f.Required:
			parts = append(parts, flag)
		default:
			parts = append(parts, "["+flag+"]")
		}
	}
	if len(parts) == 0 {
		return "(no filters)"
	}
	return strings.Join(parts, " ")
}

func listReports(c *invocation) {
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	for _, r := range reports.List() {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r.Name, r.Title, reportSynopsis(r))
	}
	tw.Flush()
}

// flagNames lists the flags of filters, as a message names them.
func flagNames(filters []reports.Filter) string {
	names := make([]string, len(filters))
	for i, f := range filters {
		names[i] = "--" + f.Name
	}
	return strings.Join(names, " ")
}

// writeReport generates into a temporary file beside path and renames it,
// so a report that fails half-way leaves no broken PDF behind. The report's
// warnings (characters the font could not print, outguides of folders not
// on the shelf) go to stderr.
func (c *invocation) writeReport(ctx context.Context, svc reports.Store, name string, p reports.Params, path string) error {
	warnings, err := writeReportFile(ctx, svc, name, p, path)
	for _, w := range warnings {
		fmt.Fprintf(c.stderr, "chartroom: warning: %s\n", w)
	}
	// A filter missing or out of range (a history with no --mrn or
	// --barcode) is bad usage, whichever check found it.
	if field := records.ErrorField(err); records.ErrorCode(err) == records.EInvalid {
		for _, f := range reports.Filters() {
			if f.Name == field {
				return usagef("--%s: %s", field, strings.TrimPrefix(records.ErrorMessage(err), f.Label+": "))
			}
		}
	}
	return err
}

// writeReportFile makes the report in memory, then writes it to a
// temporary file beside path and renames it into place, so a report that
// fails or is killed half-way leaves no broken PDF behind: a kill while the
// report is made (seconds) leaves nothing; one in the moment of writing
// leaves a hidden temporary file, which a later report into the same
// folder removes (removeStaleTemps).
func writeReportFile(ctx context.Context, svc reports.Store, name string, p reports.Params, path string) ([]string, error) {
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

// reportOptions are the report command's filters as typed, for one report.
type reportOptions struct {
	rep    reports.Report
	values map[string][]string // by filter name
}

// last is the value of the filter called name given last, as a flag given
// twice means its last value.
func (o *reportOptions) last(name string) (string, bool) {
	vs := o.values[name]
	if len(vs) == 0 {
		return "", false
	}
	return vs[len(vs)-1], true
}

// checkTaken refuses, as bad usage and before anything is opened, a filter
// flag the report does not take.
func (o *reportOptions) checkTaken(fs *flag.FlagSet) error {
	var err error
	flags := reportFlags()
	fs.Visit(func(fl *flag.Flag) {
		i := slices.IndexFunc(flags, func(f reports.Filter) bool { return f.Name == fl.Name || slices.Contains(f.Aliases, fl.Name) })
		if err != nil || i < 0 {
			return
		}
		if _, ok := o.rep.Filter(flags[i].Name); ok {
			return
		}
		if len(o.rep.Filters) == 0 {
			err = usagef("the %s report takes no filters, not --%s", o.rep.Name, fl.Name)
			return
		}
		err = usagef("the %s report does not take --%s; it takes %s", o.rep.Name, fl.Name, flagNames(o.rep.Filters))
	})
	return err
}

// checkNeeded refuses, as bad usage and before anything is opened, a
// report without a filter it needs.
func (o *reportOptions) checkNeeded() error {
	var oneOf []reports.Filter
	for _, f := range o.rep.Filters {
		_, given := o.last(f.Name)
		if f.Required && !given {
			return usagef("the %s report needs --%s%s (%s)", o.rep.Name, f.Name, filterFlagValue(f, o.rep.Orders), f.Help)
		}
		if slices.Contains(o.rep.OneOf, f.Name) {
			if given {
				return nil
			}
			oneOf = append(oneOf, f)
		}
	}
	if len(oneOf) > 0 {
		names := make([]string, len(oneOf))
		for i, f := range oneOf {
			names[i] = "--" + f.Name
		}
		return usagef("the %s report needs %s", o.rep.Name, strings.Join(names, " or "))
	}
	return nil
}

// staticParams checks and converts the filters that need no database.
func (o *reportOptions) staticParams() (reports.Params, error) {
	var p reports.Params
	for _, f := range o.rep.Filters {
		v, ok := o.last(f.Name)
		if !ok {
			continue
		}
		if err := o.staticParam(f, v, &p); err != nil {
			return p, err
		}
	}
	if !p.From.IsZero() && !p.To.IsZero() && p.To.Before(p.From) {
		return p, usagef("--to %s is before --from %s", p.To, p.From)
	}
	if p.StartPosition > 1 && p.LabelFormat == reports.LabelRoll {
		return p, usagef("--start applies to sheets of labels, not to a roll")
	}
	return p, nil
}

// staticParam reads the value v of filter f into p, by its kind; the kinds
// that name something in the database are resolve's.
func (o *reportOptions) staticParam(f reports.Filter, v string, p *reports.Params) error {
	var err error
	switch f.Kind {
	case reports.KindDate, reports.KindFrom, reports.KindTo:
		d, err := records.ParseDate(v)
		if err != nil {
			return usagef("--%s: %v", f.Name, err)
		}
		switch f.Kind {
		case reports.KindDate:
			p.Date = d
		case reports.KindFrom:
			p.From = d
		default:
			p.To = d
		}
	case reports.KindStates:
		for _, s := range strings.Split(v, ",") {
			st := records.VolumeState(strings.TrimSpace(s))
			if !st.Valid() {
				return usagef("--%s %q is not one of in-file, checked-out, in-transit, missing, offsite, destroyed", f.Name, s)
			}
			p.States = append(p.States, st)
		}
	case reports.KindOrder:
		order, err := reports.ParseOrder(v)
		if err != nil || !slices.Contains(o.rep.Orders, order) {
			return usagef("--%s must be %s for the %s report, not %q", f.Name, strings.TrimSpace(filterFlagValue(f, o.rep.Orders)), o.rep.Name, v)
		}
		p.Order = order
	case reports.KindLabelFormat:
		if v != reports.LabelAvery5160 && v != reports.LabelRoll {
			return usagef("--%s must be %s or %s, not %q", f.Name, reports.LabelAvery5160, reports.LabelRoll, v)
		}
		p.LabelFormat = v
	case reports.KindStartPosition:
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > reports.Avery5160PerSheet {
			return usagef("--%s must be a label position from 1 to %d, not %q", f.Name, reports.Avery5160PerSheet, v)
		}
		p.StartPosition = n
	case reports.KindBatch:
		if p.BatchID, err = batchFlag(v); err != nil {
			return err
		}
	case reports.KindIncludeDestroyed:
		p.IncludeDestroyed = true
	case reports.KindVolume:
		if n := len(o.values[f.Name]); n > 1 {
			return usagef("the %s report takes one --%s, not %d", o.rep.Name, f.Name, n)
		}
	}
	return nil
}

// resolve turns the names in the filters into the ids the report needs.
func (o *reportOptions) resolve(ctx context.Context, svc records.Service, p *reports.Params) error {
	for _, f := range o.rep.Filters {
		v, ok := o.last(f.Name)
		if !ok {
			continue
		}
		var err error
		switch f.Kind {
		case reports.KindLocation:
			p.LocationID, err = findLocation(ctx, svc, v)
		case reports.KindBorrower:
			var b records.Borrower
			if b, err = svc.FindBorrower(ctx, v); err == nil {
				p.BorrowerID = b.ID
			}
		case reports.KindRecordType:
			p.RecordTypeID, err = findRecordType(ctx, svc, v)
		case reports.KindPatient:
			var pat records.Patient
			if pat, err = svc.PatientByMRN(ctx, v); err == nil {
				p.PatientID = pat.ID
			}
		case reports.KindVolume, reports.KindVolumes:
			for _, code := range o.values[f.Name] {
				vol, err := svc.VolumeByBarcode(ctx, code)
				if err != nil {
					return err
				}
				if f.Kind == reports.KindVolumes {
					p.VolumeIDs = append(p.VolumeIDs, vol.ID)
				} else {
					p.VolumeID = vol.ID
				}
			}
		}
		if err != nil {
			return err
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
