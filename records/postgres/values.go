package postgres

import (
	"fmt"
	"time"
)

// tval is t for a nullable timestamptz column: NULL when t is zero (an
// unknown time), as records/sqlite stores it.
func tval(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// timeCol scans a nullable timestamptz into a time.Time, zero for NULL.
type timeCol struct{ t *time.Time }

func (c timeCol) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c.t = time.Time{}
	case time.Time:
		*c.t = v
	default:
		return fmt.Errorf("a time column holds %T", src)
	}
	return nil
}
