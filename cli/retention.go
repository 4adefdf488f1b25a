package cli

import (
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"strconv"
	"text/tabwriter"

	"github.com/chartroom/chartroom/records"
)

// The retention commands: the yearly review, recording a destruction batch
// and legal holds.

var retentionReviewCommand = &command{
	name:    "retention review",
	usage:   "retention review [--as-of YYYY-MM-DD] [--format table|csv]",
	summary: "list the folders the retention policy allows to destroy (supervisor)",
	detail: `Lists every folder not yet destroyed that the retention policy allows to destroy on the
day (default: today), in filing order, with the rule that makes it eligible and since when.
Charts on legal hold are never listed. A folder that is out or missing is listed with
where it is; it must be back in file before it can be destroyed. --format csv writes a
header line and one CSV row per folder.`,
	setup: func(fs *flag.FlagSet) action {
		asOf := fs.String("as-of", "", "the `DAY` of the review (YYYY-MM-DD; default today)")
		format := fs.String("format", "table", "the output `FORMAT`: table or csv")
		return func(ctx context.Context, c *invocation, args []string) error {
			if len(args) > 0 {
				return usagef("unexpected argument %q", args[0])
			}
			day, err := records.ParseDate(*asOf)
			if err != nil {
				return usagef("--as-of: %v", err)
			}
			if *format != "table" && *format != "csv" {
				return usagef("--format must be table or csv, not %q", *format)
			}
			if day.IsZero() {
				day = records.DateOf(c.now())
			}
			return c.withSession(ctx, func(ctx context.Context, svc records.Service) error {
				st, err := svc.Settings(ctx)
				if err != nil {
					return err
				}
				return writeReview(ctx, c, svc, st.Filing, day, *format)
			})
		}
	},
}

// reviewHeader names the columns of the review.
var reviewHeader = []string{"BARCODE", "MRN", "PATIENT", "VOLUME", "STATE", "LAST VISIT", "BORN", "DIED", "RULE", "ELIGIBLE SINCE", "REASON"}

func writeReview(ctx context.Context, c *invocation, svc records.Service, fs records.FilingSystem, day records.Date, format string) error {
	row := func(rc records.RetentionCandidate) []string {
		v, p, d := rc.Volume, rc.Patient, rc.Decision
		return []string{v.Barcode, records.FormatMRN(v.MRN, fs), v.PatientName, v.Label(), string(v.State),
			p.LastVisit.String(), p.DOB.String(), p.Deceased.String(), string(d.Rule), d.EligibleOn.String(), d.Reason}
	}
	n := 0
	if format == "csv" {
		w := csv.NewWriter(c.stdout)
		if err := w.Write(reviewHeader); err != nil {
			return err
		}
		err := svc.ReviewRetention(ctx, day, func(rc records.RetentionCandidate) error {
			n++
			return w.Write(row(rc))
		})
		w.Flush()
		if err != nil {
			return err
		}
		return w.Error()
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	for i, h := range reviewHeader {
		if i > 0 {
			fmt.Fprint(tw, "\t")
		}
		fmt.Fprint(tw, h)
	}
	fmt.Fprintln(tw)
	err := svc.ReviewRetention(ctx, day, func(rc records.RetentionCandidate) error {
		n++
		for i, f := range row(rc) {
			if i > 0 {
				fmt.Fprint(tw, "\t")
			}
			fmt.Fprint(tw, f)
		}
		_, err := fmt.Fprintln(tw)
		return err
	})
	if err != nil {
		return err
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "%d folder(s) eligible for destruction as of %s\n", n, day)
	return nil
}

var retentionDestroyCommand = &command{
	name:    "retention destroy",
	usage:   "retention destroy --method M --by NAME --witness NAME [--date YYYY-MM-DD] [--note TEXT] (BARCODE... | --from-review)",
	summary: "record a destruction batch and print its number (supervisor)",
	detail: `Records that the folders were destroyed on --date (default today) by the person --by,
witnessed by another person --witness, with the --method used. Every folder must be in
file and eligible on that day under the retention policy; otherwise nothing is recorded
and each refused folder is named with the reason. --from-review takes every folder in file
that the review lists for that day. Destruction cannot be undone. Prints the batch number;
print its certificate with 'chartroom report destruction-certificate --batch N'.`,
	setup: func(fs *flag.FlagSet) action {
		var in records.DestructionInput
		fs.StringVar(&in.Method, "method", "", "how the records were destroyed, as `TEXT` (required)")
		fs.StringVar(&in.DestroyedBy, "by", "", "the `NAME` of the person who destroyed them (required)")
		fs.StringVar(&in.Witness, "witness", "", "the `NAME` of the witness (required)")
		fs.StringVar(&in.Note, "note", "", "a `NOTE` kept with the batch")
		date := fs.String("date", "", "the `DAY` they were destroyed (YYYY-MM-DD; default today)")
		fromReview := fs.Bool("from-review", false, "destroy every folder in file that the review lists for that day")
		return func(ctx context.Context, c *invocation, args []string) error {
			switch {
			case in.Method == "" || in.DestroyedBy == "" || in.Witness == "":
				return usagef("--method, --by and --witness are required")
			case *fromReview && len(args) > 0:
				return usagef("give BARCODEs or --from-review, not both")
			case !*fromReview && len(args) == 0:
				return usagef("missing BARCODE (one or more), or --from-review")
			}
			var err error
			if in.Date, err = records.ParseDate(*date); err != nil {
				return usagef("--date: %v", err)
			}
			return c.withSession(ctx, func(ctx context.Context, svc records.Service) error {
				if _, err := records.Require(ctx, records.RoleSupervisor, "record the destruction of charts"); err != nil {
					return err
				}
				day := in.Date
				if day.IsZero() {
					day = records.DateOf(c.now())
				}
				if *fromReview {
					err := svc.ReviewRetention(ctx, day, func(rc records.RetentionCandidate) error {
						if b := rc.Blocked(); b != "" {
							fmt.Fprintf(c.stderr, "skipped %s (%s, chart %s): %s\n", rc.Volume.Barcode, rc.Volume.Label(), rc.Volume.MRN, b)
							return nil
						}
						in.VolumeIDs = append(in.VolumeIDs, rc.Volume.ID)
						return nil
					})
					if err != nil {
						return err
					}
					if len(in.VolumeIDs) == 0 {
						return records.Errorf(records.ENotFound, "no folder in file is eligible for destruction on %s", day)
					}
				}
				for _, code := range args {
					v, err := svc.VolumeByBarcode(ctx, code)
					if err != nil {
						return err
					}
					in.VolumeIDs = append(in.VolumeIDs, v.ID)
				}
				b, err := svc.RecordDestruction(ctx, in)
				if err != nil {
					return err
				}
				fmt.Fprintln(c.stdout, b.ID)
				fmt.Fprintf(c.stderr, "destruction batch %d: %d folder(s) destroyed on %s; print the certificate with 'chartroom report destruction-certificate --batch %d'\n",
					b.ID, b.Count, b.Date, b.ID)
				return nil
			})
		}
	},
}

var retentionHoldCommand = &command{
	name:    "retention hold",
	usage:   "retention hold MRN --reason TEXT | retention hold MRN --clear",
	summary: "put a chart on legal hold, or release it (supervisor)",
	detail: `A chart on legal hold is never eligible for destruction. --reason names the matter (kept
in the audit log); --clear releases the hold.`,
	setup: func(fs *flag.FlagSet) action {
		reason := fs.String("reason", "", "the matter the hold is for, as `TEXT`")
		clear := fs.Bool("clear", false, "release the hold")
		return func(ctx context.Context, c *invocation, args []string) error {
			if len(args) != 1 {
				return usagef("name one chart by its MRN")
			}
			if !*clear && *reason == "" {
				return usagef("--reason TEXT is required to set a hold (or --clear to release one)")
			}
			return c.withSession(ctx, func(ctx context.Context, svc records.Service) error {
				p, err := svc.PatientByMRN(ctx, args[0])
				if err != nil {
					return err
				}
				st, err := svc.Settings(ctx)
				if err != nil {
					return err
				}
				if p, err = svc.SetLegalHold(ctx, p.ID, !*clear, *reason); err != nil {
					return err
				}
				state := "on legal hold"
				if !p.LegalHold {
					state = "released from legal hold"
				}
				fmt.Fprintf(c.stdout, "%s\t%s\t%s\n", records.FormatMRN(p.MRN, st.Filing), p.DisplayName(), state)
				return nil
			})
		}
	},
}

// batchFlag reads a destruction batch number.
func batchFlag(s string) (records.ID, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, usagef("--batch must be a batch number, not %q", s)
	}
	return records.ID(n), nil
}
