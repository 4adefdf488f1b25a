package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/chartroom/chartroom/records"
)

var whereCommand = &command{
	name:    "where",
	usage:   "where QUERY",
	summary: "where each folder of a chart is: QUERY is an MRN, a barcode or a name",
	detail: `Prints one tab-separated line per folder, no header: barcode, MRN, patient name,
record type and volume, state, location or borrower, due date (empty when in file).
A name may be "Last", "Last, First" or a prefix of either; accents and case do not matter.`,
	setup: func(fs *flag.FlagSet) action {
		return func(ctx context.Context, c *invocation, args []string) error {
			query := strings.TrimSpace(strings.Join(args, " "))
			if query == "" {
				return usagef("missing QUERY (an MRN, a barcode or a name)")
			}
			return c.withSession(ctx, func(ctx context.Context, svc records.Service) error {
				settings, err := svc.Settings(ctx)
				if err != nil {
					return err
				}
				vols, err := svc.Where(ctx, query)
				if err != nil {
					return err
				}
				if len(vols) == 0 {
					return records.Errorf(records.ENotFound, "no chart matches %q", query)
				}
				for _, v := range vols {
					writeVolumeLine(c.stdout, v, settings.Filing)
				}
				return nil
			})
		}
	},
}

var checkoutCommand = &command{
	name:    "checkout",
	usage:   "checkout --to BORROWER [--due YYYY-MM-DD] [--handoff] [--note TEXT [--category CATEGORY]] BARCODE...",
	summary: "check folders out to a borrower",
	detail: `BORROWER is a badge code or a borrower's exact name. Each folder checked out is printed as
one tab-separated line (as 'where' prints it). A folder that cannot go is named on stderr
with the reason, and the others still go; the exit status is then 1. A folder already out
goes from its borrower to this one only with --handoff. A check-out to an outside party
(an attorney, an insurer) is a disclosure: --note must state its purpose, and --category
(default other, reportable) says whether it goes into the patient's accounting of
disclosures; see 'chartroom help disclosures add'. A folder marked missing that is
checked out is recorded as found first (noted on stderr).`,
	setup: func(fs *flag.FlagSet) action {
		to := fs.String("to", "", "the `BORROWER`: badge code or exact name (required)")
		due := fs.String("due", "", "the due `DATE` (YYYY-MM-DD); default: the borrower's or record type's loan period")
		handOff := fs.Bool("handoff", false, "hand folders that are out over from their borrower to this one")
		note := fs.String("note", "", "the purpose of the loan, as `TEXT` (for an outside borrower)")
		category := fs.String("category", "", "the purpose `CATEGORY` of a check-out to an outside borrower (default other)")
		return func(ctx context.Context, c *invocation, args []string) error {
			if *to == "" {
				return usagef("--to BORROWER is required")
			}
			if len(args) == 0 {
				return usagef("missing BARCODE (one or more)")
			}
			dueDate, err := records.ParseDate(*due)
			if err != nil {
				return usagef("--due: %v", err)
			}
			if cat := records.DisclosurePurpose(*category); cat != "" && !cat.Valid() {
				return usagef("--category %q is not one of: %s", *category, purposeCategories())
			}
			return c.withSession(ctx, func(ctx context.Context, svc records.Service) error {
				settings, err := svc.Settings(ctx)
				if err != nil {
					return err
				}
				borrower, err := svc.FindBorrower(ctx, *to)
				if err != nil {
					return err
				}
				refused := 0
				for _, code := range args {
					res, err := svc.CheckOut(ctx, records.CheckOutInput{
						Barcode: code, BorrowerID: borrower.ID, Due: dueDate, HandOff: *handOff, Note: *note,
						Purpose: records.DisclosurePurpose(*category),
					})
					if err != nil {
						refused++
						c.refusal(code, err)
						continue
					}
					writeVolumeLine(c.stdout, res.Volume, settings.Filing)
					if res.WasMissing {
						fmt.Fprintf(c.stderr, "note: %s (%s) was marked missing and is found again\n", res.Volume.Barcode, res.Volume.Label())
					}
					if d := res.Disclosure; d != nil {
						fmt.Fprintf(c.stderr, "note: %s: disclosure to %s recorded (%s)\n", res.Volume.Barcode, d.Recipient, d.Category.Label())
					}
				}
				if refused > 0 {
					return &alreadyReported{count: refused}
				}
				return nil
			})
		}
	},
}

var checkinCommand = &command{
	name:    "checkin",
	usage:   "checkin BARCODE...",
	summary: "check folders back in",
	detail: `Each folder checked in is printed as one tab-separated line (as 'where' prints it). Loose
papers waiting for the chart and open requests for it are named on stderr, so they are
not missed. A folder that cannot be checked in is named on stderr with the reason; the
exit status is then 1.`,
	setup: func(fs *flag.FlagSet) action {
		return func(ctx context.Context, c *invocation, args []string) error {
			if len(args) == 0 {
				return usagef("missing BARCODE (one or more)")
			}
			return c.withSession(ctx, func(ctx context.Context, svc records.Service) error {
				settings, err := svc.Settings(ctx)
				if err != nil {
					return err
				}
				refused := 0
				for _, code := range args {
					res, err := svc.CheckIn(ctx, code)
					if err != nil {
						refused++
						c.refusal(code, err)
						continue
					}
					writeVolumeLine(c.stdout, res.Volume, settings.Filing)
					writeCheckInNotes(c.stderr, res)
				}
				if refused > 0 {
					return &alreadyReported{count: refused}
				}
				return nil
			})
		}
	},
}

// refusal names a barcode and why it was refused on stderr; the barcode is
// not repeated when the message already names it.
func (c *invocation) refusal(code string, err error) {
	msg := records.ErrorMessage(err)
	if norm, nerr := records.NormalizeScan(code); nerr == nil && strings.Contains(msg, norm) {
		fmt.Fprintln(c.stderr, msg)
		return
	}
	fmt.Fprintf(c.stderr, "%s: %s\n", code, msg)
}

// writeVolumeLine prints a folder as the one tab-separated line that where,
// checkout and checkin share: barcode, MRN, name, "Medical 1", state,
// location or borrower, due date.
func writeVolumeLine(w io.Writer, v records.Volume, fs records.FilingSystem) {
	place := v.HomePath
	due := ""
	if v.State.Out() {
		place = v.BorrowerName
		due = v.Due.String()
	}
	fmt.Fprintln(w, strings.Join([]string{
		v.Barcode,
		records.FormatMRN(v.MRN, fs),
		v.PatientName,
		v.Label(),
		string(v.State),
		place,
		due,
	}, "\t"))
}

// writeCheckInNotes tells the clerk what waits for a returned folder.
func writeCheckInNotes(w io.Writer, res records.CheckInResult) {
	v := res.Volume
	if res.WasMissing {
		fmt.Fprintf(w, "note: %s (%s) was marked missing and is found again\n", v.Barcode, v.Label())
	}
	for _, l := range res.LooseWaiting {
		from := ""
		if l.From != "" {
			from = " from " + l.From
		}
		fmt.Fprintf(w, "note: %s: loose papers to file, received %s%s: %s\n", v.Barcode, l.Received, from, l.Description)
	}
	for _, r := range res.Requests {
		needed := r.NeededOn.String()
		if r.NeededAt != "" {
			needed += " " + r.NeededAt
		}
		fmt.Fprintf(w, "note: %s: requested by %s for %s (%s)\n", v.Barcode, r.BorrowerName, needed, r.State)
	}
}
