package postgres

import (
	"context"
	"strings"
	"testing"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/postgres/pgtest"
	"github.com/chartroom/chartroom/records/storetest"
)

// newFixture is the contract suite's practice on a fresh database, with
// the store itself for this store's own tests.
func newFixture(t *testing.T) (*storetest.Fixture, *Store) {
	t.Helper()
	clock := storetest.NewClock()
	s, err := Open(context.Background(), pgtest.Database(t), Options{Now: clock.Now, PasswordParams: cheapParams})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return storetest.NewFixture(t, partialStore{Store: s}, clock), s
}

// A merge whose moved folder was renumbered behind the store's back cannot
// be undone exactly: refused.
func TestUndoMergeRefusedWhenAFolderChanged(t *testing.T) {
	f, s := newFixture(t)
	storetest.UndoRefusedWhenAFolderChanged(t, f, func(id records.ID, number int) {
		if _, err := s.pool.Exec(context.Background(), "UPDATE volumes SET number = $1 WHERE id = $2", number, int64(id)); err != nil {
			t.Fatal(err)
		}
	})
}

// Even SQL from another program cannot bring a destroyed folder back or
// remove the record of its destruction.
func TestDestructionKeptAgainstSQL(t *testing.T) {
	f, s := newFixture(t)
	v, b := f.DestroyedFolder()
	for _, c := range []struct {
		sql  string
		args []any
		want string
	}{
		{"UPDATE volumes SET state = 'in-file' WHERE id = $1", []any{int64(v.ID)}, "a destroyed folder cannot move"},
		{"UPDATE destruction_batches SET witness = 'Nobody' WHERE id = $1", []any{int64(b.ID)}, "cannot be changed"},
		{"DELETE FROM destruction_items", nil, "cannot be undone"},
		{"DELETE FROM destruction_batches", nil, "cannot be undone"},
		{"TRUNCATE destruction_batches CASCADE", nil, "cannot be undone"},
	} {
		if _, err := s.pool.Exec(context.Background(), c.sql, c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.sql, err, c.want)
		}
	}
	if got, err := s.Volume(f.Supervisor, v.ID); err != nil || got.State != records.StateDestroyed {
		t.Errorf("after the attempts: %+v %v", got, err)
	}
}
