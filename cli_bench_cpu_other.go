//go:build !linux

package main

import "os"

// cpuMeter cannot see the rest of the machine outside Linux: the table
// then says the load from others is unknown.
type cpuMeter struct{}

func startCPU() cpuMeter { return cpuMeter{} }

// others is negative: unknown.
func (cpuMeter) others() float64 { return -1 }

// settleDisk does nothing outside Linux.
func settleDisk() {}

// syncFloor times n 4 KB writes to a file in dir, each followed by a sync.
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
		return f.Sync()
	})
}
