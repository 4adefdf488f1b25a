package sqlite

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"
)

// walFrames is how many frames the write-ahead log file has room for: it
// grows while nothing checkpoints, and a commit after a complete checkpoint
// writes from its start again instead of growing it.
func walFrames(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size() / (4096 + 24) // page and frame header
}

// TestCommitsDoNotCheckpointTheCheckpointerDoes: a commit does not fold the
// log into the file at SQLite's usual 1,000 pages (that is what made a scan
// wait milliseconds); the checkpointer does, once the writer is quiet.
func TestCommitsDoNotCheckpointTheCheckpointerDoes(t *testing.T) {
	f := newFixture(t)
	var auto int
	if err := f.s.w.QueryRow("PRAGMA wal_autocheckpoint").Scan(&auto); err != nil || auto != writerCheckpointPages {
		t.Fatalf("writer wal_autocheckpoint = %d %v, want %d", auto, err, writerCheckpointPages)
	}
	// Stop the checkpointer so the log can only grow, then write well past
	// SQLite's usual threshold of 1,000 pages.
	if err := f.s.ckpt.stop(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 400; i++ {
		f.Patient(fmt.Sprint(200000+i), "Quux", fmt.Sprintf("Number%d", i))
	}
	if frames := walFrames(t, f.path); frames < 1200 {
		t.Fatalf("the log holds %d frames after 400 new charts; a commit must have checkpointed", frames)
	}

	c, err := startCheckpointer(f.path, f.s.log)
	if err != nil {
		t.Fatal(err)
	}
	f.s.ckpt = c
	f.Patient("300000", "Quux", "Last") // the commit the quiet time counts from
	deadline := time.Now().Add(10 * time.Second)
	for c.left.Load() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the checkpointer left %d frames (-1: it never ran) 10 s after the last commit", c.left.Load())
		}
		time.Sleep(20 * time.Millisecond)
	}
	// The log is folded in: the next commit starts it over from the top,
	// so it stops growing.
	before := walFrames(t, f.path)
	f.Patient("300001", "Quux", "After")
	if after := walFrames(t, f.path); after > before {
		t.Errorf("the log grew from %d to %d frames after a complete checkpoint", before, after)
	}
	if left, err := c.checkpoint(context.Background()); err != nil || left != 0 {
		t.Errorf("checkpoint: %d frames left, %v", left, err)
	}
}
