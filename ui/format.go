package ui

import (
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2/widget"

	"github.com/chartroom/chartroom/records"
)

// Dates show one way throughout: YYYY-MM-DD, with HH:MM when the time of day
// matters.
const (
	dateLayout     = "2006-01-02"
	dateTimeLayout = "2006-01-02 15:04"
)

// when formats a moment in the clerk's local time, "" for zero.
func when(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format(dateTimeLayout)
}

// plural writes "1 chart", "3 charts", "2 batches".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	for _, end := range []string{"ch", "sh", "s", "x"} {
		if strings.HasSuffix(word, end) {
			return strconv.Itoa(n) + " " + word + "es"
		}
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// stateLabel is a volume state as a clerk says it.
func stateLabel(st records.VolumeState) string {
	switch st {
	case records.StateInFile:
		return "In file"
	case records.StateCheckedOut:
		return "Checked out"
	case records.StateInTransit:
		return "In transit"
	case records.StateMissing:
		return "Missing"
	case records.StateOffsite:
		return "Offsite"
	case records.StateDestroyed:
		return "Destroyed"
	}
	return string(st)
}

// requestStateLabel is a request state as a clerk says it.
func requestStateLabel(st records.RequestState) string {
	switch st {
	case records.RequestPending:
		return "Pending"
	case records.RequestPulled:
		return "Pulled"
	case records.RequestFulfilled:
		return "Fulfilled"
	case records.RequestNotFillable:
		return "Not fillable"
	case records.RequestCancelled:
		return "Cancelled"
	case records.RequestExpired:
		return "Expired"
	}
	return string(st)
}

// borrowerKindLabel is a borrower kind as a clerk says it.
func borrowerKindLabel(k records.BorrowerKind) string {
	switch k {
	case records.BorrowerProvider:
		return "Provider"
	case records.BorrowerStaff:
		return "Staff"
	case records.BorrowerDepartment:
		return "Department"
	case records.BorrowerExternal:
		return "Outside party"
	case records.BorrowerOffsite:
		return "Offsite storage"
	}
	return string(k)
}

func borrowerKindLabels() []string {
	out := make([]string, len(records.BorrowerKinds))
	for i, k := range records.BorrowerKinds {
		out[i] = borrowerKindLabel(k)
	}
	return out
}

func borrowerKindFromLabel(l string) records.BorrowerKind {
	for _, k := range records.BorrowerKinds {
		if borrowerKindLabel(k) == l {
			return k
		}
	}
	return records.BorrowerStaff
}

// atoiField reads a whole number typed into a form field; the error names it.
func atoiField(field, text string) (int, error) {
	if text == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(text)
	if err != nil {
		return 0, records.FieldError(field, "%q is not a whole number", text)
	}
	return n, nil
}

// dateField reads a date typed into a form field; the error names it.
func dateField(field, text string) (records.Date, error) {
	d, err := records.ParseDate(text)
	if err != nil {
		return records.Date{}, records.FieldError(field, "%s", err.Error())
	}
	return d, nil
}

// volumeTone colours a folder's row by its state: red when missing or
// overdue, amber when destroyed or out, plain in file.
func volumeTone(v records.Volume, today records.Date) widget.Importance {
	switch {
	case v.State == records.StateMissing || records.Overdue(v, today):
		return widget.DangerImportance
	case v.State == records.StateDestroyed:
		return widget.WarningImportance
	}
	return widget.MediumImportance
}

// requestTone colours a request's row: red when refused (not fillable) or
// its folder is missing, amber when cancelled or expired, green fulfilled.
func requestTone(q records.Request) widget.Importance {
	switch {
	case q.State == records.RequestNotFillable || (q.State.Open() && q.FolderMissing()):
		return widget.DangerImportance
	case q.State == records.RequestCancelled || q.State == records.RequestExpired:
		return widget.WarningImportance
	case q.State == records.RequestFulfilled:
		return widget.SuccessImportance
	}
	return widget.MediumImportance
}

// roleLabel names a role in the desk's words.
func roleLabel(r records.Role) string {
	switch r {
	case records.RoleAdmin:
		return "Administrator"
	case records.RoleSupervisor:
		return "Supervisor"
	case records.RoleClerk:
		return "Clerk"
	}
	return string(r)
}
