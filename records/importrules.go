package records

import (
	"fmt"
	"strconv"
	"strings"
)

// The rules of an import that hold whatever store keeps the rows: how a
// row is checked on its own, which stored patient it is, what it changes,
// and which chart number a new patient is given. The stores read and write
// the rows; these decide each row's outcome, so both decide it alike.

// ExternalIDKey is the form two external ids are compared in: case does not
// tell them apart (ASCII letters only, as SQLite's NOCASE folds them).
func ExternalIDKey(id string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	}, id)
}

// PatientRowCheck checks an import's rows on their own, in file order,
// before any is compared with what is stored: each row validated, no
// merged status, no chart number or external id twice in the file.
type PatientRowCheck struct {
	settings      Settings
	today         Date
	firstLine     map[string]int
	firstExternal map[string]int
}

// NewPatientRowCheck starts checking an import's rows under the practice's
// settings on day today.
func NewPatientRowCheck(st Settings, today Date) *PatientRowCheck {
	return &PatientRowCheck{settings: st, today: today, firstLine: map[string]int{}, firstExternal: map[string]int{}}
}

// Check returns the row cleaned (its chart number normalised), or the
// reason it is refused.
func (c *PatientRowCheck) Check(row PatientRow) (PatientRow, string) {
	p := row.Patient
	var err error
	if row.AssignMRN {
		p.MRN = ""
		err = ValidatePatientDetails(&p, c.today)
		if err == nil && p.ExternalID == "" {
			err = FieldError("External id", "is required of a row whose chart number Chartroom assigns")
		}
	} else {
		err = ValidatePatient(&p, c.settings, c.today)
	}
	extKey := ExternalIDKey(p.ExternalID)
	if err != nil {
		return row, ErrorMessage(err)
	}
	if p.Status == PatientMerged {
		return row, "Status: a merged chart cannot be imported"
	}
	if first, seen := c.firstLine[p.MRN]; seen && p.MRN != "" {
		return row, fmt.Sprintf("chart number %s is repeated (first on line %d)", FormatMRN(p.MRN, c.settings.Filing), first)
	}
	if first, seen := c.firstExternal[extKey]; seen && extKey != "" {
		return row, fmt.Sprintf("external id %s is repeated (first on line %d)", p.ExternalID, first)
	}
	if p.MRN != "" {
		c.firstLine[p.MRN] = row.Line
	}
	if extKey != "" {
		c.firstExternal[extKey] = row.Line
	}
	return PatientRow{Line: row.Line, Patient: p, AssignMRN: row.AssignMRN}, ""
}

// StoredPatients are the stored patients a run of import rows may be, by
// chart number and by ExternalIDKey of their external id.
type StoredPatients struct {
	ByMRN, ByExternal map[string]Patient
}

// NewStoredPatients is an empty set of stored patients.
func NewStoredPatients() StoredPatients {
	return StoredPatients{ByMRN: map[string]Patient{}, ByExternal: map[string]Patient{}}
}

// Add notes a stored patient (its MergedInto the survivor's chart number
// when it was merged).
func (s StoredPatients) Add(p Patient) {
	s.ByMRN[p.MRN] = p
	if p.ExternalID != "" {
		s.ByExternal[ExternalIDKey(p.ExternalID)] = p
	}
}

// ImportOutcome is what an import does with a checked row.
type ImportOutcome int

const (
	ImportRejected  ImportOutcome = iota // refused; the reason is in the summary
	ImportNew                            // a new patient, to be written with its first folder
	ImportUpdated                        // a stored patient whose details change
	ImportUnchanged                      // a stored patient the row says nothing new of
)

// ImportDecision is a row's outcome: the patient to write (new, or the
// stored one with the row laid over it) and, for an update, the stored one.
type ImportDecision struct {
	Outcome ImportOutcome
	Patient Patient
	Old     Patient
}

// PatientImport decides the outcome of each checked row of one import,
// against the stored patients the store looked up for it, and keeps the
// chart numbers it gives out so that none is given twice.
type PatientImport struct {
	settings Settings
	// The highest chart number written so far (read from the store at the
	// first need), and the line of each one assigned.
	top      uint64
	topKnown bool
	assigned map[string]int
}

// NewPatientImport starts an import under the practice's settings.
func NewPatientImport(st Settings) *PatientImport {
	return &PatientImport{settings: st, assigned: map[string]int{}}
}

// Decide says what row does, counting it in sum (a refused row with its
// reason, an assigned chart number in sum.AssignedMRNs). highest reads the
// highest stored chart number, the first time a number must be assigned. A
// new or updated patient counts as imported or updated at once: the store
// writes it, or the whole import fails.
func (im *PatientImport) Decide(row PatientRow, found StoredPatients, highest func() (string, error), sum *ImportSummary) (ImportDecision, error) {
	reject := func(format string, args ...any) (ImportDecision, error) {
		sum.Rejected = append(sum.Rejected, RowError{Line: row.Line, Reason: fmt.Sprintf(format, args...)})
		return ImportDecision{Outcome: ImportRejected}, nil
	}
	p := row.Patient
	old, ok, reason := im.match(p, found)
	if reason != "" {
		return reject("%s", reason)
	}
	if !ok {
		if p.MRN == "" {
			mrn, err := im.nextMRN(highest)
			if ErrorCode(err) == EConflict {
				return reject("%s", ErrorMessage(err))
			}
			if err != nil {
				return ImportDecision{}, err
			}
			p.MRN = mrn
			im.assigned[mrn] = row.Line
			sum.AssignedMRNs = append(sum.AssignedMRNs, mrn)
		}
		im.noteMRN(p.MRN)
		sum.Imported++
		return ImportDecision{Outcome: ImportNew, Patient: p}, nil
	}
	if old.Status == PatientMerged {
		return reject("chart number %s was retired when it was merged into %s",
			FormatMRN(old.MRN, im.settings.Filing), FormatMRN(old.MergedInto, im.settings.Filing))
	}
	next := MergeImported(old, p)
	if SamePatientDetails(old, next) {
		sum.Unchanged++
		return ImportDecision{Outcome: ImportUnchanged, Patient: old, Old: old}, nil
	}
	sum.Updated++
	return ImportDecision{Outcome: ImportUpdated, Patient: next, Old: old}, nil
}

// match finds the stored patient a row is: by its external id first (the
// other system's id is what the file is sure of), else by its chart number.
// reason is set when the two disagree with what is stored.
func (im *PatientImport) match(p Patient, st StoredPatients) (old Patient, ok bool, reason string) {
	format := func(mrn string) string { return FormatMRN(mrn, im.settings.Filing) }
	if p.ExternalID != "" {
		if old, ok = st.ByExternal[ExternalIDKey(p.ExternalID)]; ok {
			if p.MRN != "" && p.MRN != old.MRN {
				return old, false, fmt.Sprintf("external id %s belongs to chart %s, but the file gives it chart number %s",
					p.ExternalID, format(old.MRN), format(p.MRN))
			}
			return old, true, ""
		}
	}
	if p.MRN == "" {
		return old, false, ""
	}
	if old, ok = st.ByMRN[p.MRN]; ok && old.ExternalID != "" && p.ExternalID != "" {
		return old, false, fmt.Sprintf("chart %s has the external id %s, but the file gives it %s", format(old.MRN), old.ExternalID, p.ExternalID)
	}
	if !ok {
		if line, taken := im.assigned[p.MRN]; taken {
			return old, false, fmt.Sprintf("chart number %s was given to the new patient of line %d in this import", format(p.MRN), line)
		}
	}
	return old, ok, ""
}

// nextMRN is the practice's next free chart number: one more than the
// highest there is, at the practice's width.
func (im *PatientImport) nextMRN(highest func() (string, error)) (string, error) {
	if !im.topKnown {
		top, err := highest()
		if err != nil {
			return "", err
		}
		im.noteMRN(top)
		im.topKnown = true
	}
	width := im.settings.MRNWidth
	next := strconv.FormatUint(im.top+1, 10)
	if len(next) > width {
		return "", Errorf(EConflict, "every chart number of %d digits up to %s is taken; there is no next free one",
			width, strings.Repeat("9", width))
	}
	return strings.Repeat("0", width-len(next)) + next, nil
}

// noteMRN keeps the highest chart number written, so that an assigned one
// is never one already given.
func (im *PatientImport) noteMRN(mrn string) {
	if n, err := strconv.ParseUint(mrn, 10, 64); err == nil && n > im.top {
		im.top = n
	}
}

// MergeImported lays an imported row over the stored patient: what the file
// says wins, except that an empty optional field keeps the stored value,
// and an external id once given is not replaced.
func MergeImported(old, in Patient) Patient {
	next := old
	if old.ExternalID == "" {
		next.ExternalID = in.ExternalID
	}
	next.LastName = in.LastName
	if in.FirstName != "" {
		next.FirstName = in.FirstName
	}
	if in.MiddleName != "" {
		next.MiddleName = in.MiddleName
	}
	if !in.DOB.IsZero() {
		next.DOB = in.DOB
	}
	if in.Sex != "" && in.Sex != SexUnknown {
		next.Sex = in.Sex
	}
	if !in.Deceased.IsZero() {
		next.Deceased = in.Deceased
	}
	if !in.LastVisit.IsZero() {
		next.LastVisit = in.LastVisit
	}
	if in.Phone != "" {
		next.Phone = in.Phone
	}
	return next
}

// SamePatientDetails reports whether a and b have the same details an
// import may set.
func SamePatientDetails(a, b Patient) bool {
	return a.ExternalID == b.ExternalID && a.LastName == b.LastName && a.FirstName == b.FirstName && a.MiddleName == b.MiddleName && a.DOB.Equal(b.DOB) &&
		a.Sex == b.Sex && a.Deceased.Equal(b.Deceased) && a.LastVisit.Equal(b.LastVisit) && a.Phone == b.Phone
}

// PatientImportDetail is the audit detail of a patients import.
func PatientImportDetail(sum ImportSummary) string {
	return fmt.Sprintf("patients imported: %d new, %d updated, %d unchanged, %d rejected",
		sum.Imported, sum.Updated, sum.Unchanged, len(sum.Rejected))
}

// PatientChanges names the fields that changed between a and b, for the
// audit log (names, not values: the log is not a second copy of the chart).
func PatientChanges(a, b Patient) string {
	var ch []string
	add := func(name string, changed bool) {
		if changed {
			ch = append(ch, name)
		}
	}
	add("MRN "+a.MRN+" -> "+b.MRN, a.MRN != b.MRN)
	add("name", a.LastName != b.LastName || a.FirstName != b.FirstName || a.MiddleName != b.MiddleName)
	add("date of birth", !a.DOB.Equal(b.DOB))
	add("sex", a.Sex != b.Sex)
	add("date of death", !a.Deceased.Equal(b.Deceased))
	add("last visit", !a.LastVisit.Equal(b.LastVisit))
	add("status "+string(b.Status), a.Status != b.Status)
	add("legal hold", a.LegalHold != b.LegalHold)
	add("phone", a.Phone != b.Phone)
	if len(ch) == 0 {
		return "nothing"
	}
	return strings.Join(ch, ", ")
}

// SettingsChanges names the settings that changed between a and b, for
// the audit log.
func SettingsChanges(a, b Settings) string {
	var ch []string
	add := func(name string, changed bool) {
		if changed {
			ch = append(ch, name)
		}
	}
	add("practice name", a.PracticeName != b.PracticeName)
	add("practice address", a.PracticeAddress != b.PracticeAddress)
	add("MRN width", a.MRNWidth != b.MRNWidth)
	add("filing system", a.Filing != b.Filing)
	add("paper", a.Paper != b.Paper)
	add("idle lock", a.IdleLockMinutes != b.IdleLockMinutes)
	add("request expiry", a.RequestExpiryDays != b.RequestExpiryDays)
	add("retention", a.Retention != b.Retention || a.RetentionPresetID != b.RetentionPresetID)
	add("backup folder", a.BackupDir != b.BackupDir)
	add("backups kept", a.BackupKeep != b.BackupKeep || a.BackupKeepWeekly != b.BackupKeepWeekly || a.BackupKeepMonthly != b.BackupKeepMonthly)
	add("second backup place", a.SecondBackupDir != b.SecondBackupDir || a.SecondPlaceDays != b.SecondPlaceDays)
	if len(ch) == 0 {
		return "nothing"
	}
	return strings.Join(ch, ", ")
}

// RetentionPresetDetail is the audit detail of a saved retention preset.
func RetentionPresetDetail(p RetentionPreset) string {
	r := p.Policy
	return fmt.Sprintf("retention preset %s: adults %d, majority %d + %d, deceased %d, billing %d",
		p.Name, r.AdultYears, r.MajorityAge, r.MinorYears, r.DeceasedYears, r.BillingOnlyYears)
}

// ValidatePatientEdit cleans p, the edited index entry of the stored
// patient old, and says what is wrong with it: as ValidatePatient, and a
// chart is neither merged nor unmerged by editing it.
func ValidatePatientEdit(old Patient, p *Patient, st Settings, today Date) error {
	if err := ValidatePatient(p, st, today); err != nil {
		return err
	}
	if (p.Status == PatientMerged) != (old.Status == PatientMerged) {
		return FieldError("Status", "merging charts moves their folders and history; it is not done by editing a patient")
	}
	return nil
}

// MRNWidthTooNarrow refuses a chart-number width that n stored numbers do
// not fit in, example being one of them.
func MRNWidthTooNarrow(width, n int, example string) error {
	return FieldError("MRN width", "cannot be %d digits: %d chart numbers are longer, for example %s", width, n, strings.TrimLeft(example, "0"))
}
