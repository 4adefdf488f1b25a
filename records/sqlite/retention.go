package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"github.com/chartroom/chartroom/records"
)

const presetColumns = "id, name, adult_years, majority_age, minor_years, deceased_years, billing_years, note"

func presetDest(p *records.RetentionPreset) []any {
	r := &p.Policy
	return []any{&p.ID, &p.Name, &r.AdultYears, &r.MajorityAge, &r.MinorYears, &r.DeceasedYears, &r.BillingOnlyYears, &p.Note}
}

func loadRetentionPreset(ctx context.Context, q querier, id records.ID) (records.RetentionPreset, error) {
	var p records.RetentionPreset
	err := q.QueryRowContext(ctx, "SELECT "+presetColumns+" FROM retention_presets WHERE id = ?", int64(id)).Scan(presetDest(&p)...)
	if err == sql.ErrNoRows {
		return p, records.Errorf(records.ENotFound, "there is no retention preset with id %d", id)
	}
	return p, err
}

// ListRetentionPresets returns the stored retention presets by name (clerk).
func (s *Store) ListRetentionPresets(ctx context.Context) ([]records.RetentionPreset, error) {
	if _, err := records.Require(ctx, records.RoleClerk, "list retention presets"); err != nil {
		return nil, err
	}
	var out []records.RetentionPreset
	err := s.read(ctx, "list retention presets", func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, "SELECT "+presetColumns+" FROM retention_presets ORDER BY name COLLATE NOCASE")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var p records.RetentionPreset
			if err := rows.Scan(presetDest(&p)...); err != nil {
				return err
			}
			out = append(out, p)
		}
		return rows.Err()
	})
	return out, err
}

// SaveRetentionPreset creates (ID 0) or changes a preset (admin: presets
// are settings). A change reaches the policy at once when the settings
// follow this preset.
func (s *Store) SaveRetentionPreset(ctx context.Context, p records.RetentionPreset) (records.RetentionPreset, error) {
	a, err := records.Require(ctx, records.RoleAdmin, "change retention presets")
	if err != nil {
		return records.RetentionPreset{}, err
	}
	if err := records.ValidateRetentionPreset(&p); err != nil {
		return records.RetentionPreset{}, err
	}
	var out records.RetentionPreset
	err = s.write(ctx, "save the retention preset", func(tx *sql.Tx) error {
		r := p.Policy
		action := records.AuditCreate
		if p.ID == 0 {
			res, err := tx.ExecContext(ctx, `INSERT INTO retention_presets (name, adult_years, majority_age, minor_years, deceased_years,
				billing_years, note) VALUES (?, ?, ?, ?, ?, ?, ?)`, p.Name, r.AdultYears, r.MajorityAge, r.MinorYears, r.DeceasedYears, r.BillingOnlyYears, p.Note)
			if _, ok := uniqueViolation(err); ok {
				return records.RetentionPresetNameTaken(p.Name)
			}
			if err != nil {
				return err
			}
			id, _ := res.LastInsertId()
			p.ID = records.ID(id)
		} else {
			action = records.AuditUpdate
			if _, err := loadRetentionPreset(ctx, tx, p.ID); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `UPDATE retention_presets SET name = ?, adult_years = ?, majority_age = ?, minor_years = ?,
				deceased_years = ?, billing_years = ?, note = ? WHERE id = ?`, p.Name, r.AdultYears, r.MajorityAge, r.MinorYears, r.DeceasedYears,
				r.BillingOnlyYears, p.Note, int64(p.ID))
			if _, ok := uniqueViolation(err); ok {
				return records.RetentionPresetNameTaken(p.Name)
			}
			if err != nil {
				return err
			}
		}
		var err error
		if out, err = loadRetentionPreset(ctx, tx, p.ID); err != nil {
			return err
		}
		return s.auditor(tx, a).add(ctx, action, "retention-preset", p.ID, "%s", records.RetentionPresetDetail(p))
	})
	return out, err
}

// DeleteRetentionPreset removes a preset the settings do not follow (admin).
func (s *Store) DeleteRetentionPreset(ctx context.Context, id records.ID) error {
	a, err := records.Require(ctx, records.RoleAdmin, "change retention presets")
	if err != nil {
		return err
	}
	return s.write(ctx, "delete the retention preset", func(tx *sql.Tx) error {
		p, err := loadRetentionPreset(ctx, tx, id)
		if err != nil {
			return err
		}
		var inUse int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM settings WHERE retention_preset_id = ?", int64(id)).Scan(&inUse); err != nil {
			return err
		}
		if inUse > 0 {
			return records.Errorf(records.EConflict, "the retention policy follows %s; choose another preset or custom values first", p.Name)
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM retention_presets WHERE id = ?", int64(id)); err != nil {
			return err
		}
		return s.auditor(tx, a).add(ctx, records.AuditUpdate, "retention-preset", id, "retention preset %s deleted", p.Name)
	})
}

// SetLegalHold puts a chart on legal hold or releases it (supervisor). A
// chart on hold is never eligible for destruction.
func (s *Store) SetLegalHold(ctx context.Context, patientID records.ID, hold bool, reason string) (records.Patient, error) {
	a, err := records.Require(ctx, records.RoleSupervisor, "set or clear legal holds")
	if err != nil {
		return records.Patient{}, err
	}
	reason = strings.TrimSpace(reason)
	if hold && reason == "" {
		return records.Patient{}, records.FieldError("Reason", "is required: say which matter the hold is for")
	}
	if len([]rune(reason)) > 200 || strings.ContainsAny(reason, "\r\n\t") {
		return records.Patient{}, records.FieldError("Reason", "must be one line of at most 200 characters")
	}
	var out records.Patient
	err = s.write(ctx, "change the legal hold", func(tx *sql.Tx) error {
		p, err := loadPatient(ctx, tx, patientID)
		if err != nil {
			return err
		}
		switch {
		case p.Status == records.PatientMerged:
			return records.Errorf(records.EConflict, "chart %s was merged into %s; put the hold on that chart", p.MRN, p.MergedInto)
		case p.Status == records.PatientDestroyed && hold:
			return records.Errorf(records.EConflict, "chart %s was destroyed; there is nothing left to hold", p.MRN)
		case p.LegalHold == hold && hold:
			return records.Errorf(records.EConflict, "chart %s is already on legal hold", p.MRN)
		case p.LegalHold == hold:
			return records.Errorf(records.EConflict, "chart %s is not on legal hold", p.MRN)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE patients SET legal_hold = ?, updated_at = ? WHERE id = ?", bval(hold), tval(s.now()), int64(p.ID)); err != nil {
			return err
		}
		if out, err = loadPatient(ctx, tx, p.ID); err != nil {
			return err
		}
		what := "legal hold set on chart " + p.MRN
		if !hold {
			what = "legal hold cleared on chart " + p.MRN
		}
		if reason != "" {
			what += ": " + reason
		}
		return s.auditor(tx, a).add(ctx, records.AuditLegalHold, "patient", p.ID, "%s", what)
	})
	return out, err
}

// candidateSelect reads a folder with its patient and whether its record
// type is billing-only: everything the retention rule needs.
var candidateSelect = strings.Replace(volumeSelect, "FROM volumes v", ", "+patientColumns+", t.billing_only\n\tFROM volumes v", 1)

// extraScan appends destinations to a row scan, so scanVolume reads its
// columns and the caller the ones after them.
type extraScan struct {
	sc    interface{ Scan(...any) error }
	extra []any
}

func (e extraScan) Scan(dest ...any) error { return e.sc.Scan(append(dest, e.extra...)...) }

// scanCandidate reads a candidateSelect row.
func scanCandidate(sc interface{ Scan(...any) error }) (v records.Volume, p records.Patient, billing bool, err error) {
	v, err = scanVolume(extraScan{sc, append(patientDest(&p), boolCol{&billing})})
	return v, p, billing, err
}

// ReviewRetention streams, in filing order, each folder not yet destroyed
// that the retention policy allows to destroy on day asOf (supervisor). The
// SQL only narrows the search to last visits old enough; the rule in
// records decides each folder. The review is one audit event.
func (s *Store) ReviewRetention(ctx context.Context, asOf records.Date, fn func(records.RetentionCandidate) error) error {
	a, err := records.Require(ctx, records.RoleSupervisor, "review charts for destruction")
	if err != nil {
		return err
	}
	if asOf.IsZero() {
		asOf = s.today()
	}
	n := 0
	err = s.read(ctx, "review charts for destruction", func(tx *sql.Tx) error {
		st, err := loadSettings(ctx, tx)
		if err != nil {
			return err
		}
		pol := st.Retention
		// Every rule counts at least the shorter of the adult and billing
		// periods from the last visit; a day of slack covers 29 February.
		cutoff := asOf.AddYears(-min(pol.AdultYears, pol.BillingOnlyYears)).AddDays(1)
		rows, err := tx.QueryContext(ctx, candidateSelect+` WHERE p.last_visit IS NOT NULL AND p.last_visit <= ? AND p.legal_hold = 0
			AND p.status NOT IN ('merged', 'destroyed') AND v.state <> 'destroyed' ORDER BY `+filingOrder, cutoff.String())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			v, p, billing, err := scanCandidate(rows)
			if err != nil {
				return err
			}
			d := records.Retention(p, billing, pol, asOf)
			if !d.Eligible {
				continue
			}
			n++
			if err := fn(records.RetentionCandidate{Volume: v, Patient: p, Decision: d}); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	if err != nil {
		return err
	}
	return s.look(ctx, "record the retention review", func(tx *sql.Tx) error {
		return s.auditor(tx, a).add(ctx, records.AuditView, "retention", 0, "retention review as of %s: %d folder(s) eligible", asOf, n)
	})
}
