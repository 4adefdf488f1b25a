package ui

import "time"

// coalescer runs an action once a run of asks for it pauses: settle after
// the last ask, and during an unbroken run at most maxWait after the first
// ask not yet answered. It lives on the UI goroutine: ask is called there,
// and after must call its function there too.
type coalescer struct {
	settle, maxWait time.Duration
	after           func(d time.Duration, fn func()) // runs fn d from now
	run             func()
	now             func() time.Time

	waiting bool      // an ask is not yet answered
	first   time.Time // when the first unanswered ask came
	asks    int       // asks so far: a timer knows whether one came after it
}

func newCoalescer(settle, maxWait time.Duration, after func(time.Duration, func()), run func()) *coalescer {
	return &coalescer{settle: settle, maxWait: maxWait, after: after, run: run, now: time.Now}
}

// ask runs the action later: when no other ask follows within settle, or
// when maxWait has passed since the first unanswered ask.
func (c *coalescer) ask() {
	now := c.now()
	if !c.waiting {
		c.waiting, c.first = true, now
	}
	c.asks++
	this := c.asks
	wait := min(c.settle, max(c.first.Add(c.maxWait).Sub(now), 0))
	c.after(wait, func() {
		if !c.waiting {
			return // answered by an earlier timer
		}
		if c.asks != this && c.now().Sub(c.first) < c.maxWait {
			return // a later ask's timer answers
		}
		c.waiting = false
		c.run()
	})
}
