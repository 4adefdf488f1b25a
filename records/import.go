package records

import (
	"iter"
	"strconv"
)

// PatientRow is one line of a patients import, already parsed.
type PatientRow struct {
	Line    int
	Patient Patient
	// AssignMRN: the file gave the row no usable chart number (Patient.MRN
	// is empty) but an external id; a patient new to the practice gets its
	// next free chart number, a known one is found by the external id.
	AssignMRN bool
}

// PatientSource yields the rows of a patients import in file order, as
// they are read; an error ends the import, which then writes nothing.
type PatientSource = iter.Seq2[PatientRow, error]

// PatientRows is a source of rows already in memory.
func PatientRows(rows []PatientRow) PatientSource {
	return func(yield func(PatientRow, error) bool) {
		for _, r := range rows {
			if !yield(r, nil) {
				return
			}
		}
	}
}

// ImportSummary counts what an import did (or would do, on a dry run).
type ImportSummary struct {
	Imported  int
	Updated   int
	Unchanged int
	Rejected  []RowError
	// AssignedMRNs are the chart numbers new patients were given, in order.
	AssignedMRNs []string
	// UnknownProviders are the providers of an appointments import that are
	// not borrowers (their rows are rejected); AddedProviders those the
	// import added as provider borrowers instead.
	UnknownProviders []string
	AddedProviders   []string
}

// AppointmentImport says how to import appointments.
type AppointmentImport struct {
	DryRun bool
	// AddProviders adds a provider that is not yet a borrower as a provider
	// borrower (supervisor) instead of rejecting its rows.
	AddProviders bool
}

// RowError names a rejected line of an imported file.
type RowError struct {
	Line   int
	Reason string
}

// Error formats the rejection as the command line prints it: "line L: reason".
func (e RowError) Error() string { return "line " + strconv.Itoa(e.Line) + ": " + e.Reason }

// AppointmentRow is one line of an appointments import.
type AppointmentRow struct {
	Line       int
	Date       Date
	Time       string
	MRN        string
	ExternalID string // the patient's id in the scheduling system, tried first
	Provider   string
	Reason     string
}
