package records

import (
	"context"
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

// ID is a row's internal identity. It is never shown as a chart number.
type ID int64

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
