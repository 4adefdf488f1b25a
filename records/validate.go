package records

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Longest text a name-like field may hold; longer input is a paste accident.
const maxNameLength = 100

// cleanText trims a field and refuses control characters, which no form
// field needs and which would corrupt printed reports and TSV output.
func cleanText(field, s string, required bool, max int) (string, *Error) {
	s = strings.TrimSpace(s)
	if s == "" {
		if required {
			return "", FieldError(field, "is required")
		}
		return "", nil
	}
	if !utf8.ValidString(s) {
		return "", FieldError(field, "is not valid text")
	}
	if utf8.RuneCountInString(s) > max {
		return "", FieldError(field, "is longer than %d characters", max)
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return "", FieldError(field, "holds a control character (tab, line break or similar)")
		}
	}
	return s, nil
}
