package records

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Longest text a name-like field may hold; longer input is a paste accident.
const maxNameLength = 100

// cleanText trims a field and refuses control characters, which no form
// field needs and which would corrupt printed reports and TSV output.
func cleanText(field, s string, required bool, max int) (string, *Error) {
	s = strings.TrimSpace(s)
	if s == "" {
		if required {
			return "", FieldError(field, "is required")
		}
		return "", nil
	}
	if !utf8.ValidString(s) {
		return "", FieldError(field, "is not valid text")
	}
	if utf8.RuneCountInString(s) > max {
		return "", FieldError(field, "is longer than %d characters", max)
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return "", FieldError(field, "holds a control character (tab, line break or similar)")
		}
	}
	return s, nil
}

// ValidatePatient cleans p in place and says what is wrong with it: the MRN
// is normalised to the practice's width, names trimmed, dates checked
// against today.
func ValidatePatient(p *Patient, s Settings, today Date) error {
	mrn, err := NormalizeMRN(p.MRN, s.MRNWidth)
	if err != nil {
		if strings.TrimSpace(p.MRN) == "" {
			return FieldError("MRN", "is required")
		}
		return FieldError("MRN", "%s", err.Error())
	}
	p.MRN = mrn
	return ValidatePatientDetails(p, today)
}

// MaxExternalIDLength bounds an external id: other systems' ids (UUIDs,
// account codes) are far shorter.
const MaxExternalIDLength = 64

// ValidatePatientDetails cleans and checks everything of p but its chart
// number: what an import checks of a new patient that Chartroom will give
// the next free chart number.
func ValidatePatientDetails(p *Patient, today Date) error {
	var e *Error
	if p.ExternalID, e = cleanText("External id", p.ExternalID, false, MaxExternalIDLength); e != nil {
		return e
	}
	if p.LastName, e = cleanText("Last name", p.LastName, true, maxNameLength); e != nil {
		return e
	}
	if p.FirstName, e = cleanText("First name", p.FirstName, false, maxNameLength); e != nil {
		return e
	}
	if p.MiddleName, e = cleanText("Middle name", p.MiddleName, false, maxNameLength); e != nil {
		return e
	}
	if p.Phone, e = cleanText("Phone", p.Phone, false, 40); e != nil {
		return e
	}
	p.Sex = strings.ToUpper(strings.TrimSpace(p.Sex))
	switch p.Sex {
	case "":
		p.Sex = SexUnknown
	case "F", "FEMALE":
		p.Sex = SexFemale
	case "M", "MALE":
		p.Sex = SexMale
	case "X", "O", "OTHER":
		p.Sex = SexOther
	case "U", "UNKNOWN":
		p.Sex = SexUnknown
	default:
		return FieldError("Sex", "must be F, M, X or U, not %q", p.Sex)
	}
	if !p.DOB.IsZero() && p.DOB.After(today) {
		return FieldError("Date of birth", "%s is in the future", p.DOB)
	}
	if !p.Deceased.IsZero() {
		if p.Deceased.After(today) {
			return FieldError("Date of death", "%s is in the future", p.Deceased)
		}
		if !p.DOB.IsZero() && p.Deceased.Before(p.DOB) {
			return FieldError("Date of death", "%s is before the date of birth %s", p.Deceased, p.DOB)
		}
	}
	if !p.LastVisit.IsZero() {
		if p.LastVisit.After(today) {
			return FieldError("Last visit", "%s is in the future", p.LastVisit)
		}
		if !p.DOB.IsZero() && p.LastVisit.Before(p.DOB) {
			return FieldError("Last visit", "%s is before the date of birth %s", p.LastVisit, p.DOB)
		}
	}
	if p.Status == "" {
		p.Status = PatientActive
	}
	switch p.Status {
	case PatientActive, PatientInactive, PatientMerged, PatientDestroyed:
	default:
		return FieldError("Status", "%q is not a patient status", p.Status)
	}
	return nil
}

var colorPattern = regexp.MustCompile(`^#[0-9A-Fa-f]{6}$`)

// ValidateRecordType cleans rt in place and says what is wrong with it.
func ValidateRecordType(rt *RecordType) error {
	var e *Error
	if rt.Name, e = cleanText("Name", rt.Name, true, 40); e != nil {
		return e
	}
	if rt.Code, e = cleanText("Code", rt.Code, false, 3); e != nil {
		return e
	}
	if rt.Code == "" {
		rt.Code = strings.ToUpper(string([]rune(rt.Name)[:1]))
	}
	if rt.LoanDays < 0 || rt.LoanDays > 3650 {
		return FieldError("Loan days", "must be between 0 and 3650, not %d", rt.LoanDays)
	}
	rt.Color = strings.TrimSpace(rt.Color)
	if rt.Color == "" {
		rt.Color = "#3A6EA5"
	}
	if !colorPattern.MatchString(rt.Color) {
		return FieldError("Colour", "must look like #1E90FF, not %q", rt.Color)
	}
	rt.Color = strings.ToUpper(rt.Color)
	return nil
}

// ValidateLocation cleans l in place and says what is wrong with it.
func ValidateLocation(l *Location) error {
	var e *Error
	if l.Name, e = cleanText("Name", l.Name, true, 60); e != nil {
		return e
	}
	if l.Name != "" && strings.Contains(l.Name, ">") {
		return FieldError("Name", "must not contain '>', which separates the parts of a location path")
	}
	if l.Kind == "" {
		l.Kind = LocationShelf
	}
	if !l.Kind.Valid() {
		return FieldError("Kind", "%q is not a kind of location", l.Kind)
	}
	if l.ParentID != 0 && l.ParentID == l.ID {
		return FieldError("Parent", "a location cannot be inside itself")
	}
	return nil
}

// ValidateBorrower cleans b in place and says what is wrong with it.
func ValidateBorrower(b *Borrower) error {
	var e *Error
	if b.Name, e = cleanText("Name", b.Name, true, maxNameLength); e != nil {
		return e
	}
	if b.Kind == "" {
		b.Kind = BorrowerStaff
	}
	if !b.Kind.Valid() {
		return FieldError("Kind", "%q is not one of provider, staff, department, external, offsite", b.Kind)
	}
	if b.Phone, e = cleanText("Phone", b.Phone, false, 40); e != nil {
		return e
	}
	if b.Room, e = cleanText("Room", b.Room, false, 40); e != nil {
		return e
	}
	if b.Address, e = cleanText("Address", strings.ReplaceAll(b.Address, "\n", ", "), false, 200); e != nil {
		return e
	}
	if b.LoanDays < 0 || b.LoanDays > 3650 {
		return FieldError("Loan days", "must be between 0 and 3650, not %d", b.LoanDays)
	}
	if b.Badge != "" {
		badge, err := NormalizeScan(b.Badge)
		if err != nil {
			return FieldError("Badge", "%s", ErrorMessage(err))
		}
		b.Badge = badge
	}
	return nil
}

var usernamePattern = regexp.MustCompile(`^[a-z][a-z0-9._-]{1,31}$`)

// ValidateUser cleans u in place and says what is wrong with it.
func ValidateUser(u *User) error {
	u.Username = strings.ToLower(strings.TrimSpace(u.Username))
	if u.Username == "" {
		return FieldError("Username", "is required")
	}
	if !usernamePattern.MatchString(u.Username) {
		return FieldError("Username", "%q must be 2 to 32 letters, digits, dots, dashes or underscores, starting with a letter", u.Username)
	}
	var e *Error
	if u.DisplayName, e = cleanText("Display name", u.DisplayName, false, maxNameLength); e != nil {
		return e
	}
	if u.DisplayName == "" {
		u.DisplayName = u.Username
	}
	if !u.Role.Valid() {
		return FieldError("Role", "%q is not one of admin, supervisor, clerk", u.Role)
	}
	return nil
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

// ValidateRequest cleans r in place and says what is wrong with it.
// A new request is for today or a later day: a past one would never show on
// a pull list and stay pending for ever.
func ValidateRequest(r *Request, today Date) error {
	if r.PatientID == 0 && r.VolumeID == 0 {
		return FieldError("Chart", "is required")
	}
	if r.BorrowerID == 0 {
		return FieldError("Borrower", "is required")
	}
	if r.NeededOn.IsZero() {
		return FieldError("Needed on", "is required")
	}
	if r.NeededOn.Before(today) {
		return FieldError("Needed on", "%s is in the past; a request is for today (%s) or a later day", r.NeededOn, today)
	}
	at, err := ParseClockTime(r.NeededAt)
	if err != nil {
		return err
	}
	r.NeededAt = at
	var e *Error
	if r.Reason, e = cleanText("Reason", r.Reason, false, 200); e != nil {
		return e
	}
	if r.Source == "" {
		r.Source = "manual"
	}
	return nil
}

// ValidateLooseFiling cleans l in place and says what is wrong with it.
func ValidateLooseFiling(l *LooseFiling, today Date) error {
	if l.PatientID == 0 {
		return FieldError("Chart", "is required")
	}
	var e *Error
	if l.Description, e = cleanText("Description", l.Description, true, 200); e != nil {
		return e
	}
	if l.From, e = cleanText("From", l.From, false, 100); e != nil {
		return e
	}
	if l.Received.IsZero() {
		l.Received = today
	}
	if l.Received.After(today) {
		return FieldError("Received", "%s is in the future", l.Received)
	}
	return nil
}

// ParseClockTime reads a time of day as H:MM or HH:MM (24-hour clock) and
// writes it HH:MM; empty stays empty.
func ParseClockTime(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	bad := FieldError("Time", "%q is not a time of day; write it as HH:MM on a 24-hour clock, e.g. 09:30 or 14:05", s)
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(h) < 1 || len(h) > 2 || len(m) != 2 {
		return "", bad
	}
	hour, err1 := strconv.Atoi(h)
	minute, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hour < 0 || hour > 23 || minute < 0 || minute > 59 || strings.ContainsAny(h+m, "+-") {
		return "", bad
	}
	return fmt.Sprintf("%02d:%02d", hour, minute), nil
}
