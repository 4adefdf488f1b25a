package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sort"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/csvimport"
)

var importPatientsCommand = &command{
	name:    "import patients",
	usage:   "import patients FILE.csv [--dry-run]",
	summary: "add or update patients from a practice system's CSV export",
	detail: `Columns are found by their header (MRN or "Chart #", "Last Name", "First Name", "DOB", ...).
Each new patient gets volume 1 of the default record type, in file at the default location.
Each rejected row is named on stderr as "line L: reason"; the good rows still import. The
last line is "imported N, updated U, unchanged C, rejected R". Importing the same file
again changes nothing. With --dry-run nothing is written.`,
	setup: importSetup(importPatients),
}

var importAppointmentsCommand = &command{
	name:    "import appointments",
	usage:   "import appointments FILE.csv [--dry-run]",
	summary: "queue chart requests from a schedule's CSV export",
	detail: `Each appointment (date, time, MRN, provider, reason) becomes a request for the chart,
so it shows on the pull list for that day. Rejected rows and the summary are printed as
for 'import patients'.`,
	setup: importSetup(importAppointments),
}

// importer parses an opened file and imports it, returning the parser's
// rejected rows and the store's summary.
type importer func(ctx context.Context, c *cli, svc records.Service, f *os.File, dryRun bool) ([]records.RowError, records.ImportSummary, error)

func importSetup(imp importer) func(fs *flag.FlagSet) action {
	return func(fs *flag.FlagSet) action {
		dryRun := fs.Bool("dry-run", false, "report what would be imported without writing anything")
		return func(ctx context.Context, c *cli, args []string) error {
			if len(args) != 1 {
				return usagef("name one CSV file")
			}
			return c.withSession(ctx, func(ctx context.Context, svc records.Service) error {
				f, err := os.Open(args[0])
				if err != nil {
					return records.Errorf(records.ENotFound, "cannot read %s: %v", args[0], err)
				}
				defer f.Close()
				parsed, sum, err := imp(ctx, c, svc, f, *dryRun)
				if err != nil {
					return err
				}
				rejected := append(append([]records.RowError(nil), parsed...), sum.Rejected...)
				sort.SliceStable(rejected, func(i, j int) bool { return rejected[i].Line < rejected[j].Line })
				for _, r := range rejected {
					fmt.Fprintf(c.stderr, "line %d: %s\n", r.Line, r.Reason)
				}
				if *dryRun {
					fmt.Fprintln(c.stderr, "dry run: nothing was written")
				}
				fmt.Fprintf(c.stdout, "imported %d, updated %d, unchanged %d, rejected %d\n",
					sum.Imported, sum.Updated, sum.Unchanged, len(rejected))
				return nil
			})
		}
	}
}

func importPatients(ctx context.Context, c *cli, svc records.Service, f *os.File, dryRun bool) ([]records.RowError, records.ImportSummary, error) {
	settings, err := svc.Settings(ctx)
	if err != nil {
		return nil, records.ImportSummary{}, err
	}
	file, err := csvimport.OpenPatients(f, settings, records.DateOf(c.now()))
	if err != nil {
		return nil, records.ImportSummary{}, err
	}
	// The store parses the rows as it imports them (on another core).
	sum, err := svc.ImportPatients(ctx, file.Rows(), dryRun)
	return file.Rejected(), sum, err
}

func importAppointments(ctx context.Context, c *cli, svc records.Service, f *os.File, dryRun bool) ([]records.RowError, records.ImportSummary, error) {
	rows, rejected, err := csvimport.ParseAppointments(f)
	if err != nil {
		return nil, records.ImportSummary{}, err
	}
	sum, err := svc.ImportAppointments(ctx, rows, dryRun)
	return rejected, sum, err
}
