package cli

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"text/tabwriter"

	"github.com/chartroom/chartroom/records"
)

var mergeCommand = &command{
	name:    "merge",
	usage:   "merge RETIRED SURVIVOR [--note TEXT] | merge --undo ID [--note TEXT] | merge --list",
	summary: "merge a duplicate chart into its survivor (supervisor); undo one (admin)",
	detail: `Moves the folders (with their history; barcodes stay, volume numbers follow the
survivor's when they clash), requests, loose papers, disclosures and accounting requests
of chart RETIRED to chart SURVIVOR. RETIRED then finds SURVIVOR everywhere (find, where,
scan, report --mrn). Refused for the same chart twice, a chart already merged, a
destroyed chart, and a chart other charts were merged into (that would chain merges).
--undo ID (admin) puts back exactly what merge ID moved; --list shows every merge.`,
	setup: func(fs *flag.FlagSet) action {
		note := fs.String("note", "", "why (`TEXT`), kept with the merge")
		undo := fs.Int64("undo", 0, "undo the merge with this `ID` (admin)")
		list := fs.Bool("list", false, "list the merges")
		return func(ctx context.Context, c *invocation, args []string) error {
			switch {
			case *list:
				if len(args) > 0 || *undo != 0 {
					return usagef("--list takes no arguments")
				}
				return c.withSession(ctx, func(ctx context.Context, svc records.Service) error { return listMerges(ctx, c, svc) })
			case *undo != 0:
				if len(args) > 0 {
					return usagef("--undo takes the merge ID only")
				}
				return c.withSession(ctx, func(ctx context.Context, svc records.Service) error {
					m, err := svc.UndoMerge(ctx, records.ID(*undo), *note)
					if err != nil {
						return err
					}
					fmt.Fprintf(c.stdout, "merge %d undone: chart %s is separate from %s again\n", m.ID, chartNumber(ctx, svc, m.RetiredMRN), chartNumber(ctx, svc, m.SurvivorMRN))
					return nil
				})
			}
			if len(args) != 2 {
				return usagef("name the RETIRED chart and the SURVIVOR chart (two MRNs)")
			}
			return c.withSession(ctx, func(ctx context.Context, svc records.Service) error {
				m, err := svc.MergePatients(ctx, args[0], args[1], *note)
				if err != nil {
					return err
				}
				fmt.Fprintf(c.stdout, "merge %d: chart %s merged into %s; moved %s\n", m.ID, chartNumber(ctx, svc, m.RetiredMRN), chartNumber(ctx, svc, m.SurvivorMRN), mergeCountsText(m.Moved))
				return nil
			})
		}
	},
}

func mergeCountsText(c records.MergeCounts) string {
	return fmt.Sprintf("%d folder(s) (%d renumbered), %d request(s), %d loose filing(s), %d disclosure(s), %d accounting request(s)",
		c.Volumes, c.Renumbered, c.Requests, c.Loose, c.Disclosures, c.AccountingRequests)
}

func listMerges(ctx context.Context, c *invocation, svc records.Service) error {
	ms, err := svc.ListMerges(ctx)
	if err != nil {
		return err
	}
	mrn := func(m string) string { return chartNumber(ctx, svc, m) }
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tMERGED\tBY\tRETIRED\tSURVIVOR\tFOLDERS\tSTATUS")
	for _, m := range ms {
		status := "in force"
		if m.Undone() {
			status = "undone " + m.UndoneAt.Format("2006-01-02") + " by " + m.UndoneByName
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s %s\t%s %s\t%s\t%s\n", m.ID, m.MergedAt.Format("2006-01-02 15:04"), m.MergedByName,
			mrn(m.RetiredMRN), m.RetiredName, mrn(m.SurvivorMRN), m.SurvivorName, strconv.Itoa(m.Moved.Volumes), status)
	}
	return tw.Flush()
}
