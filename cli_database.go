package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/demo"
	"github.com/chartroom/chartroom/records/sqlite"
)

// This file holds what the command line and the desktop app both do to the
// database file as a whole: open it, fill a new one with the demo, restore a
// backup over it.

// openDB opens (creating when missing) the database at path.
func openDB(ctx context.Context, path string, log *slog.Logger, now func() time.Time, bulk bool) (*sqlite.Store, error) {
	log.Debug("opening database", "path", path, "bulk", bulk)
	return sqlite.Open(ctx, path, sqlite.Options{Now: now, Logger: log, PasswordParams: passwordParams, Bulk: bulk})
}

// makeDemo fills the database at path, which must hold no practice yet, with
// the fictitious demo practice. The store is opened for bulk writing with a
// clock the generator moves (the demo writes months of back-dated history),
// and closed again: bulk mode is not for a clerk's work.
func makeDemo(ctx context.Context, path string, log *slog.Logger, opts demo.Options) (demo.Result, error) {
	clock := &movableClock{t: opts.Today}
	st, err := openDB(ctx, path, log, clock.Now, true)
	if err != nil {
		return demo.Result{}, err
	}
	if opts.Bulk || opts.Patients >= demo.BulkThreshold {
		return fillDemoBulk(ctx, st, path, log, clock, opts)
	}
	res, err := fillDemo(ctx, st, path, clock, opts)
	if cerr := st.Close(); err == nil && cerr != nil {
		err = records.Internal("could not close the demo database", cerr)
	}
	return res, err
}

// fillDemoBulk makes the demo in bulk: the practice's setup through the
// store st, then, with st closed, every row through sqlite.BulkLoad.
func fillDemoBulk(ctx context.Context, st *sqlite.Store, path string, log *slog.Logger, clock *movableClock, opts demo.Options) (demo.Result, error) {
	open := true
	defer func() {
		if open {
			st.Close()
		}
	}()
	if ok, err := st.Initialized(ctx); err != nil {
		return demo.Result{}, err
	} else if ok {
		return demo.Result{}, records.Errorf(records.EConflict,
			"the database %s already has a practice; the demo fills only a new, empty database (name another file with --db)", path)
	}
	return demo.GenerateBulk(ctx, st, clock.Set, func(fill records.BulkFill) error {
		open = false
		if err := st.Close(); err != nil {
			return records.Internal("could not close the demo database", err)
		}
		_, err := sqlite.BulkLoad(ctx, path, log, fill)
		return err
	}, opts)
}

func fillDemo(ctx context.Context, st *sqlite.Store, path string, clock *movableClock, opts demo.Options) (demo.Result, error) {
	if ok, err := st.Initialized(ctx); err != nil {
		return demo.Result{}, err
	} else if ok {
		return demo.Result{}, records.Errorf(records.EConflict,
			"the database %s already has a practice; the demo fills only a new, empty database (name another file with --db)", path)
	}
	return demo.Generate(ctx, st, clock.Set, opts)
}

// movableClock is a clock that the demo generator sets.
type movableClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *movableClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *movableClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}
