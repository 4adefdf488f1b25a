package records

import (
	"strings"
	"unicode/utf8"
)

// maxDuplicateReasonLen bounds the reason a supervisor gives for a second
// chart; it is kept in the audit log.
const maxDuplicateReasonLen = 300

// ValidateDuplicateReason checks the reason given for adding a chart that
// matches an existing one by name and birth date: it must say something.
func ValidateDuplicateReason(reason string) (string, error) {
	reason = strings.Join(strings.Fields(reason), " ")
	switch {
	case reason == "":
		return "", FieldError("Reason", "say why this person needs a second chart (for example: a different person with the same name and birth date)")
	case utf8.RuneCountInString(reason) > maxDuplicateReasonLen:
		return "", FieldError("Reason", "keep it under %d characters", maxDuplicateReasonLen)
	}
	return reason, nil
}

// DuplicatePatientError refuses a new patient whose surname, given name and
// birth date match existing charts, and names them.
func DuplicatePatientError(existing []Patient, fs FilingSystem) *Error {
	names := make([]string, 0, len(existing))
	for _, p := range existing {
		names = append(names, FormatMRN(p.MRN, fs)+" ("+p.DisplayName()+", born "+p.DOB.String()+")")
	}
	return Errorf(EConflict, "this patient may already have a chart: %s. Open that chart instead; a supervisor can add a second chart with a reason", strings.Join(names, ", "))
}
