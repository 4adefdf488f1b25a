package records

import (
	"context"
	"strings"
	"time"
)

// DisclosurePurpose is the category of a disclosure's purpose. It decides
// whether the disclosure appears in a patient's accounting of disclosures
// (HIPAA, 45 CFR 164.528): most disclosures for other purposes than
// treatment, payment and operations must be accounted for.
type DisclosurePurpose string

// Exempt categories: 164.528(a)(1) lists the disclosures the accounting
// leaves out.
const (
	PurposeTreatment      DisclosurePurpose = "treatment"         // (a)(1)(i)
	PurposePayment        DisclosurePurpose = "payment"           // (a)(1)(i)
	PurposeOperations     DisclosurePurpose = "operations"        // (a)(1)(i): health care operations
	PurposeToPatient      DisclosurePurpose = "to-patient"        // (a)(1)(ii): to the patient or their representative
	PurposeAuthorized     DisclosurePurpose = "authorized"        // (a)(1)(iv): with the patient's written authorization
	PurposeInvolvedInCare DisclosurePurpose = "involved-in-care"  // (a)(1)(v)/(vi): directory, family involved in care
	PurposeSecurity       DisclosurePurpose = "national-security" // (a)(1)(vi)
	PurposeCorrectional   DisclosurePurpose = "correctional"      // (a)(1)(vii): custody, correctional institutions
	PurposeLimitedDataSet DisclosurePurpose = "limited-data-set"  // (a)(1)(viii)
)

// Reportable categories: everything else, and anything a clerk cannot place.
const (
	PurposeLegal           DisclosurePurpose = "legal"            // subpoena, court order, judicial proceedings
	PurposeLawEnforcement  DisclosurePurpose = "law-enforcement"  // 164.512(f)
	PurposePublicHealth    DisclosurePurpose = "public-health"    // 164.512(b)
	PurposeHealthOversight DisclosurePurpose = "health-oversight" // 164.512(d)
	PurposeAbuseReport     DisclosurePurpose = "abuse-report"     // 164.512(c)
	PurposeResearch        DisclosurePurpose = "research"         // without authorization, 164.512(i)
	PurposeWorkersComp     DisclosurePurpose = "workers-comp"     // 164.512(l)
	PurposeDecedent        DisclosurePurpose = "decedent"         // coroner, funeral director, 164.512(g)
	PurposeOther           DisclosurePurpose = "other"            // reportable: when in doubt, account for it
)

// DisclosurePurposes lists every category in the order a form offers them:
// reportable first, then the exemptions.
var DisclosurePurposes = []DisclosurePurpose{
	PurposeLegal, PurposeLawEnforcement, PurposePublicHealth, PurposeHealthOversight, PurposeAbuseReport,
	PurposeResearch, PurposeWorkersComp, PurposeDecedent, PurposeOther,
	PurposeTreatment, PurposePayment, PurposeOperations, PurposeToPatient, PurposeAuthorized,
	PurposeInvolvedInCare, PurposeSecurity, PurposeCorrectional, PurposeLimitedDataSet,
}

var purposeLabels = map[DisclosurePurpose]string{
	PurposeLegal:           "Legal: subpoena or court order",
	PurposeLawEnforcement:  "Law enforcement",
	PurposePublicHealth:    "Public health",
	PurposeHealthOversight: "Health oversight",
	PurposeAbuseReport:     "Report of abuse or neglect",
	PurposeResearch:        "Research without authorization",
	PurposeWorkersComp:     "Workers' compensation",
	PurposeDecedent:        "Coroner or funeral director",
	PurposeOther:           "Other (reportable)",
	PurposeTreatment:       "Treatment (exempt)",
	PurposePayment:         "Payment (exempt)",
	PurposeOperations:      "Health care operations (exempt)",
	PurposeToPatient:       "To the patient (exempt)",
	PurposeAuthorized:      "With the patient's authorization (exempt)",
	PurposeInvolvedInCare:  "Persons involved in care (exempt)",
	PurposeSecurity:        "National security (exempt)",
	PurposeCorrectional:    "Correctional institution (exempt)",
	PurposeLimitedDataSet:  "Limited data set (exempt)",
}

// Valid reports whether p is a known category.
func (p DisclosurePurpose) Valid() bool { _, ok := purposeLabels[p]; return ok }

// Label is how forms and reports name the category.
func (p DisclosurePurpose) Label() string {
	if l, ok := purposeLabels[p]; ok {
		return l
	}
	return string(p)
}

// Reportable reports whether a disclosure for purpose p belongs in the
// patient's accounting. An unknown category counts as reportable: leaving a
// disclosure out of an accounting is the mistake the rule exists to prevent.
func (p DisclosurePurpose) Reportable() bool {
	switch p {
	case PurposeTreatment, PurposePayment, PurposeOperations, PurposeToPatient, PurposeAuthorized,
		PurposeInvolvedInCare, PurposeSecurity, PurposeCorrectional, PurposeLimitedDataSet:
		return false
	}
	return true
}

// PurposeFromLabel finds the category a form's label names.
func PurposeFromLabel(label string) (DisclosurePurpose, bool) {
	for p, l := range purposeLabels {
		if l == label || string(p) == label {
			return p, true
		}
	}
	return "", false
}

// Disclosure sources.
const (
	DisclosureManual   = "manual"
	DisclosureCheckOut = "check-out"
)

// Disclosure is protected health information that left the practice: what,
// to whom, when and why. Rows are never changed or deleted (a merge only
// moves them to the surviving chart).
type Disclosure struct {
	ID          ID
	PatientID   ID
	Date        Date
	Recipient   string
	Address     string
	Description string // what was disclosed
	Purpose     string // brief statement of the purpose
	Category    DisclosurePurpose
	VolumeID    ID     // the folder checked out, 0 when entered by hand
	BorrowerID  ID     // the outside borrower, for check-outs
	Source      string // DisclosureManual or DisclosureCheckOut
	CreatedAt   time.Time
	CreatedBy   ID

	// Filled by the store for display.
	MRN         string
	PatientName string
	Username    string
}

// Reportable reports whether d belongs in the patient's accounting.
func (d Disclosure) Reportable() bool { return d.Category.Reportable() }

// ValidateDisclosure cleans d in place and names what is wrong with it.
func ValidateDisclosure(d *Disclosure, today Date) error {
	if d.PatientID == 0 {
		return FieldError("Chart", "is required")
	}
	if d.Date.IsZero() {
		return FieldError("Date", "is required")
	}
	if d.Date.After(today) {
		return FieldError("Date", "%s is in the future", d.Date)
	}
	var e *Error
	if d.Recipient, e = cleanText("Recipient", d.Recipient, true, maxNameLength); e != nil {
		return e
	}
	if d.Address, e = cleanText("Address", d.Address, false, 200); e != nil {
		return e
	}
	if d.Description, e = cleanText("Description", d.Description, true, 200); e != nil {
		return e
	}
	if d.Purpose, e = cleanText("Purpose", d.Purpose, true, 200); e != nil {
		return e
	}
	if d.Category == "" {
		d.Category = PurposeOther
	}
	if !d.Category.Valid() {
		return FieldError("Category", "%q is not a known purpose category", d.Category)
	}
	if d.Source == "" {
		d.Source = DisclosureManual
	}
	return nil
}

// AccountingYears is how far back an accounting of disclosures reaches.
const AccountingYears = 6

// AccountingPeriod is the span a patient's accounting requested on asOf
// covers: the six years before it, both ends included (a disclosure on the
// day of the request is listed too). The first day of a period ending on
// 29 February is 1 March six years earlier.
func AccountingPeriod(asOf Date) (from, to Date) {
	return asOf.AddYears(-AccountingYears), asOf
}

// InAccountingPeriod reports whether a disclosure on day d falls in the
// accounting requested on asOf.
func InAccountingPeriod(d, asOf Date) bool {
	from, to := AccountingPeriod(asOf)
	return !d.Before(from) && !d.After(to)
}

// AccountingEntries picks, in date order as given, the disclosures an
// accounting requested on asOf lists: reportable and inside the period.
func AccountingEntries(ds []Disclosure, asOf Date) []Disclosure {
	var out []Disclosure
	for _, d := range ds {
		if d.Reportable() && InAccountingPeriod(d.Date, asOf) {
			out = append(out, d)
		}
	}
	return out
}

// DisclosureForCheckOut is the disclosure a check-out of v to b records on
// day on, or nil when b is not an outside party. A check-out to an outside
// party needs a stated purpose. Offsite storage is the practice's own
// business associate keeping its records (health care operations): not a
// disclosure the accounting lists, so it needs none.
func DisclosureForCheckOut(v Volume, b Borrower, in CheckOutInput, on Date) (*Disclosure, error) {
	if b.Kind != BorrowerExternal {
		return nil, nil
	}
	d := &Disclosure{
		PatientID:   v.PatientID,
		Date:        on,
		Recipient:   b.Name,
		Address:     b.Address,
		Description: "Chart folder " + v.Label() + " (" + v.Barcode + ")",
		Purpose:     in.Note,
		Category:    in.Purpose,
		VolumeID:    v.ID,
		BorrowerID:  b.ID,
		Source:      DisclosureCheckOut,
	}
	if d.Category == "" {
		d.Category = PurposeOther
	}
	if err := ValidateDisclosure(d, on); err != nil {
		if ErrorField(err) == "Purpose" && strings.TrimSpace(in.Note) == "" {
			return nil, FieldError("Purpose", "is required for a check-out to %s, an outside party: the disclosure goes into the patient's accounting", b.Name)
		}
		return nil, err
	}
	return d, nil
}

// AccountingDueDays is how long a practice has to answer a patient's
// request for an accounting (164.528(c)(1)).
const AccountingDueDays = 60

// AccountingRequest is a patient's request for an accounting of
// disclosures, kept until answered.
type AccountingRequest struct {
	ID          ID
	PatientID   ID
	Received    Date
	Due         Date // Received + 60 days, set by the rule
	RequestedBy string
	Note        string
	Answered    Date // zero while open
	AnsweredBy  ID
	AnswerNote  string
	CreatedAt   time.Time
	CreatedBy   ID

	// Filled by the store for display.
	MRN          string
	PatientName  string
	AnsweredName string
}

// Open reports whether the request still waits for its answer.
func (r AccountingRequest) Open() bool { return r.Answered.IsZero() }

// Overdue reports whether the request is open past its due date on today.
func (r AccountingRequest) Overdue(today Date) bool { return r.Open() && today.After(r.Due) }

// AccountingDue is the last day to answer a request received on received.
func AccountingDue(received Date) Date { return received.AddDays(AccountingDueDays) }

// ValidateAccountingRequest cleans r in place, sets its due date and names
// what is wrong.
func ValidateAccountingRequest(r *AccountingRequest, today Date) error {
	if r.PatientID == 0 {
		return FieldError("Chart", "is required")
	}
	if r.Received.IsZero() {
		r.Received = today
	}
	if r.Received.After(today) {
		return FieldError("Received", "%s is in the future", r.Received)
	}
	var e *Error
	if r.RequestedBy, e = cleanText("Requested by", r.RequestedBy, false, maxNameLength); e != nil {
		return e
	}
	if r.Note, e = cleanText("Note", r.Note, false, 200); e != nil {
		return e
	}
	r.Due = AccountingDue(r.Received)
	return nil
}

// AnswerRefusal explains why r cannot be marked answered on day answered
// (today being today) with note, or returns nil; it cleans note in place.
func AnswerRefusal(r AccountingRequest, answered, today Date, note *string) *Error {
	if !r.Open() {
		return Errorf(EConflict, "the request received %s was already answered on %s", r.Received, r.Answered)
	}
	if answered.IsZero() {
		return FieldError("Answered", "is required")
	}
	if answered.After(today) {
		return FieldError("Answered", "%s is in the future", answered)
	}
	if answered.Before(r.Received) {
		return FieldError("Answered", "%s is before the request was received (%s)", answered, r.Received)
	}
	var e *Error
	*note, e = cleanText("Note", *note, false, 200)
	return e
}

// DisclosureFilter selects disclosures; zero fields do not filter.
type DisclosureFilter struct {
	PatientID ID
	From, To  Date // inclusive days
}

// AccountingRequestFilter selects accounting requests.
type AccountingRequestFilter struct {
	PatientID ID
	OpenOnly  bool
}

// DisclosureService keeps the accounting of disclosures. Clerks record
// disclosures and log patients' requests; answering a request is a
// supervisor's sign-off (the practice's privacy officer or their deputy).
type DisclosureService interface {
	// AddDisclosure records a disclosure entered by hand (clerk).
	AddDisclosure(ctx context.Context, d Disclosure) (Disclosure, error)
	// ListDisclosures returns disclosures oldest first and records the view
	// of each patient listed (clerk).
	ListDisclosures(ctx context.Context, f DisclosureFilter) ([]Disclosure, error)
	// LogAccountingRequest records a patient's request with its due date (clerk).
	LogAccountingRequest(ctx context.Context, r AccountingRequest) (AccountingRequest, error)
	// ListAccountingRequests returns requests, open ones by due date first (clerk).
	ListAccountingRequests(ctx context.Context, f AccountingRequestFilter) ([]AccountingRequest, error)
	// AnswerAccountingRequest marks a request answered on day answered (supervisor).
	AnswerAccountingRequest(ctx context.Context, id ID, answered Date, note string) (AccountingRequest, error)
}
