package postgres

import (
	"slices"
	"time"
)

// exactTimes are the time columns the audit hash and the seals cover, per
// table: an audit event's time and the sealed times (sealedColumns of kind
// 'T'). Each keeps, beside its timestamptz, the nanoseconds past the
// microsecond in the column nanosColumn names (migration 0011), so a
// practice copied from a database file written by an earlier Chartroom,
// whose times had them, keeps a chain that verifies. Every other time is a
// timestamptz alone.
var exactTimes = func() map[string][]string {
	out := map[string][]string{"audit": {"at"}}
	for table, columns := range sealedColumns {
		for _, c := range columns {
			if c.kind == 'T' {
				out[table] = append(out[table], c.name)
			}
		}
	}
	return out
}()

// nanosColumn names the column that keeps the nanoseconds of the exact
// time column.
func nanosColumn(column string) string { return column + "_ns" }

// isExactTime reports whether table.column is one of exactTimes.
func isExactTime(table, column string) bool { return slices.Contains(exactTimes[table], column) }

// isNanosColumn reports whether table.column keeps the nanoseconds of one
// of exactTimes.
func isNanosColumn(table, column string) bool {
	return slices.ContainsFunc(exactTimes[table], func(c string) bool { return nanosColumn(c) == column })
}

// splitNanos is t as its timestamptz keeps it and the nanoseconds past
// the microsecond.
func splitNanos(t time.Time) (time.Time, int16) {
	micro := t.Truncate(time.Microsecond)
	return micro, int16(t.Sub(micro))
}

// withNanos is the time a timestamptz and its nanoseconds column hold.
func withNanos(t time.Time, nanos int16) time.Time { return t.Add(time.Duration(nanos)) }

// exactTimeTextSQL is an SQL expression giving the exact time column as
// the neutral text of records.CopyTimeLayout (NULL when it is NULL): how
// the seals hash it and the copy carries it.
func exactTimeTextSQL(column string) string {
	return "to_char(" + column + ` AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') || lpad(` + nanosColumn(column) + "::text, 3, '0') || 'Z'"
}
