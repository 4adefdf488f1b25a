package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/chartroom/chartroom/records"
)

// dayStart is the first moment of day d on this PC's clock, as the desk
// means "from Monday".
func dayStart(d records.Date) time.Time {
	t := d.Time()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.Local)
}

// History returns movements, newest first, with names filled in for display.
func (s *Store) History(ctx context.Context, f records.HistoryFilter) ([]records.Movement, error) {
	if _, err := records.Require(ctx, records.RoleClerk, "read folder history"); err != nil {
		return nil, err
	}
	var where []string
	var args []any
	add := func(cond string, arg any) {
		args = append(args, arg)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.VolumeID != 0 {
		add("m.volume_id = $%d", int64(f.VolumeID))
	}
	if f.PatientID != 0 {
		add("v.patient_id = $%d", int64(f.PatientID))
	}
	if !f.From.IsZero() {
		add("m.at >= $%d", dayStart(f.From))
	}
	if !f.To.IsZero() {
		add("m.at < $%d", dayStart(f.To.AddDays(1)))
	}
	q := `SELECT m.id, m.volume_id, m.kind, m.at, coalesce(m.user_id, 0), coalesce(m.from_borrower_id, 0), coalesce(m.to_borrower_id, 0),
		coalesce(m.from_location_id, 0), coalesce(m.to_location_id, 0), m.due, m.note, coalesce(u.username, ''), v.barcode, p.mrn,
		p.last_name, p.first_name, p.middle_name, t.name, v.number,
		coalesce(fb.name, ''), coalesce(tb.name, ''), coalesce(fl.path, ''), coalesce(tl.path, '')
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
	err := s.read(ctx, "the folder history", func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var m records.Movement
			var last, first, middle, typeName string
			var number int
			if err := rows.Scan(&m.ID, &m.VolumeID, &m.Kind, &m.At, &m.UserID, &m.FromBorrowerID,
				&m.ToBorrowerID, &m.FromLocationID, &m.ToLocationID, dateCol{&m.Due}, &m.Note,
				&m.Username, &m.Barcode, &m.MRN, &last, &first, &middle, &typeName, &number,
				&m.FromBorrower, &m.ToBorrower, &m.FromLocation, &m.ToLocation); err != nil {
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

// move is one entry of a folder's history, about to be written.
type move struct {
	kind                   records.MovementKind
	fromBorrower, toBorrow records.ID
	fromLoc, toLoc         records.ID
	due                    records.Date
	note                   string
}

func addMovement(ctx context.Context, tx pgx.Tx, a records.Actor, volumeID records.ID, at time.Time, m move) error {
	_, err := tx.Exec(ctx, `INSERT INTO movements (volume_id, kind, at, user_id, from_borrower_id, to_borrower_id,
		from_location_id, to_location_id, due, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		int64(volumeID), string(m.kind), at, idval(a.UserID), idval(m.fromBorrower), idval(m.toBorrow),
		idval(m.fromLoc), idval(m.toLoc), dval(m.due), m.note)
	return err
}

// lockVolume reads the folder a scan names and locks its row until the
// transaction ends: of workstations scanning one folder at once, the first
// goes on and the others wait here, then read the folder as the first one
// left it. This is how exactly one check-out wins.
func lockVolume(ctx context.Context, tx pgx.Tx, scan string) (records.Volume, error) {
	code, err := records.NormalizeScan(scan)
	if err != nil {
		return records.Volume{}, err
	}
	var id int64
	err = tx.QueryRow(ctx, "SELECT id FROM volumes WHERE barcode = $1 FOR UPDATE", code).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return records.Volume{}, records.Errorf(records.ENotFound, "no folder has the barcode %s", code)
	}
	if err != nil {
		return records.Volume{}, err
	}
	return loadVolume(ctx, tx, records.ID(id))
}

// lockVolumeByID is lockVolume for a folder chosen on screen.
func lockVolumeByID(ctx context.Context, tx pgx.Tx, id records.ID) (records.Volume, error) {
	err := tx.QueryRow(ctx, "SELECT id FROM volumes WHERE id = $1 FOR UPDATE", int64(id)).Scan(new(int64))
	if errors.Is(err, pgx.ErrNoRows) {
		return records.Volume{}, records.Errorf(records.ENotFound, "there is no folder with id %d", id)
	}
	if err != nil {
		return records.Volume{}, err
	}
	return loadVolume(ctx, tx, id)
}

// setPlace moves v to state, lent to b when b is not nil, and returns the
// folder as it now is. The old state in the WHERE clause refuses a change
// to a folder that changed since v was read, should the row lock ever be
// missing.
func setPlace(ctx context.Context, tx pgx.Tx, v records.Volume, state records.VolumeState, b *records.Borrower, outSince time.Time, due records.Date, now time.Time) (records.Volume, error) {
	next := v
	next.State, next.OutSince, next.Due, next.UpdatedAt = state, outSince, due, now
	next.BorrowerID, next.BorrowerName, next.BorrowerKind, next.BorrowerTel = 0, "", "", ""
	if b != nil {
		next.BorrowerID, next.BorrowerName, next.BorrowerKind, next.BorrowerTel = b.ID, b.Name, b.Kind, records.BorrowerContact(b.Phone, b.Room)
	}
	var since any
	if !outSince.IsZero() {
		since = outSince
	}
	tag, err := tx.Exec(ctx, `UPDATE volumes SET state = $1, borrower_id = $2, out_since = $3, due = $4, updated_at = $5
		WHERE id = $6 AND state = $7`,
		string(state), idval(next.BorrowerID), since, dval(due), now, int64(v.ID), string(v.State))
	if err != nil {
		return v, err
	}
	if tag.RowsAffected() != 1 {
		return v, records.Errorf(records.EConflict, "%s changed while it was being moved; scan it again", v.Barcode)
	}
	return next, nil
}

// CheckOut lends a scanned folder to a borrower (clerk). The folder's row
// is locked (lockVolume) before its state is read, so of two workstations
// scanning the same folder exactly one wins; the other is told who has it
// since when. A folder already out moves only as a deliberate hand-off,
// recorded as one. A folder marked missing is recorded found (back at its
// home) before it leaves again; a check-out or hand-off to an outside party
// needs a purpose and records a disclosure, all in the same transaction.
func (s *Store) CheckOut(ctx context.Context, in records.CheckOutInput) (records.CheckOutResult, error) {
	a, err := records.Require(ctx, records.RoleClerk, "check folders out")
	if err != nil {
		return records.CheckOutResult{}, err
	}
	var res records.CheckOutResult
	err = s.write(ctx, "the check-out of "+strings.TrimSpace(in.Barcode), func(tx pgx.Tx) error {
		res = records.CheckOutResult{}
		v, err := lockVolume(ctx, tx, in.Barcode)
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
		now := s.now().Truncate(time.Microsecond)
		handOff := in.HandOff
		if v.State == records.StateMissing && b.Active {
			if v, err = s.foundOnScan(ctx, tx, a, v, "check-out", now); err != nil {
				return err
			}
			res.WasMissing, handOff = true, false
		}
		if refusal := records.CheckOutRefusal(v, b, handOff); refusal != nil {
			return refusal
		}
		in := in
		in.HandOff = handOff
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
		if err := addMovement(ctx, tx, a, v.ID, now, m); err != nil {
			return err
		}
		fulfilled, err := fulfilRequests(ctx, tx, v, b.ID, now)
		if err != nil {
			return err
		}
		detail := records.CheckOutDetail(m.kind, v, b, due, fulfilled)
		if _, err := s.appendAudit(ctx, tx, a, records.AuditMove, "volume", v.ID, detail); err != nil {
			return err
		}
		if disclosure != nil {
			d, err := s.insertDisclosure(ctx, tx, a, *disclosure)
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
func (s *Store) foundOnScan(ctx context.Context, tx pgx.Tx, a records.Actor, v records.Volume, where string, now time.Time) (records.Volume, error) {
	found, err := setPlace(ctx, tx, v, records.StateInFile, nil, time.Time{}, records.Date{}, now)
	if err != nil {
		return v, err
	}
	if err := addMovement(ctx, tx, a, v.ID, now, move{kind: records.MoveFound, toLoc: v.HomeID, note: "scanned at " + where}); err != nil {
		return v, err
	}
	_, err = s.appendAudit(ctx, tx, a, records.AuditMove, "volume", v.ID, records.FoundDetail(v, where))
	return found, err
}

// fulfilRequests closes the open requests of borrower for the folder (or
// for its patient with no folder named): the folder went where it was
// wanted.
func fulfilRequests(ctx context.Context, tx pgx.Tx, v records.Volume, borrower records.ID, now time.Time) (int64, error) {
	tag, err := tx.Exec(ctx, `UPDATE requests SET state = 'fulfilled', updated_at = $1
		WHERE borrower_id = $2 AND state IN ('pending', 'pulled')
		AND (volume_id = $3 OR (volume_id IS NULL AND patient_id = $4))`,
		now, int64(borrower), int64(v.ID), int64(v.PatientID))
	if err != nil {
		return 0, err
	}
	return tag.RowsAffected(), nil
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
	err = s.write(ctx, "the check-in of "+strings.TrimSpace(barcode), func(tx pgx.Tx) error {
		res = records.CheckInResult{}
		v, err := lockVolume(ctx, tx, barcode)
		if err != nil {
			return err
		}
		if refusal := records.CheckInRefusal(v); refusal != nil {
			return refusal
		}
		now := s.now().Truncate(time.Microsecond)
		if v.State == records.StateMissing {
			res.WasMissing = true
			if err := addMovement(ctx, tx, a, v.ID, now, move{kind: records.MoveFound, toLoc: v.HomeID, note: "scanned in"}); err != nil {
				return err
			}
			if _, err := s.appendAudit(ctx, tx, a, records.AuditMove, "volume", v.ID, records.FoundDetail(v, "check-in")); err != nil {
				return err
			}
		}
		if res.Volume, err = setPlace(ctx, tx, v, records.StateInFile, nil, time.Time{}, records.Date{}, now); err != nil {
			return err
		}
		if err := addMovement(ctx, tx, a, v.ID, now, move{kind: records.MoveCheckIn, fromBorrower: v.BorrowerID, toLoc: v.HomeID}); err != nil {
			return err
		}
		from := ""
		if v.BorrowerName != "" {
			from = " from " + v.BorrowerName
		}
		if _, err := s.appendAudit(ctx, tx, a, records.AuditMove, "volume", v.ID, fmt.Sprintf("check-in %s (%s, chart %s)%s", v.Barcode, v.Label(), v.MRN, from)); err != nil {
			return err
		}
		if res.LooseWaiting, err = queryLoose(ctx, tx, "l.patient_id = $1 AND l.state = 'waiting'", int64(v.PatientID)); err != nil {
			return err
		}
		res.Requests, err = queryRequests(ctx, tx, `r.state IN ('pending', 'pulled') AND r.borrower_id IS DISTINCT FROM $1
			AND (r.volume_id = $2 OR (r.volume_id IS NULL AND r.patient_id = $3))`,
			idval(v.BorrowerID), int64(v.ID), int64(v.PatientID))
		return err
	})
	return res, err
}

// MarkMissing records that a folder is not where it should be (clerk).
func (s *Store) MarkMissing(ctx context.Context, volumeID records.ID, note string) (records.Volume, error) {
	return s.simpleMove(ctx, volumeID, "mark folders missing", "the folder marked missing", func(v records.Volume) (records.VolumeState, move, error) {
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
	return s.simpleMove(ctx, volumeID, "mark folders found", "the folder marked found", func(v records.Volume) (records.VolumeState, move, error) {
		if v.State == records.StateDestroyed {
			return "", move{}, records.DestroyedRefusal(v)
		}
		if v.State != records.StateMissing {
			return "", move{}, records.Errorf(records.EConflict, "%s (%s) is not marked missing", v.Barcode, v.Label())
		}
		return records.StateInFile, move{kind: records.MoveFound, toLoc: v.HomeID, note: note}, nil
	})
}

// simpleMove changes a folder's state to one with no borrower, as decide
// says; what is the permission asked for, change the operation's name in a
// failure's message.
func (s *Store) simpleMove(ctx context.Context, volumeID records.ID, what, change string, decide func(records.Volume) (records.VolumeState, move, error)) (records.Volume, error) {
	a, err := records.Require(ctx, records.RoleClerk, what)
	if err != nil {
		return records.Volume{}, err
	}
	var out records.Volume
	err = s.write(ctx, change, func(tx pgx.Tx) error {
		v, err := lockVolumeByID(ctx, tx, volumeID)
		if err != nil {
			return err
		}
		state, m, err := decide(v)
		if err != nil {
			return err
		}
		m.note = strings.TrimSpace(m.note)
		now := s.now().Truncate(time.Microsecond)
		if out, err = setPlace(ctx, tx, v, state, nil, time.Time{}, records.Date{}, now); err != nil {
			return err
		}
		if err := addMovement(ctx, tx, a, v.ID, now, m); err != nil {
			return err
		}
		_, err = s.appendAudit(ctx, tx, a, records.AuditMove, "volume", v.ID, fmt.Sprintf("%s %s (%s, chart %s) %s", m.kind, v.Barcode, v.Label(), v.MRN, m.note))
		return err
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
	err = s.write(ctx, "the folder's transfer", func(tx pgx.Tx) error {
		v, err := lockVolumeByID(ctx, tx, volumeID)
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
		now := s.now().Truncate(time.Microsecond)
		if _, err := tx.Exec(ctx, "UPDATE volumes SET home_id = $1, updated_at = $2 WHERE id = $3", int64(l.ID), now, int64(v.ID)); err != nil {
			return err
		}
		m := move{kind: records.MoveTransfer, fromLoc: v.HomeID, toLoc: l.ID, note: strings.TrimSpace(note)}
		if err := addMovement(ctx, tx, a, v.ID, now, m); err != nil {
			return err
		}
		if out, err = loadVolume(ctx, tx, v.ID); err != nil {
			return err
		}
		_, err = s.appendAudit(ctx, tx, a, records.AuditMove, "volume", v.ID, fmt.Sprintf("transfer %s (%s, chart %s) from %s to %s", v.Barcode, v.Label(), v.MRN, v.HomePath, l.Path))
		return err
	})
	return out, err
}
