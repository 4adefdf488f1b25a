package records

import (
	"context"
	"fmt"
	"time"
)

// LooseState is where a batch of loose papers stands.
type LooseState string

const (
	LooseWaiting LooseState = "waiting"
	LooseFiled   LooseState = "filed"
)

// LooseFiling is papers received for a chart that was not on the shelf.
type LooseFiling struct {
	ID          ID
	PatientID   ID
	Received    Date
	Description string
	From        string
	State       LooseState
	FiledAt     time.Time
	FiledBy     ID
	CreatedAt   time.Time

	MRN         string
	PatientName string
}

// LooseFilingService records papers waiting for charts.
type LooseFilingService interface {
	AddLooseFiling(ctx context.Context, l LooseFiling) (LooseFiling, error)
	ListLooseFiling(ctx context.Context, patientID ID, state LooseState) ([]LooseFiling, error)
	MarkFiled(ctx context.Context, id ID) (LooseFiling, error)
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

// LooseForMergedChart refuses papers for a chart merged into another.
func LooseForMergedChart(p Patient) *Error {
	return Errorf(EConflict, "chart %s was merged into %s; file the papers there", p.MRN, p.MergedInto)
}

// LooseNotFound is the answer for an id no loose papers have.
func LooseNotFound(id ID) *Error {
	return Errorf(ENotFound, "there are no loose papers with id %d", id)
}

// LooseAlreadyFiled refuses to file papers twice.
func LooseAlreadyFiled(l LooseFiling) *Error {
	return Errorf(EConflict, "those papers were already filed on %s", l.FiledAt.Format("2006-01-02"))
}

// LooseAddedDetail is the audit detail of papers recorded.
func LooseAddedDetail(l LooseFiling) string {
	return fmt.Sprintf("loose papers for chart %s: %s", l.MRN, l.Description)
}

// LooseFiledDetail is the audit detail of papers filed.
func LooseFiledDetail(l LooseFiling) string {
	return fmt.Sprintf("loose papers filed in chart %s", l.MRN)
}
