package sqlite

import (
	"testing"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/storetest"
)

// A merge whose moved folder was renumbered behind the store's back cannot
// be undone exactly: refused.
func TestUndoMergeRefusedWhenAFolderChanged(t *testing.T) {
	f := newFixture(t)
	storetest.UndoRefusedWhenAFolderChanged(t, f.Fixture, func(id records.ID, number int) {
		if _, err := f.s.w.Exec("UPDATE volumes SET number = ? WHERE id = ?", number, int64(id)); err != nil {
			t.Fatal(err)
		}
	})
}

// Even SQL from another program cannot bring a destroyed folder back or
// remove the record of its destruction.
func TestDestructionKeptAgainstSQL(t *testing.T) {
	f := newFixture(t)
	v, b := f.DestroyedFolder()
	for _, c := range []struct {
		sql  string
		args []any
	}{
		{"UPDATE volumes SET state = 'in-file' WHERE id = ?", []any{int64(v.ID)}},
		{"UPDATE destruction_batches SET witness = 'Nobody' WHERE id = ?", []any{int64(b.ID)}},
		{"DELETE FROM destruction_items", nil},
		{"DELETE FROM destruction_batches", nil},
	} {
		if _, err := f.s.w.Exec(c.sql, c.args...); err == nil {
			t.Errorf("the database let %q through", c.sql)
		}
	}
	if got, err := f.s.Volume(f.Supervisor, v.ID); err != nil || got.State != records.StateDestroyed {
		t.Errorf("after the attempts: %+v %v", got, err)
	}
}
