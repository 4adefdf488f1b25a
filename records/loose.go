package records

import (
	"context"
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
