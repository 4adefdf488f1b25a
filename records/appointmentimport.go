package records

import (
	"fmt"
	"strings"
)

// AppointmentRecords is what an appointments import reads and writes, inside
// the store's one transaction for the import.
type AppointmentRecords interface {
	// PatientByExternalID finds the patient with an external id (case not
	// telling ids apart), without following a merge; ENotFound when none.
	PatientByExternalID(id string) (Patient, error)
	// PatientByMRN finds the patient with a stored chart number, following
	// a merge to the survivor; ENotFound when none.
	PatientByMRN(mrn string) (Patient, error)
	// BorrowerNamed finds the borrower with a name, case not counting.
	BorrowerNamed(name string) (b Borrower, ok bool, err error)
	// AddProvider writes a new, validated provider borrower and its audit
	// event, and returns it with its id.
	AddProvider(b Borrower) (Borrower, error)
	// RequestImported reports whether an appointment request for the same
	// patient, borrower, day and time is stored already.
	RequestImported(r Request) (bool, error)
	// AddRequest writes a validated pending request.
	AddRequest(r Request) error
}

// ImportAppointmentRows creates a pending request per appointment row
// through to: the external id, else the chart number, finds the patient (a
// retired chart number its survivor), the provider's name a borrower. A
// provider that is no borrower is named in the summary, and its rows are
// rejected unless addProviders adds it as a provider borrower. Rows already
// imported are counted unchanged.
func ImportAppointmentRows(rows []AppointmentRow, st Settings, today Date, addProviders bool, to AppointmentRecords) (ImportSummary, error) {
	var sum ImportSummary
	borrowers := map[string]Borrower{}
	for _, row := range rows {
		reject := func(format string, args ...any) {
			sum.Rejected = append(sum.Rejected, RowError{Line: row.Line, Reason: fmt.Sprintf(format, args...)})
		}
		if row.Date.IsZero() {
			reject("the appointment date is missing")
			continue
		}
		p, reason, err := appointmentPatient(st, row, to)
		if err != nil {
			return sum, err
		}
		if reason != "" {
			reject("%s", reason)
			continue
		}
		name := strings.TrimSpace(row.Provider)
		key := strings.ToLower(name)
		b, ok := borrowers[key]
		if !ok {
			found, ok, err := to.BorrowerNamed(name)
			if err != nil {
				return sum, err
			}
			if ok {
				b = found
			} else if name != "" {
				if b, err = addProvider(to, name, addProviders, &sum); err != nil {
					return sum, err
				}
			}
			borrowers[key] = b
		}
		if b.ID == 0 {
			reject("no borrower is named %q; add the provider as a borrower first", row.Provider)
			continue
		}
		if !b.Active {
			reject("%s is not an active borrower", b.Name)
			continue
		}
		r := Request{PatientID: p.ID, BorrowerID: b.ID, NeededOn: row.Date, NeededAt: row.Time, Reason: row.Reason, Source: "appointment"}
		if err := ValidateRequest(&r, today); err != nil {
			reject("%s", ErrorMessage(err))
			continue
		}
		done, err := to.RequestImported(r)
		if err != nil {
			return sum, err
		}
		if done {
			sum.Unchanged++
			continue
		}
		if err := to.AddRequest(r); err != nil {
			return sum, err
		}
		sum.Imported++
	}
	return sum, nil
}

// AppointmentImportDetail is the audit detail of an appointments import.
func AppointmentImportDetail(sum ImportSummary) string {
	return fmt.Sprintf("appointments imported: %d new, %d unchanged, %d rejected", sum.Imported, sum.Unchanged, len(sum.Rejected))
}

// AddedProviderDetail is the audit detail of a provider an appointments
// import added as a borrower.
func AddedProviderDetail(b Borrower) string {
	return fmt.Sprintf("borrower %s (%s) added by an appointments import", b.Name, b.Kind)
}

// appointmentPatient finds an appointment's patient: by the scheduling
// system's id when the row has one and a patient carries it, else by the
// chart number (which may be that same id, in a file whose only id column
// is the chart number). reason says why no patient was found.
func appointmentPatient(st Settings, row AppointmentRow, to AppointmentRecords) (Patient, string, error) {
	if row.ExternalID != "" {
		p, err := to.PatientByExternalID(row.ExternalID)
		if err == nil {
			return p, "", nil
		}
		if ErrorCode(err) != ENotFound {
			return p, "", err
		}
	}
	mrn, err := NormalizeMRN(row.MRN, st.MRNWidth)
	if err != nil {
		if row.ExternalID != "" {
			return Patient{}, fmt.Sprintf("no patient has the external id %s", row.ExternalID), nil
		}
		return Patient{}, "MRN: " + err.Error(), nil
	}
	p, err := to.PatientByMRN(mrn)
	if ErrorCode(err) == ENotFound {
		if row.ExternalID != "" && row.ExternalID != row.MRN {
			return p, fmt.Sprintf("no patient has the external id %s or the chart number %s", row.ExternalID, FormatMRN(mrn, st.Filing)), nil
		}
		return p, fmt.Sprintf("no patient has the chart number %s", FormatMRN(mrn, st.Filing)), nil
	}
	return p, "", err
}

// addProvider makes a provider the import met but no borrower carries
// known to the summary, and, when add is set, a provider borrower.
func addProvider(to AppointmentRecords, name string, add bool, sum *ImportSummary) (Borrower, error) {
	if !add {
		sum.UnknownProviders = append(sum.UnknownProviders, name)
		return Borrower{}, nil
	}
	b := Borrower{Name: name, Kind: BorrowerProvider, Active: true}
	if err := ValidateBorrower(&b); err != nil {
		sum.UnknownProviders = append(sum.UnknownProviders, name)
		return Borrower{}, nil
	}
	b, err := to.AddProvider(b)
	if err != nil {
		return b, err
	}
	sum.AddedProviders = append(sum.AddedProviders, b.Name)
	return b, nil
}
