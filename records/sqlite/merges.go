package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/chartroom/chartroom/records"
)

// mergedTables are the tables whose rows belong to a patient and move with
// a merge, under the kind merge_moves records them as. Volumes are handled
// on their own (they may be renumbered); their movements follow them.
var mergedTables = []struct {
	kind  records.MergeMoveKind
	table string
}{
	{records.MoveKindRequest, "requests"},
	{records.MoveKindLoose, "loose_filing"},
	{records.MoveKindDisclosure, "disclosures"},
	{records.MoveKindAccountingRequest, "accounting_requests"},
}

// mergePair loads the two charts of a merge by their chart numbers as
// stored, without following merges: the retired one must be the row typed.
func mergePair(ctx context.Context, tx *sql.Tx, retiredMRN, survivorMRN string) (retired, survivor records.Patient, err error) {
	st, err := loadSettings(ctx, tx)
	if err != nil {
		return retired, survivor, err
	}
	retiredMRN, survivorMRN, err = records.MergePairMRNs(retiredMRN, survivorMRN, st.MRNWidth)
	if err != nil {
		return retired, survivor, err
	}
	if retired, err = patientRowByMRN(ctx, tx, retiredMRN); err != nil {
		return retired, survivor, err
	}
	survivor, err = patientRowByMRN(ctx, tx, survivorMRN)
	return retired, survivor, err
}

// chartSummary counts what hangs off a chart, for the compare screen.
func chartSummary(ctx context.Context, q querier, p records.Patient) (records.ChartSummary, error) {
	c := records.ChartSummary{Patient: p}
	var err error
	if c.Volumes, err = queryVolumes(ctx, q, volumeSelect+" WHERE v.patient_id = ? ORDER BY "+filingOrder, int64(p.ID)); err != nil {
		return c, err
	}
	err = q.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM movements m JOIN volumes v ON v.id = m.volume_id WHERE v.patient_id = ?1),
		(SELECT count(*) FROM requests WHERE patient_id = ?1),
		(SELECT count(*) FROM loose_filing WHERE patient_id = ?1),
		(SELECT count(*) FROM disclosures WHERE patient_id = ?1),
		(SELECT count(*) FROM accounting_requests WHERE patient_id = ?1),
		(SELECT count(*) FROM merges WHERE survivor_id = ?1 AND undone_at IS NULL)`, int64(p.ID)).
		Scan(&c.Movements, &c.Requests, &c.Loose, &c.Disclosures, &c.AccountingRequests, &c.Absorbed)
	return c, err
}

// preview reads both charts and decides what a merge would do.
func preview(ctx context.Context, tx *sql.Tx, retired, survivor records.Patient) (records.MergePreview, error) {
	var pv records.MergePreview
	var err error
	if pv.Retired, err = chartSummary(ctx, tx, retired); err != nil {
		return pv, err
	}
	if pv.Survivor, err = chartSummary(ctx, tx, survivor); err != nil {
		return pv, err
	}
	pv.Refusal = records.MergeRefusal(retired, survivor, pv.Retired.Absorbed)
	pv.Renumber = records.RenumberVolumes(pv.Survivor.Volumes, pv.Retired.Volumes)
	return pv, nil
}

// PreviewMerge shows two charts side by side with what merging the first
// into the second would do (supervisor); both views are recorded.
func (s *Store) PreviewMerge(ctx context.Context, retiredMRN, survivorMRN string) (records.MergePreview, error) {
	a, err := records.Require(ctx, records.RoleSupervisor, "compare charts for a merge")
	if err != nil {
		return records.MergePreview{}, err
	}
	var pv records.MergePreview
	err = s.look(ctx, "compare the charts", func(tx *sql.Tx) error {
		retired, survivor, err := mergePair(ctx, tx, retiredMRN, survivorMRN)
		if err != nil {
			return err
		}
		if pv, err = preview(ctx, tx, retired, survivor); err != nil {
			return err
		}
		au := s.auditor(tx, a)
		for _, p := range []records.Patient{retired, survivor} {
			if err := au.add(ctx, records.AuditView, "patient", p.ID, "%s", records.MergeViewDetail(p.MRN)); err != nil {
				return err
			}
		}
		return nil
	})
	return pv, err
}

// MergePatients folds the retired chart into the survivor (supervisor):
// folders (renumbered where the survivor has the number already; barcodes
// stay) with their movement history, requests, loose papers, disclosures
// and accounting requests move, every moved row is written to merge_moves,
// and the retired chart number finds the survivor from then on. A legal
// hold on the retired chart goes with its folders.
func (s *Store) MergePatients(ctx context.Context, retiredMRN, survivorMRN, note string) (records.Merge, error) {
	a, err := records.Require(ctx, records.RoleSupervisor, "merge duplicate charts")
	if err != nil {
		return records.Merge{}, err
	}
	note, err = records.CleanMergeNote(note)
	if err != nil {
		return records.Merge{}, err
	}
	var out records.Merge
	err = s.write(ctx, "merge the charts", func(tx *sql.Tx) error {
		retired, survivor, err := mergePair(ctx, tx, retiredMRN, survivorMRN)
		if err != nil {
			return err
		}
		pv, err := preview(ctx, tx, retired, survivor)
		if err != nil {
			return err
		}
		if pv.Refusal != nil {
			return pv.Refusal
		}
		now := s.now()
		holdSet := retired.LegalHold && !survivor.LegalHold
		res, err := tx.ExecContext(ctx, `INSERT INTO merges (retired_id, survivor_id, note, merged_at, merged_by, retired_status,
			retired_updated_at, survivor_hold_set, survivor_updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			int64(retired.ID), int64(survivor.ID), note, tval(now), idval(a.UserID), string(retired.Status),
			tval(retired.UpdatedAt), bval(holdSet), tval(survivor.UpdatedAt))
		if err != nil {
			return err
		}
		id, _ := res.LastInsertId()
		mergeID := records.ID(id)
		for _, v := range pv.Retired.Volumes {
			n := pv.NewNumber(v)
			if _, err := tx.ExecContext(ctx, "UPDATE volumes SET patient_id = ?, number = ? WHERE id = ? AND patient_id = ?",
				int64(survivor.ID), n, int64(v.ID), int64(retired.ID)); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO merge_moves (merge_id, kind, row_id, old_number, new_number)
				VALUES (?, 'volume', ?, ?, ?)`, id, int64(v.ID), v.Number, n); err != nil {
				return err
			}
		}
		for _, t := range mergedTables {
			if _, err := tx.ExecContext(ctx, `INSERT INTO merge_moves (merge_id, kind, row_id)
				SELECT ?, ?, id FROM `+t.table+` WHERE patient_id = ?`, id, t.kind, int64(retired.ID)); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, "UPDATE "+t.table+" SET patient_id = ? WHERE patient_id = ?",
				int64(survivor.ID), int64(retired.ID)); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, "UPDATE patients SET status = 'merged', merged_into_id = ?, updated_at = ? WHERE id = ?",
			int64(survivor.ID), tval(now), int64(retired.ID)); err != nil {
			return err
		}
		if holdSet {
			if _, err := tx.ExecContext(ctx, "UPDATE patients SET legal_hold = 1, updated_at = ? WHERE id = ?", tval(now), int64(survivor.ID)); err != nil {
				return err
			}
		}
		if out, err = loadMerge(ctx, tx, mergeID); err != nil {
			return err
		}
		detail := records.MergeDetail(out, holdSet)
		au := s.auditor(tx, a)
		if err := au.add(ctx, records.AuditMerge, "patient", retired.ID, "%s", detail); err != nil {
			return err
		}
		return au.add(ctx, records.AuditMerge, "patient", survivor.ID, "%s", detail)
	})
	return out, err
}

// UndoMerge puts back exactly the rows a merge moved (admin): each folder
// returns to the retired chart with its old number, each request, loose
// filing, disclosure and accounting request to the retired chart, and the
// two patient rows get back what the merge overwrote. Rows made after the
// merge that name a moved folder (a request for it, a disclosure of it)
// concern that folder's patient and go back with it; anything else made
// after the merge stays with the survivor. The undo is refused when a moved
// row no longer sits where the merge put it, since it could not be exact.
func (s *Store) UndoMerge(ctx context.Context, mergeID records.ID, note string) (records.Merge, error) {
	a, err := records.Require(ctx, records.RoleAdmin, "undo a merge")
	if err != nil {
		return records.Merge{}, err
	}
	note, err = records.CleanMergeNote(note)
	if err != nil {
		return records.Merge{}, err
	}
	var out records.Merge
	err = s.write(ctx, "undo the merge", func(tx *sql.Tx) error {
		m, err := loadMergeRecord(ctx, tx, mergeID)
		if err != nil {
			return err
		}
		if m.Undone() {
			return records.MergeAlreadyUndone(m.Merge)
		}
		moves, err := loadMergeMoves(ctx, tx, m.ID)
		if err != nil {
			return err
		}
		if err := checkUndoExact(ctx, tx, m, moves); err != nil {
			return err
		}
		followed, err := followFolders(ctx, tx, m, moves)
		if err != nil {
			return err
		}
		for _, mv := range moves {
			if mv.Kind == records.MoveKindVolume {
				_, err = tx.ExecContext(ctx, "UPDATE volumes SET patient_id = ?, number = ? WHERE id = ?", int64(m.RetiredID), mv.OldNumber, int64(mv.RowID))
			} else {
				_, err = tx.ExecContext(ctx, "UPDATE "+tableOfKind(mv.Kind)+" SET patient_id = ? WHERE id = ?", int64(m.RetiredID), int64(mv.RowID))
			}
			if err != nil {
				return err
			}
		}
		if err := restorePatients(ctx, tx, m, s.now()); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE merges SET undone_at = ?, undone_by = ?, undo_note = ? WHERE id = ?",
			tval(s.now()), idval(a.UserID), note, int64(m.ID)); err != nil {
			return err
		}
		if out, err = loadMerge(ctx, tx, m.ID); err != nil {
			return err
		}
		detail := records.UnmergeDetail(out, followed)
		au := s.auditor(tx, a)
		if err := au.add(ctx, records.AuditUnmerge, "patient", m.RetiredID, "%s", detail); err != nil {
			return err
		}
		return au.add(ctx, records.AuditUnmerge, "patient", m.SurvivorID, "%s", detail)
	})
	return out, err
}

func tableOfKind(kind records.MergeMoveKind) string {
	for _, t := range mergedTables {
		if t.kind == kind {
			return t.table
		}
	}
	panic("unknown merge row kind " + string(kind))
}

func loadMergeMoves(ctx context.Context, q querier, mergeID records.ID) ([]records.MergeMove, error) {
	rows, err := q.QueryContext(ctx, "SELECT kind, row_id, old_number, new_number FROM merge_moves WHERE merge_id = ? ORDER BY kind, row_id", int64(mergeID))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []records.MergeMove
	for rows.Next() {
		var mv records.MergeMove
		var old, moved sql.NullInt64
		if err := rows.Scan(&mv.Kind, &mv.RowID, &old, &moved); err != nil {
			return nil, err
		}
		mv.OldNumber, mv.NewNumber = int(old.Int64), int(moved.Int64)
		out = append(out, mv)
	}
	return out, rows.Err()
}

// checkUndoExact refuses an undo when a moved row is no longer where the
// merge put it: the survivor's, a folder with the number it was given.
func checkUndoExact(ctx context.Context, tx *sql.Tx, m mergeRecord, moves []records.MergeMove) error {
	for _, mv := range moves {
		var patient int64
		var number sql.NullInt64
		var err error
		if mv.Kind == records.MoveKindVolume {
			err = tx.QueryRowContext(ctx, "SELECT patient_id, number FROM volumes WHERE id = ?", int64(mv.RowID)).Scan(&patient, &number)
		} else {
			err = tx.QueryRowContext(ctx, "SELECT patient_id FROM "+tableOfKind(mv.Kind)+" WHERE id = ?", int64(mv.RowID)).Scan(&patient)
		}
		if err == sql.ErrNoRows {
			return records.UndoGone(m.Merge, mv)
		}
		if err != nil {
			return err
		}
		if refusal := records.UndoMoved(m.Merge, mv, records.ID(patient), int(number.Int64)); refusal != nil {
			return refusal
		}
	}
	var clash int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM volumes WHERE patient_id = ?", int64(m.RetiredID)).Scan(&clash); err != nil {
		return err
	}
	if clash > 0 {
		return records.UndoRetiredHasFolders(m.Merge)
	}
	return nil
}

// followFolders sends rows made after the merge that name a folder the
// merge moved (requests for it, disclosures of it) back to the retired
// chart with that folder, and says which they were.
func followFolders(ctx context.Context, tx *sql.Tx, m mergeRecord, moves []records.MergeMove) ([]records.MergeMove, error) {
	var folders []string
	moved := map[records.MergeMove]bool{}
	for _, mv := range moves {
		if mv.Kind == records.MoveKindVolume {
			folders = append(folders, fmt.Sprint(mv.RowID))
		}
		moved[records.MergeMove{Kind: mv.Kind, RowID: mv.RowID}] = true
	}
	if len(folders) == 0 {
		return nil, nil
	}
	var done []records.MergeMove
	for _, kind := range records.MergeFollowKinds {
		table := tableOfKind(kind)
		rows, err := tx.QueryContext(ctx, "SELECT id FROM "+table+" WHERE patient_id = ? AND volume_id IN ("+strings.Join(folders, ",")+") ORDER BY id",
			int64(m.SurvivorID))
		if err != nil {
			return nil, err
		}
		var follow []records.MergeMove
		for rows.Next() {
			row := records.MergeMove{Kind: kind}
			if err := rows.Scan(&row.RowID); err != nil {
				rows.Close()
				return nil, err
			}
			if !moved[row] {
				follow = append(follow, row)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		for _, row := range follow {
			if _, err := tx.ExecContext(ctx, "UPDATE "+table+" SET patient_id = ? WHERE id = ?", int64(m.RetiredID), int64(row.RowID)); err != nil {
				return nil, err
			}
			done = append(done, row)
		}
	}
	return done, nil
}

// mergeRecord is a merge with the values it overwrote on the patient rows.
type mergeRecord struct {
	records.Merge
	retiredStatus     records.PatientStatus
	retiredUpdatedAt  time.Time
	holdSet           bool
	survivorUpdatedAt time.Time
}

const mergeSelect = `SELECT g.id, g.retired_id, g.survivor_id, g.note, g.merged_at, g.merged_by, g.undone_at, g.undone_by, g.undo_note,
	g.retired_status, g.retired_updated_at, g.survivor_hold_set, g.survivor_updated_at,
	r.mrn, r.last_name, r.first_name, r.middle_name, s.mrn, s.last_name, s.first_name, s.middle_name, mu.username, uu.username,
	(SELECT count(*) FROM merge_moves x WHERE x.merge_id = g.id AND x.kind = 'volume'),
	(SELECT count(*) FROM merge_moves x WHERE x.merge_id = g.id AND x.kind = 'volume' AND x.old_number <> x.new_number),
	(SELECT count(*) FROM merge_moves x WHERE x.merge_id = g.id AND x.kind = 'request'),
	(SELECT count(*) FROM merge_moves x WHERE x.merge_id = g.id AND x.kind = 'loose'),
	(SELECT count(*) FROM merge_moves x WHERE x.merge_id = g.id AND x.kind = 'disclosure'),
	(SELECT count(*) FROM merge_moves x WHERE x.merge_id = g.id AND x.kind = 'accounting-request')
	FROM merges g
	JOIN patients r ON r.id = g.retired_id
	JOIN patients s ON s.id = g.survivor_id
	LEFT JOIN users mu ON mu.id = g.merged_by
	LEFT JOIN users uu ON uu.id = g.undone_by`

func queryMerges(ctx context.Context, q querier, where string, args ...any) ([]mergeRecord, error) {
	query := mergeSelect
	if where != "" {
		query += " WHERE " + where
	}
	rows, err := q.QueryContext(ctx, query+" ORDER BY g.id DESC", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []mergeRecord
	for rows.Next() {
		var m mergeRecord
		var rl, rf, rm, sl, sf, sm string
		c := &m.Moved
		if err := rows.Scan(&m.ID, &m.RetiredID, &m.SurvivorID, &m.Note, timeCol{&m.MergedAt}, idCol{&m.MergedBy}, timeCol{&m.UndoneAt},
			idCol{&m.UndoneBy}, &m.UndoNote, &m.retiredStatus, timeCol{&m.retiredUpdatedAt}, boolCol{&m.holdSet},
			timeCol{&m.survivorUpdatedAt}, &m.RetiredMRN, &rl, &rf, &rm, &m.SurvivorMRN, &sl, &sf, &sm,
			strCol{&m.MergedByName}, strCol{&m.UndoneByName},
			&c.Volumes, &c.Renumbered, &c.Requests, &c.Loose, &c.Disclosures, &c.AccountingRequests); err != nil {
			return nil, err
		}
		m.RetiredName = records.PersonName(rl, rf, rm)
		m.SurvivorName = records.PersonName(sl, sf, sm)
		out = append(out, m)
	}
	return out, rows.Err()
}

func loadMergeRecord(ctx context.Context, q querier, id records.ID) (mergeRecord, error) {
	ms, err := queryMerges(ctx, q, "g.id = ?", int64(id))
	if err != nil {
		return mergeRecord{}, err
	}
	if len(ms) == 0 {
		return mergeRecord{}, records.MergeNotFound(id)
	}
	return ms[0], nil
}

func loadMerge(ctx context.Context, q querier, id records.ID) (records.Merge, error) {
	m, err := loadMergeRecord(ctx, q, id)
	return m.Merge, err
}

// ListMerges returns every merge, newest first (supervisor).
func (s *Store) ListMerges(ctx context.Context) ([]records.Merge, error) {
	if _, err := records.Require(ctx, records.RoleSupervisor, "list merges"); err != nil {
		return nil, err
	}
	var out []records.Merge
	err := s.read(ctx, "list merges", func(tx *sql.Tx) error {
		ms, err := queryMerges(ctx, tx, "")
		for _, m := range ms {
			out = append(out, m.Merge)
		}
		return err
	})
	return out, err
}

// restorePatients gives the two patient rows back what the merge changed.
// A row changed again after the merge keeps the time of that change.
func restorePatients(ctx context.Context, tx *sql.Tx, m mergeRecord, now time.Time) error {
	merged := tval(m.MergedAt)
	_, err := tx.ExecContext(ctx, `UPDATE patients SET status = ?, merged_into_id = NULL,
		updated_at = CASE WHEN updated_at = ? THEN ? ELSE updated_at END WHERE id = ?`,
		string(m.retiredStatus), merged, tval(m.retiredUpdatedAt), int64(m.RetiredID))
	if err != nil || !m.holdSet {
		return err
	}
	// The hold came from the retired chart; a hold set on the survivor
	// since (the row changed after the merge) stays.
	_, err = tx.ExecContext(ctx, `UPDATE patients SET legal_hold = 0, updated_at = ? WHERE id = ? AND legal_hold = 1 AND updated_at = ?`,
		tval(m.survivorUpdatedAt), int64(m.SurvivorID), merged)
	return err
}
