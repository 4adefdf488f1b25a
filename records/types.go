package records

import (
	"strconv"
	"time"
)

// ID is a row's internal identity. It is never shown as a chart number.
type ID int64

// Role is what a user may do. Admin > supervisor > clerk.
type Role string

const (
	RoleAdmin      Role = "admin"
	RoleSupervisor Role = "supervisor"
	RoleClerk      Role = "clerk"
)

// Roles lists the roles from most to least powerful.
var Roles = []Role{RoleAdmin, RoleSupervisor, RoleClerk}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleSupervisor || r == RoleClerk }

// AtLeast reports whether r has at least the powers of min.
func (r Role) AtLeast(min Role) bool { return r.rank() >= min.rank() }

func (r Role) rank() int {
	switch r {
	case RoleAdmin:
		return 3
	case RoleSupervisor:
		return 2
	case RoleClerk:
		return 1
	}
	return 0
}

// User is a person who signs in to Chartroom.
type User struct {
	ID           ID
	Username     string
	DisplayName  string
	Role         Role
	Active       bool
	FailedLogins int
	LockedUntil  time.Time // zero when not locked
	CreatedAt    time.Time
	LastSignIn   time.Time
}

// PatientStatus is where a patient's index row stands.
type PatientStatus string

const (
	PatientActive    PatientStatus = "active"
	PatientInactive  PatientStatus = "inactive"
	PatientMerged    PatientStatus = "merged"
	PatientDestroyed PatientStatus = "destroyed"
)

// Sex as recorded on the chart.
const (
	SexFemale  = "F"
	SexMale    = "M"
	SexOther   = "X"
	SexUnknown = "U"
)

// Patient is one entry of the master patient index. Rows are never deleted.
type Patient struct {
	ID  ID
	MRN string // stored form: digits, zero-padded to the practice's width
	// ExternalID is the id another system (the practice's EHR or
	// practice-management system) knows the patient by, as it wrote it;
	// unique when not empty. Imports match on it.
	ExternalID string
	LastName   string
	FirstName  string
	MiddleName string
	DOB        Date
	Sex        string
	Deceased   Date // zero when alive (or not known to be deceased)
	LastVisit  Date
	Status     PatientStatus
	MergedInto string // survivor's MRN when Status is merged
	LegalHold  bool
	Phone      string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// DisplayName is "Last, First Middle", the way charts are labelled.
func (p Patient) DisplayName() string { return PersonName(p.LastName, p.FirstName, p.MiddleName) }

// PersonName joins names as "Last, First Middle".
func PersonName(last, first, middle string) string {
	n := last
	if first != "" {
		n += ", " + first
	}
	if middle != "" {
		n += " " + middle
	}
	return n
}

// RecordType is a kind of folder: Medical, X-ray films, Billing...
type RecordType struct {
	ID       ID
	Name     string
	Code     string // one or two letters, printed on labels
	LoanDays int    // default loan period of a check-out
	Color    string // "#RRGGBB", the folder's colour on screen and label
	Default  bool   // the type new patients' first volume gets
	Active   bool
	// BillingOnly folders hold billing papers only; the retention policy's
	// billing period applies to them instead of the clinical rules.
	BillingOnly bool
}

// LocationKind says what a place is.
type LocationKind string

const (
	LocationRoom    LocationKind = "room"
	LocationCabinet LocationKind = "cabinet"
	LocationShelf   LocationKind = "shelf"
	LocationOffsite LocationKind = "offsite"
)

// LocationKinds lists the kinds in the order a form offers them.
var LocationKinds = []LocationKind{LocationRoom, LocationCabinet, LocationShelf, LocationOffsite}

// Valid reports whether k is a known kind.
func (k LocationKind) Valid() bool {
	return k == LocationRoom || k == LocationCabinet || k == LocationShelf || k == LocationOffsite
}

// Location is a place in the tree: room > cabinet > shelf, or an offsite box.
type Location struct {
	ID       ID
	ParentID ID // 0 at the top of the tree
	Name     string
	Kind     LocationKind
	Path     string // "Record room > Cabinet A > Shelf 3", filled by the store
	Default  bool   // where imported and new volumes are filed
	Active   bool
}

// BorrowerKind says who a borrower is; it decides overdue and disclosure rules.
type BorrowerKind string

const (
	BorrowerProvider   BorrowerKind = "provider"
	BorrowerStaff      BorrowerKind = "staff"
	BorrowerDepartment BorrowerKind = "department"
	BorrowerExternal   BorrowerKind = "external" // attorney, insurer: a check-out is a disclosure
	BorrowerOffsite    BorrowerKind = "offsite"  // offsite storage: never overdue
)

// BorrowerKinds lists the kinds in the order a form offers them.
var BorrowerKinds = []BorrowerKind{BorrowerProvider, BorrowerStaff, BorrowerDepartment, BorrowerExternal, BorrowerOffsite}

// Valid reports whether k is a known kind.
func (k BorrowerKind) Valid() bool {
	switch k {
	case BorrowerProvider, BorrowerStaff, BorrowerDepartment, BorrowerExternal, BorrowerOffsite:
		return true
	}
	return false
}

// Borrower is whoever a chart can be checked out to.
type Borrower struct {
	ID       ID
	Name     string
	Kind     BorrowerKind
	Phone    string
	Room     string
	Address  string // for outside parties: where disclosed records go
	LoanDays int    // 0: the record type's loan period applies
	Badge    string // badge barcode, unique when set
	Active   bool
}

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

// BorrowerContact is how a borrower is reached, as lists show it: the phone,
// else the room.
func BorrowerContact(phone, room string) string {
	if phone != "" {
		return phone
	}
	return room
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

// LooseState is where a batch of loose papers stands.
type LooseState string

const (
	LooseWaiting LooseState = "waiting"
	LooseFiled   LooseState = "filed"
)

// LooseFiling is papers received for a chart that was not on the shelf.
type LooseFiling struct {
	ID          ID
	PatientID   ID
	Received    Date
	Description string
	From        string
	State       LooseState
	FiledAt     time.Time
	FiledBy     ID
	CreatedAt   time.Time

	MRN         string
	PatientName string
}

// AuditEvent is one entry of the append-only, hash-chained audit log.
type AuditEvent struct {
	ID       ID
	At       time.Time
	UserID   ID
	Username string
	Action   string // see the Audit* constants
	Entity   string // "patient", "volume", "user", ...
	EntityID ID
	Detail   string
	PrevHash string // hex SHA-256 of the previous event, "" for the first
	Hash     string // hex SHA-256 over this event's content and PrevHash
	Seal     Seal   // the rows this event vouches for (see seal.go); zero when none
}

// Audit actions.
const (
	AuditSignIn       = "sign-in"
	AuditSignInFailed = "sign-in-failed"
	AuditLocked       = "account-locked"
	AuditView         = "view"
	AuditSearch       = "search"
	AuditCreate       = "create"
	AuditUpdate       = "update"
	AuditMove         = "move"
	AuditImport       = "import"
	AuditBackup       = "backup"
	AuditRestore      = "restore"
	AuditReport       = "report"
	AuditInit         = "init"
)

// PaperSize for reports.
type PaperSize string

const (
	PaperLetter PaperSize = "Letter"
	PaperA4     PaperSize = "A4"
)

// Settings are the practice's choices. One row per database.
type Settings struct {
	PracticeName      string
	PracticeAddress   string
	MRNWidth          int
	Filing            FilingSystem
	Paper             PaperSize
	IdleLockMinutes   int // 0: never lock
	RequestExpiryDays int // pending requests this many days past their date expire
	Retention         RetentionPolicy
	// RetentionPresetID is the stored preset the retention policy follows;
	// 0 means the custom values in Retention. With a preset chosen the store
	// fills Retention from it.
	RetentionPresetID ID
	BackupDir         string
	// BackupKeep is how many of the newest backups each place keeps (the
	// app makes one a day: the last days); BackupKeepWeekly and
	// BackupKeepMonthly keep the newest of that many ISO weeks and calendar
	// months besides (0: none).
	BackupKeep        int
	BackupKeepWeekly  int
	BackupKeepMonthly int
	// SecondBackupDir is the second backup place (a removable drive or a
	// network folder; empty: none): every automatic backup is also written
	// there, encrypted, whenever it can be reached.
	SecondBackupDir string
	// SecondPlaceDays is how many days the second place may go without a
	// new copy before the app warns.
	SecondPlaceDays int
}

// RetentionPolicy holds the years charts are kept (used by the retention
// review); defaults follow common state rules for physician offices.
type RetentionPolicy struct {
	AdultYears       int // after the last visit
	MajorityAge      int
	MinorYears       int // after the age of majority
	DeceasedYears    int // after death
	BillingOnlyYears int // record types marked billing-only
}

// DefaultSettings are what a new practice starts with.
func DefaultSettings() Settings {
	return Settings{
		PracticeName:      "",
		MRNWidth:          6,
		Filing:            FilingTerminalDigit,
		Paper:             PaperLetter,
		IdleLockMinutes:   10,
		RequestExpiryDays: 14,
		Retention:         RetentionPolicy{AdultYears: 10, MajorityAge: 18, MinorYears: 10, DeceasedYears: 5, BillingOnlyYears: 7},
		BackupKeep:        14,
		BackupKeepWeekly:  8,
		BackupKeepMonthly: 12,
		SecondPlaceDays:   7,
	}
}

// Counts are the live figures of the status bar.
type Counts struct {
	Out          int
	Overdue      int
	RequestsDue  int // pending requests needed today or earlier
	LooseWaiting int
	Missing      int
	// Patients' requests for an accounting of disclosures not yet
	// answered, and those of them past their 60-day due date.
	AccountingOpen    int
	AccountingOverdue int
}
