package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/chartroom/chartroom/records"
)

// requestSelect reads requests with the patient, the borrower, and the folder
// meant: the one named, else the patient's current folder of the default
// record type (its highest volume number).
const requestSelect = `SELECT r.id, r.patient_id, coalesce(r.volume_id, 0), r.borrower_id, r.needed_on, r.needed_at, r.reason, r.state,
	r.state_reason, r.source, r.created_at, coalesce(r.created_by, 0), r.updated_at, p.mrn, p.last_name, p.first_name, p.middle_name,
	b.name, b.phone, b.room, p.filing_key,
	coalesce(r.volume_id, (SELECT c.id FROM volumes c WHERE c.patient_id = r.patient_id
		ORDER BY c.record_type_id = (SELECT id FROM record_types WHERE is_default ORDER BY id LIMIT 1) DESC, c.number DESC LIMIT 1), 0)
	FROM requests r
	JOIN patients p ON p.id = r.patient_id
	JOIN borrowers b ON b.id = r.borrower_id`

// queryRequests returns the requests where selects (its arguments $1...),
// in filing order within a day, with their folders' whereabouts.
func queryRequests(ctx context.Context, tx pgx.Tx, where string, args ...any) ([]records.Request, error) {
	query := requestSelect
	if where != "" {
		query += " WHERE " + where
	}
	query += ` ORDER BY r.needed_on, p.filing_key COLLATE "C", r.needed_at, r.id`
	rows, err := tx.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	var out []records.Request
	var vols []records.ID
	for rows.Next() {
		var r records.Request
		var last, first, middle, phone, room string
		var vid records.ID
		if err := rows.Scan(&r.ID, &r.PatientID, &r.VolumeID, &r.BorrowerID, dateCol{&r.NeededOn}, &r.NeededAt, &r.Reason,
			&r.State, &r.StateReason, &r.Source, &r.CreatedAt, &r.CreatedBy, &r.UpdatedAt, &r.MRN,
			&last, &first, &middle, &r.BorrowerName, &phone, &room, &r.FilingKey, &vid); err != nil {
			rows.Close()
			return nil, err
		}
		r.PatientName = records.PersonName(last, first, middle)
		r.BorrowerTel = records.BorrowerContact(phone, room)
		out = append(out, r)
		vols = append(vols, vid)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i, vid := range vols {
		if vid == 0 {
			continue
		}
		v, err := loadVolume(ctx, tx, vid)
		if err != nil {
			return nil, err
		}
		out[i].VolumeLabel, out[i].Barcode, out[i].VolumeState, out[i].Where = v.Label(), v.Barcode, v.State, v.Where()
	}
	return out, nil
}

const looseSelect = `SELECT l.id, l.patient_id, l.received, l.description, l.from_whom, l.state, l.filed_at, coalesce(l.filed_by, 0),
	l.created_at, p.mrn, p.last_name, p.first_name, p.middle_name
	FROM loose_filing l JOIN patients p ON p.id = l.patient_id`

// queryLoose returns the loose papers where selects (its arguments
// $1...), oldest first.
func queryLoose(ctx context.Context, tx pgx.Tx, where string, args ...any) ([]records.LooseFiling, error) {
	query := looseSelect
	if where != "" {
		query += " WHERE " + where
	}
	rows, err := tx.Query(ctx, query+" ORDER BY l.received, l.id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []records.LooseFiling
	for rows.Next() {
		var l records.LooseFiling
		var last, first, middle string
		if err := rows.Scan(&l.ID, &l.PatientID, dateCol{&l.Received}, &l.Description, &l.From, &l.State, timeCol{&l.FiledAt},
			&l.FiledBy, &l.CreatedAt, &l.MRN, &last, &first, &middle); err != nil {
			return nil, err
		}
		l.PatientName = records.PersonName(last, first, middle)
		out = append(out, l)
	}
	return out, rows.Err()
}

const disclosureSelect = `SELECT d.id, d.patient_id, d.disclosed_on, d.recipient, d.address, d.description, d.purpose, d.category,
	coalesce(d.volume_id, 0), coalesce(d.borrower_id, 0), d.source, d.created_at, coalesce(d.created_by, 0),
	p.mrn, p.last_name, p.first_name, p.middle_name, coalesce(u.username, '')
	FROM disclosures d
	JOIN patients p ON p.id = d.patient_id
	LEFT JOIN users u ON u.id = d.created_by`

// queryDisclosures returns the disclosures where selects (its arguments
// $1...), by date.
func queryDisclosures(ctx context.Context, tx pgx.Tx, where string, args ...any) ([]records.Disclosure, error) {
	query := disclosureSelect
	if where != "" {
		query += " WHERE " + where
	}
	rows, err := tx.Query(ctx, query+" ORDER BY d.disclosed_on, d.id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []records.Disclosure
	for rows.Next() {
		var d records.Disclosure
		var last, first, middle string
		if err := rows.Scan(&d.ID, &d.PatientID, dateCol{&d.Date}, &d.Recipient, &d.Address, &d.Description, &d.Purpose,
			&d.Category, &d.VolumeID, &d.BorrowerID, &d.Source, &d.CreatedAt, &d.CreatedBy,
			&d.MRN, &last, &first, &middle, &d.Username); err != nil {
			return nil, err
		}
		d.PatientName = records.PersonName(last, first, middle)
		out = append(out, d)
	}
	return out, rows.Err()
}

// insertDisclosure writes a validated disclosure and its audit event inside
// the caller's transaction.
func (s *Store) insertDisclosure(ctx context.Context, tx pgx.Tx, a records.Actor, d records.Disclosure) (records.Disclosure, error) {
	var id int64
	if err := tx.QueryRow(ctx, `INSERT INTO disclosures (patient_id, disclosed_on, recipient, address, description, purpose,
		category, volume_id, borrower_id, source, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		int64(d.PatientID), dval(d.Date), d.Recipient, d.Address, d.Description, d.Purpose, string(d.Category),
		idval(d.VolumeID), idval(d.BorrowerID), d.Source, s.now(), idval(a.UserID)).Scan(&id); err != nil {
		return d, err
	}
	ds, err := queryDisclosures(ctx, tx, "d.id = $1", id)
	if err != nil {
		return d, err
	}
	out := ds[0]
	kind := "exempt"
	if out.Reportable() {
		kind = "reportable"
	}
	_, err = s.appendAudit(ctx, tx, a, records.AuditCreate, "disclosure", out.ID, fmt.Sprintf("disclosure of chart %s to %s on %s (%s, %s)",
		out.MRN, out.Recipient, out.Date, out.Category, kind))
	return out, err
}
