package postgres

import (
	"reflect"
	"testing"
	"time"
)

// Values cross into PostgreSQL's types and back unchanged, or are refused:
// never rounded, since the audit hashes and seals cover them.
func TestNeutralValuesRoundTrip(t *testing.T) {
	tests := []struct {
		typ     string
		neutral any
		want    any // as pgx writes it
	}{
		{"bigint", int64(-7), int64(-7)},
		{"integer", int64(42), int64(42)},
		{"boolean", int64(1), true},
		{"boolean", int64(0), false},
		{"text", "Ünïcödé, \x00 and all", "Ünïcödé, \x00 and all"},
		{"bytea", []byte{0, 1, 0xff}, []byte{0, 1, 0xff}},
		{"date", "2024-02-29", time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)},
		{"timestamp with time zone", "2025-03-10T09:30:00.123456000Z", time.Date(2025, 3, 10, 9, 30, 0, 123456000, time.UTC)},
		{"text", nil, nil},
		{"timestamp with time zone", nil, nil},
	}
	for _, tt := range tests {
		got, err := fromNeutral(tt.neutral, tt.typ)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("fromNeutral(%#v, %s) = %#v, %v; want %#v", tt.neutral, tt.typ, got, err, tt.want)
			continue
		}
		// pgx reads an integer column as int32 and a time in local time.
		read := got
		if n, ok := got.(int64); ok && tt.typ == "integer" {
			read = int32(n)
		}
		if tm, ok := got.(time.Time); ok && tt.typ != "date" {
			read = tm.In(time.FixedZone("EST", -5*3600))
		}
		back, err := toNeutral(read, tt.typ)
		if err != nil || !reflect.DeepEqual(back, tt.neutral) {
			t.Errorf("toNeutral(%#v, %s) = %#v, %v; want %#v", read, tt.typ, back, err, tt.neutral)
		}
	}
}

func TestNeutralValuesRefused(t *testing.T) {
	tests := []struct {
		typ     string
		neutral any
	}{
		{"boolean", int64(2)},
		{"boolean", "true"},
		{"bigint", "12"},
		{"text", int64(12)},
		{"date", "2024-2-29"},
		{"date", "2023-02-29"},
		{"timestamp with time zone", "2025-03-10 09:30:00"},
		{"bytea", "00ff"},
	}
	for _, tt := range tests {
		if got, err := fromNeutral(tt.neutral, tt.typ); err == nil {
			t.Errorf("fromNeutral(%#v, %s) = %#v, want a refusal", tt.neutral, tt.typ, got)
		}
	}
}

// A time to the nanosecond is taken whole, and split into what the
// timestamptz keeps and the nanoseconds its companion column keeps.
func TestExactTimesSplitAndJoin(t *testing.T) {
	got, err := fromNeutral("2025-03-10T09:30:00.123456789Z", "timestamp with time zone")
	want := time.Date(2025, 3, 10, 9, 30, 0, 123456789, time.UTC)
	if err != nil || !got.(time.Time).Equal(want) {
		t.Fatalf("fromNeutral = %v, %v; want %v", got, err, want)
	}
	for _, ns := range []int{0, 1, 999, 123456789, 999999999} {
		tm := time.Date(2019, 12, 31, 23, 59, 59, ns, time.UTC)
		micro, nanos := splitNanos(tm)
		if micro.Nanosecond()%1000 != 0 || nanos < 0 || nanos > 999 || !withNanos(micro, nanos).Equal(tm) {
			t.Errorf("%v: split into %v and %d", tm, micro, nanos)
		}
	}
	if !isExactTime("users", "last_sign_in") || !isExactTime("audit", "at") || isExactTime("patients", "updated_at") ||
		!isNanosColumn("movements", "at_ns") || isNanosColumn("movements", "at") {
		t.Errorf("the exact times are %v", exactTimes)
	}
}
