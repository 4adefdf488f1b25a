package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/chartroom/chartroom/records"
)

// RecordDestruction destroys the folders of a batch (supervisor). In one
// transaction every folder is checked again against the policy on the
// batch's day and must be in file; if any is refused, nothing is saved and
// the refusal names each folder and why. Each destroyed folder gets a
// destroy movement and an item of the batch (its dates as they were); a
// patient whose folders are all destroyed gets the status destroyed, and
// keeps the index row forever.
func (s *Store) RecordDestruction(ctx context.Context, in records.DestructionInput) (records.DestructionBatch, error) {
	a, err := records.Require(ctx, records.RoleSupervisor, "record the destruction of charts")
	if err != nil {
		return records.DestructionBatch{}, err
	}
	if err := records.ValidateDestruction(&in, s.today()); err != nil {
		return records.DestructionBatch{}, err
	}
	var out records.DestructionBatch
	err = s.write(ctx, "record the destruction", func(tx *sql.Tx) error {
		st, err := loadSettings(ctx, tx)
		if err != nil {
			return err
		}
		found := make([]*records.DestructionCandidate, len(in.VolumeIDs))
		for i, id := range in.VolumeIDs {
			v, p, billing, err := scanCandidate(tx.QueryRowContext(ctx, candidateSelect+" WHERE v.id = ?", int64(id)))
			if err == sql.ErrNoRows {
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
		now := s.now()
		res, err := tx.ExecContext(ctx, `INSERT INTO destruction_batches (destroyed_on, method, destroyed_by, witness, note, first_date,
			last_date, volumes, recorded_at, recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			in.Date.String(), in.Method, in.DestroyedBy, in.Witness, in.Note, dval(first), dval(last), len(list), tval(now), int64(a.UserID))
		if err != nil {
			return err
		}
		bid, _ := res.LastInsertId()
		batch := records.ID(bid)
		au := s.auditor(tx, a)
		for _, c := range list {
			v := c.Volume
			if _, err := setPlace(ctx, tx, v, records.StateDestroyed, nil, time.Time{}, records.Date{}, now); err != nil {
				return err
			}
			if err := s.addMovement(ctx, tx, a, v.ID, now, move{kind: records.MoveDestroy, fromLoc: v.HomeID, note: records.DestroyMovementNote(batch, in)}); err != nil {
				return err
			}
			it := c.Item()
			if _, err := tx.ExecContext(ctx, `INSERT INTO destruction_items (batch_id, volume_id, barcode, mrn, patient_name, dob, volume_label,
				first_date, last_date, rule, eligible_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				bid, int64(it.VolumeID), it.Barcode, it.MRN, it.PatientName, dval(it.DOB), it.VolumeLabel, dval(it.First), dval(it.Last),
				string(it.Rule), dval(it.EligibleOn)); err != nil {
				return err
			}
			if err := au.add(ctx, records.AuditDestroy, "volume", v.ID, "%s", records.DestroyedVolumeDetail(c, batch)); err != nil {
				return err
			}
		}
		for _, p := range records.BatchPatients(list) {
			id := p.ID
			res, err := tx.ExecContext(ctx, `UPDATE patients SET status = 'destroyed', updated_at = ? WHERE id = ?
				AND NOT EXISTS (SELECT 1 FROM volumes WHERE patient_id = ? AND state <> 'destroyed')`, tval(now), int64(id), int64(id))
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 1 {
				if err := au.add(ctx, records.AuditDestroy, "patient", id, "%s", records.DestroyedPatientDetail(p, batch)); err != nil {
					return err
				}
			}
		}
		if err := au.add(ctx, records.AuditDestroy, "destruction-batch", batch, "%s", records.DestructionBatchDetail(batch, len(list), in)); err != nil {
			return err
		}
		out, err = loadBatch(ctx, tx, batch, true)
		return err
	})
	return out, err
}

const batchColumns = `b.id, b.destroyed_on, b.method, b.destroyed_by, b.witness, b.note, b.first_date, b.last_date, b.volumes,
	b.recorded_at, coalesce(u.username, '')`

func scanBatch(sc interface{ Scan(...any) error }, b *records.DestructionBatch) error {
	return sc.Scan(&b.ID, dateCol{&b.Date}, &b.Method, &b.DestroyedBy, &b.Witness, &b.Note, dateCol{&b.First}, dateCol{&b.Last},
		&b.Count, timeCol{&b.RecordedAt}, &b.RecordedBy)
}

// loadBatch reads a batch and, when items, its folders by patient name.
func loadBatch(ctx context.Context, q querier, id records.ID, items bool) (records.DestructionBatch, error) {
	var b records.DestructionBatch
	err := scanBatch(q.QueryRowContext(ctx, "SELECT "+batchColumns+" FROM destruction_batches b LEFT JOIN users u ON u.id = b.recorded_by WHERE b.id = ?", int64(id)), &b)
	if err == sql.ErrNoRows {
		return b, records.DestructionBatchNotFound(id)
	}
	if err != nil || !items {
		return b, err
	}
	rows, err := q.QueryContext(ctx, `SELECT volume_id, barcode, mrn, patient_name, dob, volume_label, first_date, last_date, rule, eligible_on
		FROM destruction_items WHERE batch_id = ? ORDER BY patient_name COLLATE NOCASE, mrn, volume_label`, int64(id))
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
	err = s.look(ctx, "read the destruction batch", func(tx *sql.Tx) error {
		if b, err = loadBatch(ctx, tx, id, true); err != nil {
			return err
		}
		return s.auditor(tx, a).add(ctx, records.AuditView, "destruction-batch", id, "%s", records.DestructionBatchViewDetail(b))
	})
	return b, err
}

// ListDestructionBatches returns every batch, newest first (supervisor).
func (s *Store) ListDestructionBatches(ctx context.Context) ([]records.DestructionBatch, error) {
	if _, err := records.Require(ctx, records.RoleSupervisor, "read destruction records"); err != nil {
		return nil, err
	}
	var out []records.DestructionBatch
	err := s.read(ctx, "list destruction batches", func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, "SELECT "+batchColumns+" FROM destruction_batches b LEFT JOIN users u ON u.id = b.recorded_by ORDER BY b.id DESC")
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
