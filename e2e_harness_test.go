//go:build e2e && linux

package main

// The end-to-end harness: the built binary under an Xvfb of its own, driven
// like a person with xdotool, read back by OCR (tesseract) and checked
// outside the window through the command line, the files it writes and the
// audit log. Run by `make e2e`; see the README's "End-to-end suite".

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chartroom/chartroom/cli"
	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/demo"
)

// e2eSize is one screen the suite runs at.
type e2eSize struct {
	name string
	w, h int
}

var (
	e2eWide   = e2eSize{"1366x768", 1366, 768}
	e2eNarrow = e2eSize{"1024x768", 1024, 768}
)

// Waits: how long the app may take to show something before a scenario
// fails. Generous, because two cores are shared; a wait ends as soon as the
// text shows.
const (
	e2eWindowWait = 60 * time.Second
	e2eTextWait   = 30 * time.Second
	e2ePoll       = 300 * time.Millisecond
)

// e2eRun is what every scenario of one `go test` run shares.
type e2eRun struct {
	bin  string // the built binary
	out  string // screenshots and logs
	demo string // a demo database made once, copied for each scenario
}

// e2eSetup reads CHARTROOM_E2E_BIN and OUT and makes the demo database.
func e2eSetup(t *testing.T) *e2eRun {
	t.Helper()
	bin := os.Getenv("CHARTROOM_E2E_BIN")
	if bin == "" {
		t.Fatal("CHARTROOM_E2E_BIN must name the built chartroom binary (make e2e sets it)")
	}
	bin, err := filepath.Abs(bin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("the binary to test: %v (run make build first)", err)
	}
	for _, tool := range []string{"Xvfb", "xdotool", "import", "convert", "tesseract", "pdftotext"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("the end-to-end suite needs %s: %v (make deps installs it)", tool, err)
		}
	}
	out := os.Getenv("OUT")
	if out == "" {
		if out, err = os.MkdirTemp("", "chartroom-e2e-"); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	// The template lives in a folder of this run's own, so two runs given
	// the same OUT do not pull it from under each other.
	templateDir, err := os.MkdirTemp(out, "demo-template-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(templateDir) })
	r := &e2eRun{bin: bin, out: out, demo: filepath.Join(templateDir, "demo.db")}
	cmd := exec.Command(bin, "demo", "--db", r.demo, "--patients", "300", "--seed", "7")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chartroom demo: %v\n%s", err, b)
	}
	return r
}

// xvfb is one X server at one size.
type xvfb struct {
	display string
	cmd     *exec.Cmd
}

// startXvfb starts an X server on a display it picks itself (-displayfd),
// so parallel runs never collide.
func startXvfb(t *testing.T, size e2eSize) *xvfb {
	t.Helper()
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", fmt.Sprintf("%dx%dx24", size.w, size.h), "-nolisten", "tcp", "-noreset")
		cmd.ExtraFiles = []*os.File{w}
		cmd.SysProcAttr = dieWithTest()
		if err := cmd.Start(); err != nil {
			t.Fatalf("starting Xvfb: %v", err)
		}
		w.Close()
		number := make(chan string, 1)
		go func() {
			line, _ := bufio.NewReader(r).ReadString('\n')
			number <- strings.TrimSpace(line)
		}()
		select {
		case n := <-number:
			r.Close()
			if n != "" {
				x := &xvfb{display: ":" + n, cmd: cmd}
				t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
				return x
			}
			lastErr = fmt.Errorf("Xvfb named no display")
		case <-time.After(20 * time.Second):
			r.Close()
			lastErr = fmt.Errorf("Xvfb did not start within 20 s")
		}
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}
	t.Fatalf("starting Xvfb: %v", lastErr)
	return nil
}

// dieWithTest makes a child (the X server, the app) end when the test
// process does, even when it is killed before its cleanups run.
func dieWithTest() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

// session is one scenario: a copy of a database, the app on it, the
// scenario's screenshots and the app's log.
type session struct {
	t       *testing.T
	run     *e2eRun
	x       *xvfb
	size    e2eSize
	dir     string // screenshots and the app log
	home    string // the app's HOME: file dialogs open here
	db      string
	step    int
	app     *exec.Cmd
	appDone chan struct{}
	logPath string
	win     string
	launchs int
	// lastWords are the words OCR read on the screenshot that last showed
	// what a wait waited for.
	lastWords []ocrWord
	// ocrPrep, when set, replaces ocrGrey as how a screenshot is prepared
	// for OCR (ocrRed reads the status bar's red warnings).
	ocrPrep []string
}

// newSession prepares a scenario's folder and database. seed is "demo" (a
// copy of the demo practice), "empty" (no file at all) or the path of a
// database file to copy.
func newSession(t *testing.T, run *e2eRun, x *xvfb, size e2eSize, seed string) *session {
	t.Helper()
	name := strings.ReplaceAll(strings.TrimPrefix(t.Name(), "TestE2E/"), "/", "-")
	dir := filepath.Join(run.out, size.name, strings.TrimPrefix(name, size.name+"-"))
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	home := filepath.Join(dir, "home")
	for _, sub := range []string{".cache", ".config", ".local/share"} {
		if err := os.MkdirAll(filepath.Join(home, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	s := &session{t: t, run: run, x: x, size: size, dir: dir, home: home, db: filepath.Join(dir, "chartroom.db")}
	switch seed {
	case "empty":
	case "demo":
		e2eCopyFile(t, run.demo, s.db)
	default:
		e2eCopyFile(t, seed, s.db)
	}
	t.Cleanup(s.close)
	return s
}

func e2eCopyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// env is the environment of everything the session runs: its display, its
// HOME (so file dialogs, Fyne's preferences and the temp PDFs stay inside
// the scenario's folder) and no inherited acting user.
func (s *session) env() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "DISPLAY", "HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "CHARTROOM_USER", "CHARTROOM_PASSWORD", "CHARTROOM_DB",
			"PGPASSWORD", "PGPASSFILE":
			continue
		}
		env = append(env, kv)
	}
	return append(env, "DISPLAY="+s.x.display, "HOME="+s.home,
		"XDG_CONFIG_HOME="+filepath.Join(s.home, ".config"),
		"XDG_CACHE_HOME="+filepath.Join(s.home, ".cache"),
		"XDG_DATA_HOME="+filepath.Join(s.home, ".local", "share"))
}

// launch starts the app on the session's database and waits for its window,
// which it then sizes to the screen, as a desktop's window manager would
// (Xvfb has none). A launch whose window never appears because GLFW failed
// under Xvfb is retried twice.
func (s *session) launch() {
	s.t.Helper()
	for try := 1; try <= 3; try++ {
		s.launchs++
		s.logPath = filepath.Join(s.dir, fmt.Sprintf("app-%d.log", s.launchs))
		logFile, err := os.Create(s.logPath)
		if err != nil {
			s.t.Fatal(err)
		}
		cmd := exec.Command(s.run.bin, s.dbArgs()...)
		cmd.Env = s.env()
		cmd.Dir = s.home
		cmd.Stdout, cmd.Stderr = logFile, logFile
		cmd.SysProcAttr = dieWithTest()
		if err := cmd.Start(); err != nil {
			s.t.Fatalf("starting the app: %v", err)
		}
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); logFile.Close(); close(done) }()
		s.app, s.appDone = cmd, done
		if s.waitWindow() {
			s.xdo("windowmove", s.win, "0", "0")
			s.xdo("windowsize", s.win, strconv.Itoa(s.size.w), strconv.Itoa(s.size.h))
			s.xdo("mousemove", strconv.Itoa(s.size.w-5), strconv.Itoa(s.size.h/2))
			return
		}
		exited := false
		select {
		case <-done:
			exited = true
		default:
			s.stopApp()
		}
		s.t.Logf("launch %d: the window never appeared (exited: %v); the app said:\n%s", try, exited, tail(s.logPath, 20))
	}
	s.t.Fatalf("the Chartroom window never appeared after three launches; logs in %s", s.dir)
}

// dbArgs name the session's database; none when db is "" (the database
// this computer opens by default: its file, or the server it remembers).
func (s *session) dbArgs() []string {
	if s.db == "" {
		return nil
	}
	return []string{"--db", s.db}
}

// waitWindow polls for the app's visible window; false when the app exits
// or the wait runs out.
func (s *session) waitWindow() bool {
	deadline := time.Now().Add(e2eWindowWait)
	for time.Now().Before(deadline) {
		out, _ := s.xdoOut("search", "--onlyvisible", "--name", "^Chartroom")
		if f := strings.Fields(out); len(f) > 0 {
			s.win = f[0]
			return true
		}
		select {
		case <-s.appDone:
			return false
		case <-time.After(100 * time.Millisecond):
		}
	}
	return false
}

// stopApp ends the app (TERM, then KILL) and waits for it.
func (s *session) stopApp() {
	if s.app == nil {
		return
	}
	select {
	case <-s.appDone:
	default:
		_ = s.app.Process.Signal(os.Interrupt)
		select {
		case <-s.appDone:
		case <-time.After(5 * time.Second):
			_ = s.app.Process.Kill()
			<-s.appDone
		}
	}
	s.app = nil
}

// panicLine finds what a Go panic or a caught one leaves in a log.
var panicLine = regexp.MustCompile(`(?i)panic|^goroutine \d+ \[`)

// close ends the app and fails the scenario when any of its logs shows a
// panic or a goroutine stack.
func (s *session) close() {
	s.stopApp()
	_ = os.Remove(filepath.Join(s.dir, "poll.png"))
	for i := 1; i <= s.launchs; i++ {
		path := filepath.Join(s.dir, fmt.Sprintf("app-%d.log", i))
		b, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		for n, line := range strings.Split(string(b), "\n") {
			if panicLine.MatchString(line) {
				s.t.Errorf("the app's log %s shows a panic at line %d: %s\n%s", path, n+1, line, tail(path, 40))
				break
			}
		}
	}
	s.t.Logf("screenshots and logs: %s", s.dir)
}

func tail(path string, n int) string {
	b, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func (s *session) xdoOut(args ...string) (string, error) {
	b, err := s.tool("xdotool", args...)
	return string(b), err
}

func (s *session) xdo(args ...string) {
	s.t.Helper()
	if out, err := s.xdoOut(args...); err != nil {
		s.t.Fatalf("xdotool %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// typeText types as a person does.
func (s *session) typeText(text string) {
	s.t.Helper()
	s.xdo("type", "--delay", "25", "--", text)
}

// key presses keys, e.g. "ctrl+f", "Return", "Tab".
func (s *session) key(keys ...string) {
	s.t.Helper()
	s.xdo(append([]string{"key", "--delay", "60"}, keys...)...)
}

// scan is a keyboard-wedge scanner: the code's characters a few
// milliseconds apart, then Return.
func (s *session) scan(code string) {
	s.t.Helper()
	s.xdo("type", "--delay", "5", "--", code)
	s.xdo("key", "Return")
}

// clear empties the focused entry.
func (s *session) clearEntry() {
	s.t.Helper()
	s.key("ctrl+a", "BackSpace")
}

// shot saves the screen as the next numbered step and returns its path.
func (s *session) shot(step string) string {
	s.t.Helper()
	s.step++
	path := filepath.Join(s.dir, fmt.Sprintf("%02d-%s.png", s.step, slug(step)))
	s.capture(path)
	return path
}

// e2eToolWait bounds one run of a tool (a screenshot, OCR, xdotool): on a
// loaded machine `import` has been seen to hang on the X server.
const e2eToolWait = 20 * time.Second

// tool runs an external tool with the session's environment and a time
// limit, returning its combined output.
func (s *session) tool(name string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), e2eToolWait)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(s.env(), "OMP_THREAD_LIMIT=1")
	cmd.WaitDelay = time.Second
	return cmd.CombinedOutput()
}

func (s *session) capture(path string) {
	s.t.Helper()
	var err error
	var b []byte
	for try := 0; try < 3; try++ {
		if b, err = s.tool("import", "-window", "root", path); err == nil {
			return
		}
	}
	s.t.Fatalf("screenshot: %v\n%s", err, b)
}

var notSlug = regexp.MustCompile(`[^a-z0-9]+`)

func slug(s string) string {
	return strings.Trim(notSlug.ReplaceAllString(strings.ToLower(s), "-"), "-")
}

// ocrWord is one word tesseract read, in screen pixels.
type ocrWord struct {
	text                     string
	left, top, width, height int
	line                     string // block/paragraph/line: words of one line share it
}

// box is a phrase's place on screen.
type box struct{ left, top, right, bottom int }

func (b box) centre() (int, int) { return (b.left + b.right) / 2, (b.top + b.bottom) / 2 }

// How a screenshot is prepared for OCR. The app's dark theme and its white
// text on blue buttons read best as black on white: grey, a threshold
// between the button blue and white, inverted, at twice the size
// (ocrGrey). Red text falls below that threshold; the red channel alone
// reads it, and white text, but not white on red (ocrRed). ocrRed reads
// the bottom quarter of the screen only, where the status bar's warnings
// are: quicker, but the places it finds are not the screen's.
var (
	ocrGrey = []string{"-colorspace", "Gray", "-threshold", "45%", "-negate", "-resize", "200%"}
	ocrRed  = []string{"-gravity", "South", "-crop", "100%x25%+0+0", "+repage", "-channel", "R", "-separate", "-threshold", "45%", "-negate", "-resize", "200%"}
)

// ocr reads the words of a screenshot, prepared as s.ocrPrep says.
func (s *session) ocr(png string) []ocrWord {
	s.t.Helper()
	prepared := strings.TrimSuffix(png, ".png") + ".ocr.png"
	defer os.Remove(prepared)
	prep := s.ocrPrep
	if prep == nil {
		prep = ocrGrey
	}
	if b, err := s.tool("convert", append(append([]string{png}, prep...), prepared)...); err != nil {
		s.t.Fatalf("preparing %s for OCR: %v\n%s", png, err, b)
	}
	tsv := prepared + ".tsv"
	defer os.Remove(tsv)
	if b, err := s.tool("tesseract", prepared, strings.TrimSuffix(tsv, ".tsv"), "--psm", "11", "tsv"); err != nil {
		s.t.Fatalf("tesseract %s: %v\n%s", png, err, b)
	}
	out, err := os.ReadFile(tsv)
	if err != nil {
		s.t.Fatal(err)
	}
	var words []ocrWord
	for i, line := range strings.Split(string(out), "\n") {
		f := strings.Split(line, "\t")
		if i == 0 || len(f) < 12 || strings.TrimSpace(f[11]) == "" {
			continue
		}
		n := func(j int) int { v, _ := strconv.Atoi(f[j]); return v / 2 }
		words = append(words, ocrWord{text: f[11], left: n(6), top: n(7), width: n(8), height: n(9), line: f[2] + "/" + f[3] + "/" + f[4]})
	}
	return words
}

// norm folds a word for matching: lower case, without the punctuation OCR
// often adds or drops at its ends.
func norm(w string) string {
	return strings.ToLower(strings.Trim(w, ".,:;!?'\"()[]{}|…-_“”‘’"))
}

// findPhrase finds the words of phrase in a row on one line of the OCR,
// the first (topmost) place it shows.
func findPhrase(words []ocrWord, phrase string) (box, bool) {
	all := findPhraseAll(words, phrase)
	if len(all) == 0 {
		return box{}, false
	}
	return all[0], true
}

// findPhraseAll lists every place phrase shows.
func findPhraseAll(words []ocrWord, phrase string) []box {
	want := strings.Fields(phrase)
	for i := range want {
		want[i] = norm(want[i])
	}
	var found []box
	for i := range words {
		if i+len(want) > len(words) {
			break
		}
		b := box{left: 1 << 30, top: 1 << 30}
		ok := true
		for j, w := range want {
			got := words[i+j]
			if got.line != words[i].line || !sameWord(norm(got.text), w) {
				ok = false
				break
			}
			b.left, b.top = min(b.left, got.left), min(b.top, got.top)
			b.right, b.bottom = max(b.right, got.left+got.width), max(b.bottom, got.top+got.height)
		}
		if ok {
			found = append(found, b)
		}
	}
	return found
}

// findLabels lists the places where phrase stands apart on its line: a
// form's label, not the start of a longer one ("Password" of "Password
// again"). OCR may join a label and the entry beside it in one line; a gap
// wider than a space between words keeps them apart.
func findLabels(words []ocrWord, phrase string) []box {
	const wordGap = 12 // pixels; a space between words is about 5
	n := len(strings.Fields(phrase))
	var out []box
	for i := 0; i+n <= len(words); i++ {
		b, ok := findPhrase(words[i:i+n], phrase)
		if !ok {
			continue
		}
		line := words[i].line
		if i > 0 && words[i-1].line == line && b.left-(words[i-1].left+words[i-1].width) < wordGap {
			continue
		}
		if k := i + n; k < len(words) && words[k].line == line && words[k].left-b.right < wordGap {
			continue
		}
		out = append(out, b)
	}
	return out
}

// sameWord forgives OCR one wrong, missing or extra letter in a word of six
// or more; short words and numbers must match exactly.
func sameWord(got, want string) bool {
	if got == want {
		return true
	}
	if len([]rune(want)) < 6 || strings.ContainsAny(want, "0123456789") {
		return false
	}
	return editDistance(got, want) <= 1
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur := make([]int, len(rb)+1)
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(rb)]
}

func ocrText(words []ocrWord) string {
	var b strings.Builder
	last := ""
	for _, w := range words {
		if w.line != last && last != "" {
			b.WriteString("\n")
		} else if last != "" {
			b.WriteString(" ")
		}
		b.WriteString(w.text)
		last = w.line
	}
	return b.String()
}

// waitText polls the screen until phrase shows and returns where it is. The
// screenshot that showed it is kept as the next step. On timeout it fails
// with that screenshot and all the text OCR read on it.
func (s *session) waitText(phrase string) box {
	s.t.Helper()
	b, ok := s.pollText(phrase, e2eTextWait)
	if !ok {
		s.failScreen(fmt.Sprintf("%q never showed", phrase))
	}
	return b
}

// pollText is waitText that reports a timeout instead of failing.
func (s *session) pollText(phrase string, wait time.Duration) (box, bool) {
	s.t.Helper()
	work := filepath.Join(s.dir, "poll.png")
	deadline := time.Now().Add(wait)
	for {
		s.capture(work)
		words := s.ocr(work)
		if b, ok := findPhrase(words, phrase); ok {
			s.lastWords = words
			s.step++
			_ = os.Rename(work, filepath.Join(s.dir, fmt.Sprintf("%02d-%s.png", s.step, slug("shows "+phrase))))
			return b, true
		}
		if time.Now().After(deadline) {
			return box{}, false
		}
		select {
		case <-s.appDone:
			s.t.Fatalf("the app ended while waiting for %q; its log:\n%s", phrase, tail(s.logPath, 40))
		case <-time.After(e2ePoll):
		}
	}
}

// waitGone polls until phrase no longer shows.
func (s *session) waitGone(phrase string) {
	s.t.Helper()
	work := filepath.Join(s.dir, "poll.png")
	deadline := time.Now().Add(e2eTextWait)
	for {
		s.capture(work)
		if _, ok := findPhrase(s.ocr(work), phrase); !ok {
			s.step++
			_ = os.Rename(work, filepath.Join(s.dir, fmt.Sprintf("%02d-%s.png", s.step, slug("gone "+phrase))))
			return
		}
		if time.Now().After(deadline) {
			s.failScreen(fmt.Sprintf("%q still shows", phrase))
		}
		time.Sleep(e2ePoll)
	}
}

// failScreen fails the scenario with a fresh screenshot and its OCR text.
func (s *session) failScreen(why string) {
	s.t.Helper()
	path := s.shot("failure")
	s.t.Fatalf("%s after %s; screenshot %s; the screen read:\n%s\napp log tail:\n%s", why, e2eTextWait, path, ocrText(s.ocr(path)), tail(s.logPath, 15))
}

// click clicks at a point of the screen.
func (s *session) click(x, y int) {
	s.t.Helper()
	s.xdo("mousemove", strconv.Itoa(x), strconv.Itoa(y))
	s.xdo("click", "1")
}

// clickText waits for phrase and clicks its centre.
func (s *session) clickText(phrase string) {
	s.t.Helper()
	x, y := s.waitText(phrase).centre()
	s.click(x, y)
}

// clickLast waits for phrase and clicks the place lowest on screen where it
// shows: a dialog's button rather than the page's behind it.
func (s *session) clickLast(phrase string) {
	s.t.Helper()
	s.waitText(phrase)
	s.click(lowest(findPhraseAll(s.lastWords, phrase)).centre())
}

// chooseInFileDialog picks the file at path in Fyne's open dialog, which
// shows the folder it is in: a click on its icon's label, a wait until the
// dialog names the choice, then its Open button (the lowest "Open": the
// title reads "Open File"), enabled once a file is chosen.
func (s *session) chooseInFileDialog(path string) {
	s.t.Helper()
	base := filepath.Base(path)
	s.clickLast(strings.TrimSuffix(base, filepath.Ext(base)))
	s.waitText(base)
	deadline := time.Now().Add(e2eTextWait)
	for {
		shot := s.shot("choose " + base)
		if all := findPhraseAll(s.ocr(shot), "Open"); len(all) >= 2 {
			s.click(lowest(all).centre())
			return
		}
		if time.Now().After(deadline) {
			s.failScreen("the file dialog's Open button never showed enabled")
		}
		time.Sleep(e2ePoll)
	}
}

// clickRightOf clicks dx pixels right of a label's end: the field beside it.
func (s *session) clickRightOf(label string, dx int) {
	s.t.Helper()
	b := s.waitText(label)
	_, y := b.centre()
	s.click(b.right+dx, y)
}

// waitTitle polls the window title until it contains want.
func (s *session) waitTitle(want string) {
	s.t.Helper()
	deadline := time.Now().Add(e2eTextWait)
	for {
		title, _ := s.xdoOut("getwindowname", s.win)
		if strings.Contains(title, want) {
			return
		}
		if time.Now().After(deadline) {
			s.failScreen(fmt.Sprintf("the window title %q never named %q", strings.TrimSpace(title), want))
		}
		time.Sleep(e2ePoll)
	}
}

// signIn signs in on the sign-in form and waits for the main window.
func (s *session) signIn(user, password string) {
	s.t.Helper()
	s.signInTo(user, password, "Find a chart")
}

// signInTo signs in and waits for the page the user lands on (the admin of
// a practice not yet set up lands on the first-day checklist).
func (s *session) signInTo(user, password, page string) {
	s.t.Helper()
	s.waitText("Sign in to the record room")
	s.clickRightOf("Username", 60)
	s.clearEntry()
	s.typeText(user)
	s.key("Tab")
	s.typeText(password)
	s.key("Return")
	s.waitTitle(user)
	s.waitText(page)
}

// Demo accounts.
var (
	e2eAdmin      = [2]string{demo.AdminUser, demo.AdminPassword}
	e2eSupervisor = [2]string{demo.SupervisorUser, demo.SupervisorPassword}
	e2eClerk      = [2]string{demo.ClerkUser, demo.ClerkPassword}
)

// cli runs a chartroom command on the session's database as the demo admin
// and returns its standard output; it fails the scenario when the command
// fails.
func (s *session) cli(args ...string) string {
	s.t.Helper()
	out, errOut, err := s.cliAs(e2eAdmin, args...)
	if err != nil {
		s.t.Fatalf("chartroom %s: %v\n%s", strings.Join(args, " "), err, errOut)
	}
	return out
}

func (s *session) cliAs(user [2]string, args ...string) (string, string, error) {
	cmd := exec.Command(s.run.bin, append(s.dbArgs(), args...)...)
	cmd.Env = append(s.env(), "CHARTROOM_USER="+user[0], "CHARTROOM_PASSWORD="+user[1])
	cmd.Dir = s.home
	cmd.Stdin = strings.NewReader("")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return stdout.String(), stderr.String(), err
}

// whereLine is one line of `chartroom where`.
type whereLine struct {
	barcode, mrn, name, volume, state, place, due string
}

func (s *session) where(query string) []whereLine {
	s.t.Helper()
	var lines []whereLine
	// The due date, the last field, is empty for a folder in file: split
	// lines, not fields, on white space.
	for _, l := range strings.Split(s.cli("where", query), "\n") {
		f := strings.Split(l, "\t")
		if len(f) < 6 {
			continue
		}
		f = append(f, "")
		lines = append(lines, whereLine{f[0], f[1], f[2], f[3], f[4], f[5], f[6]})
	}
	return lines
}

// auditEvents lists the audit log as the demo admin sees it; there is no
// command for that, so the test reads it through the same service the
// command line uses.
func (s *session) auditEvents() []records.AuditEvent {
	s.t.Helper()
	var events []records.AuditEvent
	s.service(func(ctx context.Context, svc records.Service) {
		var err error
		if events, err = svc.ListAudit(ctx, records.AuditFilter{}); err != nil {
			s.t.Fatalf("reading the audit log: %v", err)
		}
	})
	return events
}

// service runs fn with the store open as the demo admin, for outcomes the
// command line does not print (requests, loose papers, settings).
func (s *session) service(fn func(ctx context.Context, svc records.Service)) {
	s.t.Helper()
	ctx := context.Background()
	db := cli.NewDatabase(s.db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	st, err := db.Open(ctx)
	if err != nil {
		s.t.Fatalf("opening %s: %v", s.db, err)
	}
	defer db.Close()
	actor, err := st.SignIn(ctx, e2eAdmin[0], e2eAdmin[1])
	if err != nil {
		s.t.Fatalf("signing in: %v", err)
	}
	fn(records.WithActor(ctx, actor), st)
}

// outCount is how many folders are out, as the status bar counts them.
func (s *session) outCount() int {
	s.t.Helper()
	var n int
	s.service(func(ctx context.Context, svc records.Service) {
		c, err := svc.Counts(ctx)
		if err != nil {
			s.t.Fatalf("counting the folders out: %v", err)
		}
		n = c.Out
	})
	return n
}

// waitForRecord polls the database, through the store, until holds says
// the outcome is there.
func (s *session) waitForRecord(what string, holds func(ctx context.Context, svc records.Service) (bool, error)) {
	s.t.Helper()
	s.waitFor(what, func() bool {
		ok := false
		s.service(func(ctx context.Context, svc records.Service) {
			var err error
			if ok, err = holds(ctx, svc); err != nil {
				s.t.Fatalf("%s: %v", what, err)
			}
		})
		return ok
	})
}

// pdfText is the text pdftotext reads from a PDF.
func pdfText(t *testing.T, path string) string {
	t.Helper()
	b, err := exec.Command("pdftotext", "-layout", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext %s: %v\n%s", path, err, b)
	}
	return string(b)
}

// waitFile polls until path exists with some content.
func (s *session) waitFile(path string) {
	s.t.Helper()
	deadline := time.Now().Add(e2eTextWait)
	for {
		if fi, err := os.Stat(path); err == nil && fi.Size() > 0 {
			return
		}
		if time.Now().After(deadline) {
			s.failScreen(fmt.Sprintf("the file %s was never written", path))
		}
		time.Sleep(e2ePoll)
	}
}

// waitFor polls cond (an outcome outside the window) until it holds.
func (s *session) waitFor(what string, cond func() bool) {
	s.t.Helper()
	deadline := time.Now().Add(e2eTextWait)
	for !cond() {
		if time.Now().After(deadline) {
			s.failScreen(what + " never came true")
		}
		time.Sleep(e2ePoll)
	}
}

// TestE2EOCRMatching pins how the harness finds text in tesseract's words:
// phrases on one line, one wrong letter forgiven in long words only, and
// labels apart from the words beside them.
func TestE2EOCRMatching(t *testing.T) {
	line := func(id string, x int, texts ...string) []ocrWord {
		var ws []ocrWord
		for _, tx := range texts {
			w := len(tx) * 8
			ws = append(ws, ocrWord{text: tx, left: x, top: 10, width: w, height: 12, line: id})
			x += w + 5
		}
		return ws
	}
	joined := func(parts ...[]ocrWord) []ocrWord {
		var out []ocrWord
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	chart := line("1", 100, "Chart")
	chart = append(chart, ocrWord{text: "MRN,", left: 160, top: 10, width: 30, height: 12, line: "1"})
	tests := []struct {
		name            string
		words           []ocrWord
		phrase          string
		phrases, labels int
	}{
		{"phrase on one line", line("1", 0, "Sign", "in", "to", "the", "record", "room"), "record room", 1, 0},
		{"phrase split over lines", joined(line("1", 0, "Sign"), line("2", 0, "in")), "Sign in", 0, 0},
		{"punctuation and case", line("1", 0, "Save", "as…"), "save as", 1, 1},
		{"one letter off, long word", line("1", 0, "Bramblebrok"), "Bramblebrook", 1, 1},
		{"two letters off", line("1", 0, "usemame"), "username", 0, 0},
		{"one letter off, short word", line("1", 0, "Sian"), "Sign", 0, 0},
		{"numbers exact", line("1", 0, "71-84-31"), "71-84-30", 0, 0},
		{"label inside a longer label", line("1", 0, "Password", "again"), "Password", 1, 0},
		{"label beside its entry's placeholder", chart, "Chart", 1, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := len(findPhraseAll(tc.words, tc.phrase)); got != tc.phrases {
				t.Errorf("findPhraseAll(%q) found %d, want %d", tc.phrase, got, tc.phrases)
			}
			if got := len(findLabels(tc.words, tc.phrase)); got != tc.labels {
				t.Errorf("findLabels(%q) found %d, want %d", tc.phrase, got, tc.labels)
			}
		})
	}
}
