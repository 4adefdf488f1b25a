package postgres

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/chartroom/chartroom/records"
)

// changesChannel is the notification channel every audit event of a
// change is announced on (notifyChange), with "action entity" as the
// payload: the server delivers it when the writing transaction commits,
// and never for one rolled back.
const changesChannel = "chartroom_changes"

// How the listening connection watches the server: it pings after
// listenIdle without a notification, so a pulled cable is noticed even
// when nothing is written, and tries again every reconnectEvery while the
// server is away.
const (
	listenIdle     = 10 * time.Second
	pingTimeout    = 5 * time.Second
	reconnectEvery = 2 * time.Second
)

// listener is the store's one listening connection: it hears the changes
// every workstation commits and hands them to the hub, reconnecting on
// its own after a drop. It starts with the first Changes call, so the
// command line, which does not ask, never opens it.
type listener struct {
	cfg *pgx.ConnConfig
	log *slog.Logger
	hub records.ChangeHub

	start  sync.Once
	stop   context.CancelFunc
	done   chan struct{}
	mu     sync.Mutex
	waking context.CancelFunc // ends the current wait, so the connection is pinged now
}

func newListener(cfg *pgx.ConnConfig, log *slog.Logger) *listener {
	return &listener{cfg: cfg, log: log}
}

// Changes is records.ChangeFeed's: the practice's changes, whichever
// workstation committed them, from when Changes returns.
func (s *Store) Changes(ctx context.Context) <-chan records.Change {
	l := s.listener
	l.start.Do(func() {
		run, stop := context.WithCancel(context.Background())
		l.stop, l.done = stop, make(chan struct{})
		listening := make(chan struct{})
		go l.run(run, listening)
		// From here every commit is heard (or the server is out of
		// reach, and the subscribers are told so).
		<-listening
	})
	return l.hub.Subscribe(ctx)
}

var _ records.ChangeFeed = (*Store)(nil)

// close ends the listening connection, if any, and every subscription.
func (l *listener) close() {
	l.start.Do(func() {}) // none starts after this
	if l.stop != nil {
		l.stop()
		<-l.done
	}
	l.hub.Close()
}

// suspect asks the listener to ping the server now: an operation found
// the connection broken, and the status bar should say so at once.
func (l *listener) suspect() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.waking != nil {
		l.waking()
	}
}

// run connects, listens and hears until ctx ends; while the server cannot
// be reached it says so to the subscribers and tries again.
func (l *listener) run(ctx context.Context, listening chan<- struct{}) {
	defer close(l.done)
	var once sync.Once
	tried := func() { once.Do(func() { close(listening) }) }
	defer tried()
	missed := false // a connection was lost: what changed meanwhile went unheard
	for ctx.Err() == nil {
		conn, err := l.connect(ctx)
		tried()
		if err == nil {
			if missed {
				l.log.Info("practice server reachable again")
				l.hub.Publish(records.Change{What: records.ChangedEverything})
			}
			err = l.hear(ctx, conn)
			closeCtx, cancel := context.WithTimeout(context.Background(), pingTimeout)
			conn.Close(closeCtx)
			cancel()
		}
		if ctx.Err() != nil {
			return
		}
		if !missed {
			l.log.Warn("practice server unreachable; listening again when it is back", "err", err)
		}
		missed = true
		l.hub.Publish(records.Change{Unreachable: unreachable(l.cfg.Host, l.cfg.Database, err)})
		select {
		case <-ctx.Done():
		case <-time.After(reconnectEvery):
		}
	}
}

// connect opens the listening connection.
func (l *listener) connect(ctx context.Context) (*pgx.Conn, error) {
	cctx, cancel := context.WithTimeout(ctx, pingTimeout+l.cfg.ConnectTimeout)
	defer cancel()
	conn, err := pgx.ConnectConfig(cctx, l.cfg)
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(cctx, "LISTEN "+changesChannel); err != nil {
		conn.Close(context.Background())
		return nil, err
	}
	return conn, nil
}

// hear hands each notification to the hub until the connection fails
// (its error) or ctx ends; a quiet connection is pinged every listenIdle.
func (l *listener) hear(ctx context.Context, conn *pgx.Conn) error {
	for {
		wait, wake := context.WithTimeout(ctx, listenIdle)
		l.mu.Lock()
		l.waking = wake
		l.mu.Unlock()
		n, err := conn.WaitForNotification(wait)
		wake()
		l.mu.Lock()
		l.waking = nil
		l.mu.Unlock()
		switch {
		case err == nil:
			action, entity, _ := strings.Cut(n.Payload, " ")
			l.hub.Publish(records.Change{What: records.ChangedByAudit(action, entity)})
			continue
		case ctx.Err() != nil:
			return ctx.Err()
		case !pgconn.Timeout(err) && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded):
			return err
		}
		ping, cancel := context.WithTimeout(ctx, pingTimeout)
		err = conn.Ping(ping)
		cancel()
		if err != nil {
			return err
		}
	}
}

// notifyChange tells every workstation's listener, when tx commits, that
// an event of action and entity was appended. A look (records.ChangedByAudit
// says it changes nothing) is not told; the server sends one notification
// per distinct payload per transaction, however many events share it.
func notifyChange(ctx context.Context, tx pgx.Tx, action, entity string) error {
	if records.ChangedByAudit(action, entity) == 0 {
		return nil
	}
	_, err := tx.Exec(ctx, "SELECT pg_notify($1, $2)", changesChannel, action+" "+entity)
	return err
}
