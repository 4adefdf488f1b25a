package bench

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/chartroom/chartroom/records"
)

// The latencies a clerk feels at the desk, measured in the app under Xvfb
// by .ci/bench-gui.sh: it types and scans as a person and a scanner do and
// prints when it pressed each key; the app, run with --verbose, logs when
// it has shown each answer (ui: "find: list shown", "chart: folders shown",
// "scan: banner shown"). Both clocks are the machine's, in milliseconds.

// deskScript lists what the desk run types: DeskReps surnames (folded, as
// a clerk types them without accents), DeskReps chart numbers to open, a
// provider's badge and DeskReps folders in file to check out.
func (b *bench) deskScript() string {
	rng := rand.New(rand.NewPCG(9, 9))
	var sb strings.Builder
	seen := map[string]bool{}
	for tries := 0; len(seen) < b.o.DeskReps && tries < 100*b.o.DeskReps; tries++ {
		last, _, _ := strings.Cut(b.sample[rng.IntN(len(b.sample))].PatientName, ",")
		name := records.FoldName(last)
		if seen[name] || !typable(name) {
			continue
		}
		seen[name] = true
		fmt.Fprintf(&sb, "surname %s\n", name)
	}
	for range b.o.DeskReps {
		fmt.Fprintf(&sb, "chart %s\n", b.sample[rng.IntN(len(b.sample))].MRN)
	}
	for range deskReports {
		fmt.Fprintf(&sb, "report %s\n", deskReport)
	}
	fmt.Fprintf(&sb, "badge %s\n", deskBadge)
	scanned := 0
	for _, i := range rng.Perm(len(b.sample)) {
		if v := b.sample[i]; v.State == records.StateInFile && scanned < b.o.DeskReps {
			fmt.Fprintf(&sb, "scan %s\n", v.Barcode)
			scanned++
		}
	}
	return sb.String()
}

// deskBadge is the badge of the demo practice's first provider.
const deskBadge = "B00101"

// The report the desk run makes from the Reports page, and how often: the
// overdue charts, third in the page's list (the script clicks it there),
// about a hundred pages at 50,000 patients. Few runs: at a million patients
// it is twenty times longer.
const (
	deskReport  = "overdue"
	deskReports = 3
)

// typable is a name of lower-case ASCII letters (and hyphens) of 3 or more.
func typable(name string) bool {
	if len(name) < 3 {
		return false
	}
	for _, r := range name {
		if (r < 'a' || r > 'z') && r != '-' {
			return false
		}
	}
	return true
}

// deskEvent is a key the script pressed or an answer the app logged.
type deskEvent struct {
	at   time.Time
	kind string // key, enter, badge, scan, report; find, chart, banner
	text string // the box's text, the chart number, the code, the report
	// A report's PDF: when it was written and its pages.
	written time.Time
	pages   int
}

var appLogLine = regexp.MustCompile(`^time=(\S+) level=DEBUG msg="(find: list shown|chart: folders shown|scan: banner shown)" (?:query|mrn|code)=("(?:[^"\\]|\\.)*"|\S+)`)

// parseDesk reads the script's key lines and the app's log lines.
func parseDesk(script, appLog string) (keys, answers []deskEvent) {
	sc := bufio.NewScanner(strings.NewReader(script))
	for sc.Scan() {
		f := strings.SplitN(sc.Text(), " ", 3)
		if len(f) != 3 {
			continue
		}
		ms, err := strconv.ParseInt(f[1], 10, 64)
		if err != nil {
			continue
		}
		switch f[0] {
		case "key", "enter", "badge", "scan":
			keys = append(keys, deskEvent{at: time.UnixMilli(ms), kind: f[0], text: f[2]})
		case "report":
			// report CLICKED WRITTEN PAGES NAME
			r := strings.Fields(f[2])
			if len(r) != 3 {
				continue
			}
			written, err1 := strconv.ParseInt(r[0], 10, 64)
			pages, err2 := strconv.Atoi(r[1])
			if err1 == nil && err2 == nil {
				keys = append(keys, deskEvent{at: time.UnixMilli(ms), kind: f[0], text: r[2], written: time.UnixMilli(written), pages: pages})
			}
		}
	}
	sc = bufio.NewScanner(strings.NewReader(appLog))
	for sc.Scan() {
		m := appLogLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		at, err := time.Parse(time.RFC3339Nano, m[1])
		if err != nil {
			continue
		}
		text := m[3]
		if unq, err := strconv.Unquote(text); err == nil {
			text = unq
		}
		kind := map[string]string{"find: list shown": "find", "chart: folders shown": "chart", "scan: banner shown": "banner"}[m[2]]
		answers = append(answers, deskEvent{at: at, kind: kind, text: text})
	}
	return keys, answers
}

// deskFigures are the desk's latencies in milliseconds and what went wrong.
type deskFigures struct {
	find, chart, scan sample
	lost, stale       int // keystrokes never answered; lists shown out of order or not for the last key
	chartsLost        int
	scansLost         int
	// report is Open to the PDF written, of reportPages pages (the last).
	report      sample
	reportPages int
}

// measureDesk matches each key with the answer it waited for. A keystroke
// in Find is answered by the first list shown after it for its text or a
// longer one of the same surname (a newer keystroke may cancel its own
// search); a surname's lists must come in typing order and end with the
// whole surname.
func measureDesk(keys, answers []deskEvent) deskFigures {
	var d deskFigures
	after := func(t time.Time, kind string, match func(string) bool, before time.Time) (deskEvent, bool) {
		for _, a := range answers {
			if a.kind == kind && !a.at.Before(t) && (before.IsZero() || a.at.Before(before)) && match(a.text) {
				return a, true
			}
		}
		return deskEvent{}, false
	}
	// The surnames: runs of keys, each starting at its first character.
	var words [][]deskEvent
	for _, k := range keys {
		if k.kind != "key" {
			continue
		}
		if len(words) == 0 || len([]rune(k.text)) == 1 {
			words = append(words, nil)
		}
		words[len(words)-1] = append(words[len(words)-1], k)
	}
	for i, w := range words {
		full := w[len(w)-1].text
		var end time.Time
		if i+1 < len(words) {
			end = words[i+1][0].at
		}
		for _, k := range w {
			a, ok := after(k.at, "find", func(q string) bool { return strings.HasPrefix(q, k.text) && strings.HasPrefix(full, q) }, end)
			if !ok {
				d.lost++
				continue
			}
			d.find = append(d.find, float64(a.at.Sub(k.at).Microseconds())/1000)
		}
		// The lists shown for this surname, in order.
		longest, last := 0, ""
		for _, a := range answers {
			if a.kind != "find" || a.at.Before(w[0].at) || (!end.IsZero() && !a.at.Before(end)) || !strings.HasPrefix(full, a.text) {
				continue
			}
			if len(a.text) < longest {
				d.stale++
			}
			longest, last = max(longest, len(a.text)), a.text
		}
		if last != full {
			d.stale++
		}
	}
	for _, k := range keys {
		if k.kind == "report" {
			d.report = append(d.report, float64(k.written.Sub(k.at).Microseconds())/1000)
			d.reportPages = k.pages
		}
	}
	for _, k := range keys {
		var kind string
		var lost *int
		var into *sample
		switch k.kind {
		case "enter":
			kind, lost, into = "chart", &d.chartsLost, &d.chart
		case "scan":
			kind, lost, into = "banner", &d.scansLost, &d.scan
		default:
			continue
		}
		a, ok := after(k.at, kind, func(t string) bool { return t == k.text }, time.Time{})
		if !ok {
			*lost++
			continue
		}
		*into = append(*into, float64(a.at.Sub(k.at).Microseconds())/1000)
	}
	return d
}

// deskRows are the table's rows of the desk run.
func deskRows(script, appLog string) []benchRow {
	d := measureDesk(parseDesk(script, appLog))
	row := func(figure string, s sample, missing int, what, note string) benchRow {
		r := benchRow{figure: figure, n: len(s), target: "p95 < 100 ms" + what, floor: "-", ratio: "-"}
		if len(s) == 0 {
			r.median, r.p99, r.met = "-", "-", "NO"
			r.note = note + "; nothing was answered"
			return r
		}
		r.median, r.p99 = ms(s.median()), "p95 "+ms(s.quantile(0.95))
		r.met = verdict(s.quantile(0.95) < 100 && missing == 0)
		r.note = note
		return r
	}
	rows := []benchRow{
		row("Find: keystroke to result list shown, surnames typed at 8 characters a second", d.find, d.lost+d.stale, ", none lost or stale",
			fmt.Sprintf("the app's list set (the frame that paints it follows); %d keystrokes never answered, %d lists shown out of typing order or not for the last key",
				d.lost, d.stale)),
		row("chart opened from Find: Enter to its folders shown", d.chart, d.chartsLost, "",
			fmt.Sprintf("the chart number typed, Enter once its list is shown; %d never opened", d.chartsLost)),
		row("scan station: a scanner's burst and Enter to the banner", d.scan, d.scansLost, "",
			fmt.Sprintf("check-out to a provider (badge scanned first), committed at synchronous=FULL; %d never answered", d.scansLost)),
	}
	report := benchRow{figure: fmt.Sprintf("a report from the Reports page: Open to the PDF written (%s, %d pages)", deskReport, d.reportPages),
		n: len(d.report), floor: "-", ratio: "-", target: "reported", median: "-", p99: "-",
		note: "the button clicked to the file's last write in the app's report folder: the rows read, the PDF made and written; " +
			"the viewer it then starts is a stub that does nothing"}
	if len(d.report) > 0 {
		report.median, report.p99 = ms(d.report.median()), ms(d.report.p99())
	} else {
		report.note = "no report was written; the script's clicks may have missed (they are placed for a 1280x800 screen)"
	}
	rows = append(rows, report)
	// What went wrong in the app meanwhile belongs beside its figures.
	var problems []string
	for _, l := range strings.Split(appLog, "\n") {
		if strings.Contains(l, "level=WARN") || strings.Contains(l, "level=ERROR") || strings.HasPrefix(l, "panic:") {
			problems = append(problems, l)
		}
	}
	if len(problems) > 0 {
		rows[0].note += fmt.Sprintf("; the app logged %d warning or error lines meanwhile, the first: %s", len(problems), problems[0])
	}
	return rows
}
