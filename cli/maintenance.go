package cli

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
	"github.com/chartroom/chartroom/records/postgres"
	"github.com/chartroom/chartroom/records/sqlite"
)

var backupCommand = &command{
	name:    "backup",
	usage:   "backup [--to DIR] | --check FILE [--key KEYFILE] | --status | --set-passphrase [--new-key] | --second-place DIR|none | --keep N,W,M",
	summary: "write a checked copy of the database and print its path; check a backup; set up the second place",
	detail: `The copy is consistent even while others work, checked (integrity, audit chain, seals),
readable only by its owner and named with the date and time. DIR defaults to the backup folder
of the settings, else a "backups" folder beside the database. Once a backup passphrase is set,
a backup into a folder outside the database's own is encrypted (chartroom-....db.age, with the
practice's key file chartroom-backup-key-....age beside it); the backup needs no passphrase,
opening it does. Needs a supervisor or admin.

--check FILE opens a backup in a temporary folder and runs the full check without touching the
database; an encrypted one needs the backup passphrase (CHARTROOM_BACKUP_PASSPHRASE, else it is
asked) and its key file (beside it, or --key KEYFILE). Needs no database and no sign-in.

--status prints each backup place, its newest good copy and its latest check.

--set-passphrase (admin) sets the backup passphrase: the new one from
CHARTROOM_NEW_BACKUP_PASSPHRASE, else typed twice; changing it needs the current one
(CHARTROOM_BACKUP_PASSPHRASE, else asked). --new-key makes a new key instead, for a forgotten
passphrase: older backups then open only with their own key file and the old passphrase.

--second-place DIR (admin) sets the second backup place (a removable drive or a network folder
that exists; "none" removes it): every automatic backup is also written there, encrypted.

--keep N,W,M (admin) sets what each place keeps: the newest N backups, the newest of each of
the last W weeks and of each of the last M months (W and M may be 0).`,
	setup: func(fs *flag.FlagSet) action {
		to := fs.String("to", "", "the `DIR` to write the backup into")
		check := fs.String("check", "", "check the backup `FILE` without touching the database")
		key := fs.String("key", "", "the key file (`KEYFILE`) of an encrypted backup, when it is not beside it")
		status := fs.Bool("status", false, "print the backup places, their newest copies and checks")
		setPassphrase := fs.Bool("set-passphrase", false, "set or change the backup passphrase (admin)")
		newKey := fs.Bool("new-key", false, "with --set-passphrase: make a new backup key (a forgotten passphrase)")
		second := fs.String("second-place", "", "set the second backup place `DIR` (admin); none removes it")
		keep := fs.String("keep", "", "how many backups each place keeps (admin): `N,W,M` the newest N, the newest of W weeks and of M months")
		return func(ctx context.Context, c *invocation, args []string) error {
			if len(args) > 0 {
				return usagef("unexpected argument %q", args[0])
			}
			modes := 0
			for _, on := range []bool{*to != "", *check != "", *status, *setPassphrase, *second != "", *keep != ""} {
				if on {
					modes++
				}
			}
			if modes > 1 {
				return usagef("give one of --to, --check, --status, --set-passphrase, --second-place, --keep")
			}
			if *newKey && !*setPassphrase {
				return usagef("--new-key goes with --set-passphrase")
			}
			if *key != "" && *check == "" {
				return usagef("--key goes with --check (restore takes it too)")
			}
			switch {
			case *check != "":
				return c.checkBackupFile(ctx, *check, *key)
			case *status:
				return c.withSession(ctx, c.printBackupStatus)
			case *setPassphrase:
				return c.withSession(ctx, func(ctx context.Context, svc records.Service) error {
					return c.setBackupPassphrase(ctx, svc, *newKey)
				})
			case *second != "":
				return c.withSession(ctx, func(ctx context.Context, svc records.Service) error {
					return c.setSecondPlace(ctx, svc, *second)
				})
			case *keep != "":
				n, err := parseKeep(*keep)
				if err != nil {
					return err
				}
				return c.withSession(ctx, func(ctx context.Context, svc records.Service) error {
					return c.setKeep(ctx, svc, n)
				})
			}
			return c.withSession(ctx, func(ctx context.Context, svc records.Service) error {
				dir := *to
				if dir == "" {
					settings, err := svc.Settings(ctx)
					if err != nil {
						return err
					}
					if isServerAddress(c.dbPath()) && strings.TrimSpace(settings.BackupDir) == "" {
						return usagef("a practice server has no folder beside it for backups: name one with --to DIR, or set the backup folder in the settings")
					}
					dir = settings.BackupFolder(c.dbPath())
				}
				path, err := svc.Backup(ctx, dir)
				if err != nil {
					return err
				}
				fmt.Fprintln(c.stdout, path)
				if !sqlite.IsEncryptedBackupName(path) && !sqlite.BesideDatabase(c.dbPath(), dir) {
					fmt.Fprintln(c.stderr, "warning: this backup is not encrypted; before it leaves this computer, set a backup passphrase (chartroom backup --set-passphrase)")
				}
				return nil
			})
		}
	},
}

var restoreCommand = &command{
	name:    "restore",
	usage:   "restore [--key KEYFILE] FILE",
	summary: "replace the database with a backup (admin only)",
	detail: `An encrypted backup (.db.age) is decrypted beside the database with the backup passphrase
(CHARTROOM_BACKUP_PASSPHRASE, else it is asked) and its key file (beside the backup, or --key).
The backup is checked (integrity, audit chain, seals) before anything changes: a file that is
not a Chartroom database, is damaged or cut short, fails its check or does not open with the
passphrase is refused, and the database stays as it was. The current database is kept as a
copy beside it before it is replaced; restore prints where. Close the desktop app on this
database first. Over a database that opens, the acting user must be an admin; a missing
database (a new computer) or a damaged one is replaced without signing in.
On a practice server (--db postgres://...), a backup made there (.dump or .dump.age) is
restored with pg_restore into a new, empty database the practice's IT created for it (as for
a new practice); a database that holds anything is refused, and the audit chain is verified
after the restore.`,
	setup: func(fs *flag.FlagSet) action {
		key := fs.String("key", "", "the key file (`KEYFILE`) of an encrypted backup, when it is not beside it")
		return func(ctx context.Context, c *invocation, args []string) error {
			if len(args) != 1 {
				return usagef("name one backup FILE")
			}
			backup := args[0]
			if _, err := os.Stat(backup); err != nil {
				return records.Errorf(records.ENotFound, "cannot read the backup %s: %v", backup, err)
			}
			kept, err := c.restore(ctx, backup, *key)
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
func (c *invocation) restore(ctx context.Context, backup, keyFile string) (string, error) {
	path := c.dbPath()
	if isServerAddress(path) {
		// A server's backup goes into a new, empty database the practice's
		// IT made for it: a practice's records are never written over.
		un, err := c.unlock(backup, keyFile)
		if err != nil {
			return "", err
		}
		return "", postgres.Restore(ctx, path, backup, un)
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		un, err := c.unlock(backup, keyFile)
		if err != nil {
			return "", err
		}
		kept, err := sqlite.Restore(ctx, path, backup, un)
		if err == nil {
			fmt.Fprintf(c.stderr, "there was no database at %s; the backup became it\n", path)
		}
		return kept, err
	}
	st, err := openDB(ctx, path, openOptions{log: c.log, now: c.now})
	if records.ErrorCode(err) == records.EInvalid {
		un, err2 := c.unlock(backup, keyFile)
		if err2 != nil {
			return "", err2
		}
		fmt.Fprintf(c.stderr, "the current database cannot be opened (%s); restoring over it without signing in\n", records.ErrorMessage(err))
		return sqlite.Restore(ctx, path, backup, un)
	}
	if err != nil {
		return "", err
	}
	return c.restoreSignedIn(ctx, st, backup, keyFile)
}

// restoreSignedIn signs in on st and, for an admin, restores the backup
// over the database; st is closed in every case.
func (c *invocation) restoreSignedIn(ctx context.Context, st store, backup, keyFile string) (string, error) {
	ctx, err := c.signIn(ctx, st)
	if err == nil {
		_, err = records.Require(ctx, records.RoleAdmin, "restore a backup")
	}
	var un sqlite.Unlock
	if err == nil {
		un, err = c.unlock(backup, keyFile)
	}
	if err != nil {
		st.Close()
		return "", err
	}
	return restoreDatabase(ctx, st, c.dbPath(), backup, un)
}

// restoreDatabase replaces the database at dbPath, open as st, with a
// backup. Only an admin may; when allowed, st is closed first because the
// file under it is about to change, whether or not the restore then
// succeeds. It returns where the old database was kept.
func restoreDatabase(ctx context.Context, st store, dbPath, backup string, un sqlite.Unlock) (string, error) {
	if _, err := records.Require(ctx, records.RoleAdmin, "restore a backup"); err != nil {
		return "", err
	}
	if err := st.Close(); err != nil {
		return "", records.Internal("could not close the database before restoring", err)
	}
	return sqlite.Restore(ctx, dbPath, backup, un)
}

var verifyCommand = &command{
	name:    "verify",
	usage:   "verify",
	summary: "check the database and the whole audit chain",
	detail: `Runs SQLite's integrity check and walks the audit log from its first event, checking
that no event was changed, deleted or inserted. Prints "ok: N audit events verified,
integrity ok", or each problem found (exit status 1).`,
	setup: func(fs *flag.FlagSet) action {
		return func(ctx context.Context, c *invocation, args []string) error {
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
