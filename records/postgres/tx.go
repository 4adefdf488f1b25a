package postgres

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/chartroom/chartroom/records"
)

// write runs fn as one transaction: everything it does is kept, or nothing
// is (errDryRun: nothing, and no error), with the movements and users it
// wrote sealed (seal.go). what names the operation in the message a
// failure gives. A connection that broke (the server restarted, a cable
// pulled) is dropped from the pool, so the next operation connects afresh.
func (s *Store) write(ctx context.Context, what string, fn func(tx pgx.Tx) error) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return s.failed(ctx, what, err, false)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	var keep commitThen
	if err := fn(tx); errors.Is(err, errDryRun) {
		return nil // rolled back by the deferred Rollback
	} else if errors.As(err, &keep) {
		// Kept below: the change is saved and the error still told.
	} else if err != nil {
		return s.failed(ctx, what, err, false)
	}
	if err := s.finishSeals(ctx, tx); err != nil {
		return s.failed(ctx, what, err, false)
	}
	if err := tx.Commit(ctx); err != nil {
		return s.failed(ctx, what, err, true)
	}
	if keep.err != nil {
		return keep.err
	}
	return nil
}

// commitThen asks write to commit the transaction and still return err: a
// refused sign-in is refused, but its failure count and audit event stay.
type commitThen struct{ err error }

func (c commitThen) Error() string { return c.err.Error() }
func (c commitThen) Unwrap() error { return c.err }

// read runs fn in one read-only transaction, so everything it reads is one
// moment's records even while other workstations write. what names what
// was being read, for the message a failure gives.
func (s *Store) read(ctx context.Context, what string, fn func(tx pgx.Tx) error) error {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead})
	if err != nil {
		return s.readFailed(ctx, what, err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if err := fn(tx); err != nil {
		return s.readFailed(ctx, what, err)
	}
	return nil
}

// readFailed turns a read's failure into what the clerk is told; a lost
// connection's cause goes to the log, as in failed.
func (s *Store) readFailed(ctx context.Context, what string, err error) error {
	var re *records.Error
	switch {
	case errors.As(err, &re):
		return err
	case ctx.Err() != nil:
		return records.Errorf(records.EConflict, "reading %s stopped before it finished", what)
	case connectionLost(err):
		s.log.Warn("practice server unreachable", "reading", what, "err", err)
		s.listener.suspect()
		return records.Internal("cannot reach the practice server to read "+what+"; Chartroom connects again by itself: try again when the server is back", nil)
	}
	return records.Internal("cannot read "+what, err)
}

// failed turns an operation's failure into what the clerk is told. Only
// a connection lost during the commit leaves the outcome unknown. A lost
// connection's cause (a dial error naming the role and port) goes to the
// log, not into the clerk's message.
func (s *Store) failed(ctx context.Context, what string, err error, committing bool) error {
	var re *records.Error
	switch {
	case errors.As(err, &re):
		return err
	case ctx.Err() != nil:
		return records.Errorf(records.EConflict, "%s stopped before it finished; nothing was saved", what)
	case connectionLost(err) && committing:
		s.log.Warn("connection lost during commit", "operation", what, "err", err)
		s.listener.suspect()
		return records.Internal("the connection to the practice server broke while "+what+" was being saved: look whether it was before doing it again", nil)
	case connectionLost(err):
		s.log.Warn("practice server unreachable", "operation", what, "err", err)
		s.listener.suspect()
		return records.Internal("cannot reach the practice server, so "+what+" was not saved; Chartroom connects again by itself: try again when the server is back", nil)
	}
	return records.Internal(what+" failed; nothing was saved", err)
}

// connectionLost reports whether err means the server went away rather than
// refused the statement: a failed connect, a closed or reset socket, or
// the server ending the session (SQLSTATE class 08, or 57P01-57P03 when it
// shuts down).
func connectionLost(err error) bool {
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	var pgErr *pgconn.PgError
	switch {
	case errors.As(err, &pgErr):
		return strings.HasPrefix(pgErr.Code, "08") || pgErr.Code == "57P01" || pgErr.Code == "57P02" || pgErr.Code == "57P03"
	case errors.As(err, &connectErr), errors.As(err, &netErr):
		return true
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed):
		return true
	}
	return false
}
