package postgres

import (
	"context"
	"os"
	"strings"

	"filippo.io/age"
	"github.com/jackc/pgx/v5"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/backupfile"
)

// Restore loads the backup at backupPath (a .dump, or an encrypted
// .dump.age opened with un) into the empty database at address, then
// opens it as a store would, verifies the whole audit chain and its seals,
// and notes the restore in the audit log. The database must be new and
// empty, owned by the app's role (the README's SQL for the practice's IT):
// a practice's records are never merged into another's, and a damaged
// database is kept for whoever looks into what happened. The restore is
// one transaction: a backup that fails part way leaves the database empty.
func Restore(ctx context.Context, address, backupPath string, un backupfile.Unlock) error {
	if err := refusePassword(address); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", backupfile.TempPrefix+"restore-")
	if err != nil {
		return records.Internal("could not make a temporary folder", err)
	}
	defer os.RemoveAll(tmp)
	plain, done, err := backupfile.Opened(backupPath, tmp, func() ([]age.Identity, error) { return backupfile.IdentitiesFor(backupPath, un) })
	if err != nil {
		return err
	}
	defer done()
	problems, err := checkDump(ctx, plain)
	if err != nil {
		return backupfile.NamedAs(err, plain, backupPath)
	}
	if len(problems) > 0 {
		return records.Errorf(records.EInvalid, "%s was not restored: %s", backupPath, strings.ReplaceAll(strings.Join(problems, "; "), plain, backupPath))
	}
	if err := refuseNonEmpty(ctx, address); err != nil {
		return err
	}
	if _, err := runTool(ctx, "pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
		"--dbname="+address, plain); err != nil {
		if records.ErrorCode(err) == records.ENotFound {
			return err
		}
		return records.Errorf(records.EInvalid, "pg_restore could not restore %s into %s, which was left empty: %s",
			backupPath, redact(address), strings.ReplaceAll(strings.ReplaceAll(err.Error(), address, redact(address)), plain, backupPath))
	}
	s, err := Open(ctx, address, Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	problem, _, err := s.VerifyAudit(ctx, true)
	if err != nil {
		return err
	}
	if problem != nil {
		return records.Errorf(records.EInvalid, "%s was restored into %s, but its audit log does not verify: %s", backupPath, redact(address), problem.Reason)
	}
	return s.write(ctx, "the record of the restore", func(tx pgx.Tx) error {
		_, err := s.appendAudit(ctx, tx, records.Actor{Username: "chartroom restore"}, records.AuditRestore, "database", 0,
			"restored from "+backupPath)
		return err
	})
}

// refuseNonEmpty refuses a database that already holds tables.
func refuseNonEmpty(ctx context.Context, address string) error {
	cfg, err := pgx.ParseConfig(address)
	if err != nil {
		return records.Errorf(records.EInvalid, "%s is not a PostgreSQL address: %v", redact(address), err)
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return unreachable(cfg.Host, cfg.Database, err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var tables int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()`).Scan(&tables); err != nil {
		return records.Internal("cannot read the database "+redact(address), err)
	}
	if tables > 0 {
		return records.Errorf(records.EConflict, "the database %s is not empty (%d tables): restore into a new, empty database "+
			"(the practice's IT creates one as for a new practice), then point Chartroom at it", redact(address), tables)
	}
	return nil
}
