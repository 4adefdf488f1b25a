package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/backupfile"
)

const settingsColumns = `practice_name, practice_address, mrn_width, filing, paper, idle_lock_minutes,
	request_expiry_days, adult_years, majority_age, minor_years, deceased_years, billing_years, backup_dir, backup_keep,
	retention_preset_id, backup_keep_weekly, backup_keep_monthly, second_backup_dir, second_place_days`

// mrnWidth is the practice's chart-number width: all a search needs of the
// settings, read without the rest.
func mrnWidth(ctx context.Context, q querier) (int, error) {
	var w int
	err := q.QueryRowContext(ctx, "SELECT mrn_width FROM settings WHERE id = 1").Scan(&w)
	if err == sql.ErrNoRows {
		return records.DefaultSettings().MRNWidth, nil
	}
	return w, err
}

// loadSettings reads the practice's settings; a database not yet initialized
// has the defaults.
func loadSettings(ctx context.Context, q querier) (records.Settings, error) {
	var st records.Settings
	r := &st.Retention
	err := q.QueryRowContext(ctx, "SELECT "+settingsColumns+" FROM settings WHERE id = 1").Scan(
		&st.PracticeName, &st.PracticeAddress, &st.MRNWidth, &st.Filing, &st.Paper, &st.IdleLockMinutes,
		&st.RequestExpiryDays, &r.AdultYears, &r.MajorityAge, &r.MinorYears, &r.DeceasedYears, &r.BillingOnlyYears,
		&st.BackupDir, &st.BackupKeep, idCol{&st.RetentionPresetID},
		&st.BackupKeepWeekly, &st.BackupKeepMonthly, &st.SecondBackupDir, &st.SecondPlaceDays)
	if err == sql.ErrNoRows {
		return records.DefaultSettings(), nil
	}
	if err != nil || st.RetentionPresetID == 0 {
		return st, err
	}
	// The policy follows the chosen preset.
	p, err := loadRetentionPreset(ctx, q, st.RetentionPresetID)
	st.Retention = p.Policy
	return st, err
}

func saveSettings(ctx context.Context, tx *sql.Tx, st records.Settings) error {
	r := st.Retention
	_, err := tx.ExecContext(ctx, "INSERT OR REPLACE INTO settings (id, "+settingsColumns+") VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		st.PracticeName, st.PracticeAddress, st.MRNWidth, string(st.Filing), string(st.Paper), st.IdleLockMinutes,
		st.RequestExpiryDays, r.AdultYears, r.MajorityAge, r.MinorYears, r.DeceasedYears, r.BillingOnlyYears,
		st.BackupDir, st.BackupKeep, idval(st.RetentionPresetID),
		st.BackupKeepWeekly, st.BackupKeepMonthly, st.SecondBackupDir, st.SecondPlaceDays)
	return err
}

// Settings returns the practice's settings (anyone signed in).
func (s *Store) Settings(ctx context.Context) (records.Settings, error) {
	if _, err := records.Require(ctx, records.RoleClerk, "read the settings"); err != nil {
		return records.Settings{}, err
	}
	var st records.Settings
	err := s.read(ctx, "read the settings", func(tx *sql.Tx) error {
		var err error
		st, err = loadSettings(ctx, tx)
		return err
	})
	return st, err
}

// UpdateSettings changes the settings (admin). A new filing system or MRN
// width re-pads every chart number and recomputes every filing key in the
// same transaction; narrowing below a chart number in use is refused.
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
	err = s.write(ctx, "save the settings", func(tx *sql.Tx) error {
		old, err := loadSettings(ctx, tx)
		if err != nil {
			return err
		}
		if in.SecondBackupDir != "" && in.SecondBackupDir != old.SecondBackupDir {
			if _, hasKey, err := loadBackupKey(ctx, tx); err != nil {
				return err
			} else if !hasKey {
				return records.FieldError("Second backup place", "needs a backup passphrase first: backups that leave this PC are encrypted with it")
			}
			if !filepath.IsAbs(in.SecondBackupDir) {
				return records.FieldError("Second backup place", "must be a whole folder path (such as E:\\Chartroom or /media/usb/chartroom), not %s", in.SecondBackupDir)
			}
			if !backupfile.Reachable(in.SecondBackupDir) {
				return records.FieldError("Second backup place", "%s cannot be reached now: plug the drive in or connect the network folder first", in.SecondBackupDir)
			}
		}
		if in.RetentionPresetID != 0 {
			p, err := loadRetentionPreset(ctx, tx, in.RetentionPresetID)
			if err != nil {
				return records.FieldError("Retention preset", "%s", records.ErrorMessage(err))
			}
			in.Retention = p.Policy
		}
		if in.MRNWidth != old.MRNWidth {
			if err := repadMRNs(ctx, tx, old.MRNWidth, in.MRNWidth); err != nil {
				return err
			}
		}
		if err := saveSettings(ctx, tx, in); err != nil {
			return err
		}
		if in.MRNWidth != old.MRNWidth || in.Filing != old.Filing {
			if err := refile(ctx, tx, in.Filing); err != nil {
				return err
			}
		}
		return s.auditor(tx, a).add(ctx, records.AuditUpdate, "settings", 1, "settings changed: %s", settingsDiff(old, in))
	})
	if err != nil {
		return records.Settings{}, err
	}
	return in, nil
}

// repadMRNs changes every stored chart number from width from to width to.
// Widening adds leading zeros; narrowing removes them, and is refused when a
// chart number has a digit other than 0 where the new width ends.
func repadMRNs(ctx context.Context, tx *sql.Tx, from, to int) error {
	if to > from {
		_, err := tx.ExecContext(ctx, "UPDATE patients SET mrn = ? || mrn", strings.Repeat("0", to-from))
		return err
	}
	cut := from - to
	var n int
	var example string
	err := tx.QueryRowContext(ctx, "SELECT count(*), coalesce(min(mrn), '') FROM patients WHERE substr(mrn, 1, ?) <> ?",
		cut, strings.Repeat("0", cut)).Scan(&n, &example)
	if err != nil {
		return err
	}
	if n > 0 {
		return records.FieldError("MRN width", "cannot be %d digits: %d chart numbers are longer, for example %s", to, n, strings.TrimLeft(example, "0"))
	}
	_, err = tx.ExecContext(ctx, "UPDATE patients SET mrn = substr(mrn, ?)", cut+1)
	return err
}

// refile recomputes every patient's filing key, in batches so a million
// patients never sit in memory.
func refile(ctx context.Context, tx *sql.Tx, fs records.FilingSystem) error {
	upd, err := tx.PrepareContext(ctx, "UPDATE patients SET filing_key = ? WHERE id = ?")
	if err != nil {
		return err
	}
	defer upd.Close()
	type row struct {
		id          int64
		mrn, ln, fn string
		dob         records.Date
	}
	after := int64(0)
	for {
		rows, err := tx.QueryContext(ctx, "SELECT id, mrn, last_name, first_name, dob FROM patients WHERE id > ? ORDER BY id LIMIT 5000", after)
		if err != nil {
			return err
		}
		var batch []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.id, &r.mrn, &r.ln, &r.fn, dateCol{&r.dob}); err != nil {
				rows.Close()
				return err
			}
			batch = append(batch, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(batch) == 0 {
			return nil
		}
		for _, r := range batch {
			if _, err := upd.ExecContext(ctx, records.FilingKey(fs, r.mrn, r.ln, r.fn, r.dob), r.id); err != nil {
				return err
			}
		}
		after = batch[len(batch)-1].id
	}
}

// settingsDiff names the settings that changed, for the audit log.
func settingsDiff(a, b records.Settings) string {
	var ch []string
	add := func(name string, changed bool) {
		if changed {
			ch = append(ch, name)
		}
	}
	add("practice name", a.PracticeName != b.PracticeName)
	add("practice address", a.PracticeAddress != b.PracticeAddress)
	add("MRN width", a.MRNWidth != b.MRNWidth)
	add("filing system", a.Filing != b.Filing)
	add("paper", a.Paper != b.Paper)
	add("idle lock", a.IdleLockMinutes != b.IdleLockMinutes)
	add("request expiry", a.RequestExpiryDays != b.RequestExpiryDays)
	add("retention", a.Retention != b.Retention || a.RetentionPresetID != b.RetentionPresetID)
	add("backup folder", a.BackupDir != b.BackupDir)
	add("backups kept", a.BackupKeep != b.BackupKeep || a.BackupKeepWeekly != b.BackupKeepWeekly || a.BackupKeepMonthly != b.BackupKeepMonthly)
	add("second backup place", a.SecondBackupDir != b.SecondBackupDir || a.SecondPlaceDays != b.SecondPlaceDays)
	if len(ch) == 0 {
		return "nothing"
	}
	return strings.Join(ch, ", ")
}
