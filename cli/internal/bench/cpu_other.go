//go:build !linux

package bench

import "os"

// cpuMeter cannot see the rest of the machine outside Linux: the table
// then says the load from others is unknown.
type cpuMeter struct{}

func startCPU() cpuMeter { return cpuMeter{} }

// others is negative: unknown.
func (cpuMeter) others() float64 { return -1 }

// settleDisk does nothing outside Linux.
func settleDisk() {}

// datasync flushes f (fdatasync where there is one).
func datasync(f *os.File) error { return f.Sync() }
