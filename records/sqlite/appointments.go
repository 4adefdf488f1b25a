package sqlite

import (
	"context"
	"database/sql"

	"github.com/chartroom/chartroom/records"
)

// appointmentRecords is an appointments import's reads and writes, in its
// transaction (records.ImportAppointmentRows decides each row).
type appointmentRecords struct {
	ctx context.Context
	s   *Store
	tx  *sql.Tx
	a   records.Actor
	dup *sql.Stmt
}

func (r appointmentRecords) PatientByExternalID(id string) (records.Patient, error) {
	return patientByExternalID(r.ctx, r.tx, id)
}

func (r appointmentRecords) PatientByMRN(mrn string) (records.Patient, error) {
	p, _, err := resolveMRN(r.ctx, r.tx, mrn)
	return p, err
}

func (r appointmentRecords) BorrowerNamed(name string) (records.Borrower, bool, error) {
	found, err := queryBorrowers(r.ctx, r.tx, "SELECT "+borrowerColumns+" FROM borrowers WHERE name = ? COLLATE NOCASE", name)
	if err != nil || len(found) == 0 {
		return records.Borrower{}, false, err
	}
	return found[0], true, nil
}

func (r appointmentRecords) AddProvider(b records.Borrower) (records.Borrower, error) {
	id, err := insertBorrower(r.ctx, r.tx, b)
	if err != nil {
		return b, err
	}
	b.ID = id
	return b, r.s.auditor(r.tx, r.a).add(r.ctx, records.AuditCreate, "borrower", b.ID, "%s", records.AddedProviderDetail(b))
}

func (r appointmentRecords) RequestImported(q records.Request) (bool, error) {
	var n int
	err := r.dup.QueryRowContext(r.ctx, int64(q.PatientID), int64(q.BorrowerID), q.NeededOn.String(), q.NeededAt).Scan(&n)
	return n > 0, err
}

func (r appointmentRecords) AddRequest(q records.Request) error {
	_, err := r.s.insertRequest(r.ctx, r.tx, r.a, q)
	return err
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
		if sum, err = records.ImportAppointmentRows(rows, st, s.today(), opt.AddProviders, appointmentRecords{ctx, s, tx, a, dup}); err != nil {
			return err
		}
		if err := s.auditor(tx, a).add(ctx, records.AuditImport, "request", 0, "%s", records.AppointmentImportDetail(sum)); err != nil {
			return err
		}
		if dryRun {
			return errDryRun
		}
		return nil
	})
	return sum, err
}
