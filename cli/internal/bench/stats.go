package bench

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"time"
)

// sample is the repeated measurements of one benchmark figure.
type sample []float64

// quantile is the q-th quantile (0..1) by the nearest-rank method: the p99
// of 100 runs is the slowest but one, of 10 runs the slowest.
func (s sample) quantile(q float64) float64 {
	if len(s) == 0 {
		return 0
	}
	sorted := append(sample(nil), s...)
	sort.Float64s(sorted)
	rank := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[min(max(rank, 0), len(sorted)-1)]
}

func (s sample) median() float64 { return s.quantile(0.5) }
func (s sample) p99() float64    { return s.quantile(0.99) }

// timeIt runs fn n times and returns the durations in milliseconds.
func timeIt(n int, fn func(i int) error) (sample, error) {
	s := make(sample, 0, n)
	for i := 0; i < n; i++ {
		start := time.Now()
		if err := fn(i); err != nil {
			return s, err
		}
		s = append(s, float64(time.Since(start).Microseconds())/1000)
	}
	return s, nil
}

// benchRow is one line of the result table.
type benchRow struct {
	figure string
	n      int
	median string
	p99    string
	floor  string // what the figure is held to, measured in the same run
	ratio  string // the figure over its floor
	target string
	met    string // "yes", "NO", or "" when there is no target
	others string // the CPU the rest of the machine used meanwhile
	note   string // what was measured
}

// ratio is a figure divided by its floor, as the table prints it.
func ratio(v float64) string { return fmt.Sprintf("%.2fx", v) }

func ms(v float64) string {
	switch {
	case v >= 10_000:
		return fmt.Sprintf("%.1f s", v/1000)
	case v >= 100:
		return fmt.Sprintf("%.0f ms", v)
	case v >= 1:
		return fmt.Sprintf("%.2f ms", v)
	}
	return fmt.Sprintf("%.3f ms", v)
}

func verdict(ok bool) string {
	if ok {
		return "yes"
	}
	return "NO"
}

// printTable writes the rows as one Markdown table.
func printTable(w io.Writer, rows []benchRow) {
	fmt.Fprintln(w, "| figure | n | median | p99 | floor, same run | ratio | target | met | others' CPU | notes |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---|---|---:|---|")
	for _, r := range rows {
		fmt.Fprintf(w, "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s |\n",
			r.figure, r.n, r.median, r.p99, r.floor, r.ratio, r.target, r.met, r.others, r.note)
	}
}

// count writes n with thousands separated: 1,000,000.
func count(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
