package postgres

import (
	"fmt"
	"time"
)

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
