package reports

import (
	"strconv"
	"strings"
	"time"

	"github.com/chartroom/chartroom/records"
)

// stateLabel is a volume state as a clerk says it.
func stateLabel(s records.VolumeState) string {
	switch s {
	case records.StateInFile:
		return "in file"
	case records.StateCheckedOut:
		return "checked out"
	case records.StateInTransit:
		return "in transit"
	case records.StateMissing:
		return "missing"
	case records.StateOffsite:
		return "offsite"
	case records.StateDestroyed:
		return "destroyed"
	}
	return string(s)
}

// placeText is where a volume is, saying which kind of place it is when it
// is not on its shelf: "Record room > Cabinet A", "Out: Dr. Ada Quill".
func placeText(state records.VolumeState, where string) string {
	switch state {
	case records.StateInFile, "":
		return where
	case records.StateCheckedOut:
		return "Out: " + where
	case records.StateInTransit:
		return "In transit: " + where
	case records.StateOffsite:
		return "Offsite: " + where
	case records.StateMissing:
		// A request's place reads "missing (home: ...)": flag it once.
		if rest := strings.TrimPrefix(where, "missing"); rest != where {
			return "FOLDER MISSING" + rest
		}
		if where == "" {
			return "FOLDER MISSING"
		}
		return "FOLDER MISSING: " + where
	case records.StateDestroyed:
		return "Destroyed"
	}
	return where
}

// volumePlace is placeText for a volume, from records.Volume.Where.
func volumePlace(v records.Volume) string {
	if v.State == records.StateMissing {
		return "MISSING (home: " + v.HomePath + ")"
	}
	return placeText(v.State, v.Where())
}

// dayText is a day or "" when unknown.
func dayText(d records.Date) string { return d.String() }

// count says "1 volume" or "1,204 volumes".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return thousands(n) + " " + many
}

// thousands writes n with thousands separators.
func thousands(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// intOrBlank prints n, or nothing for zero, so columns of mostly zeros stay
// readable.
func intOrBlank(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// lastThirtyDays fills an empty range with the thirty days up to today.
func lastThirtyDays(p *Params) {
	if p.To.IsZero() {
		p.To = records.DateOf(p.Now)
	}
	if p.From.IsZero() {
		p.From = p.To.AddDays(-29)
	}
	if p.To.Before(p.From) {
		p.To = p.From
	}
}

// clock formats a moment in the zone of the report's clock.
func (h header) clock(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(h.PrintedAt.Location()).Format("2006-01-02 15:04")
}

// middayOf is noon of day in the zone of the report's clock: the moment
// days out are counted to when a report is "as of" a day.
func (h header) middayOf(day records.Date) time.Time {
	t := day.Time()
	return time.Date(t.Year(), t.Month(), t.Day(), 12, 0, 0, 0, h.PrintedAt.Location())
}

func itoa(n int) string { return strconv.Itoa(n) }
