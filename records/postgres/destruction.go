package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/chartroom/chartroom/records"
)

// RecordDestruction destroys the folders of a batch (supervisor). In one
// transaction every folder is checked again against the policy on the
// batch's day and must be in file; if any is refused, nothing is saved and
// the refusal names each folder and why. Each destroyed folder gets a
// destroy movement and an item of the batch (its dates as they were); a
// patient whose folders are all destroyed gets the status destroyed, and
// keeps the index row forever.
//
// The folders' patients are locked first, then the folders, each set in id
// order: a check-out, a second batch or a merge on another workstation
// waits or goes first, and a folder added to one of the charts meanwhile
// keeps that chart from being marked destroyed.
func (s *Store) RecordDestruction(ctx context.Context, in records.DestructionInput) (records.DestructionBatch, error) {
	a, err := records.Require(ctx, records.RoleSupervisor, "record the destruction of charts")
	if err != nil {
		return records.DestructionBatch{}, err
	}
	if err := records.ValidateDestruction(&in, s.today()); err != nil {
		return records.DestructionBatch{}, err
	}
	ids := make([]int64, len(in.VolumeIDs))
	for i, id := range in.VolumeIDs {
		ids[i] = int64(id)
	}
	var out records.DestructionBatch
	err = s.write(ctx, "the record of the destruction", func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT 1 FROM patients WHERE id IN (SELECT patient_id FROM volumes WHERE id = ANY($1))
			ORDER BY id FOR UPDATE`, ids); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "SELECT 1 FROM volumes WHERE id = ANY($1) ORDER BY id FOR UPDATE", ids); err != nil {
			return err
		}
		st, err := loadSettings(ctx, tx)
		if err != nil {
			return err
		}
		found := make([]*records.DestructionCandidate, len(in.VolumeIDs))
		for i, id := range in.VolumeIDs {
			v, p, billing, err := scanCandidate(tx.QueryRow(ctx, candidateSelect+" WHERE v.id = $1", int64(id)))
			if errors.Is(err, pgx.ErrNoRows) {
				continue
			}
			if err != nil {
				return err
			}
			found[i] = &records.DestructionCandidate{Volume: v, Patient: p, BillingOnly: billing}
		}
		list, err := records.CheckDestruction(in, found, st.Retention)
		if err != nil {
			return err
		}
		first, last := records.BatchDates(list)
		now := s.now().Truncate(time.Microsecond)
		var batch records.ID
		if err := tx.QueryRow(ctx, `INSERT INTO destruction_batches (destroyed_on, method, destroyed_by, witness, note, first_date,
			last_date, volumes, recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			in.Date.String(), in.Method, in.DestroyedBy, in.Witness, in.Note, dval(first), dval(last), len(list), now, int64(a.UserID)).Scan(&batch); err != nil {
			return err
		}
		for _, c := range list {
			v := c.Volume
			if _, err := setPlace(ctx, tx, v, records.StateDestroyed, nil, time.Time{}, records.Date{}, now); err != nil {
				return err
			}
			if err := addMovement(ctx, tx, a, v.ID, now, move{kind: records.MoveDestroy, fromLoc: v.HomeID, note: records.DestroyMovementNote(batch, in)}); err != nil {
				return err
			}
			it := c.Item()
			if _, err := tx.Exec(ctx, `INSERT INTO destruction_items (batch_id, volume_id, barcode, mrn, patient_name, dob, volume_label,
				first_date, last_date, rule, eligible_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
				int64(batch), int64(it.VolumeID), it.Barcode, it.MRN, it.PatientName, dval(it.DOB), it.VolumeLabel, dval(it.First), dval(it.Last),
				string(it.Rule), dval(it.EligibleOn)); err != nil {
				return err
			}
			if _, err := s.appendAudit(ctx, tx, a, records.AuditDestroy, "volume", v.ID, records.DestroyedVolumeDetail(c, batch)); err != nil {
				return err
			}
		}
		for _, p := range records.BatchPatients(list) {
			tag, err := tx.Exec(ctx, `UPDATE patients SET status = 'destroyed', updated_at = $1 WHERE id = $2
				AND NOT EXISTS (SELECT 1 FROM volumes WHERE patient_id = $2 AND state <> 'destroyed')`, now, int64(p.ID))
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 1 {
				if _, err := s.appendAudit(ctx, tx, a, records.AuditDestroy, "patient", p.ID, records.DestroyedPatientDetail(p, batch)); err != nil {
					return err
				}
			}
		}
		if _, err := s.appendAudit(ctx, tx, a, records.AuditDestroy, "destruction-batch", batch, records.DestructionBatchDetail(batch, len(list), in)); err != nil {
			return err
		}
		out, err = loadBatch(ctx, tx, batch, true)
		return err
	})
	return out, err
}

const batchColumns = `b.id, b.destroyed_on, b.method, b.destroyed_by, b.witness, b.note, b.first_date, b.last_date, b.volumes,
	b.recorded_at, coalesce(u.username, '')`

func scanBatch(row pgx.Row, b *records.DestructionBatch) error {
	return row.Scan(&b.ID, dateCol{&b.Date}, &b.Method, &b.DestroyedBy, &b.Witness, &b.Note, dateCol{&b.First}, dateCol{&b.Last},
		&b.Count, &b.RecordedAt, &b.RecordedBy)
}

// loadBatch reads a batch and, when items, its folders by patient name.
func loadBatch(ctx context.Context, tx pgx.Tx, id records.ID, items bool) (records.DestructionBatch, error) {
	var b records.DestructionBatch
	err := scanBatch(tx.QueryRow(ctx, "SELECT "+batchColumns+" FROM destruction_batches b LEFT JOIN users u ON u.id = b.recorded_by WHERE b.id = $1", int64(id)), &b)
	if errors.Is(err, pgx.ErrNoRows) {
		return b, records.DestructionBatchNotFound(id)
	}
	if err != nil || !items {
		return b, err
	}
	// lower(...) COLLATE "C" sorts as SQLite's COLLATE NOCASE does.
	rows, err := tx.Query(ctx, `SELECT volume_id, barcode, mrn, patient_name, dob, volume_label, first_date, last_date, rule, eligible_on
		FROM destruction_items WHERE batch_id = $1 ORDER BY lower(patient_name) COLLATE "C", mrn COLLATE "C", volume_label COLLATE "C"`, int64(id))
	if err != nil {
		return b, err
	}
	defer rows.Close()
	for rows.Next() {
		var it records.DestructionItem
		if err := rows.Scan(&it.VolumeID, &it.Barcode, &it.MRN, &it.PatientName, dateCol{&it.DOB}, &it.VolumeLabel, dateCol{&it.First},
			dateCol{&it.Last}, &it.Rule, dateCol{&it.EligibleOn}); err != nil {
			return b, err
		}
		b.Items = append(b.Items, it)
	}
	return b, rows.Err()
}

// DestructionBatch returns a batch with its folders (supervisor); reading
// the names of its patients is recorded.
func (s *Store) DestructionBatch(ctx context.Context, id records.ID) (records.DestructionBatch, error) {
	a, err := records.Require(ctx, records.RoleSupervisor, "read destruction records")
	if err != nil {
		return records.DestructionBatch{}, err
	}
	var b records.DestructionBatch
	err = s.write(ctx, "the destruction batch", func(tx pgx.Tx) error {
		if b, err = loadBatch(ctx, tx, id, true); err != nil {
			return err
		}
		_, err = s.appendAudit(ctx, tx, a, records.AuditView, "destruction-batch", id, records.DestructionBatchViewDetail(b))
		return err
	})
	return b, err
}

// ListDestructionBatches returns every batch, newest first (supervisor).
func (s *Store) ListDestructionBatches(ctx context.Context) ([]records.DestructionBatch, error) {
	if _, err := records.Require(ctx, records.RoleSupervisor, "read destruction records"); err != nil {
		return nil, err
	}
	var out []records.DestructionBatch
	err := s.read(ctx, "the destruction batches", func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, "SELECT "+batchColumns+" FROM destruction_batches b LEFT JOIN users u ON u.id = b.recorded_by ORDER BY b.id DESC")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var b records.DestructionBatch
			if err := scanBatch(rows, &b); err != nil {
				return err
			}
			out = append(out, b)
		}
		return rows.Err()
	})
	return out, err
}
