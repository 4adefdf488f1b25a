package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/sqlite"
)

var backupCommand = &command{
	name:    "backup",
	usage:   "backup [--to DIR]",
	summary: "write a checked copy of the database and print its path",
	detail: `The copy is consistent even while others work, integrity-checked, readable only by its
owner and named with the date and time. DIR defaults to the backup folder of the settings,
else a "backups" folder beside the database. Needs a supervisor or admin.`,
	setup: func(fs *flag.FlagSet) action {
		to := fs.String("to", "", "the `DIR` to write the backup into")
		return func(ctx context.Context, c *cli, args []string) error {
			if len(args) > 0 {
				return usagef("unexpected argument %q", args[0])
			}
			return c.withSession(ctx, func(ctx context.Context, svc records.Service) error {
				dir := *to
				if dir == "" {
					settings, err := svc.Settings(ctx)
					if err != nil {
						return err
					}
					dir = settings.BackupFolder(c.dbPath())
				}
				path, err := svc.Backup(ctx, dir)
				if err != nil {
					return err
				}
				fmt.Fprintln(c.stdout, path)
				return nil
			})
		}
	},
}

var restoreCommand = &command{
	name:    "restore",
	usage:   "restore FILE",
	summary: "replace the database with a backup (admin only)",
	detail: `Refuses a file that is not a Chartroom database or fails its integrity check. The
current database is kept as a copy beside it before it is replaced; restore prints where.
Close the desktop app on this database first. Over a database that opens, the acting user
must be an admin; a missing database (a new computer) or a damaged one is replaced
without signing in.`,
	setup: func(fs *flag.FlagSet) action {
		return func(ctx context.Context, c *cli, args []string) error {
			if len(args) != 1 {
				return usagef("name one backup FILE")
			}
			backup := args[0]
			if _, err := os.Stat(backup); err != nil {
				return records.Errorf(records.ENotFound, "cannot read the backup %s: %v", backup, err)
			}
			kept, err := c.restore(ctx, backup)
			if err != nil {
				return err
			}
			fmt.Fprintf(c.stdout, "restored %s from %s\n", c.dbPath(), backup)
			if kept != "" {
				fmt.Fprintf(c.stdout, "the database as it was is kept as %s\n", kept)
			}
			return nil
		}
	},
}

// restore puts a backup in place of the database. Over a database that
// opens, only an admin may. A missing database (a new computer) or one that
// is not a Chartroom database any more (damaged) has no admin to ask and
// nothing a signed-in user could protect: whoever may write the file may
// replace it, so the restore goes ahead, and says so.
func (c *cli) restore(ctx context.Context, backup string) (string, error) {
	path := c.dbPath()
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(c.stderr, "there is no database at %s yet; the backup becomes it\n", path)
		return sqlite.Restore(ctx, path, backup)
	}
	st, err := openDB(ctx, path, c.log, c.now, false)
	if records.ErrorCode(err) == records.EInvalid {
		fmt.Fprintf(c.stderr, "the current database cannot be opened (%s); restoring over it without signing in\n", records.ErrorMessage(err))
		return sqlite.Restore(ctx, path, backup)
	}
	if err != nil {
		return "", err
	}
	return c.restoreSignedIn(ctx, st, backup)
}

// restoreSignedIn signs in on st and, for an admin, restores the backup
// over the database; st is closed in every case.
func (c *cli) restoreSignedIn(ctx context.Context, st *sqlite.Store, backup string) (string, error) {
	ctx, err := c.signIn(ctx, st)
	if err == nil {
		_, err = records.Require(ctx, records.RoleAdmin, "restore a backup")
	}
	if err != nil {
		st.Close()
		return "", err
	}
	return restoreDatabase(ctx, st, c.dbPath(), backup)
}

// restoreDatabase replaces the database at dbPath, open as st, with a
// backup. Only an admin may; when allowed, st is closed first because the
// file under it is about to change, whether or not the restore then
// succeeds. It returns where the old database was kept.
func restoreDatabase(ctx context.Context, st *sqlite.Store, dbPath, backup string) (string, error) {
	if _, err := records.Require(ctx, records.RoleAdmin, "restore a backup"); err != nil {
		return "", err
	}
	if err := st.Close(); err != nil {
		return "", records.Internal("could not close the database before restoring", err)
	}
	return sqlite.Restore(ctx, dbPath, backup)
}

var verifyCommand = &command{
	name:    "verify",
	usage:   "verify",
	summary: "check the database and the whole audit chain",
	detail: `Runs SQLite's integrity check and walks the audit log from its first event, checking
that no event was changed, deleted or inserted. Prints "ok: N audit events verified,
integrity ok", or each problem found (exit status 1).`,
	setup: func(fs *flag.FlagSet) action {
		return func(ctx context.Context, c *cli, args []string) error {
			if len(args) > 0 {
				return usagef("unexpected argument %q", args[0])
			}
			return c.withSession(ctx, func(ctx context.Context, svc records.Service) error {
				problems, err := svc.CheckIntegrity(ctx)
				if err != nil {
					return err
				}
				// CheckIntegrity walks the chain too, but only VerifyAudit
				// counts the events; its problem is added unless already named.
				chainProblem, n, err := svc.VerifyAudit(ctx, true)
				if err != nil {
					return err
				}
				if chainProblem != nil && !slices.ContainsFunc(problems, func(p string) bool {
					return strings.Contains(p, chainProblem.Reason)
				}) {
					problems = append(problems, chainProblem.Reason)
				}
				if len(problems) == 0 {
					fmt.Fprintf(c.stdout, "ok: %d audit events verified, integrity ok\n", n)
					return nil
				}
				for _, p := range problems {
					fmt.Fprintf(c.stdout, "problem: %s\n", p)
				}
				return records.Errorf(records.EConflict, "%d problem(s) found in %s", len(problems), c.dbPath())
			})
		}
	},
}
