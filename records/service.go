package records

import (
	"context"
	"iter"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// The service interfaces below are what the desktop app and the command line
// use. Every call takes the signed-in user from ctx (WithActor), checks the
// user's role itself, runs as one transaction and appends its audit events
// in that same transaction.

// SetupService creates a practice and lets users in.
type SetupService interface {
	// Initialized reports whether the database has a practice and a user.
	Initialized(ctx context.Context) (bool, error)
	// Initialize creates the practice's settings, default record type and
	// location, and its first admin. It refuses a database that has users.
	Initialize(ctx context.Context, in InitInput) (User, error)
	// SignIn checks a password, counts failures and locks the account after
	// MaxFailedSignIns in a row. The returned Actor goes into ctx.
	SignIn(ctx context.Context, username, password string) (Actor, error)
}

// InitInput is what a new practice starts with.
type InitInput struct {
	Settings      Settings // PracticeName, MRNWidth and Filing matter; the rest default
	AdminUsername string
	AdminName     string
	AdminPassword string
}

// UserService manages the people who sign in (admin only, except a user
// changing their own password).
type UserService interface {
	ListUsers(ctx context.Context) ([]User, error)
	CreateUser(ctx context.Context, u User, password string) (User, error)
	UpdateUser(ctx context.Context, u User) (User, error) // display name, role, active
	SetPassword(ctx context.Context, userID ID, password string) error
	UserByName(ctx context.Context, username string) (User, error)
}

// SettingsService reads (anyone signed in) and changes (admin) the settings.
type SettingsService interface {
	Settings(ctx context.Context) (Settings, error)
	UpdateSettings(ctx context.Context, s Settings) (Settings, error)
}

// PatientService is the master patient index.
type PatientService interface {
	// Search runs a search-box query (see ParseQuery): exact MRN or barcode,
	// MRN prefix, surname or "surname, given" prefix, accents and case
	// ignored; a retired MRN finds its survivor. Results come in name order
	// for name queries and MRN order otherwise, at most limit rows.
	Search(ctx context.Context, query string, limit int) ([]SearchHit, error)
	// Patient returns a patient and records that the user looked at it.
	Patient(ctx context.Context, id ID) (Patient, error)
	// PatientByMRN finds a patient by chart number (any accepted spelling),
	// following a merge to the survivor; it records the view.
	PatientByMRN(ctx context.Context, mrn string) (Patient, error)
	// CreatePatient also creates volume 1 in file. A patient whose
	// surname, given name and birth date match a chart already there is
	// refused (EConflict naming it): see CreateDuplicatePatient.
	CreatePatient(ctx context.Context, p Patient) (Patient, error)
	// CreateDuplicatePatient creates a patient despite a matching chart:
	// supervisor or admin, with a reason the audit log keeps.
	CreateDuplicatePatient(ctx context.Context, p Patient, reason string) (Patient, error)
	// DuplicatePatients lists the live charts with p's surname, given name
	// and birth date.
	DuplicatePatients(ctx context.Context, p Patient) ([]Patient, error)
	UpdatePatient(ctx context.Context, p Patient) (Patient, error) // supervisor or admin
	// ImportPatients adds or updates patients from an import in one
	// transaction, reading rows while it writes the ones before; the lines
	// the parser rejected are the caller's to report.
	ImportPatients(ctx context.Context, rows PatientSource, dryRun bool) (ImportSummary, error)
}

// SearchHit is one row of search results.
type SearchHit struct {
	Patient
	MatchedBy string // "mrn", "barcode", "external id", "name", "merged"
	Volumes   int
	Out       int // volumes not in file
}

// PatientRow is one line of a patients import, already parsed.
type PatientRow struct {
	Line    int
	Patient Patient
	// AssignMRN: the file gave the row no usable chart number (Patient.MRN
	// is empty) but an external id; a patient new to the practice gets its
	// next free chart number, a known one is found by the external id.
	AssignMRN bool
}

// PatientSource yields the rows of a patients import in file order, as
// they are read; an error ends the import, which then writes nothing.
type PatientSource = iter.Seq2[PatientRow, error]

// PatientRows is a source of rows already in memory.
func PatientRows(rows []PatientRow) PatientSource {
	return func(yield func(PatientRow, error) bool) {
		for _, r := range rows {
			if !yield(r, nil) {
				return
			}
		}
	}
}

// ImportSummary counts what an import did (or would do, on a dry run).
type ImportSummary struct {
	Imported  int
	Updated   int
	Unchanged int
	Rejected  []RowError
	// AssignedMRNs are the chart numbers new patients were given, in order.
	AssignedMRNs []string
	// UnknownProviders are the providers of an appointments import that are
	// not borrowers (their rows are rejected); AddedProviders those the
	// import added as provider borrowers instead.
	UnknownProviders []string
	AddedProviders   []string
}

// AppointmentImport says how to import appointments.
type AppointmentImport struct {
	DryRun bool
	// AddProviders adds a provider that is not yet a borrower as a provider
	// borrower (supervisor) instead of rejecting its rows.
	AddProviders bool
}

// RowError names a rejected line of an imported file.
type RowError struct {
	Line   int
	Reason string
}

// Error formats the rejection as the command line prints it: "line L: reason".
func (e RowError) Error() string { return "line " + strconv.Itoa(e.Line) + ": " + e.Reason }

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
	OverdueOn    Date // only volumes overdue on that day
	// ExcludeDestroyed leaves destroyed folders out: a report of the
	// folders that exist. A state filter that names destroyed wins.
	ExcludeDestroyed bool
	Order            VolumeOrder
}

// MovementService moves folders. Each call is one transaction that checks
// the folder's current state inside it, so of two racing calls exactly one
// wins and the other is told why.
type MovementService interface {
	CheckOut(ctx context.Context, in CheckOutInput) (Volume, error)
	// CheckOutScan is CheckOut telling the desk what else the scan did: a
	// folder marked missing is recorded found, a check-out to an outside
	// party records a disclosure.
	CheckOutScan(ctx context.Context, in CheckOutInput) (CheckOutResult, error)
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

// BorrowerService manages borrowers (changes: supervisor or admin).
type BorrowerService interface {
	ListBorrowers(ctx context.Context, includeInactive bool) ([]Borrower, error)
	Borrower(ctx context.Context, id ID) (Borrower, error)
	// FindBorrower finds one by badge code, else by exact name (case-insensitive).
	FindBorrower(ctx context.Context, badgeOrName string) (Borrower, error)
	SaveBorrower(ctx context.Context, b Borrower) (Borrower, error) // create when ID is 0
}

// LocationService manages the location tree and record types.
type LocationService interface {
	ListLocations(ctx context.Context) ([]Location, error) // tree order, Path filled
	SaveLocation(ctx context.Context, l Location) (Location, error)
	ListRecordTypes(ctx context.Context) ([]RecordType, error)
	SaveRecordType(ctx context.Context, rt RecordType) (RecordType, error)
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

// AppointmentRow is one line of an appointments import.
type AppointmentRow struct {
	Line       int
	Date       Date
	Time       string
	MRN        string
	ExternalID string // the patient's id in the scheduling system, tried first
	Provider   string
	Reason     string
}

// LooseFilingService records papers waiting for charts.
type LooseFilingService interface {
	AddLooseFiling(ctx context.Context, l LooseFiling) (LooseFiling, error)
	ListLooseFiling(ctx context.Context, patientID ID, state LooseState) ([]LooseFiling, error)
	MarkFiled(ctx context.Context, id ID) (LooseFiling, error)
}

// AuditService reads and verifies the audit log.
type AuditService interface {
	ListAudit(ctx context.Context, f AuditFilter) ([]AuditEvent, error) // supervisor or admin
	// VerifyAudit walks the chain from the start (full) or from the last
	// verified event; it returns the first problem or nil.
	VerifyAudit(ctx context.Context, full bool) (*ChainProblem, int, error)
}

// AuditFilter selects audit events; zero fields do not filter.
type AuditFilter struct {
	From, To time.Time
	UserID   ID
	Entity   string
	EntityID ID
	Limit    int
}

// Service is everything Chartroom's faces need from a store.
type Service interface {
	SetupService
	UserService
	SettingsService
	PatientService
	VolumeService
	MovementService
	BorrowerService
	LocationService
	RequestService
	LooseFilingService
	AuditService
	MaintenanceService
	RetentionService
	ShelfAuditService
	DisclosureService
	MergeService
}

// MaintenanceService keeps the database file healthy (admin or supervisor).
type MaintenanceService interface {
	// Backup writes a consistent, integrity-checked copy of the database
	// (mode 0600) into dir under a timestamped name and returns its path.
	Backup(ctx context.Context, dir string) (string, error)
	// AutoBackup is the app's own daily backup: with no signed-in user, into
	// the settings' backup folder (see Settings.BackupFolder), it writes a
	// backup as Backup does unless the newest one there is less than
	// AutoBackupEvery old. It returns the backup's path and whether it made
	// one; a database with no practice yet has nothing to back up.
	AutoBackup(ctx context.Context) (path string, made bool, err error)
	// CheckIntegrity runs SQLite's integrity check and verifies the audit
	// chain; it returns the problems found (none: an empty slice).
	CheckIntegrity(ctx context.Context) ([]string, error)
	// SetBackupPassphrase sets the practice's backup passphrase (admin),
	// which opens every encrypted backup. Changing it needs the current
	// one, unless newKey: then a new backup key replaces the old.
	SetBackupPassphrase(ctx context.Context, current, next string, newKey bool) error
	// BackupStatus says where the backups are, the newest good copy in
	// each place and the result of its latest check (no user needed: the
	// app watches the second place before anyone signs in).
	BackupStatus(ctx context.Context) (BackupStatus, error)
	// CheckBackups opens the newest backup in each reachable place and
	// checks it in full, recording the result. Unless now (a supervisor's
	// request), it is the app's own weekly check: no user is needed, and a
	// place checked within BackupCheckEvery is left alone. It returns the
	// places checked.
	CheckBackups(ctx context.Context, now bool) ([]BackupPlace, error)
}

// AutoBackupEvery is how old the newest backup may be before the app makes
// another on its own: a practice loses at most a day of work with the disk.
const AutoBackupEvery = 24 * time.Hour

// BackupFolder is where backups go when no folder is named: the settings'
// backup folder, else a "backups" folder beside the database at dbPath. The
// desktop app, the command line and the store's automatic backup all use
// it, so "the backup folder" means one place.
func (s Settings) BackupFolder(dbPath string) string {
	if dir := strings.TrimSpace(s.BackupDir); dir != "" {
		return dir
	}
	return filepath.Join(filepath.Dir(dbPath), "backups")
}
