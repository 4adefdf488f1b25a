package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/sqlite"
)

// migrate moves a practice between a database file and a PostgreSQL
// server, either way: every row of every table copied as it is stored, ids
// kept, so the audit chain and its seals verify on the new store. The
// stores do the SQL (records.TableCopier); this file picks them, checks
// that their tables match, and drives one into the other.

var migrateCommand = &command{
	name:    "migrate",
	usage:   "migrate --to postgres://USER@HOST:PORT/DATABASE?sslmode=verify-full | --to FILE.db",
	summary: "copy the whole practice into a new PostgreSQL database or a new database file (admin only)",
	detail: `Copies the practice of --db into the place --to names: from a database file into an
empty PostgreSQL database (--to postgres://...), or from a PostgreSQL practice (--db
postgres://...) into a new database file (--to FILE.db). Every row of every table is copied
with its ids, so the audit chain verifies on the copy as it did on the original; one audit
event on the copy records the move and where it came from. The original is not changed.

The copy is refused when the PostgreSQL database already holds a practice (create a new,
empty one) or when FILE.db exists (name a new file). A failure part way leaves nothing
behind: the PostgreSQL copy is one transaction, and the file is written under a temporary
name and renamed into place only when complete and verified.

The password of the PostgreSQL role comes from PGPASSWORD or the pgpass file, never from
the address. Sign in as an admin of the practice being copied (--user, CHARTROOM_PASSWORD).
Progress is reported on stderr while a large practice is copied.`,
	setup: func(fs *flag.FlagSet) action {
		to := fs.String("to", "", "where the copy goes: a postgres:// `ADDRESS` of an empty database, or a new database file")
		return func(ctx context.Context, c *invocation, args []string) error {
			if len(args) > 0 {
				return usagef("unexpected argument %q", args[0])
			}
			if *to == "" {
				return usagef("name where the practice goes with --to postgres://USER@HOST/DATABASE or --to FILE.db")
			}
			return c.migrate(ctx, *to)
		}
	},
}

// practiceStore is what migrate needs of either store.
type practiceStore interface {
	records.TableCopier
	signInService
	VerifyAudit(ctx context.Context, full bool) (*records.ChainProblem, int, error)
	Close() error
}

// migrateReport is how many rows pass between two progress lines.
const migrateReport = 50000

// isPostgres reports whether loc is a PostgreSQL address; another scheme
// is refused, naming where it came from.
func isPostgres(loc, from string) (bool, error) {
	scheme, ok := addressScheme(loc)
	switch {
	case !ok:
		return false, nil
	case scheme == "postgres" || scheme == "postgresql":
		return true, nil
	}
	return false, usagef("%s %q is a %s:// address; migrate copies between a database file and a postgres:// address", from, loc, scheme)
}

func (c *invocation) migrate(ctx context.Context, to string) error {
	from := c.dbPath()
	fromServer, err := isPostgres(from, "--db")
	if err != nil {
		return err
	}
	if !fromServer {
		if abs, err := filepath.Abs(from); err == nil {
			from = abs
		}
	}
	toServer, err := isPostgres(to, "--to")
	if err != nil {
		return err
	}
	switch {
	case fromServer && toServer:
		return usagef("both --db and --to are PostgreSQL addresses; to copy a database between servers use pg_dump and pg_restore (see the README)")
	case !fromServer && !toServer:
		return usagef("both --db and --to are database files; to copy a database file use 'chartroom backup --to DIR'")
	}
	if !toServer {
		if _, err := os.Stat(to); err == nil {
			return records.Errorf(records.EConflict, "%s already exists; migrate writes a new database file: name one that does not exist with --to, or move that file away first", to)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return records.Internal("cannot look at "+to, err)
		}
	}

	source, err := c.openPractice(ctx, from, true)
	if err != nil {
		return err
	}
	defer source.Close()
	if ctx, err = c.signIn(ctx, source); err != nil {
		return err
	}
	if _, err := records.Require(ctx, records.RoleAdmin, "move the practice to another database"); err != nil {
		return err
	}
	if problem, _, err := source.VerifyAudit(ctx, true); err != nil {
		return err
	} else if problem != nil {
		return records.Errorf(records.EConflict, "the audit chain of %s does not verify (%s); a practice is moved only with its chain intact: run 'chartroom verify' and restore the latest good backup first", from, problem.Reason)
	}

	if toServer {
		target, err := c.openPractice(ctx, to, false)
		if err != nil {
			return err
		}
		defer target.Close()
		return c.copyPractice(ctx, source, from, target, to)
	}
	if abs, err := filepath.Abs(to); err == nil {
		to = abs
	}
	return c.copyToFile(ctx, source, from, to)
}

// copyToFile copies the practice into a new database file, written under
// a temporary name beside it and renamed into place once complete and
// verified, so a failure leaves no file at path.
func (c *invocation) copyToFile(ctx context.Context, source practiceStore, from, path string) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".partial-*")
	if err != nil {
		return records.Internal("cannot write in the folder of "+path+"; check that it exists and you may write there", err)
	}
	tmp := f.Name()
	f.Close()
	os.Remove(tmp) // the store creates the file as its own
	defer func() {
		if err != nil {
			for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
				os.Remove(tmp + suffix)
			}
		}
	}()
	target, err := sqlite.Open(ctx, tmp, sqlite.Options{Now: c.now, Logger: c.log, PasswordParams: passwordParams})
	if err != nil {
		return err
	}
	err = c.copyPractice(ctx, source, from, target, path)
	if cerr := target.Close(); err == nil && cerr != nil {
		err = records.Internal("could not close the new database "+path, cerr)
	}
	if err != nil {
		return err
	}
	if _, serr := os.Stat(path); serr == nil {
		return records.Errorf(records.EConflict, "%s appeared while the practice was being copied; the copy was not kept: move that file away and run migrate again", path)
	}
	if err = os.Rename(tmp, path); err != nil {
		return records.Internal("could not put the new database in place at "+path, err)
	}
	return nil
}

// openPractice opens the practice to copy (the --db, which must hold one)
// or, when loc is not the source, the empty server database to fill.
func (c *invocation) openPractice(ctx context.Context, loc string, source bool) (practiceStore, error) {
	if source {
		return c.openStore(ctx, true)
	}
	return openDB(ctx, loc, openOptions{log: c.log, now: c.now})
}

// copyPractice copies every table of source into target (to names it),
// then verifies the whole audit chain on the target.
func (c *invocation) copyPractice(ctx context.Context, source practiceStore, from string, target practiceStore, to string) error {
	sourceTables, err := source.CopyTables(ctx)
	if err != nil {
		return err
	}
	targetTables, err := target.CopyTables(ctx)
	if err != nil {
		return err
	}
	if diff := records.CompareCopyTables(from, sourceTables, to, targetTables); diff != "" {
		return records.Errorf(records.EConflict,
			"the two databases do not have the same tables, so the copy would lose records (%s); this Chartroom brought both up to its own version, so this is a fault in it: report it, and keep working on %s", diff, from)
	}
	rows, err := records.CopyPractice(ctx, source, target, from, targetTables, func(rows int, table string) {
		if rows%migrateReport == 0 {
			fmt.Fprintf(c.stderr, "migrate: %d rows copied (now %s)\n", rows, table)
		}
	})
	if err != nil {
		return err
	}
	problem, events, err := target.VerifyAudit(ctx, true)
	if err != nil {
		return err
	}
	if problem != nil {
		kept := "the copy was not kept"
		if server, _ := isPostgres(to, "--to"); server {
			kept = "do not use the copy at " + to + " (drop that database and create it empty again before another try)"
		}
		return records.Errorf(records.EConflict, "the copy's audit chain does not verify (%s); %s: report this, and keep working on %s", problem.Reason, kept, from)
	}
	fmt.Fprintf(c.stdout, "moved the practice from %s to %s: %d rows in %d tables; audit chain verified there: %d events\n", from, to, rows, len(targetTables), events)
	return nil
}
