package sqlite

import (
	"fmt"
	"time"

	"github.com/chartroom/chartroom/records"
)

// timeLayout stores instants in UTC at a fixed width, so they sort as text
// and read back to the same nanosecond (the audit hash depends on it).
const timeLayout = "2006-01-02T15:04:05.000000000Z"

// tval is the stored form of an instant; the zero time is NULL.
func tval(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(timeLayout)
}

// storedTime is t as the database gives it back (tval, then timeCol): to
// the nanosecond, in local time, without the monotonic clock reading.
func storedTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.Round(0).In(time.Local)
}

// dval is the stored form of a day; the zero Date is NULL.
func dval(d records.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

// idval is the stored form of a reference; 0 is NULL.
func idval(id records.ID) any {
	if id == 0 {
		return nil
	}
	return int64(id)
}

func bval(b bool) int {
	if b {
		return 1
	}
	return 0
}

// The scanners below read nullable columns straight into records fields.

type timeCol struct{ t *time.Time }

func (c timeCol) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*c.t = time.Time{}
		return nil
	case string:
		return c.parse(x)
	case []byte:
		return c.parse(string(x))
	case time.Time:
		*c.t = x.In(time.Local)
		return nil
	}
	return fmt.Errorf("cannot read %T as a time", v)
}

func (c timeCol) parse(s string) error {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("stored time %q: %w", s, err)
	}
	*c.t = t.In(time.Local)
	return nil
}

type dateCol struct{ d *records.Date }

func (c dateCol) Scan(v any) error {
	var s string
	switch x := v.(type) {
	case nil:
		*c.d = records.Date{}
		return nil
	case string:
		s = x
	case []byte:
		s = string(x)
	default:
		return fmt.Errorf("cannot read %T as a date", v)
	}
	d, err := records.ParseDate(s)
	if err != nil {
		return fmt.Errorf("stored date: %w", err)
	}
	*c.d = d
	return nil
}

type idCol struct{ id *records.ID }

func (c idCol) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*c.id = 0
	case int64:
		*c.id = records.ID(x)
	default:
		return fmt.Errorf("cannot read %T as an id", v)
	}
	return nil
}

type strCol struct{ s *string }

func (c strCol) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*c.s = ""
	case string:
		*c.s = x
	case []byte:
		*c.s = string(x)
	default:
		*c.s = fmt.Sprint(x)
	}
	return nil
}

type boolCol struct{ b *bool }

func (c boolCol) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*c.b = false
	case int64:
		*c.b = x != 0
	case bool:
		*c.b = x
	default:
		return fmt.Errorf("cannot read %T as a flag", v)
	}
	return nil
}

// dayStart and dayEnd bound a calendar day in the clerk's time zone as
// stored instants, for range filters on instants.
func dayStart(d records.Date) string {
	t := d.Time()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.Local).UTC().Format(timeLayout)
}

func dayEnd(d records.Date) string { return dayStart(d.AddDays(1)) }
