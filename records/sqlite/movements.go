package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/chartroom/chartroom/records"
)

// move is one entry of a folder's history, about to be written.
type move struct {
	kind                   records.MovementKind
	fromBorrower, toBorrow records.ID
	fromLoc, toLoc         records.ID
	due                    records.Date
	note                   string
}

func (s *Store) addMovement(ctx context.Context, tx *sql.Tx, a records.Actor, volumeID records.ID, at time.Time, m move) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO movements (volume_id, kind, at, user_id, from_borrower_id, to_borrower_id,
		from_location_id, to_location_id, due, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		int64(volumeID), string(m.kind), tval(at), idval(a.UserID), idval(m.fromBorrower), idval(m.toBorrow),
		idval(m.fromLoc), idval(m.toLoc), dval(m.due), m.note)
	return err
}

// setPlace moves v to state, lent to b when b is not nil, and returns the
// folder as it now is (what loadVolume would read: the row and the
// borrower's name; a lookup fewer on the scan desk's path). The old state in
// the WHERE clause makes a lost race impossible to miss even if the lock
// ever changed: it refuses when the folder changed since v was read.
func setPlace(ctx context.Context, tx *sql.Tx, v records.Volume, state records.VolumeState, b *records.Borrower, outSince time.Time, due records.Date, now time.Time) (records.Volume, error) {
	next := v
	next.State, next.OutSince, next.Due, next.UpdatedAt = state, storedTime(outSince), due, storedTime(now)
	next.BorrowerID, next.BorrowerName, next.BorrowerKind, next.BorrowerTel = 0, "", "", ""
	if b != nil {
		next.BorrowerID, next.BorrowerName, next.BorrowerKind, next.BorrowerTel = b.ID, b.Name, b.Kind, records.BorrowerContact(b.Phone, b.Room)
	}
	res, err := tx.ExecContext(ctx, `UPDATE volumes SET state = ?, borrower_id = ?, out_since = ?, due = ?, updated_at = ?
		WHERE id = ? AND state = ?`,
		string(state), idval(next.BorrowerID), tval(outSince), dval(due), tval(now), int64(v.ID), string(v.State))
	if err != nil {
		return v, err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return v, records.Errorf(records.EConflict, "%s changed while it was being moved; scan it again", v.Barcode)
	}
	return next, nil
}

// CheckOut lends a scanned folder to a borrower (clerk). The folder's state
// is read and changed inside one IMMEDIATE transaction, so of two
// workstations scanning the same folder exactly one wins; the other is told
// who has it since when. A folder already out moves only as a deliberate
// hand-off, recorded as one. A folder marked missing is recorded found
// (back at its home) before it leaves again; a check-out or hand-off to an
// outside party needs a purpose and records a disclosure, all in the same
// transaction.
func (s *Store) CheckOut(ctx context.Context, in records.CheckOutInput) (records.CheckOutResult, error) {
	a, err := records.Require(ctx, records.RoleClerk, "check folders out")
	if err != nil {
		return records.CheckOutResult{}, err
	}
	var res records.CheckOutResult
	err = s.write(ctx, "check out "+strings.TrimSpace(in.Barcode), func(tx *sql.Tx) error {
		v, err := volumeByScan(ctx, tx, in.Barcode)
		if err != nil {
			return err
		}
		if in.BorrowerID == 0 {
			return records.FieldError("Borrower", "is required")
		}
		b, err := loadBorrower(ctx, tx, in.BorrowerID)
		if err != nil {
			return err
		}
		now := s.now()
		au := s.auditor(tx, a)
		if v.State == records.StateMissing && b.Active {
			if v, err = s.foundOnScan(ctx, tx, au, v, "check-out"); err != nil {
				return err
			}
			res.WasMissing, in.HandOff = true, false
		}
		if refusal := records.CheckOutRefusal(v, b, in.HandOff); refusal != nil {
			return refusal
		}
		disclosure, err := records.DisclosureForCheckOut(v, b, in, records.DateOf(now))
		if err != nil {
			return err
		}
		rt, err := loadRecordType(ctx, tx, v.RecordTypeID)
		if err != nil {
			return err
		}
		due, err := records.CheckOutDue(in.Due, now, b, rt)
		if err != nil {
			return err
		}
		m := move{kind: records.CheckOutKind(v), toBorrow: b.ID, due: due, note: strings.TrimSpace(in.Note)}
		if m.kind == records.MoveHandOff {
			m.fromBorrower = v.BorrowerID
		} else {
			m.fromLoc = v.HomeID
		}
		if res.Volume, err = setPlace(ctx, tx, v, records.StateOutTo(b), &b, now, due, now); err != nil {
			return err
		}
		if err := s.addMovement(ctx, tx, a, v.ID, now, m); err != nil {
			return err
		}
		fulfilled, err := fulfilRequests(ctx, tx, v, b.ID, now)
		if err != nil {
			return err
		}
		detail := records.CheckOutDetail(m.kind, v, b, due, fulfilled)
		if err := au.add(ctx, records.AuditMove, "volume", v.ID, "%s", detail); err != nil {
			return err
		}
		if disclosure != nil {
			d, err := s.insertDisclosure(ctx, tx, au, *disclosure)
			if err != nil {
				return err
			}
			res.Disclosure = &d
		}
		return nil
	})
	return res, err
}

// foundOnScan records that a folder marked missing turned up at a scan
// desk: a found movement back to its home, in file again. It returns the
// folder as it now is.
func (s *Store) foundOnScan(ctx context.Context, tx *sql.Tx, au *auditor, v records.Volume, where string) (records.Volume, error) {
	now := s.now()
	found, err := setPlace(ctx, tx, v, records.StateInFile, nil, time.Time{}, records.Date{}, now)
	if err != nil {
		return v, err
	}
	if err := s.addMovement(ctx, tx, au.actor, v.ID, now, move{kind: records.MoveFound, toLoc: v.HomeID, note: "scanned at " + where}); err != nil {
		return v, err
	}
	if err := au.add(ctx, records.AuditMove, "volume", v.ID, "%s", records.FoundDetail(v, where)); err != nil {
		return v, err
	}
	return found, nil
}

// fulfilRequests closes the open requests of borrower for the folder (or
// for its patient with no folder named): the folder went where it was
// wanted.
func fulfilRequests(ctx context.Context, tx *sql.Tx, v records.Volume, borrower records.ID, now time.Time) (int64, error) {
	res, err := tx.ExecContext(ctx, `UPDATE requests SET state = 'fulfilled', updated_at = ?
		WHERE borrower_id = ? AND state IN ('pending', 'pulled')
		AND (volume_id = ? OR (volume_id IS NULL AND patient_id = ?))`,
		tval(now), int64(borrower), int64(v.ID), int64(v.PatientID))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// CheckIn puts a scanned folder back in file (clerk). A folder marked
// missing is recorded as found first. The result says what waits for it:
// loose papers, and other borrowers' open requests.
func (s *Store) CheckIn(ctx context.Context, barcode string) (records.CheckInResult, error) {
	a, err := records.Require(ctx, records.RoleClerk, "check folders in")
	if err != nil {
		return records.CheckInResult{}, err
	}
	var res records.CheckInResult
	err = s.write(ctx, "check in "+strings.TrimSpace(barcode), func(tx *sql.Tx) error {
		v, err := volumeByScan(ctx, tx, barcode)
		if err != nil {
			return err
		}
		if refusal := records.CheckInRefusal(v); refusal != nil {
			return refusal
		}
		now := s.now()
		au := s.auditor(tx, a)
		if v.State == records.StateMissing {
			res.WasMissing = true
			if err := s.addMovement(ctx, tx, a, v.ID, now, move{kind: records.MoveFound, toLoc: v.HomeID, note: "scanned in"}); err != nil {
				return err
			}
			if err := au.add(ctx, records.AuditMove, "volume", v.ID, "%s", records.FoundDetail(v, "check-in")); err != nil {
				return err
			}
		}
		if res.Volume, err = setPlace(ctx, tx, v, records.StateInFile, nil, time.Time{}, records.Date{}, now); err != nil {
			return err
		}
		if err := s.addMovement(ctx, tx, a, v.ID, now, move{kind: records.MoveCheckIn, fromBorrower: v.BorrowerID, toLoc: v.HomeID}); err != nil {
			return err
		}
		from := ""
		if v.BorrowerName != "" {
			from = " from " + v.BorrowerName
		}
		if err := au.add(ctx, records.AuditMove, "volume", v.ID, "check-in %s (%s, chart %s)%s", v.Barcode, v.Label(), v.MRN, from); err != nil {
			return err
		}
		if res.LooseWaiting, err = queryLoose(ctx, tx, "l.patient_id = ? AND l.state = 'waiting'", int64(v.PatientID)); err != nil {
			return err
		}
		res.Requests, err = queryRequests(ctx, tx, `r.state IN ('pending', 'pulled') AND r.borrower_id IS NOT ?
			AND (r.volume_id = ? OR (r.volume_id IS NULL AND r.patient_id = ?))`,
			idval(v.BorrowerID), int64(v.ID), int64(v.PatientID))
		return err
	})
	return res, err
}

// MarkMissing records that a folder is not where it should be (clerk).
func (s *Store) MarkMissing(ctx context.Context, volumeID records.ID, note string) (records.Volume, error) {
	return s.simpleMove(ctx, volumeID, "mark folders missing", func(v records.Volume) (records.VolumeState, move, error) {
		switch v.State {
		case records.StateMissing:
			return "", move{}, records.Errorf(records.EConflict, "%s (%s) is already marked missing", v.Barcode, v.Label())
		case records.StateDestroyed:
			return "", move{}, records.Errorf(records.EConflict, "%s (%s) was destroyed", v.Barcode, v.Label())
		}
		return records.StateMissing, move{kind: records.MoveMissing, fromBorrower: v.BorrowerID, note: note}, nil
	})
}

// MarkFound puts a missing folder back in file (clerk).
func (s *Store) MarkFound(ctx context.Context, volumeID records.ID, note string) (records.Volume, error) {
	return s.simpleMove(ctx, volumeID, "mark folders found", func(v records.Volume) (records.VolumeState, move, error) {
		if v.State == records.StateDestroyed {
			return "", move{}, records.DestroyedRefusal(v)
		}
		if v.State != records.StateMissing {
			return "", move{}, records.Errorf(records.EConflict, "%s (%s) is not marked missing", v.Barcode, v.Label())
		}
		return records.StateInFile, move{kind: records.MoveFound, toLoc: v.HomeID, note: note}, nil
	})
}

// simpleMove changes a folder's state to one with no borrower, as decide says.
func (s *Store) simpleMove(ctx context.Context, volumeID records.ID, what string, decide func(records.Volume) (records.VolumeState, move, error)) (records.Volume, error) {
	a, err := records.Require(ctx, records.RoleClerk, what)
	if err != nil {
		return records.Volume{}, err
	}
	var out records.Volume
	err = s.write(ctx, what, func(tx *sql.Tx) error {
		v, err := loadVolume(ctx, tx, volumeID)
		if err != nil {
			return err
		}
		state, m, err := decide(v)
		if err != nil {
			return err
		}
		m.note = strings.TrimSpace(m.note)
		now := s.now()
		if out, err = setPlace(ctx, tx, v, state, nil, time.Time{}, records.Date{}, now); err != nil {
			return err
		}
		if err := s.addMovement(ctx, tx, a, v.ID, now, m); err != nil {
			return err
		}
		return s.auditor(tx, a).add(ctx, records.AuditMove, "volume", v.ID, "%s %s (%s, chart %s) %s", m.kind, v.Barcode, v.Label(), v.MRN, m.note)
	})
	return out, err
}

// Transfer gives an in-file folder a new home location (supervisor).
func (s *Store) Transfer(ctx context.Context, volumeID, locationID records.ID, note string) (records.Volume, error) {
	a, err := records.Require(ctx, records.RoleSupervisor, "move folders to another location")
	if err != nil {
		return records.Volume{}, err
	}
	var out records.Volume
	err = s.write(ctx, "transfer the folder", func(tx *sql.Tx) error {
		v, err := loadVolume(ctx, tx, volumeID)
		if err != nil {
			return err
		}
		if v.State == records.StateDestroyed {
			return records.DestroyedRefusal(v)
		}
		if v.State != records.StateInFile {
			return records.Errorf(records.EConflict, "%s (%s) is %s, not in file; check it in before giving it a new home", v.Barcode, v.Label(), v.State)
		}
		l, err := loadLocation(ctx, tx, locationID)
		if err != nil {
			return err
		}
		if !l.Active {
			return records.Errorf(records.EConflict, "%s is not an active location", l.Path)
		}
		if l.ID == v.HomeID {
			return records.Errorf(records.EConflict, "%s (%s) is already at %s", v.Barcode, v.Label(), l.Path)
		}
		now := s.now()
		if _, err := tx.ExecContext(ctx, "UPDATE volumes SET home_id = ?, updated_at = ? WHERE id = ?", int64(l.ID), tval(now), int64(v.ID)); err != nil {
			return err
		}
		m := move{kind: records.MoveTransfer, fromLoc: v.HomeID, toLoc: l.ID, note: strings.TrimSpace(note)}
		if err := s.addMovement(ctx, tx, a, v.ID, now, m); err != nil {
			return err
		}
		if out, err = loadVolume(ctx, tx, v.ID); err != nil {
			return err
		}
		return s.auditor(tx, a).add(ctx, records.AuditMove, "volume", v.ID, "transfer %s (%s, chart %s) from %s to %s", v.Barcode, v.Label(), v.MRN, v.HomePath, l.Path)
	})
	return out, err
}

// History returns movements, newest first, with names filled in for display.
func (s *Store) History(ctx context.Context, f records.HistoryFilter) ([]records.Movement, error) {
	if _, err := records.Require(ctx, records.RoleClerk, "read folder history"); err != nil {
		return nil, err
	}
	var where []string
	var args []any
	if f.VolumeID != 0 {
		where, args = append(where, "m.volume_id = ?"), append(args, int64(f.VolumeID))
	}
	if f.PatientID != 0 {
		where, args = append(where, "v.patient_id = ?"), append(args, int64(f.PatientID))
	}
	if !f.From.IsZero() {
		where, args = append(where, "m.at >= ?"), append(args, dayStart(f.From))
	}
	if !f.To.IsZero() {
		where, args = append(where, "m.at < ?"), append(args, dayEnd(f.To))
	}
	q := `SELECT m.id, m.volume_id, m.kind, m.at, m.user_id, m.from_borrower_id, m.to_borrower_id, m.from_location_id,
		m.to_location_id, m.due, m.note, u.username, v.barcode, p.mrn, p.last_name, p.first_name, p.middle_name, t.name, v.number,
		fb.name, tb.name, fl.path, tl.path
		FROM movements m
		JOIN volumes v ON v.id = m.volume_id
		JOIN patients p ON p.id = v.patient_id
		JOIN record_types t ON t.id = v.record_type_id
		LEFT JOIN users u ON u.id = m.user_id
		LEFT JOIN borrowers fb ON fb.id = m.from_borrower_id
		LEFT JOIN borrowers tb ON tb.id = m.to_borrower_id
		LEFT JOIN locations fl ON fl.id = m.from_location_id
		LEFT JOIN locations tl ON tl.id = m.to_location_id`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY m.at DESC, m.id DESC"
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	var out []records.Movement
	err := s.read(ctx, "read folder history", func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var m records.Movement
			var last, first, middle, typeName string
			var number int
			if err := rows.Scan(&m.ID, &m.VolumeID, &m.Kind, timeCol{&m.At}, idCol{&m.UserID}, idCol{&m.FromBorrowerID},
				idCol{&m.ToBorrowerID}, idCol{&m.FromLocationID}, idCol{&m.ToLocationID}, dateCol{&m.Due}, &m.Note,
				strCol{&m.Username}, &m.Barcode, &m.MRN, &last, &first, &middle, &typeName, &number,
				strCol{&m.FromBorrower}, strCol{&m.ToBorrower}, strCol{&m.FromLocation}, strCol{&m.ToLocation}); err != nil {
				return err
			}
			m.PatientName = records.PersonName(last, first, middle)
			m.VolumeLabel = records.VolumeLabel(typeName, number)
			out = append(out, m)
		}
		return rows.Err()
	})
	return out, err
}
