package records

import (
	"context"
	"strconv"
	"time"
)

// VolumeState is where a physical folder is.
type VolumeState string

const (
	StateInFile     VolumeState = "in-file"
	StateCheckedOut VolumeState = "checked-out"
	StateInTransit  VolumeState = "in-transit"
	StateMissing    VolumeState = "missing"
	StateOffsite    VolumeState = "offsite"
	StateDestroyed  VolumeState = "destroyed"
)

// VolumeStates lists every state, for filters.
var VolumeStates = []VolumeState{StateInFile, StateCheckedOut, StateInTransit, StateMissing, StateOffsite, StateDestroyed}

// Valid reports whether s is a known state.
func (s VolumeState) Valid() bool {
	for _, v := range VolumeStates {
		if s == v {
			return true
		}
	}
	return false
}

// Out reports whether the folder is with a borrower.
func (s VolumeState) Out() bool {
	return s == StateCheckedOut || s == StateOffsite || s == StateInTransit
}

// Volume is one physical folder of a patient's chart. Its place is either its
// home location (in file) or a borrower (out); never both.
type Volume struct {
	ID           ID
	PatientID    ID
	RecordTypeID ID
	Number       int
	Barcode      string
	HomeID       ID // home location
	State        VolumeState
	BorrowerID   ID        // when out
	OutSince     time.Time // when out
	Due          Date      // when out; zero for offsite storage with no due date
	Opened       Date      // the year on the label
	UpdatedAt    time.Time

	// Filled by the store from related rows, for display.
	MRN          string
	PatientName  string // "Last, First Middle"
	DOB          Date
	TypeName     string
	TypeCode     string
	TypeColor    string
	HomePath     string
	BorrowerName string
	BorrowerKind BorrowerKind
	BorrowerTel  string // phone or room
	FilingKey    string
}

// Label is "Medical 1": the record type and volume number.
func (v Volume) Label() string { return VolumeLabel(v.TypeName, v.Number) }

// VolumeLabel formats a record type and volume number.
func VolumeLabel(typeName string, number int) string {
	return typeName + " " + strconv.Itoa(number)
}

// Where is the location path when in file, the borrower when out, or the
// state for missing and destroyed folders.
func (v Volume) Where() string {
	switch v.State {
	case StateInFile:
		return v.HomePath
	case StateCheckedOut, StateOffsite, StateInTransit:
		return v.BorrowerName
	case StateMissing:
		return "missing (home: " + v.HomePath + ")"
	}
	return v.HomePath
}

// VolumeService knows every folder and where it is.
type VolumeService interface {
	Volume(ctx context.Context, id ID) (Volume, error)
	VolumeByBarcode(ctx context.Context, barcode string) (Volume, error)
	VolumesOfPatient(ctx context.Context, patientID ID) ([]Volume, error)
	// Where finds the volumes a query names (barcode, MRN, or name) and
	// records the views; used by `chartroom where` and quick lookup.
	Where(ctx context.Context, query string) ([]Volume, error)
	// AddVolume opens a new folder in file; Number and Barcode default to the
	// next number and a generated code.
	AddVolume(ctx context.Context, v Volume) (Volume, error)
	// ListVolumes streams volumes matching f in the order f asks, calling fn
	// for each; reports use it so a whole practice is never in memory.
	ListVolumes(ctx context.Context, f VolumeFilter, fn func(Volume) error) error
	Counts(ctx context.Context) (Counts, error)
}

// VolumeOrder is the order of a volume listing.
type VolumeOrder int

const (
	OrderFiling   VolumeOrder = iota // the practice's filing order
	OrderBorrower                    // borrower name, then filing order
	OrderDue                         // due date, then filing order
)

// VolumeFilter narrows a volume listing; zero fields do not filter.
type VolumeFilter struct {
	LocationID   ID // this location and every place inside it
	States       []VolumeState
	BorrowerID   ID
	RecordTypeID ID
	PatientID    ID
	// Patients: only the folders of these patients (a page of search
	// hits' whereabouts in one read); none means every patient's.
	Patients  []ID
	OverdueOn Date // only volumes overdue on that day
	// ExcludeDestroyed leaves destroyed folders out: a report of the
	// folders that exist. A state filter that names destroyed wins.
	ExcludeDestroyed bool
	Order            VolumeOrder
}

// DueDate is the check-out day plus the loan period, in the clerk's local
// calendar. Offsite storage has no due date: a box in storage is not late.
func DueDate(out time.Time, b Borrower, rt RecordType) Date {
	if b.Kind == BorrowerOffsite {
		return Date{}
	}
	days := LoanDays(b, rt)
	if days <= 0 {
		return Date{}
	}
	return DateOf(out).AddDays(days)
}

// StateOutTo is the state of a folder checked out to b.
func StateOutTo(b Borrower) VolumeState {
	if b.Kind == BorrowerOffsite {
		return StateOffsite
	}
	return StateCheckedOut
}

// Overdue reports whether a folder is past its due date on day today and
// still out. Folders at offsite storage are never overdue.
func Overdue(v Volume, today Date) bool {
	if v.State != StateCheckedOut && v.State != StateInTransit {
		return false
	}
	if v.BorrowerKind == BorrowerOffsite || v.Due.IsZero() {
		return false
	}
	return today.After(v.Due)
}

// DaysOverdue returns how many days past due v is on today, or 0.
func DaysOverdue(v Volume, today Date) int {
	if !Overdue(v, today) {
		return 0
	}
	return v.Due.DaysUntil(today)
}

// DaysOut returns the whole days since v left the room, or 0 when in file.
func DaysOut(v Volume, now time.Time) int {
	if !v.State.Out() || v.OutSince.IsZero() {
		return 0
	}
	return DateOf(v.OutSince.In(now.Location())).DaysUntil(DateOf(now))
}
