// Package postgres is the PostgreSQL store, for a practice whose
// workstations share one server: every records service over pgx, with its
// own embedded numbered migrations, one transaction per operation and an
// injectable clock, as records/sqlite has, and kept to the same behaviour
// by records/storetest (postgres_contract_test.go runs the whole suite).
// Rows two workstations could race for are locked in the transaction
// (SELECT ... FOR UPDATE), so one wins and the other is told who did;
// audit appends are serialised by a transaction advisory lock, so the chain
// stays one chain.
//
// The files, one noun (or one mechanism) each:
//
//	store.go       Open, Options, the address and password rules
//	tx.go          write: one transaction, a broken connection dropped
//	migrate.go     the embedded numbered migrations (migrations/)
//	schema.go      refusing a database that holds another application's tables
//	values.go      Go values to and from columns   exacttimes.go  the times the chain covers, to the nanosecond
//	audit.go       the audit chain and its check   seal.go  movement and user seals
//	notify.go      pg_notify at commit and the listener the app hears changes by
//	setup.go       Initialize, SignIn              users.go  users
//	settings.go    settings, re-padding and refiling chart numbers
//	patients.go    patients and duplicates         search.go  Search, Where
//	volumes.go     folders                         movements.go  check-out, check-in, moves, history
//	borrowers.go   borrowers   locations.go  locations   recordtypes.go  record types
//	requests.go    requests    loose.go  loose filing    disclosures.go  disclosures, accounting requests
//	imports.go     patient and appointment imports (COPY in batches)
//	merge.go       merges and their undo           retention.go  presets, legal hold, review
//	destruction.go recorded destruction            shelfaudit.go  shelf audits
//	maintenance.go backups with pg_dump, their checks, the backup passphrase, the integrity check
//	restore.go     a backup loaded into an empty database with pg_restore
//	copy.go        the whole practice copied in or out (chartroom migrate)
package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/chartroom/chartroom/records"
)

// Options configure a store.
type Options struct {
	Now            func() time.Time        // the clock; nil means time.Now
	Logger         *slog.Logger            // nil discards
	PasswordParams *records.PasswordParams // nil = records.DefaultPasswordParams
	// Password, when set, is used instead of PGPASSWORD or the pgpass file:
	// the app's connect form tries a typed password before saving it.
	Password string
	// Existing refuses a database without Chartroom's schema instead of
	// creating it: only init sets a practice up on an empty database.
	Existing bool
}

// Store is an open PostgreSQL practice database.
type Store struct {
	pool   *pgxpool.Pool
	now    func() time.Time
	log    *slog.Logger
	params records.PasswordParams

	address string // as given to Open, for pg_dump (maintenance.go)

	dummyOnce sync.Once // dummy is made on the first sign-in of an unknown name
	dummy     string

	listener *listener // hears every workstation's changes (notify.go)
}

// Open connects to the database at address (postgres://user@host:port/db?
// sslmode=...) and brings its schema up to date. The password comes from
// PGPASSWORD or the pgpass file, never from the address: an address
// carrying one is refused, so it does not end up in a shell's history or a
// shortcut.
func Open(ctx context.Context, address string, opt Options) (*Store, error) {
	if err := refusePassword(address); err != nil {
		return nil, err
	}
	cfg, err := pgxpool.ParseConfig(address)
	if err != nil {
		return nil, records.Errorf(records.EInvalid, "%s is not a PostgreSQL address such as postgres://chartroom@db.example.org:5432/chartroom?sslmode=verify-full: %v", redact(address), err)
	}
	if opt.Password != "" {
		cfg.ConnConfig.Password = opt.Password
	}
	s := &Store{address: address, now: opt.Now, log: opt.Logger, params: records.DefaultPasswordParams}
	if opt.PasswordParams != nil {
		s.params = *opt.PasswordParams
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if s.pool, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
		return nil, unreachable(cfg.ConnConfig.Host, cfg.ConnConfig.Database, err)
	}
	if err := s.pool.Ping(ctx); err != nil {
		s.pool.Close()
		return nil, unreachable(cfg.ConnConfig.Host, cfg.ConnConfig.Database, err)
	}
	if err := s.checkSchema(ctx, cfg.ConnConfig.Host, cfg.ConnConfig.Database, opt.Existing); err != nil {
		s.pool.Close()
		return nil, err
	}
	if err := s.migrate(ctx); err != nil {
		s.pool.Close()
		return nil, err
	}
	s.listener = newListener(cfg.ConnConfig.Copy(), s.log)
	return s, nil
}

// Close ends the store's connections.
func (s *Store) Close() error {
	s.listener.close()
	s.pool.Close()
	return nil
}

// refusePassword refuses an address that names a password, in the user
// part or as a password= parameter.
func refusePassword(address string) error {
	u, err := url.Parse(address)
	if err != nil {
		return nil // ParseConfig names the problem
	}
	_, inUser := u.User.Password()
	if inUser || u.Query().Has("password") {
		return records.Errorf(records.EInvalid,
			"the database address %s carries a password; give it in PGPASSWORD or the pgpass file (%%APPDATA%%\\postgresql\\pgpass.conf on Windows, ~/.pgpass elsewhere) instead", redact(address))
	}
	return nil
}

// redact is address with any password replaced, fit for a message or a log.
func redact(address string) string {
	u, err := url.Parse(address)
	if err != nil {
		return "the database address"
	}
	if q := u.Query(); q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

// unreachable tells a clerk that the server could not be reached or let
// them in, with PostgreSQL's reason.
func unreachable(host, db string, err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch {
		case strings.HasPrefix(pgErr.Code, "28"): // invalid_authorization_specification, invalid_password
			return &records.Error{Code: records.EUnauthorized, Err: err, Message: fmt.Sprintf(
				"the practice server %s did not let the database user in: %s; check the database password (PGPASSWORD or the pgpass file) with the practice's IT", host, pgErr.Message)}
		case pgErr.Code == "3D000": // invalid_catalog_name
			return &records.Error{Code: records.ENotFound, Err: err, Message: fmt.Sprintf(
				"the practice server %s has no database %s; check its name with the practice's IT", host, db)}
		}
		return records.Internal(fmt.Sprintf("the practice server %s refused the database %s: %s", host, db, pgErr.Message), err)
	}
	return records.Internal(fmt.Sprintf("cannot reach the practice server %s (is it running, and is this PC on the practice network?)", strings.TrimSpace(host)), err)
}
