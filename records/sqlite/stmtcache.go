package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"strings"
)

// The store's connections remember their prepared statements.
//
// database/sql hands a query on a transaction straight to the driver, and
// modernc's driver compiles it every time: at a million patients the
// search box's SQL took longer to parse and plan than to run (pprof). The wrapper below keeps each
// connection's compiled statements by their SQL text and reuses them,
// which the SQL the store builds (a fixed text per shape, arguments bound)
// makes safe. database/sql never uses one connection from two goroutines
// at once, so the cache needs no lock.

// cachedDriverName is the driver the store opens its connections with.
const cachedDriverName = "chartroom-sqlite"

// maxCachedStmts bounds a connection's cache: SQL built with a varying
// number of placeholders must not grow it without end.
const maxCachedStmts = 256

func init() {
	db, err := sql.Open("sqlite", "")
	if err != nil {
		panic(err)
	}
	sql.Register(cachedDriverName, cachingDriver{inner: db.Driver()})
	db.Close()
}

type cachingDriver struct{ inner driver.Driver }

func (d cachingDriver) Open(name string) (driver.Conn, error) {
	c, err := d.inner.Open(name)
	if err != nil {
		return nil, err
	}
	return &cachingConn{Conn: c, stmts: map[string]*cachedStmt{}}, nil
}

// The connection interfaces modernc's conn implements, which the wrapper
// passes through.
type innerConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.SessionResetter
	driver.Validator
	driver.Pinger
}

type cachingConn struct {
	driver.Conn
	stmts map[string]*cachedStmt
}

type cachedStmt struct {
	st   driver.Stmt
	busy bool // a result set of it is still open
}

var (
	_ driver.ExecerContext  = (*cachingConn)(nil)
	_ driver.QueryerContext = (*cachingConn)(nil)
)

func (c *cachingConn) inner() innerConn { return c.Conn.(innerConn) }

func (c *cachingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.inner().BeginTx(ctx, opts)
}

func (c *cachingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.inner().PrepareContext(ctx, query)
}

func (c *cachingConn) ResetSession(ctx context.Context) error { return c.inner().ResetSession(ctx) }
func (c *cachingConn) IsValid() bool                          { return c.inner().IsValid() }
func (c *cachingConn) Ping(ctx context.Context) error         { return c.inner().Ping(ctx) }

// Close finalizes the cached statements before the connection.
func (c *cachingConn) Close() error {
	for q, s := range c.stmts {
		s.st.Close()
		delete(c.stmts, q)
	}
	return c.Conn.Close()
}

// stmt returns the cached statement for query, preparing it the first
// time; nil when it is busy, the cache is full or query holds several
// statements (the caller then runs it uncached).
func (c *cachingConn) stmt(ctx context.Context, query string) *cachedStmt {
	if s, ok := c.stmts[query]; ok {
		if s.busy {
			return nil
		}
		return s
	}
	if len(c.stmts) >= maxCachedStmts || strings.Contains(strings.TrimRight(query, "; \t\n"), ";") {
		return nil
	}
	st, err := c.inner().PrepareContext(ctx, query)
	if err != nil {
		return nil // the uncached path reports the error
	}
	s := &cachedStmt{st: st}
	c.stmts[query] = s
	return s
}

func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	s := c.stmt(ctx, query)
	if s == nil {
		return c.inner().ExecContext(ctx, query, args)
	}
	return s.st.(driver.StmtExecContext).ExecContext(ctx, args)
}

func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	s := c.stmt(ctx, query)
	if s == nil {
		return c.inner().QueryContext(ctx, query, args)
	}
	rows, err := s.st.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	s.busy = true
	return &cachedRows{innerRows: rows.(innerRows), s: s}, nil
}

// innerRows are the result-set interfaces modernc's rows implement.
type innerRows interface {
	driver.Rows
	driver.RowsColumnTypeDatabaseTypeName
	driver.RowsColumnTypeLength
	driver.RowsColumnTypeNullable
	driver.RowsColumnTypePrecisionScale
	driver.RowsColumnTypeScanType
}

// cachedRows frees its statement for the next query when closed.
type cachedRows struct {
	innerRows
	s *cachedStmt
}

func (r *cachedRows) Close() error {
	err := r.innerRows.Close()
	r.s.busy = false
	return err
}
