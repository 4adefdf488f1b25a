package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chartroom/chartroom/records"
)

// Checkpoints run when the desk is quiet, not inside a clerk's commit.
//
// SQLite's automatic checkpoint runs in the commit that takes the
// write-ahead log past 1,000 pages (about every hundred check-outs): that
// commit copies the pages into the database file and waits for the file's
// fsync, several milliseconds, and the clerk whose scan it was waits with
// it. It was most of the check-out's and the search's p99.
//
// So the writer's threshold is raised to writerCheckpointPages, a safety
// net that only sustained back-to-back writing reaches, and the
// checkpointer, on a connection of its own, folds the log in once no
// commit has come for checkpointIdle: at a scan desk, between two scans.
// Its checkpoints are PASSIVE, so they never wait for or block a reader or
// the writer. Checkpointing every second whatever the writer was doing was
// measured worse (`make bench-go`, check-out p50): its fsyncs of the
// database file overlapped the commits' fsyncs of the log.
// When the store closes, SQLite checkpoints the rest.
const (
	writerCheckpointPages = 10_000 // pages of log
	checkpointIdle        = 200 * time.Millisecond
)

type checkpointer struct {
	db   *sql.DB
	log  *slog.Logger
	done chan struct{}
	wg   sync.WaitGroup
	once sync.Once // closing a store twice stops it once

	// lastCommit is when the writer last committed (Unix nanoseconds), or
	// 0 when nothing was committed since the last checkpoint. The writer
	// only stores it: waking the checkpointer's goroutine at every commit
	// cost the scan desk 20 us a commit (pprof).
	lastCommit atomic.Int64

	// left is the log frames the last checkpoint could not fold in (a
	// reader was still using them), or -1 before the first.
	left atomic.Int64
}

func startCheckpointer(path string, log *slog.Logger) (*checkpointer, error) {
	db, err := sql.Open(cachedDriverName, dsn(path, "_pragma=busy_timeout("+fmt.Sprint(busyTimeoutMS)+")", "_pragma=cache_size(-2048)"))
	if err != nil {
		return nil, records.Internal("could not open the database "+path, err)
	}
	db.SetMaxOpenConns(1)
	c := &checkpointer{db: db, log: log, done: make(chan struct{})}
	c.left.Store(-1)
	c.wg.Add(1)
	go c.run()
	return c, nil
}

// run looks every half quiet time whether the writer has been quiet for
// checkpointIdle since its last commit, and then checkpoints.
func (c *checkpointer) run() {
	defer c.wg.Done()
	tick := time.NewTicker(checkpointIdle / 2)
	defer tick.Stop()
	for {
		select {
		case <-c.done:
			return
		case now := <-tick.C:
			last := c.lastCommit.Load()
			if last == 0 || now.Sub(time.Unix(0, last)) < checkpointIdle || !c.lastCommit.CompareAndSwap(last, 0) {
				continue // nothing new, not quiet yet, or a commit just came
			}
			left, err := c.checkpoint(context.Background())
			if err != nil {
				// Nothing is lost: the log keeps every commit, and the
				// next quiet moment, or closing the store, folds it in.
				c.log.Warn("checkpoint failed", "err", err)
				c.lastCommit.CompareAndSwap(0, last)
				continue
			}
			c.left.Store(int64(left))
		}
	}
}

// committed tells the checkpointer the writer committed.
func (c *checkpointer) committed() {
	if c != nil {
		c.lastCommit.Store(time.Now().UnixNano())
	}
}

// checkpoint runs one passive checkpoint and says how many of the log's
// frames it could not fold in yet.
func (c *checkpointer) checkpoint(ctx context.Context) (left int, err error) {
	var busy, logged, done int
	if err := c.db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &logged, &done); err != nil {
		return 0, err
	}
	return logged - done, nil
}

func (c *checkpointer) stop() error {
	c.once.Do(func() { close(c.done) })
	c.wg.Wait()
	return c.db.Close()
}
