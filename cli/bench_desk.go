package cli

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
)

// sampleSize is how many folders the bench reads once (in filing order) to
// draw chart numbers, barcodes and names from, and to print.
const sampleSize = 100_000

var errEnough = errors.New("enough folders")

// signedIn opens the practice for a clerk's work, signed in as user.
func (b *bench) signedIn(ctx context.Context, user, password string) (*sqlite.Store, context.Context, error) {
	st, err := openDB(ctx, b.db, b.c.log, time.Now, false)
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
	st, err := openDB(ctx, b.db, b.c.log, time.Now, false)
	if err != nil {
		return err
	}
	defer st.Close()
	reps := 3
	if b.o.patients >= 500_000 {
		reps = 1
	}
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
// barcode, by the first letters of a surname, and a check-out.
func (b *bench) desk(ctx context.Context) error {
	st, ctx, err := b.signedIn(ctx, demo.ClerkUser, demo.ClerkPassword)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := b.loadSample(ctx); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(7, 7))
	pick := func() records.Volume { return b.sample[rng.IntN(len(b.sample))] }
	searches := []struct {
		figure, target string
		limit          float64
		query          func() (string, string) // query, what the first hit must match by
	}{
		{"search: exact chart number", "p99 < 0.2 ms", 0.2, func() (string, string) { return pick().MRN, "mrn" }},
		{"search: exact barcode", "p99 < 0.2 ms", 0.2, func() (string, string) { return pick().Barcode, "barcode" }},
		{"search as you type: surname prefix, first 50, accents folded", "p99 < 1 ms", 1, func() (string, string) {
			return surnamePrefix(pick().PatientName), "name"
		}},
	}
	for _, q := range searches {
		m := startCPU()
		s, err := timeIt(b.o.reps, func(int) error {
			text, want := q.query()
			hits, err := st.Search(ctx, text, 50)
			if err == nil && (len(hits) == 0 || hits[0].MatchedBy != want) {
				err = fmt.Errorf("search %q found %d hits, not by %s", text, len(hits), want)
			}
			return err
		})
		if err != nil {
			return err
		}
		b.add(benchRow{figure: q.figure, n: len(s), median: ms(s.median()), p99: ms(s.p99()), target: q.target,
			met: verdict(s.p99() < q.limit), note: "Search() as the app calls it: query + its audit event, committed (a look: synchronous=NORMAL)"}, m)
	}
	return b.checkOuts(ctx, st, rng)
}

// syncFloor times n 4 KB writes to a file in dir, each followed by
// fdatasync, as a commit at synchronous=FULL ends: the floor under a
// check-out on this disk at this moment.
func syncFloor(dir string, n int) (sample, error) {
	f, err := os.CreateTemp(dir, "fsync-floor-")
	if err != nil {
		return nil, err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	page := make([]byte, 4096)
	return timeIt(n, func(i int) error {
		if _, err := f.WriteAt(page, int64(i%64)*4096); err != nil {
			return err
		}
		return datasync(f)
	})
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
	n := min(b.o.reps, len(inFile))
	floor, err := syncFloor(b.dir, 200)
	if err != nil {
		return err
	}
	m := startCPU()
	var s sample
	for i := 0; i < n; i++ {
		start := time.Now()
		if _, err := st.CheckOut(ctx, records.CheckOutInput{Barcode: inFile[i].Barcode, BorrowerID: provider.ID}); err != nil {
			return err
		}
		s = append(s, float64(time.Since(start).Microseconds())/1000)
		if _, err := st.CheckIn(ctx, inFile[i].Barcode); err != nil {
			return err
		}
	}
	b.add(benchRow{figure: "scan-station check-out (folder + movement + audit event, synchronous=FULL)", n: len(s),
		median: ms(s.median()), p99: ms(s.p99()), target: "p50 < 0.5 ms, p99 < 3 ms", met: verdict(s.median() < 0.5 && s.p99() < 3),
		note: fmt.Sprintf("CheckOut() committed; the check-in that puts it back is not timed; a bare 4 KB write + fdatasync on this disk just before: p50 %s, p99 %s",
			ms(floor.median()), ms(floor.p99()))}, m)
	return nil
}

// startupCheck times the incremental audit check the app runs at start-up:
// the events written since the last check (the bench's own searches and
// moves, the first time), then nothing new.
func (b *bench) startupCheck(ctx context.Context) error {
	st, err := openDB(ctx, b.db, b.c.log, time.Now, false)
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
	s, err := timeIt(min(b.o.reps, 200), func(int) error {
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
