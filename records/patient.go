package records

import (
	"context"
	"strings"
	"time"
)

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
