package records

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"time"
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

// SettingsService reads (anyone signed in) and changes (admin) the settings.
type SettingsService interface {
	Settings(ctx context.Context) (Settings, error)
	UpdateSettings(ctx context.Context, s Settings) (Settings, error)
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

// ValidateSettings cleans s in place and says what is wrong with it.
func ValidateSettings(s *Settings) error {
	var e *Error
	if s.PracticeName, e = cleanText("Practice name", s.PracticeName, true, 100); e != nil {
		return e
	}
	if s.PracticeAddress, e = cleanText("Practice address", strings.ReplaceAll(s.PracticeAddress, "\n", ", "), false, 200); e != nil {
		return e
	}
	if s.MRNWidth < MinMRNWidth || s.MRNWidth > MaxMRNWidth {
		return FieldError("MRN width", "must be between %d and %d digits, not %d", MinMRNWidth, MaxMRNWidth, s.MRNWidth)
	}
	if !s.Filing.Valid() {
		return FieldError("Filing system", "%q is not one of terminal-digit, numeric, alphabetic", s.Filing)
	}
	if s.Paper != PaperLetter && s.Paper != PaperA4 {
		return FieldError("Paper size", "must be Letter or A4, not %q", s.Paper)
	}
	if s.IdleLockMinutes < 0 || s.IdleLockMinutes > 480 {
		return FieldError("Idle lock", "must be between 0 (never) and 480 minutes, not %d", s.IdleLockMinutes)
	}
	if s.RequestExpiryDays < 0 || s.RequestExpiryDays > 365 {
		return FieldError("Request expiry", "must be between 0 (never) and 365 days, not %d", s.RequestExpiryDays)
	}
	if err := ValidateRetentionPolicy(s.Retention); err != nil {
		return err
	}
	if s.BackupKeep < 1 || s.BackupKeep > 365 {
		return FieldError("Backups kept", "must be between 1 and 365, not %d", s.BackupKeep)
	}
	if s.BackupKeepWeekly < 0 || s.BackupKeepWeekly > 520 {
		return FieldError("Weekly backups kept", "must be between 0 and 520, not %d", s.BackupKeepWeekly)
	}
	if s.BackupKeepMonthly < 0 || s.BackupKeepMonthly > 240 {
		return FieldError("Monthly backups kept", "must be between 0 and 240, not %d", s.BackupKeepMonthly)
	}
	if s.SecondPlaceDays < 1 || s.SecondPlaceDays > 90 {
		return FieldError("Second place warning", "must be between 1 and 90 days, not %d", s.SecondPlaceDays)
	}
	if s.BackupDir, e = cleanText("Backup folder", s.BackupDir, false, 400); e != nil {
		return e
	}
	if s.SecondBackupDir, e = cleanText("Second backup place", s.SecondBackupDir, false, 400); e != nil {
		return e
	}
	return nil
}

// CheckSecondBackupPlace says what stops dir from becoming the second
// backup place: backups that leave the PC are encrypted, so the practice
// needs a backup passphrase (hasKey) first; the place is a whole folder
// path, and it must be there now (a drive plugged in, a network folder
// connected).
func CheckSecondBackupPlace(dir string, hasKey bool) error {
	if !hasKey {
		return FieldError("Second backup place", "needs a backup passphrase first: backups that leave this PC are encrypted with it")
	}
	if !filepath.IsAbs(dir) {
		return FieldError("Second backup place", "must be a whole folder path (such as E:\\Chartroom or /media/usb/chartroom), not %s", dir)
	}
	if !BackupPlaceReachable(dir) {
		return FieldError("Second backup place", "%s cannot be reached now: plug the drive in or connect the network folder first", dir)
	}
	return nil
}

// BackupPlaceReachable reports whether a second place is there: an
// existing folder. It is never created, so a drive that is not plugged in
// is not mistaken for an empty folder on the PC's own disk.
func BackupPlaceReachable(dir string) bool {
	fi, err := os.Stat(dir)
	return err == nil && fi.IsDir()
}

// FollowPreset fills the policy of settings that follow a stored preset
// from it; lookupErr, the preset's look-up failure, is told in the
// settings' own field.
func (s *Settings) FollowPreset(p RetentionPreset, lookupErr error) error {
	if lookupErr != nil {
		return FieldError("Retention preset", "%s", ErrorMessage(lookupErr))
	}
	s.Retention = p.Policy
	return nil
}

// Repads reports whether changing old into s rewrites every chart number
// (a new width), and Refiles whether it recomputes every filing key (a
// new width or filing system).
func (s Settings) Repads(old Settings) bool { return s.MRNWidth != old.MRNWidth }

// Refiles: see Repads.
func (s Settings) Refiles(old Settings) bool { return s.Repads(old) || s.Filing != old.Filing }
