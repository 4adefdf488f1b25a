package records

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Audit actions of the record lifecycle.
const (
	AuditDestroy    = "destroy"     // a destruction batch and each folder in it
	AuditLegalHold  = "legal-hold"  // a legal hold set or cleared
	AuditShelfAudit = "shelf-audit" // a shelf audit looked at or applied
)

// RetentionPreset is a named retention policy kept as data (one per state
// rule the practice follows, say), so a supervisor can pick and edit them.
type RetentionPreset struct {
	ID     ID
	Name   string
	Policy RetentionPolicy
	Note   string // where the numbers come from; "check your state's rule"
}

// RetentionCandidate is one folder the retention review lists: the folder,
// its patient's dates and the decision that makes it eligible.
type RetentionCandidate struct {
	Volume   Volume
	Patient  Patient
	Decision RetentionDecision
}

// Blocked says why an eligible folder cannot be destroyed right now (it is
// not on its shelf), or "".
func (c RetentionCandidate) Blocked() string { return DestructionBlock(c.Volume) }

// DestructionInput is what a supervisor records for a destruction batch.
type DestructionInput struct {
	Date        Date   // the day the folders were destroyed; zero: today
	Method      string // "cross-cut shredding on site", "pulping by a bonded vendor"
	DestroyedBy string // the person who destroyed them
	Witness     string // the person who saw it done
	VolumeIDs   []ID
	Note        string
}

// DestructionBatch is a recorded destruction: it stays forever, with the
// list of what was destroyed, for the certificate.
type DestructionBatch struct {
	ID          ID
	Date        Date
	Method      string
	DestroyedBy string
	Witness     string
	Note        string
	RecordedAt  time.Time
	RecordedBy  string // username of the supervisor who recorded it
	// First and Last are the earliest and latest dates in the destroyed
	// records (the "dates covered" of the certificate).
	First, Last Date
	Items       []DestructionItem // filled by DestructionBatch, not by lists
	Count       int
}

// DestructionItem is one destroyed folder as it was when destroyed.
type DestructionItem struct {
	VolumeID    ID
	Barcode     string
	MRN         string
	PatientName string
	DOB         Date
	VolumeLabel string
	First, Last Date // dates covered by the folder
	Rule        RetentionRule
	EligibleOn  Date
}

// RetentionService runs the yearly retention review and records what was
// destroyed. Presets are read by anyone and changed by an admin (they are
// settings); holds, the review and destruction are a supervisor's.
type RetentionService interface {
	ListRetentionPresets(ctx context.Context) ([]RetentionPreset, error)
	// SaveRetentionPreset creates (ID 0) or changes a preset.
	SaveRetentionPreset(ctx context.Context, p RetentionPreset) (RetentionPreset, error)
	// DeleteRetentionPreset removes a preset the settings do not follow.
	DeleteRetentionPreset(ctx context.Context, id ID) error
	// SetLegalHold puts a patient's chart on legal hold or releases it; the
	// reason goes into the audit log.
	SetLegalHold(ctx context.Context, patientID ID, hold bool, reason string) (Patient, error)
	// ReviewRetention streams, in filing order, every folder not yet
	// destroyed that the policy allows to destroy on day asOf.
	ReviewRetention(ctx context.Context, asOf Date, fn func(RetentionCandidate) error) error
	// RecordDestruction destroys the folders of a batch in one transaction,
	// refusing the whole batch when any folder may not be destroyed.
	RecordDestruction(ctx context.Context, in DestructionInput) (DestructionBatch, error)
	// DestructionBatch returns a batch with its folders.
	DestructionBatch(ctx context.Context, id ID) (DestructionBatch, error)
	// ListDestructionBatches returns the batches, newest first, without folders.
	ListDestructionBatches(ctx context.Context) ([]DestructionBatch, error)
}

// ValidateRetentionPreset cleans p in place and says what is wrong with it.
func ValidateRetentionPreset(p *RetentionPreset) error {
	var e *Error
	if p.Name, e = cleanText("Name", p.Name, true, 60); e != nil {
		return e
	}
	if p.Note, e = cleanText("Note", p.Note, false, 200); e != nil {
		return e
	}
	return ValidateRetentionPolicy(p.Policy)
}

// ValidateRetentionPolicy checks the years of a policy.
func ValidateRetentionPolicy(r RetentionPolicy) error {
	for _, c := range []struct {
		field string
		v     int
	}{{"Adult retention years", r.AdultYears}, {"Age of majority", r.MajorityAge}, {"Minor retention years", r.MinorYears}, {"Deceased retention years", r.DeceasedYears}, {"Billing retention years", r.BillingOnlyYears}} {
		if c.v < 0 || c.v > 100 {
			return FieldError(c.field, "must be between 0 and 100, not %d", c.v)
		}
	}
	if r.MajorityAge < 14 || r.MajorityAge > 25 {
		return FieldError("Age of majority", "must be between 14 and 25, not %d", r.MajorityAge)
	}
	return nil
}

// MaxDestructionBatch bounds one batch: a day's work at the shredder, and a
// transaction that stays short.
const MaxDestructionBatch = 20000

// ValidateDestruction cleans in in place and says what is wrong with it.
// A batch needs a method, the person who destroyed the folders and a
// different person as witness; the day cannot be in the future.
func ValidateDestruction(in *DestructionInput, today Date) error {
	if in.Date.IsZero() {
		in.Date = today
	}
	if in.Date.After(today) {
		return FieldError("Date", "%s is in the future; record a destruction once it is done", in.Date)
	}
	var e *Error
	if in.Method, e = cleanText("Method", in.Method, true, 200); e != nil {
		return e
	}
	if in.DestroyedBy, e = cleanText("Destroyed by", in.DestroyedBy, true, maxNameLength); e != nil {
		return e
	}
	if in.Witness, e = cleanText("Witness", in.Witness, true, maxNameLength); e != nil {
		return e
	}
	if FoldName(in.Witness) == FoldName(in.DestroyedBy) {
		return FieldError("Witness", "must be someone other than the person who destroyed the records")
	}
	if in.Note, e = cleanText("Note", in.Note, false, 200); e != nil {
		return e
	}
	if len(in.VolumeIDs) == 0 {
		return FieldError("Folders", "choose at least one folder to destroy")
	}
	ids := slices.Clone(in.VolumeIDs)
	slices.Sort(ids)
	in.VolumeIDs = slices.Compact(ids)
	if len(in.VolumeIDs) > MaxDestructionBatch {
		return FieldError("Folders", "a batch holds at most %d folders, not %d; record it in several batches", MaxDestructionBatch, len(in.VolumeIDs))
	}
	return nil
}

// DestructionBlock says why a folder cannot be destroyed now whatever the
// policy says (it is not in file: out, missing, already destroyed), or "".
func DestructionBlock(v Volume) string {
	switch v.State {
	case StateInFile:
		return ""
	case StateDestroyed:
		return "already destroyed"
	case StateMissing:
		return "marked missing; only folders in file can be destroyed"
	case StateCheckedOut, StateInTransit, StateOffsite:
		return "out to " + v.BorrowerName + "; check it in before destroying it"
	}
	return "in an unknown state " + string(v.State)
}

// DestructionRefusal names a folder and why it may not be destroyed on the
// batch's day under decision d, or returns "".
func DestructionRefusal(v Volume, d RetentionDecision, on Date) string {
	name := fmt.Sprintf("%s (%s, chart %s, %s)", v.Barcode, v.Label(), v.MRN, v.PatientName)
	if b := DestructionBlock(v); b != "" {
		return name + ": " + b
	}
	if d.Eligible {
		return ""
	}
	if d.EligibleOn.IsZero() {
		return name + ": never eligible: " + d.Reason
	}
	return fmt.Sprintf("%s: not eligible until %s (%s), not on %s", name, d.EligibleOn, d.Reason, on)
}

// DestroyedRefusal is the answer to any movement of a destroyed folder.
func DestroyedRefusal(v Volume) *Error {
	return Errorf(EConflict, "%s (%s) was destroyed; its index entry is kept, but a destroyed folder can never move again", v.Barcode, v.Label())
}

// RecordDates are the first and last dates a folder's papers cover: from
// the day it was opened (or the first visit on record, if that came
// earlier) to the last visit. Either may be zero when nothing is known.
func RecordDates(v Volume, p Patient) (first, last Date) {
	first, last = v.Opened, p.LastVisit
	if last.IsZero() {
		last = v.Opened
	}
	if first.IsZero() || (!last.IsZero() && last.Before(first)) {
		first = last
	}
	return first, last
}

// JoinRefusals makes one clerk-readable error out of per-folder refusals,
// naming at most max of them.
func JoinRefusals(what string, refusals []string, max int) *Error {
	if len(refusals) == 0 {
		return nil
	}
	shown := refusals
	if len(shown) > max {
		shown = shown[:max]
	}
	msg := fmt.Sprintf("%s: %d folder(s) refused, nothing was saved:\n  %s", what, len(refusals), strings.Join(shown, "\n  "))
	if len(refusals) > max {
		msg += fmt.Sprintf("\n  … and %d more", len(refusals)-max)
	}
	return Errorf(EConflict, "%s", msg)
}

// MaxRefusalsShown bounds the folders a refused batch names.
const MaxRefusalsShown = 20

// DestructionChoice is one folder of a batch, checked and about to be
// destroyed: the folder, its patient and the decision that allows it.
type DestructionChoice struct {
	Volume   Volume
	Patient  Patient
	Decision RetentionDecision
}

// Item is the folder as the batch keeps it.
func (c DestructionChoice) Item() DestructionItem {
	first, last := RecordDates(c.Volume, c.Patient)
	return DestructionItem{VolumeID: c.Volume.ID, Barcode: c.Volume.Barcode, MRN: c.Volume.MRN, PatientName: c.Volume.PatientName,
		DOB: c.Patient.DOB, VolumeLabel: c.Volume.Label(), First: first, Last: last, Rule: c.Decision.Rule, EligibleOn: c.Decision.EligibleOn}
}

// NoSuchFolderRefusal is a batch's refusal of a folder id no folder has.
func NoSuchFolderRefusal(id ID) string { return fmt.Sprintf("folder id %d: no such folder", id) }

// CheckDestruction decides a batch: each folder found (nil when no folder
// has that id) is checked against policy on the batch's day and must be in
// file. It returns the folders to destroy, or the refusal naming every
// folder refused, and then nothing may be saved.
func CheckDestruction(in DestructionInput, found []*DestructionCandidate, policy RetentionPolicy) ([]DestructionChoice, error) {
	var list []DestructionChoice
	var refusals []string
	for i, c := range found {
		if c == nil {
			refusals = append(refusals, NoSuchFolderRefusal(in.VolumeIDs[i]))
			continue
		}
		d := Retention(c.Patient, c.BillingOnly, policy, in.Date)
		if r := DestructionRefusal(c.Volume, d, in.Date); r != "" {
			refusals = append(refusals, r)
			continue
		}
		list = append(list, DestructionChoice{Volume: c.Volume, Patient: c.Patient, Decision: d})
	}
	if err := JoinRefusals("The destruction was not recorded", refusals, MaxRefusalsShown); err != nil {
		return nil, err
	}
	return list, nil
}

// DestructionCandidate is a folder named for a batch as the store read it:
// with its patient and whether its record type is billing-only.
type DestructionCandidate struct {
	Volume      Volume
	Patient     Patient
	BillingOnly bool
}

// BatchDates are the earliest and latest dates the destroyed folders
// cover: the "dates covered" of the certificate.
func BatchDates(list []DestructionChoice) (first, last Date) {
	for _, c := range list {
		f, l := RecordDates(c.Volume, c.Patient)
		if !f.IsZero() && (first.IsZero() || f.Before(first)) {
			first = f
		}
		if l.After(last) {
			last = l
		}
	}
	return first, last
}

// DestroyMovementNote is the note of a destroyed folder's last movement.
func DestroyMovementNote(batch ID, in DestructionInput) string {
	return fmt.Sprintf("destruction batch %d on %s: %s", batch, in.Date, in.Method)
}

// DestroyedVolumeDetail is the audit detail of one folder of a batch.
func DestroyedVolumeDetail(c DestructionChoice, batch ID) string {
	v := c.Volume
	return fmt.Sprintf("destroyed %s (%s, chart %s) in batch %d: %s", v.Barcode, v.Label(), v.MRN, batch, c.Decision.Reason)
}

// DestroyedPatientDetail is the audit detail of a chart a batch left with
// no folder.
func DestroyedPatientDetail(p Patient, batch ID) string {
	return fmt.Sprintf("every folder of chart %s destroyed (batch %d); the index entry is kept", p.MRN, batch)
}

// DestructionBatchDetail is the audit detail of the batch itself.
func DestructionBatchDetail(batch ID, folders int, in DestructionInput) string {
	return fmt.Sprintf("destruction batch %d: %d folder(s) destroyed on %s by %s, witness %s, method: %s",
		batch, folders, in.Date, in.DestroyedBy, in.Witness, in.Method)
}

// DestructionBatchNotFound is the answer for an id no batch has.
func DestructionBatchNotFound(id ID) *Error {
	return Errorf(ENotFound, "there is no destruction batch %d", id)
}

// DestructionBatchViewDetail is the audit detail of a batch read with the
// names of its patients.
func DestructionBatchViewDetail(b DestructionBatch) string {
	return fmt.Sprintf("viewed destruction batch %d (%d folders)", b.ID, len(b.Items))
}

// BatchPatients are the patients of a batch's folders, each once, in the
// order of their first folder: the charts that may be left with no folder.
func BatchPatients(list []DestructionChoice) []Patient {
	seen := map[ID]bool{}
	var out []Patient
	for _, c := range list {
		if !seen[c.Patient.ID] {
			seen[c.Patient.ID] = true
			out = append(out, c.Patient)
		}
	}
	return out
}
