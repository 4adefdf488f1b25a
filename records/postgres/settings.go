package postgres

import (
	"context"
	"errors"

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
