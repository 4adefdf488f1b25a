package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/chartroom/chartroom/records"
)

// watchEvery is how often the watcher asks whether the file changed: a
// write by another process on the same file is heard within it.
const watchEvery = time.Second

// watcher hears the practice's changes, this process's and other
// processes' on the same file: on a connection of its own it polls PRAGMA
// data_version (which moves when another connection commits) and reads the
// audit events appended since it last looked, which say what changed
// (records.ChangedByAudit). A write of this store wakes it at once. It
// starts with the first Changes call, so the command line never opens it.
type watcher struct {
	path string
	log  *slog.Logger
	hub  records.ChangeHub

	start sync.Once
	stop  context.CancelFunc
	done  chan struct{}
	wake  chan struct{} // a write of this store committed
}

func newWatcher(path string, log *slog.Logger) *watcher {
	return &watcher{path: path, log: log, wake: make(chan struct{}, 1)}
}

// Changes is records.ChangeFeed's: every committed change to the file's
// records, whichever process made it, from when Changes returns.
func (s *Store) Changes(ctx context.Context) <-chan records.Change {
	w := s.watch
	w.start.Do(func() {
		conn, version, lastID, err := w.open(ctx)
		if err != nil {
			// The file is open for the store itself: this is rare. The
			// faces keep working, only without hearing changes.
			w.log.Warn("cannot watch the database for changes", "err", err)
			return
		}
		run, stop := context.WithCancel(context.Background())
		w.stop, w.done = stop, make(chan struct{})
		go w.run(run, conn, version, lastID)
	})
	return w.hub.Subscribe(ctx)
}

var _ records.ChangeFeed = (*Store)(nil)

// committed wakes the watcher after a write of this store.
func (w *watcher) committed() {
	if w == nil {
		return
	}
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// close stops the watcher, if it runs, and ends every subscription.
func (w *watcher) close() {
	if w == nil {
		return
	}
	w.start.Do(func() {}) // none starts after this
	if w.stop != nil {
		w.stop()
		<-w.done
	}
	w.hub.Close()
}

// open makes the watcher's read-only connection and reads where the file
// stands now: its data_version and its last audit event.
func (w *watcher) open(ctx context.Context) (*sql.DB, int64, records.ID, error) {
	db, err := sql.Open(cachedDriverName, dsn(w.path, "_pragma=busy_timeout("+fmt.Sprint(busyTimeoutMS)+")", "_pragma=query_only(1)", "_pragma=cache_size(-64)"))
	if err != nil {
		return nil, 0, 0, err
	}
	// data_version is per connection: the pool keeps its one.
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxIdleTime(0)
	db.SetConnMaxLifetime(0)
	version, err := dataVersion(ctx, db)
	if err != nil {
		db.Close()
		return nil, 0, 0, err
	}
	var lastID records.ID
	if err := db.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM audit").Scan(&lastID); err != nil {
		db.Close()
		return nil, 0, 0, err
	}
	return db, version, lastID, nil
}

func dataVersion(ctx context.Context, db *sql.DB) (int64, error) {
	var v int64
	err := db.QueryRowContext(ctx, "PRAGMA data_version").Scan(&v)
	return v, err
}

// run polls until ctx ends.
func (w *watcher) run(ctx context.Context, db *sql.DB, version int64, lastID records.ID) {
	defer close(w.done)
	defer db.Close()
	tick := time.NewTicker(watchEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-w.wake:
		}
		v, err := dataVersion(ctx, db)
		if err != nil || v == version {
			if err != nil && ctx.Err() == nil {
				w.log.Warn("watching the database for changes", "err", err)
			}
			continue
		}
		what, last, err := changedSince(ctx, db, lastID)
		if err != nil {
			if ctx.Err() == nil {
				w.log.Warn("reading what changed in the database", "err", err)
			}
			continue
		}
		version, lastID = v, last
		w.hub.Publish(records.Change{What: what})
	}
}

// changedSince is what the audit events after lastID say changed, and the
// last event's id. A log that ends before lastID is another file (a
// restore put it in place): everything changed.
func changedSince(ctx context.Context, db *sql.DB, lastID records.ID) (records.Changed, records.ID, error) {
	tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return 0, lastID, err
	}
	defer tx.Rollback()
	var last records.ID
	if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM audit").Scan(&last); err != nil {
		return 0, lastID, err
	}
	if last < lastID {
		return records.ChangedEverything, last, nil
	}
	rows, err := tx.QueryContext(ctx, "SELECT DISTINCT action, entity FROM audit WHERE id > ? AND id <= ?", int64(lastID), int64(last))
	if err != nil {
		return 0, lastID, err
	}
	defer rows.Close()
	var what records.Changed
	for rows.Next() {
		var action, entity string
		if err := rows.Scan(&action, &entity); err != nil {
			return 0, lastID, err
		}
		what |= records.ChangedByAudit(action, entity)
	}
	if err := rows.Err(); err != nil {
		return 0, lastID, err
	}
	return what, last, nil
}
