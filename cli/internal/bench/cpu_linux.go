//go:build linux

package bench

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cpuMeter measures how busy the machine was during a step, and how much
// of that was not this process or its children (the other engineers' builds
// and tests on a shared machine disturb the timings; the table says so).
type cpuMeter struct {
	busy0, ours0 float64
	wall0        time.Time
}

func startCPU() cpuMeter { return cpuMeter{busy0: machineBusy(), ours0: ourCPU(), wall0: time.Now()} }

// others is the CPU the rest of the machine used since start, in cores.
func (m cpuMeter) others() float64 {
	wall := time.Since(m.wall0).Seconds()
	if wall <= 0 {
		return 0
	}
	return max(0, (machineBusy()-m.busy0)-(ourCPU()-m.ours0)) / wall
}

// machineBusy is the seconds of CPU all processes used since boot.
func machineBusy() float64 {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	var busy float64
	for i, v := range f[1:] {
		n, _ := strconv.ParseFloat(v, 64)
		if i == 3 || i == 4 { // idle, iowait
			continue
		}
		busy += n
	}
	return busy / 100 // USER_HZ
}

// ourCPU is the CPU seconds this process and its finished children used.
func ourCPU() float64 {
	total := 0.0
	for _, who := range []int{syscall.RUSAGE_SELF, syscall.RUSAGE_CHILDREN} {
		var ru syscall.Rusage
		if syscall.Getrusage(who, &ru) == nil {
			total += float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
		}
	}
	return total
}

// settleDisk writes out what the bench itself left waiting for the disk
// (the bulk load's and the sqlite3 tool's gigabytes are written without
// sync): a check-out's fdatasync queued behind them waited for them (twice
// as slow in one run). An office computer does not have them.
func settleDisk() { syscall.Sync() }

// datasync is fdatasync: a commit at synchronous=FULL ends with one.
func datasync(f *os.File) error { return syscall.Fdatasync(int(f.Fd())) }
