package backupfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var dump = Format{Suffix: ".dump"}

func TestFormatTime(t *testing.T) {
	at := time.Date(2025, time.March, 10, 9, 30, 5, 0, time.Local)
	tests := []struct {
		name string
		ok   bool
	}{
		{"chartroom-20250310-093005.dump", true},
		{"chartroom-20250310-093005.dump.age", true},
		{"chartroom-20250310-093005-2.dump", true},
		{"chartroom-20250310-093005.db", false}, // another store's
		{"chartroom-20250310-093005.dump.partial", false},
		{"chartroom-backup-key-0a1b2c3d.age", false},
		{"chartroom-2025031-093005.dump", false},
		{"notes-20250310-093005.dump", false},
		{"chartroom-.dump", false},
	}
	for _, tc := range tests {
		got, ok := dump.Time(tc.name, time.Local)
		if ok != tc.ok || (ok && !got.Equal(at)) {
			t.Errorf("Time(%q) = %v, %v; want %v", tc.name, got, ok, tc.ok)
		}
	}
	if n := dump.Name(at); n != "chartroom-20250310-093005.dump" {
		t.Errorf("Name = %s", n)
	}
}

// Any name reads as a backup's time or not at all, and a name Time takes
// is one Name could have written (perhaps with -N and .age).
func FuzzFormatTime(f *testing.F) {
	for _, s := range []string{"chartroom-20250310-093005.dump", "chartroom-20250310-093005-2.dump.age", "chartroom-x.dump", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		at, ok := dump.Time(name, time.UTC)
		if !ok {
			return
		}
		if !strings.HasPrefix(name, strings.TrimSuffix(dump.Name(at), dump.Suffix)) {
			t.Fatalf("%q read as %v, which Name writes %q", name, at, dump.Name(at))
		}
	})
}

// Reserve gives each backup of one second a name of its own (an encrypted
// one differs by its suffix already), and the partial file it makes is
// private; Newest skips names stamped in the future.
func TestReserveAndNewest(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2025, time.March, 10, 9, 30, 5, 0, time.Local)
	var finals []string
	for i := 0; i < 3; i++ {
		final, partial, err := dump.Reserve(dir, now, i == 2)
		if err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(partial)
		if err != nil || fi.Mode().Perm() != 0o600 || partial != final+PartialSuffix {
			t.Fatalf("partial %s: %v %v", partial, fi, err)
		}
		if err := os.Rename(partial, final); err != nil {
			t.Fatal(err)
		}
		finals = append(finals, filepath.Base(final))
	}
	want := "chartroom-20250310-093005.dump chartroom-20250310-093005-2.dump chartroom-20250310-093005.dump.age"
	if strings.Join(finals, " ") != want {
		t.Fatalf("names %v, want %s", finals, want)
	}
	future := filepath.Join(dir, dump.Name(now.Add(48*time.Hour)))
	if err := os.WriteFile(future, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	newest, at, err := dump.Newest(dir, now)
	if err != nil || !at.Equal(now) || filepath.Dir(newest) != dir {
		t.Fatalf("Newest = %s %v %v", newest, at, err)
	}
	if newest, _, err := dump.Newest(filepath.Join(dir, "missing"), now); newest != "" || err != nil {
		t.Fatalf("Newest of a missing folder = %q %v", newest, err)
	}
}
