package bench

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/demo"
	"github.com/chartroom/chartroom/records/sqlite"
	"github.com/chartroom/chartroom/records/sqlite/sqlitebench"
)

// sampleSize is how many folders the bench reads once (in filing order) to
// draw chart numbers, barcodes and names from, and to print.
const sampleSize = 100_000

var errEnough = errors.New("enough folders")

// open opens (creating when missing) the practice at path as the app does.
func (b *bench) open(ctx context.Context, path string) (*sqlite.Store, error) {
	return sqlite.Open(ctx, path, sqlite.Options{Logger: b.env.Log})
}

// signedIn opens the practice for a clerk's work, signed in as user.
func (b *bench) signedIn(ctx context.Context, user, password string) (*sqlite.Store, context.Context, error) {
	st, err := b.open(ctx, b.db)
	if err != nil {
		return nil, ctx, err
	}
	a, err := st.SignIn(ctx, user, password)
	if err != nil {
		st.Close()
		return nil, ctx, err
	}
	return st, records.WithActor(ctx, a), nil
}

// loadSample reads the first sampleSize folders in filing order, once.
func (b *bench) loadSample(ctx context.Context) error {
	if len(b.sample) > 0 {
		return nil
	}
	st, ctx, err := b.signedIn(ctx, demo.ClerkUser, demo.ClerkPassword)
	if err != nil {
		return err
	}
	defer st.Close()
	err = st.ListVolumes(ctx, records.VolumeFilter{}, func(v records.Volume) error {
		if len(b.sample) == sampleSize {
			return errEnough
		}
		b.sample = append(b.sample, v)
		return nil
	})
	if err != nil && !errors.Is(err, errEnough) {
		return err
	}
	return nil
}

// verify times the full audit chain check: every event's hash and every
// sealed movement, as `chartroom verify` walks them.
func (b *bench) verify(ctx context.Context) error {
	st, err := b.open(ctx, b.db)
	if err != nil {
		return err
	}
	defer st.Close()
	// One run: the walk reads every event and movement, the same each time.
	reps := 1
	m := startCPU()
	var events int
	s, err := timeIt(reps, func(int) error {
		problem, n, err := st.VerifyAudit(ctx, true)
		if err == nil && problem != nil {
			err = fmt.Errorf("the audit chain does not verify: %s", problem.Reason)
		}
		events = n
		return err
	})
	if err != nil {
		return err
	}
	b.add(benchRow{figure: "audit chain check, full (`VerifyAudit(full)`: every event and sealed movement)", n: len(s),
		median: ms(s.median()), p99: ms(s.p99()), target: "< 60 s", met: verdict(s.p99() < 60_000),
		note: fmt.Sprintf("%d events%s; `chartroom verify` adds SQLite's integrity_check of the whole file", events, b.movementsNote())}, m)
	return nil
}

// movementsNote names the movements the walk covered, when the bench built
// the practice (a --reuse run did not count them).
func (b *bench) movementsNote() string {
	if b.movements == 0 {
		return ""
	}
	return fmt.Sprintf(", %d movements", b.movements)
}

// desk times what a clerk's scan desk does: search by chart number, by
// barcode, by the first letters of a surname, and a check-out; each beside
// its floor, the bare query (sqlitebench.Floors) of the same text, timed
// in turn with it so that both see the same machine.
func (b *bench) desk(ctx context.Context) error {
	st, ctx, err := b.signedIn(ctx, demo.ClerkUser, demo.ClerkPassword)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := b.loadSample(ctx); err != nil {
		return err
	}
	floors, err := sqlitebench.OpenFloors(ctx, b.db)
	if err != nil {
		return err
	}
	defer floors.Close()
	rng := rand.New(rand.NewPCG(7, 7))
	pick := func() records.Volume { return b.sample[rng.IntN(len(b.sample))] }
	searches := []struct {
		figure, floorName string
		query             func() (text, by string)
		floor             func(text string) error
	}{
		{"search: exact chart number", "bare SELECT of the patient by chart number",
			func() (string, string) { return pick().MRN, "mrn" },
			func(text string) error { return floors.Chart(ctx, text) }},
		{"search: exact barcode", "bare SELECT of the patient by folder barcode",
			func() (string, string) { return pick().Barcode, "barcode" },
			func(text string) error { return floors.Barcode(ctx, text) }},
		{"search as you type: surname prefix, first 50, accents folded", "bare SELECT of the first 50 by surname prefix",
			func() (string, string) { return surnamePrefix(pick().PatientName), "name" },
			func(text string) error { _, err := floors.SurnamePrefix(ctx, text); return err }},
	}
	for _, q := range searches {
		m := startCPU()
		var search, bare sample
		for i := 0; i < b.o.Reps; i++ {
			text, want := q.query()
			start := time.Now()
			hits, err := st.Search(ctx, text, 50)
			took := time.Since(start)
			if err == nil && (len(hits) == 0 || hits[0].MatchedBy != want) {
				err = fmt.Errorf("search %q found %d hits, not by %s", text, len(hits), want)
			}
			if err != nil {
				return err
			}
			start = time.Now()
			if err := q.floor(text); err != nil {
				return err
			}
			bare = append(bare, msSince(start))
			search = append(search, float64(took.Microseconds())/1000)
		}
		x := search.p99() / bare.p99()
		b.add(benchRow{figure: q.figure, n: len(search), median: ms(search.median()), p99: ms(search.p99()),
			floor: "p99 " + ms(bare.p99()), ratio: "p99 " + ratio(x), target: "p99 ≤ 3x floor", met: verdict(x <= 3),
			note: fmt.Sprintf("Search() as the app calls it: query + its audit event, committed (a look: synchronous=NORMAL). "+
				"The floor: the %s through the same driver, no audit event (median %s)", q.floorName, ms(bare.median()))}, m)
	}
	return b.checkOuts(ctx, st, rng)
}

func msSince(t time.Time) float64 { return float64(time.Since(t).Microseconds()) / 1000 }

// syncFloor is a file beside the database that a 4 KB page is written to
// and flushed with fdatasync, as a commit at synchronous=FULL ends: the
// floor under a check-out on this disk at this moment.
type syncFloor struct {
	f    *os.File
	page []byte
}

func newSyncFloor(dir string) (*syncFloor, error) {
	f, err := os.CreateTemp(dir, "fsync-floor-")
	if err != nil {
		return nil, err
	}
	return &syncFloor{f: f, page: make([]byte, 4096)}, nil
}

// write writes page i (of 64, in turn) and waits for it to be on disk.
func (s *syncFloor) write(i int) error {
	if _, err := s.f.WriteAt(s.page, int64(i%64)*4096); err != nil {
		return err
	}
	return datasync(s.f)
}

// writeFsync is write flushed with fsync, which also writes the file's
// changed modification time: what SQLite as modernc.org/sqlite builds it
// issues at a commit (it has no fdatasync; strace of the check-outs shows
// fsync calls only).
func (s *syncFloor) writeFsync(i int) error {
	if _, err := s.f.WriteAt(s.page, int64(i%64)*4096); err != nil {
		return err
	}
	return s.f.Sync()
}

func (s *syncFloor) close() {
	s.f.Close()
	os.Remove(s.f.Name())
}

// surnamePrefix is the first three letters of a "Last, First" name.
func surnamePrefix(name string) string {
	last, _, _ := strings.Cut(name, ",")
	n := 0
	for i := range last {
		if n == 3 {
			return last[:i]
		}
		n++
	}
	if utf8.RuneCountInString(last) == 0 {
		return "a"
	}
	return last
}

// checkOuts times check-outs of folders in file to a provider; each is put
// back by an untimed check-in.
func (b *bench) checkOuts(ctx context.Context, st *sqlite.Store, rng *rand.Rand) error {
	provider, err := st.FindBorrower(ctx, "B00101")
	if err != nil {
		return err
	}
	var inFile []records.Volume
	for _, v := range b.sample {
		if v.State == records.StateInFile {
			inFile = append(inFile, v)
		}
	}
	rng.Shuffle(len(inFile), func(i, j int) { inFile[i], inFile[j] = inFile[j], inFile[i] })
	n := min(b.o.Reps, len(inFile))
	floorFile, err := newSyncFloor(b.dir)
	if err != nil {
		return err
	}
	defer floorFile.close()
	m := startCPU()
	var s, floor, fsyncFloor sample
	for i := 0; i < n; i++ {
		start := time.Now()
		if _, err := st.CheckOut(ctx, records.CheckOutInput{Barcode: inFile[i].Barcode, BorrowerID: provider.ID}); err != nil {
			return err
		}
		s = append(s, msSince(start))
		if _, err := st.CheckIn(ctx, inFile[i].Barcode); err != nil {
			return err
		}
		start = time.Now()
		if err := floorFile.write(i); err != nil {
			return err
		}
		floor = append(floor, msSince(start))
		start = time.Now()
		if err := floorFile.writeFsync(i); err != nil {
			return err
		}
		fsyncFloor = append(fsyncFloor, msSince(start))
	}
	p50, p99 := s.median()/floor.median(), s.p99()/floor.p99()
	b.add(benchRow{figure: "scan-station check-out (folder + movement + audit event, synchronous=FULL)", n: len(s),
		median: ms(s.median()), p99: ms(s.p99()), floor: fmt.Sprintf("p50 %s, p99 %s", ms(floor.median()), ms(floor.p99())),
		ratio: fmt.Sprintf("p50 %s, p99 %s", ratio(p50), ratio(p99)), target: "p50 ≤ 3x, p99 ≤ 5x floor", met: verdict(p50 <= 3 && p99 <= 5),
		note: "CheckOut() committed; the check-in that puts it back is not timed. The floor: a bare 4 KB write + fdatasync of a file beside the database, one after each check-in. " +
			fmt.Sprintf("The same write + fsync, as SQLite in modernc.org/sqlite flushes its log (no fdatasync): p50 %s, p99 %s; the check-out is p50 %s, p99 %s that",
				ms(fsyncFloor.median()), ms(fsyncFloor.p99()), ratio(s.median()/fsyncFloor.median()), ratio(s.p99()/fsyncFloor.p99()))}, m)
	return nil
}

// startupCheck times the incremental audit check the app runs at start-up:
// the events written since the last check (the bench's own searches and
// moves, the first time), then nothing new.
func (b *bench) startupCheck(ctx context.Context) error {
	st, err := b.open(ctx, b.db)
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Now()
	_, first, err := st.VerifyAudit(ctx, false)
	if err != nil {
		return err
	}
	firstTook := time.Since(start)
	m := startCPU()
	s, err := timeIt(min(b.o.Reps, 200), func(int) error {
		problem, _, err := st.VerifyAudit(ctx, false)
		if err == nil && problem != nil {
			err = fmt.Errorf("the audit chain does not verify: %s", problem.Reason)
		}
		return err
	})
	if err != nil {
		return err
	}
	b.add(benchRow{figure: "audit check at start-up (incremental, `VerifyAudit(false)`)", n: len(s), median: ms(s.median()), p99: ms(s.p99()),
		target: "< 50 ms", met: verdict(s.p99() < 50),
		note: fmt.Sprintf("nothing new since the last check; the first, over the bench's %d new events, took %s", first, ms(float64(firstTook.Microseconds())/1000))}, m)
	return nil
}
