package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/csvimport"
)

var importPatientsCommand = &command{
	name:    "import patients",
	usage:   "import patients FILE.csv [--map FIELD=HEADER]... [--assign-mrn] [--dry-run]",
	summary: "add or update patients from a practice system's CSV export",
	detail: `Columns are found by their header, however the exporting system spells it ("Chart #",
PATIENT_ID, LASTNAME, Date.Of.Death, "Patient Name" as "Last, First Middle"). Before the
summary the command prints which column fed which field and which columns were ignored:
nothing in an ignored column (social security numbers, insurance ids, addresses) is stored.
Say it by hand with --map when the guess is wrong or missing.

Each new patient gets volume 1 of the default record type, in file at the default location.
A row with an external id is matched on it (re-importing a file changes nothing); otherwise
on the chart number. With --assign-mrn a new patient whose row has no usable chart number
(an EHR's UUID) but an external id gets the practice's next free chart number.

Files may be UTF-8 (with or without byte-order mark), UTF-16 with byte-order mark, or
Windows-1252 (as Excel saves CSV; the summary says so), separated by commas, semicolons or
tabs. Dates may be YYYY-MM-DD, MM/DD/YYYY, M/D/YY (a two-digit birth year that would be in
the future is of the 1900s; the summary names the lines), DD.MM.YYYY, YYYYMMDD, ISO
date-times or Excel day numbers. Sex may be M/F/X/U or words (Male, Female, Unknown...).

Each rejected row is named on stderr as "line L: reason"; the good rows still import. The
last line is "imported N, updated U, unchanged C, rejected R". With --dry-run the same
mapping, notes, rejections and summary are printed and nothing is written.

Fields for --map FIELD=HEADER (an empty HEADER leaves the field unread):
` + fieldHelp(csvimport.PatientFields),
	setup: importSetup(importPatients, csvimport.PatientFields, true),
}

var importAppointmentsCommand = &command{
	name:    "import appointments",
	usage:   "import appointments FILE.csv [--map FIELD=HEADER]... [--add-providers] [--dry-run]",
	summary: "queue chart requests from a schedule's CSV export",
	detail: `Each appointment (date, time, patient, provider, reason) becomes a request for the chart,
so it shows on the pull list for that day. The patient is found by the scheduling system's
id (an external id a patients import stored) or by chart number. A date-time with a time
zone (2025-03-29T08:10:05Z) is moved into this computer's time zone.

A provider that is not yet a borrower is named in the summary and its rows are rejected;
--add-providers adds such providers as provider borrowers instead (supervisor).

The columns, encodings, separators and dates are read as for 'import patients', and the
mapping, rejected rows and summary are printed the same way.

Fields for --map FIELD=HEADER (an empty HEADER leaves the field unread):
` + fieldHelp(csvimport.AppointmentFields),
	setup: importSetup(importAppointments, csvimport.AppointmentFields, false),
}

// fieldHelp lists fields with a few of the spellings each is found by.
func fieldHelp(fields []csvimport.Field) string {
	var b strings.Builder
	for _, f := range fields {
		aliases := f.Aliases()
		if len(aliases) > 4 {
			aliases = aliases[:4]
		}
		fmt.Fprintf(&b, "  %-12s %s; e.g. %s\n", f.Name, f.Label, strings.Join(quoted(aliases), ", "))
	}
	return b.String()
}

func quoted(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

// importFlags are an import's options from the command line.
type importFlags struct {
	dryRun, assignMRN, addProviders bool
	byHand                          map[string]string
}

// importer reads an opened file and imports it, printing the column mapping
// as soon as it is known; it returns the parser's rejected rows, its notes
// and the store's summary.
type importer func(ctx context.Context, c *invocation, svc records.Service, f io.Reader, opt importFlags) (importResult, error)

type importResult struct {
	rejected []records.RowError
	notes    []string
	sum      records.ImportSummary
}

func importSetup(imp importer, fields []csvimport.Field, patients bool) func(fs *flag.FlagSet) action {
	return func(fs *flag.FlagSet) action {
		opt := importFlags{byHand: map[string]string{}}
		fs.BoolVar(&opt.dryRun, "dry-run", false, "print the mapping, notes, rejections and summary without writing anything")
		fs.Func("map", "take a field from a column named by hand, `FIELD=HEADER` (repeatable; the fields are listed above)", func(v string) error {
			field, header, ok := strings.Cut(v, "=")
			field = strings.TrimSpace(field)
			if !ok || field == "" {
				return fmt.Errorf("write --map FIELD=HEADER, e.g. --map external_id=PATIENT_ID")
			}
			known := csvimport.FieldNames(fields)
			if !contains(known, field) {
				return fmt.Errorf("there is no field %q; the fields are %s", field, strings.Join(known, ", "))
			}
			opt.byHand[field] = header
			return nil
		})
		if patients {
			fs.BoolVar(&opt.assignMRN, "assign-mrn", false, "give a new patient without a usable chart number the next free one (it needs an external id)")
		} else {
			fs.BoolVar(&opt.addProviders, "add-providers", false, "add providers that are not borrowers yet as provider borrowers")
		}
		return func(ctx context.Context, c *invocation, args []string) error {
			if len(args) != 1 {
				return usagef("name one CSV file")
			}
			return c.withSession(ctx, func(ctx context.Context, svc records.Service) error {
				f, err := os.Open(args[0])
				if err != nil {
					return records.Errorf(records.ENotFound, "cannot read %s: %v", args[0], err)
				}
				defer f.Close()
				res, err := imp(ctx, c, svc, f, opt)
				if err != nil {
					return err
				}
				rejected := append(append([]records.RowError(nil), res.rejected...), res.sum.Rejected...)
				sort.SliceStable(rejected, func(i, j int) bool { return rejected[i].Line < rejected[j].Line })
				for _, r := range rejected {
					fmt.Fprintf(c.stderr, "line %d: %s\n", r.Line, r.Reason)
				}
				for _, n := range append(res.notes, summaryNotes(res.sum)...) {
					fmt.Fprintf(c.stdout, "note: %s\n", n)
				}
				if opt.dryRun {
					fmt.Fprintln(c.stderr, "dry run: nothing was written")
				}
				fmt.Fprintf(c.stdout, "imported %d, updated %d, unchanged %d, rejected %d\n",
					res.sum.Imported, res.sum.Updated, res.sum.Unchanged, len(rejected))
				return nil
			})
		}
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// printMapping says which column feeds which field and which columns are
// ignored, before anything is imported.
func printMapping(w io.Writer, m csvimport.Mapping) {
	fmt.Fprintln(w, "columns used:")
	for _, col := range m.Used() {
		how := ""
		if col.ByHand {
			how = " (--map)"
		}
		fmt.Fprintf(w, "  %q -> %s%s\n", col.Header, col.Field, how)
	}
	if ignored := m.Ignored(); len(ignored) > 0 {
		fmt.Fprintf(w, "columns ignored (nothing in them is stored): %s\n", strings.Join(quoted(ignored), ", "))
	}
}

// summaryNotes are the store's findings a clerk should read before the
// summary line: chart numbers given out, providers met.
func summaryNotes(sum records.ImportSummary) []string {
	var out []string
	if n := len(sum.AssignedMRNs); n > 0 {
		out = append(out, fmt.Sprintf("%d new patient(s) were given chart numbers %s to %s", n, sum.AssignedMRNs[0], sum.AssignedMRNs[n-1]))
	}
	if len(sum.UnknownProviders) > 0 {
		out = append(out, fmt.Sprintf("providers that are not borrowers (their rows are rejected; --add-providers adds them): %s",
			strings.Join(quoted(sum.UnknownProviders), ", ")))
	}
	if len(sum.AddedProviders) > 0 {
		out = append(out, fmt.Sprintf("providers added as borrowers: %s", strings.Join(quoted(sum.AddedProviders), ", ")))
	}
	return out
}

func importPatients(ctx context.Context, c *invocation, svc records.Service, f io.Reader, opt importFlags) (importResult, error) {
	settings, err := svc.Settings(ctx)
	if err != nil {
		return importResult{}, err
	}
	file, err := csvimport.OpenPatients(f, csvimport.Options{Settings: settings, Today: records.DateOf(c.now()),
		Map: opt.byHand, AssignMRN: opt.assignMRN})
	if err != nil {
		return importResult{}, err
	}
	printMapping(c.stdout, file.Mapping())
	// The store parses the rows as it imports them (on another core).
	sum, err := svc.ImportPatients(ctx, file.Rows(), opt.dryRun)
	return importResult{rejected: file.Rejected(), notes: file.Notes(), sum: sum}, err
}

func importAppointments(ctx context.Context, c *invocation, svc records.Service, f io.Reader, opt importFlags) (importResult, error) {
	file, err := csvimport.OpenAppointments(f, csvimport.Options{Zone: c.now().Location(), Map: opt.byHand})
	if err != nil {
		return importResult{}, err
	}
	printMapping(c.stdout, file.Mapping())
	rows, rejected, err := file.Rows()
	if err != nil {
		return importResult{}, err
	}
	sum, err := svc.ImportAppointmentsWith(ctx, rows, records.AppointmentImport{DryRun: opt.dryRun, AddProviders: opt.addProviders})
	return importResult{rejected: rejected, notes: file.Notes(), sum: sum}, err
}
