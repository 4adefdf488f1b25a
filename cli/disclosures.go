package cli

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/chartroom/chartroom/records"
)

// The accounting of disclosures: disclosures of a chart, entering one by
// hand, and patients' requests for an accounting.

var disclosuresListCommand = &command{
	name:    "disclosures list",
	usage:   "disclosures list MRN",
	summary: "list a patient's disclosures, reportable and exempt",
	detail: `Prints a header line and one line per disclosure, oldest first: date, recipient, address,
description, purpose, category and whether it is REPORTABLE (listed in the patient's
accounting) or EXEMPT. The printed accounting is 'chartroom report disclosures --mrn MRN'.`,
	setup: func(fs *flag.FlagSet) action {
		return func(ctx context.Context, c *invocation, args []string) error {
			if len(args) != 1 {
				return usagef("name one chart (MRN)")
			}
			return c.withSession(ctx, func(ctx context.Context, svc records.Service) error {
				p, err := svc.PatientByMRN(ctx, args[0])
				if err != nil {
					return err
				}
				ds, err := svc.ListDisclosures(ctx, records.DisclosureFilter{PatientID: p.ID})
				if err != nil {
					return err
				}
				tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "DATE\tRECIPIENT\tADDRESS\tDESCRIPTION\tPURPOSE\tCATEGORY\tACCOUNTING")
				for _, d := range ds {
					kind := "EXEMPT"
					if d.Reportable() {
						kind = "REPORTABLE"
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", d.Date, d.Recipient, dash(d.Address), d.Description, d.Purpose, d.Category, kind)
				}
				return tw.Flush()
			})
		}
	},
}

// chartNumber is a stored chart number as the practice writes it.
func chartNumber(ctx context.Context, svc records.Service, mrn string) string {
	st, err := svc.Settings(ctx)
	if err != nil {
		return mrn
	}
	return records.FormatMRN(mrn, st.Filing)
}

// purposeCategories lists the --category values for help texts.
func purposeCategories() string {
	names := make([]string, len(records.DisclosurePurposes))
	for i, p := range records.DisclosurePurposes {
		names[i] = string(p)
	}
	return strings.Join(names, ", ")
}

var disclosuresAddCommand = &command{
	name:    "disclosures add",
	usage:   "disclosures add MRN --date YYYY-MM-DD --recipient NAME [--address TEXT] --description TEXT --purpose TEXT [--category CATEGORY]",
	summary: "record a disclosure made outside a check-out",
	detail: `Records that health information of the chart left the practice: on which day, to whom
(and their address), what, and why. --category decides whether it belongs in the
patient's accounting; the default, other, is reportable. The categories are:
` + purposeCategories() + `.
Treatment, payment, operations, to-patient, authorized, involved-in-care, national-security,
correctional and limited-data-set are exempt; the others are reportable.`,
	setup: func(fs *flag.FlagSet) action {
		date := fs.String("date", "", "the `DAY` of the disclosure (YYYY-MM-DD; default today)")
		recipient := fs.String("recipient", "", "who received it (`NAME`)")
		address := fs.String("address", "", "the recipient's `ADDRESS`")
		description := fs.String("description", "", "what was disclosed (`TEXT`)")
		purpose := fs.String("purpose", "", "why, as a brief statement (`TEXT`)")
		category := fs.String("category", string(records.PurposeOther), "the purpose `CATEGORY`")
		return func(ctx context.Context, c *invocation, args []string) error {
			if len(args) != 1 {
				return usagef("name one chart (MRN)")
			}
			day, err := records.ParseDate(*date)
			if err != nil {
				return usagef("--date: %v", err)
			}
			if day.IsZero() {
				day = records.DateOf(c.now())
			}
			cat := records.DisclosurePurpose(*category)
			if !cat.Valid() {
				return usagef("--category %q is not one of: %s", *category, purposeCategories())
			}
			return c.withSession(ctx, func(ctx context.Context, svc records.Service) error {
				p, err := svc.PatientByMRN(ctx, args[0])
				if err != nil {
					return err
				}
				d, err := svc.AddDisclosure(ctx, records.Disclosure{PatientID: p.ID, Date: day, Recipient: *recipient, Address: *address,
					Description: *description, Purpose: *purpose, Category: cat})
				if err != nil {
					return err
				}
				kind := "exempt: not in the accounting"
				if d.Reportable() {
					kind = "reportable: listed in the accounting"
				}
				fmt.Fprintf(c.stdout, "disclosure %d recorded for chart %s (%s)\n", d.ID, chartNumber(ctx, svc, d.MRN), kind)
				return nil
			})
		}
	},
}

var disclosuresRequestCommand = &command{
	name:    "disclosures request",
	usage:   "disclosures request MRN [--received YYYY-MM-DD] [--by NAME] [--note TEXT]",
	summary: "log a patient's request for an accounting of disclosures (due in 60 days)",
	setup: func(fs *flag.FlagSet) action {
		received := fs.String("received", "", "the `DAY` the request came in (default today)")
		by := fs.String("by", "", "who asked (`NAME`: the patient or their representative)")
		note := fs.String("note", "", "a `NOTE`")
		return func(ctx context.Context, c *invocation, args []string) error {
			if len(args) != 1 {
				return usagef("name one chart (MRN)")
			}
			day, err := records.ParseDate(*received)
			if err != nil {
				return usagef("--received: %v", err)
			}
			return c.withSession(ctx, func(ctx context.Context, svc records.Service) error {
				p, err := svc.PatientByMRN(ctx, args[0])
				if err != nil {
					return err
				}
				r, err := svc.LogAccountingRequest(ctx, records.AccountingRequest{PatientID: p.ID, Received: day, RequestedBy: *by, Note: *note})
				if err != nil {
					return err
				}
				fmt.Fprintf(c.stdout, "request %d logged for chart %s: received %s, due %s\n", r.ID, chartNumber(ctx, svc, r.MRN), r.Received, r.Due)
				return nil
			})
		}
	},
}

var disclosuresRequestsCommand = &command{
	name:    "disclosures requests",
	usage:   "disclosures requests [--all]",
	summary: "list the open requests for an accounting, by due date",
	setup: func(fs *flag.FlagSet) action {
		all := fs.Bool("all", false, "include answered requests")
		return func(ctx context.Context, c *invocation, args []string) error {
			if len(args) > 0 {
				return usagef("unexpected argument %q", args[0])
			}
			return c.withSession(ctx, func(ctx context.Context, svc records.Service) error {
				st, err := svc.Settings(ctx)
				if err != nil {
					return err
				}
				rs, err := svc.ListAccountingRequests(ctx, records.AccountingRequestFilter{OpenOnly: !*all})
				if err != nil {
					return err
				}
				today := records.DateOf(c.now())
				tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tMRN\tPATIENT\tRECEIVED\tDUE\tSTATUS")
				for _, r := range rs {
					fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", r.ID, records.FormatMRN(r.MRN, st.Filing), r.PatientName, r.Received, r.Due, accountingStatus(r, today))
				}
				return tw.Flush()
			})
		}
	},
}

// accountingStatus says where a request for an accounting stands.
func accountingStatus(r records.AccountingRequest, today records.Date) string {
	switch {
	case !r.Open():
		return "answered " + r.Answered.String()
	case r.Overdue(today):
		return "OVERDUE"
	}
	return "open"
}

var disclosuresAnswerCommand = &command{
	name:    "disclosures answer",
	usage:   "disclosures answer ID [--date YYYY-MM-DD] [--note TEXT]",
	summary: "mark a request for an accounting answered (supervisor)",
	setup: func(fs *flag.FlagSet) action {
		date := fs.String("date", "", "the `DAY` it was answered (default today)")
		note := fs.String("note", "", "how it was answered (`TEXT`)")
		return func(ctx context.Context, c *invocation, args []string) error {
			if len(args) != 1 {
				return usagef("name one request ID (see 'chartroom disclosures requests')")
			}
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || id <= 0 {
				return usagef("%q is not a request ID", args[0])
			}
			day, err := records.ParseDate(*date)
			if err != nil {
				return usagef("--date: %v", err)
			}
			if day.IsZero() {
				day = records.DateOf(c.now())
			}
			return c.withSession(ctx, func(ctx context.Context, svc records.Service) error {
				r, err := svc.AnswerAccountingRequest(ctx, records.ID(id), day, *note)
				if err != nil {
					return err
				}
				fmt.Fprintf(c.stdout, "request %d of chart %s answered on %s\n", r.ID, chartNumber(ctx, svc, r.MRN), r.Answered)
				return nil
			})
		}
	},
}
