package records

import "strings"

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
