package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// syncBuffer is a log the store's goroutines may write at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// A look cancelled inside its transaction (the search box cancels the
// search of the keystroke before) must leave the writer connection at
// synchronous=FULL without dropping it: a dropped writer takes its page
// cache and prepared statements with it, and the next search pays for them.
func TestCancelledLookKeepsTheWriter(t *testing.T) {
	var logs syncBuffer
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "chartroom.db"),
		Options{PasswordParams: cheapParams, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := range 50 {
		ctx, cancel := context.WithCancel(context.Background())
		cancelledAt := i % 2 // before the look's last statement, or after it
		err := s.look(ctx, "a cancelled look", func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, "CREATE TEMP TABLE IF NOT EXISTS looked (n)"); err != nil {
				return err
			}
			if cancelledAt == 0 {
				cancel()
			}
			_, err := tx.ExecContext(ctx, "INSERT INTO looked VALUES (?)", i)
			// Cancelled between its last statement and its commit, a
			// look bound to ctx had its commit refused and was rolled back
			// by database/sql on a goroutine of its own.
			cancel()
			return err
		})
		if cancelledAt == 0 && err == nil {
			t.Fatalf("look %d: a look cancelled before its statement succeeded", i)
		}
	}
	if strings.Contains(logs.String(), "writer connection dropped") {
		t.Errorf("a cancelled look dropped the writer connection:\n%s", logs.String())
	}
	var level int
	if err := s.w.QueryRowContext(context.Background(), "PRAGMA synchronous").Scan(&level); err != nil || level != 2 {
		t.Errorf("the writer's synchronous = %d (%v), want 2 (FULL)", level, err)
	}
}
