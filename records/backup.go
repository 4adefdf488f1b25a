package records

import (
	"context"
	"strings"
	"time"
)

// BackupCheckEvery is how often the app checks the newest backup in each
// backup place on its own: a backup is proven by opening it, not assumed.
const BackupCheckEvery = 7 * 24 * time.Hour

// BackupPlace is what the app knows of one backup place.
type BackupPlace struct {
	Dir    string
	Second bool // the second place, away from the PC
	// Encrypted: backups written there are encrypted with the practice's
	// backup key.
	Encrypted bool
	// LastCopy is the newest backup written there and checked (empty: none
	// yet), made at LastCopyAt.
	LastCopy   string
	LastCopyAt time.Time
	// Check is the latest check of the newest backup there (zero At: never).
	Check BackupCheck
}

// BackupCheck is the result of opening one backup and checking it in full
// (integrity, audit chain, seals).
type BackupCheck struct {
	At       time.Time
	File     string
	OK       bool
	Problems string // what was wrong, in plain words; empty when OK
}

// BackupStatus is the state of the practice's backups.
type BackupStatus struct {
	PassphraseSet bool
	Places        []BackupPlace // the backup folder first, then the second place if one is set
	// SecondPlaceDays is the setting: how long the second place may go
	// without a new copy before the app warns.
	SecondPlaceDays int
}

// SecondPlaceOverdue returns the second place when it has had no good copy
// for longer than SecondPlaceDays at now (never one counts as overdue: the
// app writes there within the hour once it is reachable).
func (b BackupStatus) SecondPlaceOverdue(now time.Time) (BackupPlace, bool) {
	for _, p := range b.Places {
		if p.Second {
			limit := time.Duration(b.SecondPlaceDays) * 24 * time.Hour
			return p, p.LastCopyAt.IsZero() || now.Sub(p.LastCopyAt) > limit
		}
	}
	return BackupPlace{}, false
}

// MinBackupPassphraseLength is the shortest backup passphrase: it guards
// every patient on every backup that leaves the PC, so it is longer than a
// password, and a sentence is easier to remember than a jumble.
const MinBackupPassphraseLength = 12

// ValidateBackupPassphrase says what is wrong with a new backup passphrase.
func ValidateBackupPassphrase(p string) error {
	if len([]rune(strings.TrimSpace(p))) < MinBackupPassphraseLength {
		return FieldError("Backup passphrase", "must be at least %d characters (a short sentence is easiest to remember)", MinBackupPassphraseLength)
	}
	return nil
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
