package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/chartroom/chartroom/records"
)

// insideLocation returns the location and every place inside it.
func insideLocation(ctx context.Context, tx pgx.Tx, id records.ID) (map[records.ID]bool, error) {
	rows, err := tx.Query(ctx, `WITH RECURSIVE inside(id) AS (SELECT $1::bigint UNION ALL
		SELECT c.id FROM locations c JOIN inside ON c.parent_id = inside.id) SELECT id FROM inside`, int64(id))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	set := map[records.ID]bool{}
	for rows.Next() {
		var x records.ID
		if err := rows.Scan(&x); err != nil {
			return nil, err
		}
		set[x] = true
	}
	return set, rows.Err()
}

// auditShelf loads what a shelf audit compares and runs the rule.
// It also returns the audited location and the places inside it.
func auditShelf(ctx context.Context, tx pgx.Tx, section records.ShelfSection, barcodes []string) (records.ShelfAuditResult, map[records.ID]bool, error) {
	l, err := loadLocation(ctx, tx, section.LocationID)
	if err != nil {
		return records.ShelfAuditResult{}, nil, err
	}
	inside, err := insideLocation(ctx, tx, l.ID)
	if err != nil {
		return records.ShelfAuditResult{}, nil, err
	}
	homes := make([]int64, 0, len(inside))
	for id := range inside {
		homes = append(homes, int64(id))
	}
	expected, err := queryVolumes(ctx, tx, volumeSelect+` WHERE v.state = 'in-file' AND v.home_id = ANY($1) ORDER BY `+filingOrder, homes)
	if err != nil {
		return records.ShelfAuditResult{}, nil, err
	}
	if section.Digits != nil {
		inRange := expected[:0]
		for _, v := range expected {
			if section.Digits.Contains(v.MRN) {
				inRange = append(inRange, v)
			}
		}
		expected = inRange
	}
	byCode := make(map[string]records.Volume, len(expected))
	for _, v := range expected {
		byCode[v.Barcode] = v
	}
	scans := make([]records.ShelfScan, len(barcodes))
	for i, raw := range barcodes {
		code, err := records.NormalizeScan(raw)
		if err != nil {
			// Not a barcode at all: an unknown scan, shown as typed.
			scans[i] = records.ShelfScan{Barcode: strings.TrimSpace(raw)}
			continue
		}
		v, ok := byCode[code]
		if !ok {
			v, err = volumeByScan(ctx, tx, code)
			if err != nil && records.ErrorCode(err) != records.ENotFound {
				return records.ShelfAuditResult{}, nil, err
			}
			if err == nil {
				byCode[code] = v
			}
		}
		scans[i] = records.ShelfScan{Barcode: code, Volume: v}
	}
	res := records.AuditShelf(func(id records.ID) bool { return inside[id] }, expected, scans)
	res.LocationID, res.LocationPath, res.Digits = l.ID, l.Path, section.Digits
	return res, inside, nil
}

// ShelfAudit compares a scan of a location's shelves with the records
// (clerk). It changes nothing; the look is one audit event.
func (s *Store) ShelfAudit(ctx context.Context, section records.ShelfSection, barcodes []string) (records.ShelfAuditResult, error) {
	a, err := records.Require(ctx, records.RoleClerk, "audit shelves")
	if err != nil {
		return records.ShelfAuditResult{}, err
	}
	var res records.ShelfAuditResult
	err = s.write(ctx, "the shelf audit", func(tx pgx.Tx) error {
		if res, _, err = auditShelf(ctx, tx, section, barcodes); err != nil {
			return err
		}
		c := res.Counts()
		_, err := s.appendAudit(ctx, tx, a, records.AuditShelfAudit, "location", res.LocationID, fmt.Sprintf("shelf audit of %s (%s): %d scanned, %d out of order, %d misrecorded, %d unknown, %d not seen",
			res.LocationPath, res.Digits, c.Scanned, c.OutOfOrder, c.Misrecorded, c.Unknown, c.NotSeen))
		return err
	})
	return res, err
}

// ApplyShelfAudit makes the records agree with the shelf in one
// transaction (clerk; giving a folder a new home takes a supervisor, as a
// transfer does). The audit runs again inside the transaction, so what
// changed since the scan is taken into account; a folder another
// workstation moves meanwhile is refused by setPlace, and nothing is kept.
func (s *Store) ApplyShelfAudit(ctx context.Context, section records.ShelfSection, barcodes []string) (records.ShelfAuditApplied, error) {
	a, err := records.Require(ctx, records.RoleClerk, "apply shelf audits")
	if err != nil {
		return records.ShelfAuditApplied{}, err
	}
	var out records.ShelfAuditApplied
	err = s.write(ctx, "the shelf audit's changes", func(tx pgx.Tx) error {
		out = records.ShelfAuditApplied{}
		res, inside, err := auditShelf(ctx, tx, section, barcodes)
		if err != nil {
			return err
		}
		out.Result = res
		now := s.now().Truncate(time.Microsecond)
		why := "shelf audit of " + res.LocationPath + " (" + res.Digits.String() + ")"
		for _, v := range res.NotSeen {
			if _, err := setPlace(ctx, tx, v, records.StateMissing, nil, time.Time{}, records.Date{}, now); err != nil {
				return err
			}
			if err := addMovement(ctx, tx, a, v.ID, now, move{kind: records.MoveMissing, note: why + ": not on the shelf"}); err != nil {
				return err
			}
			if _, err := s.appendAudit(ctx, tx, a, records.AuditMove, "volume", v.ID, fmt.Sprintf("missing %s (%s, chart %s): not seen in the %s", v.Barcode, v.Label(), v.MRN, why)); err != nil {
				return err
			}
			out.MarkedMissing++
		}
		for _, r := range res.Scans {
			if r.Unknown || r.RepeatOf != 0 || r.Problem == "" {
				continue
			}
			if err := s.applyFound(ctx, tx, a, res, r, inside[r.Volume.HomeID], now, &out); err != nil {
				return err
			}
		}
		c := res.Counts()
		if err := tx.QueryRow(ctx, `INSERT INTO shelf_audits (location_id, at, user_id, scanned, in_order, out_of_order, misrecorded,
			unknown, repeats, not_seen, marked_missing, marked_found, rehomed, scans) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
			RETURNING id`,
			int64(res.LocationID), now, int64(a.UserID), c.Scanned, c.InOrder, c.OutOfOrder, c.Misrecorded, c.Unknown, c.Repeats, c.NotSeen,
			out.MarkedMissing, out.MarkedFound, out.Rehomed, strings.Join(barcodes, "\n")).Scan(&out.RunID); err != nil {
			return err
		}
		_, err = s.appendAudit(ctx, tx, a, records.AuditShelfAudit, "location", res.LocationID, fmt.Sprintf("shelf audit %d of %s applied: %d marked missing, %d found, %d given this home",
			out.RunID, res.LocationPath, out.MarkedMissing, out.MarkedFound, out.Rehomed))
		return err
	})
	return out, err
}

// applyFound puts one scanned folder whose record disagrees with the shelf
// in file: found if it was missing, checked in if it was out, and homed at
// the audited location if its home was elsewhere.
func (s *Store) applyFound(ctx context.Context, tx pgx.Tx, a records.Actor, res records.ShelfAuditResult, r records.ShelfScanResult,
	homeInside bool, now time.Time, out *records.ShelfAuditApplied) error {
	v := r.Volume
	why := "found in the shelf audit of " + res.LocationPath
	name := fmt.Sprintf("%s (%s, chart %s)", v.Barcode, v.Label(), v.MRN)
	if v.State == records.StateDestroyed {
		out.Skipped = append(out.Skipped, name+": recorded destroyed; not changed (a destroyed folder never moves). Find out why it is on the shelf.")
		return nil
	}
	if v.State != records.StateInFile {
		m := move{kind: records.MoveFound, toLoc: v.HomeID, note: why}
		if v.State.Out() {
			m = move{kind: records.MoveCheckIn, fromBorrower: v.BorrowerID, toLoc: v.HomeID, note: why}
		}
		if _, err := setPlace(ctx, tx, v, records.StateInFile, nil, time.Time{}, records.Date{}, now); err != nil {
			return err
		}
		if err := addMovement(ctx, tx, a, v.ID, now, m); err != nil {
			return err
		}
		if _, err := s.appendAudit(ctx, tx, a, records.AuditMove, "volume", v.ID, fmt.Sprintf("%s %s: %s", m.kind, name, why)); err != nil {
			return err
		}
		out.MarkedFound++
	}
	if homeInside {
		return nil
	}
	if !a.Role.AtLeast(records.RoleSupervisor) {
		out.Skipped = append(out.Skipped, name+": its home is "+v.HomePath+"; take it back there (a supervisor can give it this location as its home)")
		return nil
	}
	if _, err := tx.Exec(ctx, "UPDATE volumes SET home_id = $1, updated_at = $2 WHERE id = $3", int64(res.LocationID), now, int64(v.ID)); err != nil {
		return err
	}
	if err := addMovement(ctx, tx, a, v.ID, now, move{kind: records.MoveTransfer, fromLoc: v.HomeID, toLoc: res.LocationID, note: why}); err != nil {
		return err
	}
	out.Rehomed++
	_, err := s.appendAudit(ctx, tx, a, records.AuditMove, "volume", v.ID, fmt.Sprintf("transfer %s from %s to %s: %s", name, v.HomePath, res.LocationPath, why))
	return err
}

// ListShelfAudits returns the applied shelf audits, newest first (clerk).
func (s *Store) ListShelfAudits(ctx context.Context, limit int) ([]records.ShelfAuditRun, error) {
	if _, err := records.Require(ctx, records.RoleClerk, "list shelf audits"); err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = 100
	}
	var out []records.ShelfAuditRun
	err := s.read(ctx, "the shelf audits", func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT a.id, a.location_id, l.path, a.at, coalesce(u.username, ''), a.scanned, a.in_order, a.out_of_order,
			a.misrecorded, a.unknown, a.repeats, a.not_seen, a.marked_missing, a.marked_found, a.rehomed
			FROM shelf_audits a JOIN locations l ON l.id = a.location_id LEFT JOIN users u ON u.id = a.user_id ORDER BY a.id DESC LIMIT $1`, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r records.ShelfAuditRun
			c := &r.Counts
			if err := rows.Scan(&r.ID, &r.LocationID, &r.LocationPath, &r.At, &r.Username, &c.Scanned, &c.InOrder, &c.OutOfOrder,
				&c.Misrecorded, &c.Unknown, &c.Repeats, &c.NotSeen, &r.MarkedMissing, &r.MarkedFound, &r.Rehomed); err != nil {
				return err
			}
			out = append(out, r)
		}
		return rows.Err()
	})
	return out, err
}
