package sqlite

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chartroom/chartroom/records"
)

// The tests in this file run the test binary itself as child processes
// (TestChildWorker, selected by -test.run and told what to do by the
// environment) that move folders on a real database file, and kill them or
// let two of them race. CHARTROOM_LONG=1 (make long) runs the
// long variants.

const (
	envChildDB       = "CHARTROOM_CHILD_DB"       // the database the child works on
	envChildBorrower = "CHARTROOM_CHILD_BORROWER" // the borrower id it lends to
	envChildFor      = "CHARTROOM_CHILD_FOR"      // how long it works (0: until killed)
	envChildSeed     = "CHARTROOM_CHILD_SEED"
)

func longRun() bool { return os.Getenv("CHARTROOM_LONG") == "1" }

// TestChildWorker is not a test on its own: it is the child process of
// TestCrashSafety and TestTwoWriters. It checks folders out (to its
// borrower) and in at random and prints one line per finished call, after
// the call (and so its commit) returned:
//
//	ok VOLUME KIND AT       a committed movement (AT: the volume's updated_at, UnixNano)
//	refused CODE MESSAGE    a refusal
//	looked QUERY            a search (a look, committed at synchronous=NORMAL)
//	                        for a text no other search used
func TestChildWorker(t *testing.T) {
	path := os.Getenv(envChildDB)
	if path == "" {
		t.Skip("only runs as a child of TestCrashSafety or TestTwoWriters")
	}
	borrower, _ := strconv.ParseInt(os.Getenv(envChildBorrower), 10, 64)
	workFor, _ := time.ParseDuration(os.Getenv(envChildFor))
	seed, _ := strconv.ParseUint(os.Getenv(envChildSeed), 10, 64)
	ctx := context.Background()
	s, err := Open(ctx, path, Options{PasswordParams: cheapParams})
	if err != nil {
		fmt.Printf("fatal open: %v\n", err)
		os.Exit(3)
	}
	a, err := s.SignIn(ctx, "cleo", testPassword)
	if err != nil {
		fmt.Printf("fatal sign-in: %v\n", err)
		os.Exit(3)
	}
	ctx = records.WithActor(ctx, a)
	var barcodes []string
	if err := s.r.QueryRow("SELECT group_concat(barcode, ' ') FROM volumes").Scan(new(string)); err != nil {
		fmt.Printf("fatal volumes: %v\n", err)
		os.Exit(3)
	}
	rows, err := s.r.Query("SELECT barcode FROM volumes ORDER BY id")
	if err != nil {
		fmt.Printf("fatal volumes: %v\n", err)
		os.Exit(3)
	}
	for rows.Next() {
		var b string
		rows.Scan(&b)
		barcodes = append(barcodes, b)
	}
	rows.Close()
	rng := rand.New(rand.NewPCG(seed, uint64(os.Getpid())))
	// os.Stdout is unbuffered: each Printf is one write, so a line the
	// parent reads is a line that was finished before the kill.
	end := time.Now().Add(workFor)
	for n := 0; workFor == 0 || time.Now().Before(end); n++ {
		if rng.IntN(4) == 0 {
			query := fmt.Sprintf("zzlook%dx%d", os.Getpid(), n)
			if _, err := s.Search(ctx, query, 10); err != nil {
				fmt.Printf("fatal search: %v\n", err)
				os.Exit(3)
			}
			fmt.Printf("looked %s\n", query)
			continue
		}
		bc := barcodes[rng.IntN(len(barcodes))]
		var v records.Volume
		var err error
		if rng.IntN(2) == 0 {
			var res records.CheckOutResult
			res, err = s.CheckOut(ctx, records.CheckOutInput{Barcode: bc, BorrowerID: records.ID(borrower)})
			v = res.Volume
		} else {
			var res records.CheckInResult
			res, err = s.CheckIn(ctx, bc)
			v = res.Volume
		}
		if err != nil {
			fmt.Printf("refused %s %s\n", records.ErrorCode(err), strings.ReplaceAll(err.Error(), "\n", " "))
			continue
		}
		kind := records.MoveCheckIn
		if v.State.Out() {
			kind = records.MoveCheckOut
		}
		fmt.Printf("ok %d %s %d\n", v.ID, kind, v.UpdatedAt.UnixNano())
	}
	s.Close()
}

// report is one line of a child's output.
type report struct {
	look    string // the query of a reported search
	ok      bool
	volume  records.ID
	kind    string
	at      time.Time
	code    string
	message string
}

func parseReport(line string) (report, bool) {
	if q, ok := strings.CutPrefix(line, "looked "); ok {
		return report{look: q}, q != ""
	}
	f := strings.SplitN(line, " ", 3)
	if len(f) < 3 {
		return report{}, false
	}
	switch f[0] {
	case "ok":
		g := strings.Fields(f[2])
		id, err1 := strconv.ParseInt(f[1], 10, 64)
		if len(g) != 2 || err1 != nil {
			return report{}, false
		}
		ns, err := strconv.ParseInt(g[1], 10, 64)
		if err != nil {
			return report{}, false
		}
		return report{ok: true, volume: records.ID(id), kind: g[0], at: time.Unix(0, ns)}, true
	case "refused":
		return report{code: f[1], message: f[2]}, true
	}
	return report{}, false
}

// child is a running TestChildWorker.
type child struct {
	cmd   *exec.Cmd
	mu    sync.Mutex
	lines []string
	done  chan struct{}
}

func startChild(t *testing.T, path string, borrower records.ID, workFor time.Duration, seed int) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestChildWorker$", "-test.count=1")
	cmd.Env = append(os.Environ(), envChildDB+"="+path, envChildBorrower+"="+strconv.FormatInt(int64(borrower), 10),
		envChildFor+"="+workFor.String(), envChildSeed+"="+strconv.Itoa(seed))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, done: make(chan struct{})}
	go func() {
		defer close(c.done)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			c.mu.Lock()
			c.lines = append(c.lines, sc.Text())
			c.mu.Unlock()
		}
	}()
	return c
}

func (c *child) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.lines)
}

// wait returns the child's reports once its output is closed.
func (c *child) reports(t *testing.T) []report {
	t.Helper()
	<-c.done
	c.cmd.Wait()
	var out []report
	for _, l := range c.lines {
		if strings.HasPrefix(l, "fatal") {
			t.Fatalf("child: %s", l)
		}
		if r, ok := parseReport(l); ok {
			out = append(out, r)
		}
	}
	return out
}

// movementPractice is a practice with a few folders to move, closed.
func movementPractice(t *testing.T, folders int) (*fixture, []records.Volume) {
	t.Helper()
	f := newFixture(t)
	var vols []records.Volume
	for i := 0; i < folders; i++ {
		p := f.Patient(fmt.Sprintf("77%04d", i), "Crashtest", fmt.Sprintf("Folder%d", i))
		vols = append(vols, f.FirstVolume(p))
	}
	return f, vols
}

// checkAfter reopens the database with the normal Open (which recovers the
// WAL) and checks what a crash must never do: a damaged file, a lost
// movement, a folder in two places, a broken audit chain or seal.
func checkAfter(t *testing.T, path string, reported []report) {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, path, Options{PasswordParams: cheapParams})
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	var ic string
	if err := s.r.QueryRow("PRAGMA integrity_check").Scan(&ic); err != nil || ic != "ok" {
		t.Fatalf("integrity_check: %q %v", ic, err)
	}
	// A search answered is in the log, even though its commit did not wait
	// for the disk: a killed app loses no look.
	searched := map[string]int{}
	rows, err := s.r.Query("SELECT detail FROM audit WHERE action = ?", records.AuditSearch)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var detail string
		if err := rows.Scan(&detail); err != nil {
			t.Fatal(err)
		}
		searched[detail]++
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	for _, r := range reported {
		if r.look != "" {
			if n := searched[fmt.Sprintf("search %q: 0 hits", r.look)]; n != 1 {
				t.Fatalf("reported search %q: %d audit events found", r.look, n)
			}
			continue
		}
		if !r.ok {
			continue
		}
		var n int
		if err := s.r.QueryRow("SELECT count(*) FROM movements WHERE volume_id = ? AND kind = ? AND at = ?",
			int64(r.volume), r.kind, tval(r.at)).Scan(&n); err != nil || n != 1 {
			t.Fatalf("reported %s of volume %d at %s: %d movements found (%v)", r.kind, r.volume, r.at, n, err)
		}
	}
	// One place per folder: its state, borrower and time agree with its
	// newest movement.
	rows, err = s.r.Query(`SELECT v.id, v.state, coalesce(v.borrower_id, 0), m.kind, coalesce(m.to_borrower_id, 0), v.updated_at = m.at
		FROM volumes v JOIN movements m ON m.id = (SELECT max(id) FROM movements WHERE volume_id = v.id)`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, borrower, to int64
		var state, kind string
		var sameTime bool
		if err := rows.Scan(&id, &state, &borrower, &kind, &to, &sameTime); err != nil {
			t.Fatal(err)
		}
		out := kind == string(records.MoveCheckOut) || kind == string(records.MoveHandOff)
		if out != (state != string(records.StateInFile)) || (out && borrower != to) || !sameTime {
			t.Fatalf("volume %d is %s (borrower %d) but its last movement is %s to %d (same time: %v)", id, state, borrower, kind, to, sameTime)
		}
	}
	if problem, _, err := s.VerifyAudit(ctx, true); err != nil || problem != nil {
		t.Fatalf("VerifyAudit: %+v %v", problem, err)
	}
}

// TestCrashSafety kills a child that moves folders and searches at random
// moments (20 times; 100 with CHARTROOM_LONG=1) and checks the database
// after each kill: every movement and every search it reported is there.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	kills := 20
	if longRun() {
		kills = 100
	}
	f, _ := movementPractice(t, 6)
	f.s.Close()
	rng := rand.New(rand.NewPCG(1, uint64(time.Now().UnixNano())))
	var all []report
	committed, looks := 0, 0
	for k := 0; k < kills; k++ {
		c := startChild(t, f.path, f.DrGrey.ID, 0, k)
		// Let it commit a little first, then kill it anywhere: inside a
		// transaction, between the commit and its report, in a checkpoint.
		for deadline := time.Now().Add(10 * time.Second); c.count() < 1 && time.Now().Before(deadline); {
			time.Sleep(2 * time.Millisecond)
		}
		time.Sleep(time.Duration(rng.IntN(150)) * time.Millisecond)
		if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		got := c.reports(t)
		for _, r := range got {
			if r.look != "" {
				looks++
			} else if r.ok {
				committed++
			} else if r.code != records.EConflict {
				t.Fatalf("kill %d: refusal that is not a conflict: %s %s", k, r.code, r.message)
			}
		}
		all = append(all, got...)
		// Every movement any child ever reported must still be there.
		checkAfter(t, f.path, all)
	}
	t.Logf("%d kills survived; %d committed movements and %d searches reported and found after each kill", kills, committed, looks)
}

// TestTwoWriters runs two processes that move the same folders at once (10
// s; 60 s with CHARTROOM_LONG=1): nobody is told the database is busy or
// locked, no movement is lost, every refusal is a real conflict naming who
// has the folder.
func TestTwoWriters(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	span := 10 * time.Second
	if longRun() {
		span = 60 * time.Second
	}
	f, _ := movementPractice(t, 3)
	f.s.Close()
	borrowers := []records.Borrower{f.DrGrey, f.DrStone}
	children := []*child{
		startChild(t, f.path, borrowers[0].ID, span, 1),
		startChild(t, f.path, borrowers[1].ID, span, 2),
	}
	var all []report
	moves, refusals := 0, 0
	for _, c := range children {
		got := c.reports(t)
		if c.cmd.ProcessState == nil || !c.cmd.ProcessState.Success() {
			t.Fatalf("a writer failed: %v", c.cmd.ProcessState)
		}
		for _, r := range got {
			if r.look != "" {
				continue
			}
			if r.ok {
				moves++
				continue
			}
			refusals++
			named := strings.Contains(r.message, "is already in file at") ||
				strings.Contains(r.message, "already out to "+borrowers[0].Name+" since") ||
				strings.Contains(r.message, "already out to "+borrowers[1].Name+" since")
			if r.code != records.EConflict || !named || strings.Contains(r.message, "busy") || strings.Contains(r.message, "locked") {
				t.Fatalf("refusal that is not a clear conflict: %s %s", r.code, r.message)
			}
		}
		all = append(all, got...)
	}
	if moves < 20 {
		t.Fatalf("only %d movements in %s", moves, span)
	}
	checkAfter(t, f.path, all)
	t.Logf("2 writers for %s: %d movements committed, %d refusals, all conflicts naming the holder; no busy/locked", span, moves, refusals)
	// The writer connection's settings that make this hold.
	s := openTestStore(t, filepath.Clean(f.path), f.Clock)
	var timeout int
	s.w.QueryRow("PRAGMA busy_timeout").Scan(&timeout)
	if timeout < 5000 {
		t.Fatalf("writer: busy_timeout=%d ms, want at least 5000", timeout)
	}
}
