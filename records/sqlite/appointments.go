package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/chartroom/chartroom/records"
)

// appointmentPatient finds an appointment's patient: by the scheduling
// system's id when the row has one and a patient carries it, else by the
// chart number (which may be that same id, in a file whose only id column
// is the chart number). reason says why no patient was found.
func appointmentPatient(ctx context.Context, tx *sql.Tx, st records.Settings, row records.AppointmentRow) (records.Patient, string, error) {
	if row.ExternalID != "" {
		p, err := patientByExternalID(ctx, tx, row.ExternalID)
		if err == nil {
			return p, "", nil
		}
		if records.ErrorCode(err) != records.ENotFound {
			return p, "", err
		}
	}
	mrn, err := records.NormalizeMRN(row.MRN, st.MRNWidth)
	if err != nil {
		if row.ExternalID != "" {
			return records.Patient{}, fmt.Sprintf("no patient has the external id %s", row.ExternalID), nil
		}
		return records.Patient{}, "MRN: " + err.Error(), nil
	}
	p, _, err := resolveMRN(ctx, tx, mrn)
	if records.ErrorCode(err) == records.ENotFound {
		if row.ExternalID != "" && row.ExternalID != row.MRN {
			return p, fmt.Sprintf("no patient has the external id %s or the chart number %s", row.ExternalID, records.FormatMRN(mrn, st.Filing)), nil
		}
		return p, fmt.Sprintf("no patient has the chart number %s", records.FormatMRN(mrn, st.Filing)), nil
	}
	return p, "", err
}

// addProvider makes a provider the import met but no borrower carries
// known to the summary, and, when add is set, a provider borrower.
func addProvider(ctx context.Context, s *Store, tx *sql.Tx, a records.Actor, name string, add bool, sum *records.ImportSummary) (records.Borrower, error) {
	if !add {
		sum.UnknownProviders = append(sum.UnknownProviders, name)
		return records.Borrower{}, nil
	}
	b := records.Borrower{Name: name, Kind: records.BorrowerProvider, Active: true}
	if err := records.ValidateBorrower(&b); err != nil {
		sum.UnknownProviders = append(sum.UnknownProviders, name)
		return records.Borrower{}, nil
	}
	id, err := insertBorrower(ctx, tx, b)
	if err != nil {
		return b, err
	}
	b.ID = id
	sum.AddedProviders = append(sum.AddedProviders, b.Name)
	return b, s.auditor(tx, a).add(ctx, records.AuditCreate, "borrower", b.ID, "borrower %s (%s) added by an appointments import", b.Name, b.Kind)
}

// ImportAppointments creates a pending request per appointment row (clerk);
// see ImportAppointmentsWith.
func (s *Store) ImportAppointments(ctx context.Context, rows []records.AppointmentRow, dryRun bool) (records.ImportSummary, error) {
	return s.ImportAppointmentsWith(ctx, rows, records.AppointmentImport{DryRun: dryRun})
}

// ImportAppointmentsWith creates a pending request per appointment row
// (clerk; adding providers as borrowers takes a supervisor): the external
// id, else the chart number, finds the patient (a retired chart number its
// survivor), the provider's name a borrower. A provider that is no
// borrower is named in the summary, and its rows are rejected unless
// opt.AddProviders adds it as a provider borrower. Rows already imported
// are counted unchanged, so importing a file twice creates nothing new; a
// dry run rolls back.
func (s *Store) ImportAppointmentsWith(ctx context.Context, rows []records.AppointmentRow, opt records.AppointmentImport) (records.ImportSummary, error) {
	role, what := records.RoleClerk, "import appointments"
	if opt.AddProviders {
		role, what = records.RoleSupervisor, "add providers as borrowers"
	}
	a, err := records.Require(ctx, role, what)
	if err != nil {
		return records.ImportSummary{}, err
	}
	dryRun := opt.DryRun
	var sum records.ImportSummary
	err = s.write(ctx, "import appointments", func(tx *sql.Tx) error {
		sum = records.ImportSummary{}
		st, err := loadSettings(ctx, tx)
		if err != nil {
			return err
		}
		dup, err := tx.PrepareContext(ctx, `SELECT count(*) FROM requests WHERE patient_id = ? AND borrower_id = ? AND needed_on = ?
			AND needed_at = ? AND source = 'appointment'`)
		if err != nil {
			return err
		}
		defer dup.Close()
		borrowers := map[string]records.Borrower{}
		for _, row := range rows {
			reject := func(format string, args ...any) {
				sum.Rejected = append(sum.Rejected, records.RowError{Line: row.Line, Reason: fmt.Sprintf(format, args...)})
			}
			if row.Date.IsZero() {
				reject("the appointment date is missing")
				continue
			}
			p, reason, err := appointmentPatient(ctx, tx, st, row)
			if err != nil {
				return err
			}
			if reason != "" {
				reject("%s", reason)
				continue
			}
			name := strings.TrimSpace(row.Provider)
			key := strings.ToLower(name)
			b, ok := borrowers[key]
			if !ok {
				found, err := queryBorrowers(ctx, tx, "SELECT "+borrowerColumns+" FROM borrowers WHERE name = ? COLLATE NOCASE", name)
				if err != nil {
					return err
				}
				if len(found) > 0 {
					b = found[0]
				} else if name != "" {
					if b, err = addProvider(ctx, s, tx, a, name, opt.AddProviders, &sum); err != nil {
						return err
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
			r := records.Request{PatientID: p.ID, BorrowerID: b.ID, NeededOn: row.Date, NeededAt: row.Time, Reason: row.Reason, Source: "appointment"}
			if err := records.ValidateRequest(&r, s.today()); err != nil {
				reject("%s", records.ErrorMessage(err))
				continue
			}
			var n int
			if err := dup.QueryRowContext(ctx, int64(r.PatientID), int64(r.BorrowerID), r.NeededOn.String(), r.NeededAt).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				sum.Unchanged++
				continue
			}
			if _, err := s.insertRequest(ctx, tx, a, r); err != nil {
				return err
			}
			sum.Imported++
		}
		if err := s.auditor(tx, a).add(ctx, records.AuditImport, "request", 0, "appointments imported: %d new, %d unchanged, %d rejected",
			sum.Imported, sum.Unchanged, len(sum.Rejected)); err != nil {
			return err
		}
		if dryRun {
			return errDryRun
		}
		return nil
	})
	return sum, err
}
