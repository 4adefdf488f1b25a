package records

import (
	"errors"
	"fmt"
)

// Error codes. A code says what kind of failure it is, so each face can map
// it (exit status 1 or 2, a dialog, a red line at the scan station).
const (
	EInvalid      = "invalid"      // bad input: a field is missing or malformed
	ENotFound     = "not_found"    // no such chart, volume, borrower...
	EConflict     = "conflict"     // the state of the world forbids it (already out, duplicate)
	EForbidden    = "forbidden"    // the signed-in user's role may not do it
	EUnauthorized = "unauthorized" // not signed in, wrong password, locked account
	EInternal     = "internal"     // a fault of the program or the machine
)

// Error is a failure meant for a person: Message is written for a clerk and
// Field, when set, names the form field that is wrong.
type Error struct {
	Code    string
	Field   string
	Message string
	// Err is the underlying cause, if any. Error (and so ErrorMessage)
	// shows it after Message only for EInternal, where the cause ("no
	// space left on device") is what the clerk can tell whoever fixes the
	// machine; for the other codes Message says all a clerk needs.
	Err error
}

func (e *Error) Error() string {
	if e.Err != nil && e.Code == EInternal {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldError returns an EInvalid error that names a field.
func FieldError(field, format string, args ...any) *Error {
	return &Error{Code: EInvalid, Field: field, Message: field + ": " + fmt.Sprintf(format, args...)}
}

// Internal wraps an unexpected failure with a short clerk-facing summary.
func Internal(summary string, err error) *Error {
	return &Error{Code: EInternal, Message: summary, Err: err}
}

// ErrorCode returns the code of the first *Error in err's chain, EInternal for
// any other error and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the clerk-facing message of err.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Error()
	}
	return "Something went wrong: " + err.Error()
}

// ErrorField returns the field an EInvalid error names, or "".
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}
