package bench

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// deskLog writes app log lines as slog's text handler does.
func deskLog(t0 time.Time, lines ...string) string {
	var b strings.Builder
	for _, l := range lines {
		ms, rest, _ := strings.Cut(l, " ")
		var off int
		fmt.Sscan(ms, &off)
		fmt.Fprintf(&b, "time=%s level=DEBUG %s\n", t0.Add(time.Duration(off)*time.Millisecond).Format("2006-01-02T15:04:05.000Z07:00"), rest)
	}
	return b.String()
}

func TestMeasureDesk(t *testing.T) {
	t0 := time.UnixMilli(1_800_000_000_000).In(time.FixedZone("", -5*3600))
	key := func(off int, kind, text string) string {
		return fmt.Sprintf("%s %d %s", kind, t0.UnixMilli()+int64(off), text)
	}
	tests := []struct {
		name                    string
		script, log             []string
		find, chart, scan       []float64
		lost, stale, chartsLost int
		scansLost               int
		report                  []float64
		pages                   int
	}{
		{
			name:   "every key answered in order",
			script: []string{key(0, "key", "q"), key(125, "key", "qu"), key(250, "key", "qui")},
			log: []string{`20 msg="find: list shown" query=q hits=50`, `160 msg="find: list shown" query=qu hits=50`,
				`290 msg="find: list shown" query=qui hits=3`},
			find: []float64{20, 35, 40},
		},
		{
			name:   "a key whose search a newer key cancelled is answered by the newer list",
			script: []string{key(0, "key", "q"), key(125, "key", "qu")},
			log:    []string{`180 msg="find: list shown" query=qu hits=50`},
			find:   []float64{180, 55},
		},
		{
			name:   "a shorter list after a longer one is stale",
			script: []string{key(0, "key", "q"), key(125, "key", "qu")},
			log:    []string{`150 msg="find: list shown" query=qu hits=50`, `170 msg="find: list shown" query=q hits=50`},
			find:   []float64{150, 25},
			stale:  2, // out of order, and the last list is not the whole surname
		},
		{
			name:   "a surname whose list never comes is lost",
			script: []string{key(0, "key", "q"), key(125, "key", "qu"), key(2000, "key", "z")},
			log:    []string{`40 msg="find: list shown" query=q hits=50`, `2030 msg="find: list shown" query=z hits=1`},
			find:   []float64{40, 30},
			lost:   1,
			stale:  1,
		},
		{
			name: "charts and scans are matched by their number and code",
			script: []string{key(0, "enter", "1234"), key(500, "badge", "B00101"), key(900, "scan", "V000007"),
				key(1500, "scan", "V000008")},
			log: []string{`60 msg="chart: folders shown" mrn=1234 folders=2`, `520 msg="scan: banner shown" code=B00101 ok=true`,
				`930 msg="scan: banner shown" code=V000007 ok=true`},
			chart: []float64{60}, scan: []float64{30}, scansLost: 1,
		},
		{
			name:   "a report is timed from its click to its file written, whatever the app logs",
			script: []string{key(0, "report", fmt.Sprintf("%d 114 overdue", t0.UnixMilli()+2350)), "report x 5 1 overdue"},
			report: []float64{2350}, pages: 114,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := measureDesk(parseDesk(strings.Join(tt.script, "\n"), deskLog(t0, tt.log...)))
			for _, c := range []struct {
				what      string
				got, want []float64
			}{{"find", d.find, tt.find}, {"chart", d.chart, tt.chart}, {"scan", d.scan, tt.scan}, {"report", d.report, tt.report}} {
				if fmt.Sprint(c.got) != fmt.Sprint(sample(c.want)) {
					t.Errorf("%s latencies = %v, want %v", c.what, c.got, c.want)
				}
			}
			if d.lost != tt.lost || d.stale != tt.stale || d.chartsLost != tt.chartsLost || d.scansLost != tt.scansLost {
				t.Errorf("lost %d, stale %d, charts lost %d, scans lost %d; want %d, %d, %d, %d",
					d.lost, d.stale, d.chartsLost, d.scansLost, tt.lost, tt.stale, tt.chartsLost, tt.scansLost)
			}
			if d.reportPages != tt.pages {
				t.Errorf("report pages = %d, want %d", d.reportPages, tt.pages)
			}
		})
	}
}

func TestTypable(t *testing.T) {
	for name, want := range map[string]bool{"quill": true, "oster-testa": true, "by": false, "nunez ford": false, "zoë": false} {
		if got := typable(name); got != want {
			t.Errorf("typable(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestCount(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 50000: "50,000", 1000000: "1,000,000"} {
		if got := count(n); got != want {
			t.Errorf("count(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestDeskRowsNameTheAppsWarnings(t *testing.T) {
	t0 := time.UnixMilli(1_800_000_000_000).UTC()
	script := fmt.Sprintf("key %d q", t0.UnixMilli())
	log := deskLog(t0, `20 msg="find: list shown" query=q hits=50`, `30 msg="writer connection dropped" err=x`)
	log = strings.Replace(log, "level=DEBUG msg=\"writer", "level=WARN msg=\"writer", 1)
	rows := deskRows(script, log)
	if !strings.Contains(rows[0].note, "1 warning or error lines") || !strings.Contains(rows[0].note, "writer connection dropped") {
		t.Errorf("the Find row does not name the app's warning: %q", rows[0].note)
	}
	if rows[0].met != "yes" || rows[0].median != "20.00 ms" {
		t.Errorf("Find row = %+v, want one keystroke answered in 20 ms, met", rows[0])
	}
	clean := deskRows(script, deskLog(t0, `20 msg="find: list shown" query=q hits=50`))
	if strings.Contains(clean[0].note, "warning") {
		t.Errorf("a clean log is said to have warnings: %q", clean[0].note)
	}
}
