package records

import (
	"context"
	"fmt"
	"time"
)

// MovementKind names what happened to a folder.
type MovementKind string

const (
	MoveCheckOut MovementKind = "check-out"
	MoveCheckIn  MovementKind = "check-in"
	MoveHandOff  MovementKind = "hand-off"
	MoveMissing  MovementKind = "missing"
	MoveFound    MovementKind = "found"
	MoveTransfer MovementKind = "transfer"
	MoveDestroy  MovementKind = "destroy"
	MoveCreate   MovementKind = "create"
)

// Label is the movement as a clerk says it, on screen and on paper alike.
func (k MovementKind) Label() string {
	switch k {
	case MoveCheckOut:
		return "Checked out"
	case MoveCheckIn:
		return "Checked in"
	case MoveHandOff:
		return "Handed off"
	case MoveMissing:
		return "Marked missing"
	case MoveFound:
		return "Found"
	case MoveTransfer:
		return "Moved"
	case MoveDestroy:
		return "Destroyed"
	case MoveCreate:
		return "Opened"
	}
	return string(k)
}

// Movement is one append-only entry of a folder's history.
type Movement struct {
	ID             ID
	VolumeID       ID
	Kind           MovementKind
	At             time.Time
	UserID         ID
	FromBorrowerID ID
	ToBorrowerID   ID
	FromLocationID ID
	ToLocationID   ID
	Due            Date
	Note           string

	// Filled by the store for display.
	Username     string
	Barcode      string
	MRN          string
	PatientName  string
	VolumeLabel  string
	FromBorrower string
	ToBorrower   string
	FromLocation string
	ToLocation   string
}

// MovementService moves folders. Each call is one transaction that checks
// the folder's current state inside it, so of two racing calls exactly one
// wins and the other is told why.
type MovementService interface {
	// CheckOut checks a folder out (or hands it off) and says what else
	// the scan did: a folder marked missing is recorded found, a check-out
	// to an outside party records a disclosure, the requests it serves are
	// fulfilled.
	CheckOut(ctx context.Context, in CheckOutInput) (CheckOutResult, error)
	CheckIn(ctx context.Context, barcode string) (CheckInResult, error)
	MarkMissing(ctx context.Context, volumeID ID, note string) (Volume, error)
	MarkFound(ctx context.Context, volumeID ID, note string) (Volume, error)
	// Transfer gives an in-file folder a new home location.
	Transfer(ctx context.Context, volumeID, locationID ID, note string) (Volume, error)
	History(ctx context.Context, f HistoryFilter) ([]Movement, error)
}

// CheckOutInput is one scan at the check-out desk.
type CheckOutInput struct {
	Barcode    string
	BorrowerID ID
	Due        Date   // zero: the rule's due date
	HandOff    bool   // a folder already out may go from its borrower to this one
	Note       string // purpose, for an outside borrower
	// Purpose is the category of a check-out to an outside borrower (a
	// disclosure); empty counts as PurposeOther, which is reportable.
	Purpose DisclosurePurpose
}

// CheckOutResult is a check-out with what else it did.
type CheckOutResult struct {
	Volume     Volume
	WasMissing bool        // the folder was marked missing: this scan found it
	Disclosure *Disclosure // recorded for a check-out to an outside party
}

// CheckInResult tells the clerk what waits for a returned folder.
type CheckInResult struct {
	Volume       Volume
	WasMissing   bool
	LooseWaiting []LooseFiling
	Requests     []Request // open requests for this folder or patient
}

// HistoryFilter selects movements; zero fields do not filter.
type HistoryFilter struct {
	VolumeID  ID
	PatientID ID
	From, To  Date // inclusive days
	Limit     int
}

// CheckOutRefusal explains why v cannot go to borrower to, or returns nil.
// A hand-off is allowed only from one borrower to another.
func CheckOutRefusal(v Volume, to Borrower, handOff bool) *Error {
	if !to.Active {
		return Errorf(EConflict, "%s is not an active borrower", to.Name)
	}
	switch v.State {
	case StateInFile:
		if handOff {
			return Errorf(EConflict, "%s (%s) is in file, not out; check it out instead of handing it off", v.Barcode, v.Label())
		}
		return nil
	case StateCheckedOut, StateOffsite, StateInTransit:
		if v.BorrowerID == to.ID {
			return Errorf(EConflict, "%s (%s) is already out to %s since %s", v.Barcode, v.Label(), v.BorrowerName, v.OutSince.Format("2006-01-02 15:04"))
		}
		if handOff {
			return nil
		}
		return Errorf(EConflict, "%s (%s) is already out to %s since %s; check it in first or hand it off", v.Barcode, v.Label(), v.BorrowerName, v.OutSince.Format("2006-01-02 15:04"))
	case StateMissing:
		return Errorf(EConflict, "%s (%s) is marked missing; scan it in as found first", v.Barcode, v.Label())
	case StateDestroyed:
		return Errorf(EConflict, "%s (%s) was destroyed and cannot leave the room", v.Barcode, v.Label())
	}
	return Errorf(EConflict, "%s is in an unknown state %q", v.Barcode, v.State)
}

// CheckInRefusal explains why v cannot be checked in, or returns nil.
func CheckInRefusal(v Volume) *Error {
	switch v.State {
	case StateCheckedOut, StateOffsite, StateInTransit, StateMissing:
		return nil
	case StateInFile:
		return Errorf(EConflict, "%s (%s) is already in file at %s", v.Barcode, v.Label(), v.HomePath)
	case StateDestroyed:
		return Errorf(EConflict, "%s (%s) was destroyed; it cannot be checked in", v.Barcode, v.Label())
	}
	return Errorf(EConflict, "%s is in an unknown state %q", v.Barcode, v.State)
}

// CheckOutDue is the due date of a check-out made at now: the day asked
// for, which may not be past, else the loan period's (DueDate).
func CheckOutDue(asked Date, now time.Time, b Borrower, rt RecordType) (Date, error) {
	if asked.IsZero() {
		return DueDate(now, b, rt), nil
	}
	if asked.Before(DateOf(now)) {
		return Date{}, FieldError("Due", "%s is in the past", asked)
	}
	return asked, nil
}

// CheckOutKind is what handing v to a borrower is: a check-out from the
// shelf, or a hand-off from the borrower who has it.
func CheckOutKind(v Volume) MovementKind {
	if v.State.Out() {
		return MoveHandOff
	}
	return MoveCheckOut
}

// CheckOutDetail is the audit detail of a check-out or hand-off (kind) of
// v to b, due on due, which fulfilled that many open requests.
func CheckOutDetail(kind MovementKind, v Volume, b Borrower, due Date, fulfilled int64) string {
	detail := fmt.Sprintf("%s %s (%s, chart %s) to %s", kind, v.Barcode, v.Label(), v.MRN, b.Name)
	if !due.IsZero() {
		detail += " due " + due.String()
	}
	if fulfilled > 0 {
		detail += fmt.Sprintf("; %d request(s) fulfilled", fulfilled)
	}
	return detail
}

// FoundDetail is the audit detail of a folder marked missing that turned
// up at a scan desk (where: check-out, check-in).
func FoundDetail(v Volume, where string) string {
	return fmt.Sprintf("found %s (%s, chart %s) at %s", v.Barcode, v.Label(), v.MRN, where)
}
