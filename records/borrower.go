package records

import (
	"context"
	"strings"
)

// BorrowerKind says who a borrower is; it decides overdue and disclosure rules.
type BorrowerKind string

const (
	BorrowerProvider   BorrowerKind = "provider"
	BorrowerStaff      BorrowerKind = "staff"
	BorrowerDepartment BorrowerKind = "department"
	BorrowerExternal   BorrowerKind = "external" // attorney, insurer: a check-out is a disclosure
	BorrowerOffsite    BorrowerKind = "offsite"  // offsite storage: never overdue
)

// BorrowerKinds lists the kinds in the order a form offers them.
var BorrowerKinds = []BorrowerKind{BorrowerProvider, BorrowerStaff, BorrowerDepartment, BorrowerExternal, BorrowerOffsite}

// Valid reports whether k is a known kind.
func (k BorrowerKind) Valid() bool {
	switch k {
	case BorrowerProvider, BorrowerStaff, BorrowerDepartment, BorrowerExternal, BorrowerOffsite:
		return true
	}
	return false
}

// Borrower is whoever a chart can be checked out to.
type Borrower struct {
	ID       ID
	Name     string
	Kind     BorrowerKind
	Phone    string
	Room     string
	Address  string // for outside parties: where disclosed records go
	LoanDays int    // 0: the record type's loan period applies
	Badge    string // badge barcode, unique when set
	Active   bool
}

// BorrowerContact is how a borrower is reached, as lists show it: the phone,
// else the room.
func BorrowerContact(phone, room string) string {
	if phone != "" {
		return phone
	}
	return room
}

// BorrowerService manages borrowers (changes: supervisor or admin).
type BorrowerService interface {
	ListBorrowers(ctx context.Context, includeInactive bool) ([]Borrower, error)
	Borrower(ctx context.Context, id ID) (Borrower, error)
	// FindBorrower finds one by badge code, else by exact name (case-insensitive).
	FindBorrower(ctx context.Context, badgeOrName string) (Borrower, error)
	SaveBorrower(ctx context.Context, b Borrower) (Borrower, error) // create when ID is 0
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

// LoanDays returns the loan period of a check-out: the borrower's own period
// when set, else the record type's. Zero means no due date.
func LoanDays(b Borrower, rt RecordType) int {
	if b.LoanDays > 0 {
		return b.LoanDays
	}
	return rt.LoanDays
}
