package records

import "strings"

// RequestTransitionRefusal explains why a request in state from cannot move
// to state to (with reason), or returns nil. Requests move pending -> pulled
// -> fulfilled; an open request may instead become not fillable or be
// cancelled, which needs a reason. Expiry is the store's job, not a clerk's.
func RequestTransitionRefusal(from, to RequestState, reason string) *Error {
	allowed := map[RequestState][]RequestState{
		RequestPending: {RequestPulled, RequestNotFillable, RequestCancelled},
		RequestPulled:  {RequestFulfilled, RequestNotFillable, RequestCancelled},
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
