package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"math/rand/v2"
	"time"
)

// querier is what both a transaction and a connection pool can do.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// commitThen asks write to commit the transaction and still return err: a
// failed sign-in must count even though the call fails.
type commitThen struct{ err error }

func (c commitThen) Error() string { return c.err.Error() }

// write runs fn in one IMMEDIATE transaction on the writer connection: the
// write lock is taken at BEGIN, so the state fn reads cannot change under it
// and two processes never deadlock upgrading a read lock. Any error rolls
// everything back, except commitThen; errDryRun rolls back and succeeds.
func (s *Store) write(ctx context.Context, what string, fn func(tx *sql.Tx) error) error {
	return s.writeOn(ctx, s.w, what, true, fn)
}

// beginner is the writer pool, or its one connection held for a look.
type beginner interface {
	BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error)
}

// writeOn is write on the given handle to the writer connection; sealed
// is false only for a look, which writes no row a seal covers (seal.go).
func (s *Store) writeOn(ctx context.Context, w beginner, what string, sealed bool, fn func(tx *sql.Tx) error) error {
	tx, err := s.beginWrite(ctx, w)
	if err != nil {
		return mapErr(err, what)
	}
	if sealed {
		if err := s.beginSeals(ctx, tx); err != nil {
			tx.Rollback()
			return mapErr(err, what)
		}
		defer s.endSeals(tx)
	}
	err = fn(tx)
	if errors.Is(err, errDryRun) {
		return mapErr(tx.Rollback(), what)
	}
	var keep commitThen
	if err != nil && !errors.As(err, &keep) {
		tx.Rollback()
		return mapErr(err, what)
	}
	if serr := s.finishSeals(ctx, tx); serr != nil {
		tx.Rollback()
		return mapErr(serr, what)
	}
	if cerr := tx.Commit(); cerr != nil {
		return mapErr(cerr, what)
	}
	s.ckpt.committed()
	if sealed {
		s.watch.committed()
	}
	if err != nil {
		return keep.err
	}
	return nil
}

// look runs fn, a call that only reads and records that the user looked
// (audit events of searches and views, no other row), like write but
// committed with synchronous=NORMAL instead of FULL, and without the seal
// bookkeeping (three lookups of the tables' last ids): a look writes no
// movement or user for an event to seal, and one it did write by mistake
// would be reported by verify as not recorded.
//
// Why: a commit at FULL waits for the disk (an fdatasync), which alone is
// most of a search's budget, and the
// search box searches at every pause in typing. At NORMAL the event is in
// the write-ahead log before the answer is returned, so it survives the app
// being killed or crashing; it reaches the disk with the next change
// (committed at FULL, which syncs the whole log) or the next checkpoint. A
// power cut in between can lose the looks since then, never a change, and
// never leaves a gap: the log is replayed up to its last whole commit, so
// the chain stays whole. Every change (check-out, edit, import) stays FULL.
func (s *Store) look(ctx context.Context, what string, fn func(tx *sql.Tx) error) error {
	if s.syncMode != "FULL" {
		return s.write(ctx, what, fn) // a bulk store: nothing to relax
	}
	return s.writeWith(ctx, what, "synchronous = NORMAL", "synchronous = FULL", false, fn)
}

// writeWith is writeOn with the writer connection's pragma set for the
// call and reset after. The pragma cannot change inside a transaction, and
// the pool must not lend the connection to another call while it is set:
// it is held throughout.
//
// The transaction is begun without ctx's cancellation; fn's statements
// still see it (they run with ctx) and a cancelled one rolls the whole call
// back at once. A transaction bound to ctx and cancelled between fn and
// its commit (the search box cancels the search of the keystroke before)
// is rolled back by database/sql on a goroutine of its own, after the
// reset below has found it still open: the writer connection was dropped,
// and with it its page cache and prepared statements.
func (s *Store) writeWith(ctx context.Context, what, set, reset string, sealed bool, fn func(tx *sql.Tx) error) error {
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return mapErr(err, what)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "PRAGMA "+set); err != nil {
		return mapErr(err, what)
	}
	err = s.writeOn(context.WithoutCancel(ctx), conn, what, sealed, func(tx *sql.Tx) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		return fn(tx)
	})
	if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA "+reset); rerr != nil {
		// A writer left relaxed would weaken every later change: the pool
		// drops this connection and opens a new one with the DSN's pragmas.
		conn.Raw(func(any) error { return driver.ErrBadConn })
		s.log.Warn("writer connection dropped: could not reset "+reset, "err", rerr)
	}
	return err
}

// writeWait is how long beginWrite keeps asking for the write lock that
// another process holds. SQLite's busy handler (busy_timeout) polls with
// growing sleeps, and a process that writes back to back can win every
// poll; asking again with short random pauses gives the waiter its turn,
// so a clerk is not told "busy" while the other process is merely busy.
const writeWait = 30 * time.Second

// beginWrite begins an IMMEDIATE transaction on the writer connection,
// waiting up to writeWait for another process's write lock.
func (s *Store) beginWrite(ctx context.Context, w beginner) (*sql.Tx, error) {
	deadline := time.Now().Add(writeWait)
	for {
		tx, err := w.BeginTx(ctx, nil)
		if code, ok := sqliteCode(err); !ok || code&0xff != sqliteBusy || time.Now().After(deadline) {
			return tx, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(time.Duration(1+rand.IntN(5)) * time.Millisecond):
		}
	}
}

// read runs fn in one read-only transaction on a reader connection, so a
// listing sees one consistent moment of the database.
func (s *Store) read(ctx context.Context, what string, fn func(tx *sql.Tx) error) error {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return mapErr(err, what)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return mapErr(err, what)
	}
	return nil
}
