package postgres

import (
	"context"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/chartroom/chartroom/records"
)

const settingsColumns = `practice_name, practice_address, mrn_width, filing, paper, idle_lock_minutes,
	request_expiry_days, adult_years, majority_age, minor_years, deceased_years, billing_years, backup_dir, backup_keep,
	retention_preset_id, backup_keep_weekly, backup_keep_monthly, second_backup_dir, second_place_days`

// loadSettings reads the practice's settings; a database not yet
// initialized has the defaults.
func loadSettings(ctx context.Context, tx pgx.Tx) (records.Settings, error) {
	var st records.Settings
	var preset *int64
	r := &st.Retention
	err := tx.QueryRow(ctx, "SELECT "+settingsColumns+" FROM settings WHERE id = 1").Scan(
		&st.PracticeName, &st.PracticeAddress, &st.MRNWidth, &st.Filing, &st.Paper, &st.IdleLockMinutes,
		&st.RequestExpiryDays, &r.AdultYears, &r.MajorityAge, &r.MinorYears, &r.DeceasedYears, &r.BillingOnlyYears,
		&st.BackupDir, &st.BackupKeep, &preset,
		&st.BackupKeepWeekly, &st.BackupKeepMonthly, &st.SecondBackupDir, &st.SecondPlaceDays)
	if errors.Is(err, pgx.ErrNoRows) {
		return records.DefaultSettings(), nil
	}
	if err != nil || preset == nil {
		return st, err
	}
	// The policy follows the chosen preset.
	st.RetentionPresetID = records.ID(*preset)
	p, err := loadRetentionPreset(ctx, tx, st.RetentionPresetID)
	st.Retention = p.Policy
	return st, err
}

// saveSettings writes the practice's one settings row, new or not.
func saveSettings(ctx context.Context, tx pgx.Tx, st records.Settings) error {
	r := st.Retention
	var preset *int64
	if st.RetentionPresetID != 0 {
		id := int64(st.RetentionPresetID)
		preset = &id
	}
	_, err := tx.Exec(ctx, `INSERT INTO settings (id, `+settingsColumns+`)
		VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
		ON CONFLICT (id) DO UPDATE SET (`+settingsColumns+`) =
		(EXCLUDED.practice_name, EXCLUDED.practice_address, EXCLUDED.mrn_width, EXCLUDED.filing, EXCLUDED.paper,
		 EXCLUDED.idle_lock_minutes, EXCLUDED.request_expiry_days, EXCLUDED.adult_years, EXCLUDED.majority_age,
		 EXCLUDED.minor_years, EXCLUDED.deceased_years, EXCLUDED.billing_years, EXCLUDED.backup_dir, EXCLUDED.backup_keep,
		 EXCLUDED.retention_preset_id, EXCLUDED.backup_keep_weekly, EXCLUDED.backup_keep_monthly,
		 EXCLUDED.second_backup_dir, EXCLUDED.second_place_days)`,
		st.PracticeName, st.PracticeAddress, st.MRNWidth, string(st.Filing), string(st.Paper), st.IdleLockMinutes,
		st.RequestExpiryDays, r.AdultYears, r.MajorityAge, r.MinorYears, r.DeceasedYears, r.BillingOnlyYears,
		st.BackupDir, st.BackupKeep, preset,
		st.BackupKeepWeekly, st.BackupKeepMonthly, st.SecondBackupDir, st.SecondPlaceDays)
	return err
}

// Settings returns the practice's settings (anyone signed in).
func (s *Store) Settings(ctx context.Context) (records.Settings, error) {
	if _, err := records.Require(ctx, records.RoleClerk, "read the settings"); err != nil {
		return records.Settings{}, err
	}
	var st records.Settings
	err := s.read(ctx, "the settings", func(tx pgx.Tx) error {
		var err error
		st, err = loadSettings(ctx, tx)
		return err
	})
	return st, err
}

const presetColumns = "id, name, adult_years, majority_age, minor_years, deceased_years, billing_years, note"

func presetDest(p *records.RetentionPreset) []any {
	r := &p.Policy
	return []any{&p.ID, &p.Name, &r.AdultYears, &r.MajorityAge, &r.MinorYears, &r.DeceasedYears, &r.BillingOnlyYears, &p.Note}
}

func loadRetentionPreset(ctx context.Context, tx pgx.Tx, id records.ID) (records.RetentionPreset, error) {
	var p records.RetentionPreset
	err := tx.QueryRow(ctx, "SELECT "+presetColumns+" FROM retention_presets WHERE id = $1", int64(id)).Scan(presetDest(&p)...)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, records.Errorf(records.ENotFound, "there is no retention preset with id %d", id)
	}
	return p, err
}

// UpdateSettings changes the settings (admin). A new filing system or MRN
// width re-pads every chart number and recomputes every filing key in the
// same transaction; narrowing below a chart number in use is refused. The
// settings row is locked, so two changes do not interleave, and the
// patients lock held, so no patient is added under the old width while
// the numbers are re-padded.
func (s *Store) UpdateSettings(ctx context.Context, in records.Settings) (records.Settings, error) {
	a, err := records.Require(ctx, records.RoleAdmin, "change the settings")
	if err != nil {
		return records.Settings{}, err
	}
	if err := records.ValidateSettings(&in); err != nil {
		return records.Settings{}, err
	}
	if err := records.ValidateRetentionPolicy(in.Retention); err != nil {
		return records.Settings{}, err
	}
	err = s.write(ctx, "the settings", func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(patientsLock)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "SELECT 1 FROM settings WHERE id = 1 FOR UPDATE"); err != nil {
			return err
		}
		old, err := loadSettings(ctx, tx)
		if err != nil {
			return err
		}
		if in.SecondBackupDir != "" && in.SecondBackupDir != old.SecondBackupDir {
			_, hasKey, err := loadBackupKey(ctx, tx)
			if err != nil {
				return err
			}
			if err := records.CheckSecondBackupPlace(in.SecondBackupDir, hasKey); err != nil {
				return err
			}
		}
		if in.RetentionPresetID != 0 {
			// Locked so that it is not deleted before the settings follow it.
			if _, err := tx.Exec(ctx, "SELECT 1 FROM retention_presets WHERE id = $1 FOR SHARE", int64(in.RetentionPresetID)); err != nil {
				return err
			}
			if err := in.FollowPreset(loadRetentionPreset(ctx, tx, in.RetentionPresetID)); err != nil {
				return err
			}
		}
		if in.Repads(old) {
			if err := repadMRNs(ctx, tx, old.MRNWidth, in.MRNWidth); err != nil {
				return err
			}
		}
		if err := saveSettings(ctx, tx, in); err != nil {
			return err
		}
		if in.Refiles(old) {
			if err := refile(ctx, tx, in.Filing); err != nil {
				return err
			}
		}
		_, err = s.appendAudit(ctx, tx, a, records.AuditUpdate, "settings", 1, "settings changed: "+records.SettingsChanges(old, in))
		return err
	})
	if err != nil {
		return records.Settings{}, err
	}
	return in, nil
}

// repadMRNs changes every stored chart number from width from to width to.
// Widening adds leading zeros; narrowing removes them, and is refused when a
// chart number has a digit other than 0 where the new width ends. Every
// number has the old width before and the new one after, so no row takes
// a number another still has while the update runs.
func repadMRNs(ctx context.Context, tx pgx.Tx, from, to int) error {
	if to > from {
		_, err := tx.Exec(ctx, "UPDATE patients SET mrn = $1 || mrn", strings.Repeat("0", to-from))
		return err
	}
	cut := from - to
	var n int
	var example string
	err := tx.QueryRow(ctx, "SELECT count(*), coalesce(min(mrn), '') FROM patients WHERE substr(mrn, 1, $1) <> $2",
		cut, strings.Repeat("0", cut)).Scan(&n, &example)
	if err != nil {
		return err
	}
	if n > 0 {
		return records.MRNWidthTooNarrow(to, n, example)
	}
	_, err = tx.Exec(ctx, "UPDATE patients SET mrn = substr(mrn, $1)", cut+1)
	return err
}

// refileBatch is how many patients' filing keys refile computes and writes
// at once: one query reads them and one statement writes them, so a
// million patients never sit in memory nor cost a round trip each.
const refileBatch = 5000

// refile recomputes every patient's filing key (records.FilingKey decides
// it, so the rule is written once for both stores).
func refile(ctx context.Context, tx pgx.Tx, fs records.FilingSystem) error {
	after := int64(0)
	for {
		rows, err := tx.Query(ctx, "SELECT id, mrn, last_name, first_name, dob FROM patients WHERE id > $1 ORDER BY id LIMIT $2", after, refileBatch)
		if err != nil {
			return err
		}
		var ids []int64
		var keys []string
		for rows.Next() {
			var id int64
			var mrn, last, first string
			var dob records.Date
			if err := rows.Scan(&id, &mrn, &last, &first, dateCol{&dob}); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
			keys = append(keys, records.FilingKey(fs, mrn, last, first, dob))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE patients p SET filing_key = k.key FROM unnest($1::bigint[], $2::text[]) AS k (id, key)
			WHERE p.id = k.id`, ids, keys); err != nil {
			return err
		}
		after = ids[len(ids)-1]
	}
}
