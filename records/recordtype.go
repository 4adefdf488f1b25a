package records

import (
	"regexp"
	"strings"
)

// RecordType is a kind of folder: Medical, X-ray films, Billing...
type RecordType struct {
	ID       ID
	Name     string
	Code     string // one or two letters, printed on labels
	LoanDays int    // default loan period of a check-out
	// Color ("#RRGGBB") is the colour of this type's folders, shown as a
	// swatch beside the type in Administration. Folder labels do not print
	// it: their colour bands come from the chart number (reports).
	Color   string
	Default bool // the type new patients' first volume gets
	Active  bool
	// BillingOnly folders hold billing papers only; the retention policy's
	// billing period applies to them instead of the clinical rules.
	BillingOnly bool
}

var colorPattern = regexp.MustCompile(`^#[0-9A-Fa-f]{6}$`)

// ValidateRecordType cleans rt in place and says what is wrong with it.
func ValidateRecordType(rt *RecordType) error {
	var e *Error
	if rt.Name, e = cleanText("Name", rt.Name, true, 40); e != nil {
		return e
	}
	if rt.Code, e = cleanText("Code", rt.Code, false, 3); e != nil {
		return e
	}
	if rt.Code == "" {
		rt.Code = strings.ToUpper(string([]rune(rt.Name)[:1]))
	}
	if rt.LoanDays < 0 || rt.LoanDays > 3650 {
		return FieldError("Loan days", "must be between 0 and 3650, not %d", rt.LoanDays)
	}
	rt.Color = strings.TrimSpace(rt.Color)
	if rt.Color == "" {
		rt.Color = "#3A6EA5"
	}
	if !colorPattern.MatchString(rt.Color) {
		return FieldError("Colour", "must look like #1E90FF, not %q", rt.Color)
	}
	rt.Color = strings.ToUpper(rt.Color)
	return nil
}
