package csvimport

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/chartroom/chartroom/records"
)

// when is a date, and perhaps a time of day, as an export wrote it.
type when struct {
	date         records.Date
	clock        string // "HH:MM"; "" when the cell had no time
	twoDigitYear bool   // the year was written with two digits and read as 20YY
}

// excelEpoch is day 0 of Excel's serial day numbers. Excel counts a
// 29 February 1900 that never was (serial 60), so from serial 61 on the
// epoch is 30 December 1899; the few serials before it are days of early
// 1900, no date a chart room needs, and are refused.
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// dateFormats is what the date columns accept, for messages.
const dateFormats = "YYYY-MM-DD, MM/DD/YYYY, M/D/YY, DD.MM.YYYY, YYYYMMDD, an ISO date-time or an Excel day number"

// parseWhen reads a date cell as practice systems and Excel write it:
// 2025-03-29, 2025-03-29T08:10:05Z (moved into zone, the practice's),
// 2025-03-29 08:10, 03/29/2025, 3/29/25, 03/29/2025 8:10 AM, 29.03.2025,
// 20250329, or an Excel serial day number (45745, 45745.34 with a time).
// An empty cell is the zero when.
func parseWhen(s string, zone *time.Location) (when, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return when{}, nil
	}
	if len(s) == 10 && s[4] == '-' && s[7] == '-' {
		// ISO dates are most of what exports hold: read them at once.
		if d, err := records.ParseDate(s); err == nil {
			return when{date: d}, nil
		}
	}
	bad := func() (when, error) { return when{}, fmt.Errorf("%q is not a date; use %s", s, dateFormats) }
	if len(s) > 40 {
		return bad()
	}
	if strings.ContainsAny(s, "Tt") || strings.HasSuffix(s, "Z") || looksLikeISODateTime(s) {
		if w, ok := parseISODateTime(s, zone); ok {
			return w, nil
		}
	}
	datePart, clockPart, hasClock := strings.Cut(s, " ")
	var w when
	var err error
	switch {
	case isDigits(datePart) && len(datePart) == 8:
		w.date, err = dateOf(datePart[0:4], datePart[4:6], datePart[6:8])
	case isSerial(datePart):
		w, err = excelSerial(datePart)
		if err != nil {
			return when{}, err
		}
	case strings.Count(datePart, "-") == 2:
		p := strings.Split(datePart, "-")
		if len(p[0]) != 4 {
			return bad()
		}
		w.date, err = dateOf(p[0], p[1], p[2])
	case strings.Count(datePart, "/") == 2:
		p := strings.Split(datePart, "/")
		switch {
		case len(p[0]) == 4: // 2025/03/29
			w.date, err = dateOf(p[0], p[1], p[2])
		case len(p[2]) == 2:
			w.date, err = dateOf("20"+p[2], p[0], p[1])
			w.twoDigitYear = true
		case len(p[2]) == 4:
			w.date, err = dateOf(p[2], p[0], p[1])
		default:
			return bad()
		}
	case strings.Count(datePart, ".") == 2:
		p := strings.Split(datePart, ".")
		if len(p[2]) != 4 {
			return bad()
		}
		w.date, err = dateOf(p[2], p[1], p[0])
	default:
		return bad()
	}
	if err != nil {
		if err == errNotADate {
			return bad()
		}
		if p := strings.Split(datePart, "/"); len(p) == 3 && len(p[0]) == 2 && p[0] > "12" {
			return when{}, fmt.Errorf("%q is not a real date: dates with slashes are read month first (MM/DD/YYYY)", s)
		}
		return when{}, fmt.Errorf("%q is not a real date", s)
	}
	if hasClock {
		if w.clock != "" {
			return bad()
		}
		if w.clock, err = parseClock(clockPart); err != nil {
			return when{}, fmt.Errorf("%q: %w", s, err)
		}
	}
	return w, nil
}

var errNotADate = fmt.Errorf("not a date")

// dateOf checks a year, month and day written as digits (one or two for
// the month and day) and makes the date; an impossible day is refused, not
// rolled into the next month.
func dateOf(y, m, d string) (records.Date, error) {
	if len(y) != 4 || len(m) < 1 || len(m) > 2 || len(d) < 1 || len(d) > 2 || !isDigits(y+m+d) {
		return records.Date{}, errNotADate
	}
	return records.ParseDate(y + "-" + pad2(m) + "-" + pad2(d))
}

func pad2(s string) string {
	if len(s) == 1 {
		return "0" + s
	}
	return s
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isSerial is an Excel day number: up to five digits, perhaps with a
// fraction of a day.
func isSerial(s string) bool {
	whole, frac, dot := strings.Cut(s, ".")
	return isDigits(whole) && len(whole) <= 5 && (!dot || isDigits(frac))
}

func excelSerial(s string) (when, error) {
	whole, frac, _ := strings.Cut(s, ".")
	days, _ := strconv.Atoi(whole)
	if days < 61 {
		return when{}, fmt.Errorf("%q is not a date (as an Excel day number it is before March 1900)", s)
	}
	w := when{date: records.DateOf(excelEpoch.AddDate(0, 0, days))}
	if frac != "" {
		f, err := strconv.ParseFloat("0."+frac, 64)
		if err != nil {
			return when{}, fmt.Errorf("%q is not a date", s)
		}
		minutes := int(f*24*60 + 0.5)
		if minutes >= 24*60 {
			minutes = 24*60 - 1
		}
		w.clock = fmt.Sprintf("%02d:%02d", minutes/60, minutes%60)
	}
	return w, nil
}

// looksLikeISODateTime is "YYYY-MM-DD HH:MM..." with a space.
func looksLikeISODateTime(s string) bool {
	return len(s) >= 16 && s[4] == '-' && s[7] == '-' && s[10] == ' ' && s[13] == ':'
}

// isoLayouts are the ISO 8601 date-times exports write; with a zone or
// offset the time is moved into the practice's zone, without one it is
// the practice's time already.
var isoLayouts = []struct {
	layout string
	zoned  bool
}{
	{time.RFC3339Nano, true},
	{"2006-01-02T15:04Z07:00", true},
	{"2006-01-02 15:04:05Z07:00", true},
	{"2006-01-02T15:04:05.999999999", false},
	{"2006-01-02T15:04", false},
	{"2006-01-02 15:04:05.999999999", false},
	{"2006-01-02 15:04", false},
}

func parseISODateTime(s string, zone *time.Location) (when, bool) {
	if zone == nil {
		zone = time.Local
	}
	s = strings.Replace(s, "t", "T", 1)
	if strings.HasSuffix(s, "z") {
		s = s[:len(s)-1] + "Z"
	}
	for _, l := range isoLayouts {
		t, err := time.ParseInLocation(l.layout, s, zone)
		if err != nil {
			continue
		}
		if l.zoned {
			t = t.In(zone)
		}
		if t.Year() < 1800 {
			return when{}, false
		}
		return when{date: records.DateOf(t), clock: t.Format("15:04")}, true
	}
	return when{}, false
}

// pastDate reads a date that cannot be in the future (a birth, a death, a
// visit): a two-digit year that would put it after today is of the
// century before, and centuryBack says it was moved.
func pastDate(s string, today records.Date) (d records.Date, centuryBack bool, err error) {
	w, err := parseWhen(s, time.UTC)
	if err != nil {
		return records.Date{}, false, err
	}
	if w.twoDigitYear && w.date.After(today) {
		t := w.date.Time()
		back, err := records.ParseDate(fmt.Sprintf("%04d-%02d-%02d", t.Year()-100, t.Month(), t.Day()))
		if err != nil { // 29 February of a year that was not a leap year a century before
			return records.Date{}, false, fmt.Errorf("%q is not a real date", s)
		}
		return back, true, nil
	}
	return w.date, false, nil
}

// parseClock reads "9:30", "09:30", "9:30:15", "2:15 PM" or "14:15" as
// "HH:MM".
func parseClock(s string) (string, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if s == "" {
		return "", nil
	}
	bad := fmt.Errorf("%q is not a time; use HH:MM", s)
	pm, am := strings.HasSuffix(s, "PM"), strings.HasSuffix(s, "AM")
	if pm || am {
		s = strings.TrimSpace(s[:len(s)-2])
	}
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 || len(parts[0]) > 2 || len(parts[1]) != 2 || !isDigits(parts[0]) || !isDigits(parts[1]) {
		return "", bad
	}
	if len(parts) == 3 {
		if sec, frac, _ := strings.Cut(parts[2], "."); len(sec) != 2 || !isDigits(sec) || sec > "59" || (frac != "" && !isDigits(frac)) {
			return "", bad
		}
	}
	h, _ := strconv.Atoi(parts[0])
	m, _ := strconv.Atoi(parts[1])
	if pm || am {
		if h < 1 || h > 12 {
			return "", fmt.Errorf("%q is not a time", s)
		}
		if pm && h != 12 {
			h += 12
		}
		if am && h == 12 {
			h = 0
		}
	}
	if h > 23 || m > 59 {
		return "", fmt.Errorf("%q is not a time", s)
	}
	return fmt.Sprintf("%02d:%02d", h, m), nil
}

// sexSpellings maps how systems write sex onto the chart's letters
// (records.Sex*): words, abbreviations and HL7's administrative sex codes.
var sexSpellings = map[string]string{
	"f": records.SexFemale, "female": records.SexFemale, "woman": records.SexFemale, "w": records.SexFemale, "fem": records.SexFemale,
	"m": records.SexMale, "male": records.SexMale, "man": records.SexMale,
	"x": records.SexOther, "o": records.SexOther, "other": records.SexOther, "a": records.SexOther, "ambiguous": records.SexOther,
	"nonbinary": records.SexOther, "non-binary": records.SexOther, "intersex": records.SexOther,
	"u": records.SexUnknown, "unknown": records.SexUnknown, "unk": records.SexUnknown, "n": records.SexUnknown,
	"not applicable": records.SexUnknown, "not specified": records.SexUnknown, "unspecified": records.SexUnknown,
	"undisclosed": records.SexUnknown, "declined": records.SexUnknown, "": records.SexUnknown,
}

// sexOf maps a sex cell; known is false for a spelling not in the table,
// which is then recorded as unknown (and the import names it).
func sexOf(s string) (sex string, known bool) {
	s = strings.TrimSpace(s)
	if sex, known = sexSpellings[s]; known { // "f", "", and below
		return sex, true
	}
	switch s { // the usual capitals, without lower-casing a copy
	case "F":
		return records.SexFemale, true
	case "M":
		return records.SexMale, true
	case "U":
		return records.SexUnknown, true
	case "X":
		return records.SexOther, true
	}
	sex, known = sexSpellings[strings.ToLower(s)]
	if !known {
		return records.SexUnknown, false
	}
	return sex, true
}
