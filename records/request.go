package records

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// RequestTransitionRefusal explains why a request in state from cannot be
// moved by hand to state to (with reason), or returns nil. A clerk marks a
// pending request pulled; an open request may instead become not fillable
// or be cancelled, which needs a reason. Fulfilled is never set by hand:
// the check-out of the folder to the one who asked fulfils the request, so
// a request cannot say fulfilled while the chart still says in file.
// Expiry is the store's job, not a clerk's.
func RequestTransitionRefusal(from, to RequestState, reason string) *Error {
	if to == RequestFulfilled && from.Open() {
		return Errorf(EConflict, "a request is fulfilled by checking its folder out to the one who asked; check the folder out instead")
	}
	allowed := map[RequestState][]RequestState{
		RequestPending: {RequestPulled, RequestNotFillable, RequestCancelled},
		RequestPulled:  {RequestNotFillable, RequestCancelled},
	}
	ok := false
	for _, s := range allowed[from] {
		ok = ok || s == to
	}
	if !ok {
		if !from.Open() {
			return Errorf(EConflict, "the request is already %s", from)
		}
		return Errorf(EConflict, "a %s request cannot become %s", from, to)
	}
	if (to == RequestNotFillable || to == RequestCancelled) && strings.TrimSpace(reason) == "" {
		return FieldError("Reason", "is required when a request is %s", to)
	}
	return nil
}

// RequestPullRefusal explains why request r cannot be marked pulled, or
// returns nil: a folder that is not in file cannot be pulled from the shelf,
// and a request saying pulled would send the clerk looking for it there.
func RequestPullRefusal(r Request) *Error {
	if r.VolumeState == "" || r.VolumeState == StateInFile {
		return nil
	}
	return Errorf(EConflict, "%s (%s) is not on the shelf: it is %s (%s). Wait until it comes back, or mark the request not fillable",
		r.Barcode, r.VolumeLabel, r.VolumeState, r.Where)
}

// RequestState is where a request for a chart stands.
type RequestState string

const (
	RequestPending     RequestState = "pending"
	RequestPulled      RequestState = "pulled"
	RequestFulfilled   RequestState = "fulfilled"
	RequestNotFillable RequestState = "not-fillable"
	RequestCancelled   RequestState = "cancelled"
	RequestExpired     RequestState = "expired"
)

// RequestStates lists every state, for filters.
var RequestStates = []RequestState{RequestPending, RequestPulled, RequestFulfilled, RequestNotFillable, RequestCancelled, RequestExpired}

// Open reports whether the request still waits for the record room.
func (s RequestState) Open() bool { return s == RequestPending || s == RequestPulled }

// Request is a chart wanted by a borrower by a date.
type Request struct {
	ID          ID
	PatientID   ID
	VolumeID    ID // 0: the patient's current volume of the default type
	BorrowerID  ID
	NeededOn    Date
	NeededAt    string // "09:30" from an appointment, else ""
	Reason      string
	State       RequestState
	StateReason string // why not fillable or cancelled
	Source      string // "manual" or "appointment"
	CreatedAt   time.Time
	CreatedBy   ID
	UpdatedAt   time.Time

	// Filled by the store for display.
	MRN          string
	PatientName  string
	BorrowerName string
	BorrowerTel  string
	VolumeLabel  string
	Barcode      string
	VolumeState  VolumeState
	Where        string
	FilingKey    string
}

// RequestService queues requests for charts and builds pull lists.
type RequestService interface {
	CreateRequest(ctx context.Context, r Request) (Request, error)
	ListRequests(ctx context.Context, f RequestFilter) ([]Request, error)
	// SetRequestState moves a request along pending -> pulled -> fulfilled,
	// or to not-fillable / cancelled with a reason.
	SetRequestState(ctx context.Context, id ID, state RequestState, reason string) (Request, error)
	// ExpireRequests marks pending requests stale past the expiry setting.
	ExpireRequests(ctx context.Context) (int, error)
	// ImportAppointments creates a request per appointment row.
	ImportAppointments(ctx context.Context, rows []AppointmentRow, dryRun bool) (ImportSummary, error)
	// ImportAppointmentsWith is ImportAppointments with its options.
	ImportAppointmentsWith(ctx context.Context, rows []AppointmentRow, opt AppointmentImport) (ImportSummary, error)
}

// RequestFilter selects requests; zero fields do not filter. Results come
// in filing order within a day.
type RequestFilter struct {
	From, To  Date
	States    []RequestState
	PatientID ID
	VolumeID  ID
}

// ValidateRequest cleans r in place and says what is wrong with it.
// A new request is for today or a later day: a past one would never show on
// a pull list and stay pending for ever.
func ValidateRequest(r *Request, today Date) error {
	if r.PatientID == 0 && r.VolumeID == 0 {
		return FieldError("Chart", "is required")
	}
	if r.BorrowerID == 0 {
		return FieldError("Borrower", "is required")
	}
	if r.NeededOn.IsZero() {
		return FieldError("Needed on", "is required")
	}
	if r.NeededOn.Before(today) {
		return FieldError("Needed on", "%s is in the past; a request is for today (%s) or a later day", r.NeededOn, today)
	}
	at, err := ParseClockTime(r.NeededAt)
	if err != nil {
		return err
	}
	r.NeededAt = at
	var e *Error
	if r.Reason, e = cleanText("Reason", r.Reason, false, 200); e != nil {
		return e
	}
	if r.Source == "" {
		r.Source = "manual"
	}
	return nil
}

// ParseClockTime reads a time of day as H:MM or HH:MM (24-hour clock) and
// writes it HH:MM; empty stays empty.
func ParseClockTime(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	bad := FieldError("Time", "%q is not a time of day; write it as HH:MM on a 24-hour clock, e.g. 09:30 or 14:05", s)
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(h) < 1 || len(h) > 2 || len(m) != 2 {
		return "", bad
	}
	hour, err1 := strconv.Atoi(h)
	minute, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hour < 0 || hour > 23 || minute < 0 || minute > 59 || strings.ContainsAny(h+m, "+-") {
		return "", bad
	}
	return fmt.Sprintf("%02d:%02d", hour, minute), nil
}

// RequestIsStale reports whether a pending request for day needed is stale
// on day today under an expiry of days (0: never).
func RequestIsStale(r Request, today Date, days int) bool {
	if days <= 0 || r.State != RequestPending || r.NeededOn.IsZero() {
		return false
	}
	return today.After(r.NeededOn.AddDays(days))
}

// FolderMissing reports whether the folder a request wants is marked
// missing: the requests list and the pull list flag such requests, and the
// flag clears by itself when the folder is found (any scan of it).
func (r Request) FolderMissing() bool { return r.VolumeState == StateMissing }
