package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/chartroom/chartroom/records"
)

// ListRetentionPresets returns the stored retention presets by name (clerk).
func (s *Store) ListRetentionPresets(ctx context.Context) ([]records.RetentionPreset, error) {
	if _, err := records.Require(ctx, records.RoleClerk, "list retention presets"); err != nil {
		return nil, err
	}
	var out []records.RetentionPreset
	err := s.read(ctx, "the retention presets", func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, "SELECT "+presetColumns+` FROM retention_presets ORDER BY lower(name) COLLATE "C", id`)
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

// SetLegalHold puts a chart on legal hold, or takes it off (supervisor): a
// held chart is never listed for destruction. The patient's row is locked
// while it is checked and changed.
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
	err = s.write(ctx, "the legal hold", func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT 1 FROM patients WHERE id = $1 FOR UPDATE", int64(patientID)); err != nil {
			return err
		}
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
		if _, err := tx.Exec(ctx, "UPDATE patients SET legal_hold = $1, updated_at = $2 WHERE id = $3", hold, s.now(), int64(p.ID)); err != nil {
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
		_, err = s.appendAudit(ctx, tx, a, records.AuditLegalHold, "patient", p.ID, what)
		return err
	})
	return out, err
}

// candidateSelect reads a folder with its patient and whether its record
// type is billing-only: everything the retention rule needs.
var candidateSelect = strings.Replace(volumeSelect, "FROM volumes v", ", "+patientColumns+", t.billing_only\n\tFROM volumes v", 1)

// scanCandidate reads a candidateSelect row: scanVolume's columns, then the
// patient's and the billing-only flag.
func scanCandidate(row pgx.Row) (v records.Volume, p records.Patient, billing bool, err error) {
	v, err = scanVolume(extraScan{row, append(patientDest(&p), &billing)})
	return v, p, billing, err
}

// extraScan appends destinations to a row scan, so scanVolume reads its
// columns and the caller the ones after them.
type extraScan struct {
	row   pgx.Row
	extra []any
}

func (e extraScan) Scan(dest ...any) error { return e.row.Scan(append(dest, e.extra...)...) }

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
	err = s.read(ctx, "the charts due for destruction", func(tx pgx.Tx) error {
		st, err := loadSettings(ctx, tx)
		if err != nil {
			return err
		}
		pol := st.Retention
		// Every rule counts at least the shorter of the adult and billing
		// periods from the last visit; a day of slack covers 29 February.
		cutoff := asOf.AddYears(-min(pol.AdultYears, pol.BillingOnlyYears)).AddDays(1)
		rows, err := tx.Query(ctx, candidateSelect+` WHERE p.last_visit IS NOT NULL AND p.last_visit <= $1::date AND NOT p.legal_hold
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
	return s.write(ctx, "the record of the retention review", func(tx pgx.Tx) error {
		_, err := s.appendAudit(ctx, tx, a, records.AuditView, "retention", 0, fmt.Sprintf("retention review as of %s: %d folder(s) eligible", asOf, n))
		return err
	})
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
	err = s.write(ctx, "the retention preset", func(tx pgx.Tx) error {
		r := p.Policy
		action := records.AuditCreate
		if p.ID == 0 {
			err := tx.QueryRow(ctx, `INSERT INTO retention_presets (name, adult_years, majority_age, minor_years, deceased_years,
				billing_years, note) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
				p.Name, r.AdultYears, r.MajorityAge, r.MinorYears, r.DeceasedYears, r.BillingOnlyYears, p.Note).Scan(&p.ID)
			if uniqueViolation(err, "retention_presets_name") {
				return records.RetentionPresetNameTaken(p.Name)
			}
			if err != nil {
				return err
			}
		} else {
			action = records.AuditUpdate
			if _, err := tx.Exec(ctx, "SELECT 1 FROM retention_presets WHERE id = $1 FOR UPDATE", int64(p.ID)); err != nil {
				return err
			}
			if _, err := loadRetentionPreset(ctx, tx, p.ID); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `UPDATE retention_presets SET name = $1, adult_years = $2, majority_age = $3, minor_years = $4,
				deceased_years = $5, billing_years = $6, note = $7 WHERE id = $8`, p.Name, r.AdultYears, r.MajorityAge, r.MinorYears,
				r.DeceasedYears, r.BillingOnlyYears, p.Note, int64(p.ID))
			if uniqueViolation(err, "retention_presets_name") {
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
		_, err = s.appendAudit(ctx, tx, a, action, "retention-preset", p.ID, records.RetentionPresetDetail(p))
		return err
	})
	return out, err
}

// DeleteRetentionPreset removes a preset the settings do not follow
// (admin). The settings row is locked, so they cannot be made to follow
// the preset while it goes.
func (s *Store) DeleteRetentionPreset(ctx context.Context, id records.ID) error {
	a, err := records.Require(ctx, records.RoleAdmin, "change retention presets")
	if err != nil {
		return err
	}
	return s.write(ctx, "the deletion of the retention preset", func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT 1 FROM settings WHERE id = 1 FOR UPDATE"); err != nil {
			return err
		}
		p, err := loadRetentionPreset(ctx, tx, id)
		if err != nil {
			return err
		}
		var inUse bool
		if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM settings WHERE retention_preset_id = $1)", int64(id)).Scan(&inUse); err != nil {
			return err
		}
		if inUse {
			return records.Errorf(records.EConflict, "the retention policy follows %s; choose another preset or custom values first", p.Name)
		}
		if _, err := tx.Exec(ctx, "DELETE FROM retention_presets WHERE id = $1", int64(id)); err != nil {
			return err
		}
		_, err = s.appendAudit(ctx, tx, a, records.AuditUpdate, "retention-preset", id, fmt.Sprintf("retention preset %s deleted", p.Name))
		return err
	})
}
