package cli

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/demo"
)

var initCommand = &command{
	name:    "init",
	usage:   `init --admin NAME [--name "Display Name"] [--practice "..."] [--mrn-width N] [--filing terminal-digit|numeric|alphabetic]`,
	summary: "create a new database and its first admin",
	detail: `The admin's password comes from CHARTROOM_PASSWORD, else it is typed twice at the
prompt (or given as a line on standard input). The database is --db, CHARTROOM_DB or the
default: a file, created, or an empty PostgreSQL database the practice's IT created
(--db postgres://user@host:port/dbname?sslmode=verify-full), whose tables init creates.
init refuses a database that already has a practice, or holds another application's tables.`,
	setup: func(fs *flag.FlagSet) action {
		admin := fs.String("admin", "", "the first admin's user `NAME` (required)")
		name := fs.String("name", "", "the admin's display `NAME` (default: the user name)")
		def := records.DefaultSettings()
		practice := fs.String("practice", "My practice", "the practice's `NAME`, printed on every report")
		width := fs.Int("mrn-width", def.MRNWidth, "digits in a chart number (`N`, 4 to 12)")
		filing := fs.String("filing", string(def.Filing), "the shelves' filing `SYSTEM`: terminal-digit, numeric or alphabetic")
		return func(ctx context.Context, c *invocation, args []string) error {
			if len(args) > 0 {
				return usagef("unexpected argument %q", args[0])
			}
			if *admin == "" {
				return usagef("--admin NAME is required")
			}
			fsys := records.FilingSystem(*filing)
			if !fsys.Valid() {
				return usagef("--filing must be terminal-digit, numeric or alphabetic, not %q", *filing)
			}
			settings := def
			settings.PracticeName = *practice
			settings.MRNWidth = *width
			settings.Filing = fsys

			st, err := c.openStore(ctx, false)
			if err != nil {
				return err
			}
			defer st.Close()
			// Ask before prompting for a password that would be thrown away.
			if ok, err := st.Initialized(ctx); err != nil {
				return err
			} else if ok {
				return records.Errorf(records.EConflict, "the database %s already has a practice; init creates a new one (%s)", c.dbPath(), anotherDatabase(c.dbPath()))
			}
			password, err := c.newPassword("CHARTROOM_PASSWORD", *admin)
			if err != nil {
				return err
			}
			u, err := st.Initialize(ctx, records.InitInput{Settings: settings, AdminUsername: *admin, AdminName: *name, AdminPassword: password})
			if err != nil {
				return err
			}
			fmt.Fprintf(c.stdout, "created %s for %s with admin %s\n", c.dbPath(), settings.PracticeName, u.Username)
			return nil
		}
	},
}

var demoCommand = &command{
	name:    "demo",
	usage:   "demo [--patients N] [--seed S] [--bulk]",
	summary: "create a database filled with fictitious data",
	detail: `Fills a new (or empty) database with a made-up practice: patients, folders, borrowers,
months of history, charts out and overdue, requests and loose filing. The same seed on the
same day gives the same practice. It refuses a database that already has a practice, and
prints the accounts it created.`,
	setup: func(fs *flag.FlagSet) action {
		patients := fs.Int("patients", 2000, "how many fictitious patients (`N`)")
		seed := fs.Int64("seed", 1, "the random `SEED`: the same seed makes the same practice")
		bulk := fs.Bool("bulk", false, "write the rows in bulk (automatic from 20000 patients); same seed, same rows, not the same practice as without")
		return func(ctx context.Context, c *invocation, args []string) error {
			if len(args) > 0 {
				return usagef("unexpected argument %q", args[0])
			}
			if *patients < 1 {
				return usagef("--patients must be at least 1, not %d", *patients)
			}
			opts := demo.Options{Patients: *patients, Seed: *seed, Today: c.now(), Bulk: *bulk}
			tty := isTerminal(c.stderr)
			if tty {
				opts.Progress = func(done, total int) {
					fmt.Fprintf(c.stderr, "\rfilling the demo practice: %3d%%", done*100/max(total, 1))
				}
			}
			res, err := makeDemo(ctx, c.dbPath(), c.log, opts)
			if tty {
				fmt.Fprintln(c.stderr)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(c.stdout, "created %s: %d patients, %d folders, %d movements (all fictitious)\n",
				c.dbPath(), res.Patients, res.Volumes, res.Movements)
			fmt.Fprintln(c.stdout, "accounts:")
			for _, a := range demoAccounts(res) {
				fmt.Fprintf(c.stdout, "  %-11s %-8s password %s\n", a[0], a[1], a[2])
			}
			return nil
		}
	},
}

// demoAccounts lists the demo's accounts as role, user name, password.
func demoAccounts(res demo.Result) [][3]string {
	var list [][3]string
	for _, a := range [][3]string{
		{"admin", res.AdminUser, res.AdminPassword},
		{"supervisor", res.SupervisorUser, res.SupervisorPassword},
		{"clerk", res.ClerkUser, res.ClerkPassword},
	} {
		if strings.TrimSpace(a[1]) != "" {
			list = append(list, a)
		}
	}
	return list
}
