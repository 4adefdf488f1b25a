package ui

import (
	"sort"
	"testing"
	"time"
)

// TestCoalescerRunsOnceTheAsksPause drives a coalescer on a clock of its
// own: asks at the given moments, and the moments the action ran.
func TestCoalescerRunsOnceTheAsksPause(t *testing.T) {
	const settle, maxWait = 700 * time.Millisecond, 5 * time.Second
	ms := func(v ...int) []time.Duration {
		var d []time.Duration
		for _, x := range v {
			d = append(d, time.Duration(x)*time.Millisecond)
		}
		return d
	}
	every := func(step, until int) []time.Duration {
		var d []time.Duration
		for x := 0; x <= until; x += step {
			d = append(d, time.Duration(x)*time.Millisecond)
		}
		return d
	}
	for _, tc := range []struct {
		name string
		asks []time.Duration
		ran  []time.Duration
	}{
		{"one ask runs after the pause", ms(0), ms(700)},
		{"a burst runs once, after its last ask", ms(0, 300, 600, 900), ms(1600)},
		{"asks a pause apart each run", ms(0, 1000), ms(700, 1700)},
		{"a long run of asks still runs every maxWait", every(300, 9000), ms(5000, 9700)},
		{"an ask after a run starts a new wait", ms(0, 300, 2000), ms(1000, 2700)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var clock time.Duration
			type timer struct {
				at time.Duration
				fn func()
			}
			var timers []timer
			var ran []time.Duration
			c := newCoalescer(settle, maxWait, func(d time.Duration, fn func()) {
				timers = append(timers, timer{clock + d, fn})
			}, func() { ran = append(ran, clock) })
			start := time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)
			c.now = func() time.Time { return start.Add(clock) }
			// fire runs the timers due by until, in time order.
			fire := func(until time.Duration) {
				for {
					sort.SliceStable(timers, func(i, j int) bool { return timers[i].at < timers[j].at })
					if len(timers) == 0 || timers[0].at > until {
						return
					}
					next := timers[0]
					timers = timers[1:]
					clock = next.at
					next.fn()
				}
			}
			for _, at := range tc.asks {
				fire(at)
				clock = at
				c.ask()
			}
			fire(time.Hour)
			if len(ran) != len(tc.ran) {
				t.Fatalf("ran at %v, want %v", ran, tc.ran)
			}
			for i := range ran {
				if ran[i] != tc.ran[i] {
					t.Fatalf("ran at %v, want %v", ran, tc.ran)
				}
			}
		})
	}
}
