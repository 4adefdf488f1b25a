package records

import (
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
