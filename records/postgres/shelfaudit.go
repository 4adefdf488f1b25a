package postgres

import (
	"context"
	"fmt"
	"strings"

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
