package postgres

import (
	"fmt"
	"time"

	"github.com/chartroom/chartroom/records"
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

// dval is d for a nullable date column: NULL when d is zero (an unknown
// day).
func dval(d records.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

// dateCol scans a nullable date into a records.Date, zero for NULL.
type dateCol struct{ d *records.Date }

func (c dateCol) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c.d = records.Date{}
	case time.Time:
		*c.d = records.NewDate(v.Year(), v.Month(), v.Day())
	default:
		return fmt.Errorf("a date column holds %T", src)
	}
	return nil
}

// strCol scans a nullable text into a string, empty for NULL.
type strCol struct{ s *string }

func (c strCol) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c.s = ""
	case string:
		*c.s = v
	default:
		return fmt.Errorf("a text column holds %T", src)
	}
	return nil
}
