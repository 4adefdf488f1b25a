package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/sqlite"
)

// unlock gathers what opens the backup at path: nothing for a plain one;
// for an encrypted one the backup passphrase (CHARTROOM_BACKUP_PASSPHRASE,
// else asked) and the key file named with --key, if any.
func (c *invocation) unlock(path, keyFile string) (sqlite.Unlock, error) {
	enc, err := sqlite.IsEncryptedBackup(path)
	if err != nil {
		return sqlite.Unlock{}, records.Errorf(records.ENotFound, "cannot read the backup %s: %v", path, err)
	}
	if !enc {
		if keyFile != "" {
			return sqlite.Unlock{}, usagef("%s is not encrypted: it needs no --key", path)
		}
		return sqlite.Unlock{}, nil
	}
	pass := c.env("CHARTROOM_BACKUP_PASSPHRASE")
	if pass == "" {
		pass, err = c.readSecret("Backup passphrase: ", "no backup passphrase given: "+path+" is encrypted; set CHARTROOM_BACKUP_PASSPHRASE, type it at the prompt or give it as a line on standard input")
		if err != nil {
			return sqlite.Unlock{}, err
		}
	}
	return sqlite.Unlock{Passphrase: pass, KeyFile: keyFile}, nil
}

// checkBackupFile runs `backup --check`: the full check of one backup,
// opened in a temporary folder, with no database involved.
func (c *invocation) checkBackupFile(ctx context.Context, path, keyFile string) error {
	un, err := c.unlock(path, keyFile)
	if err != nil {
		return err
	}
	problems, err := sqlite.CheckBackupFile(ctx, path, un)
	if err != nil {
		return err
	}
	if len(problems) == 0 {
		fmt.Fprintf(c.stdout, "ok: %s opens and passes the full check (integrity, audit chain, seals)\n", path)
		return nil
	}
	for _, p := range problems {
		fmt.Fprintf(c.stdout, "problem: %s\n", p)
	}
	return records.Errorf(records.EConflict, "%d problem(s) found in the backup %s; do not rely on it", len(problems), path)
}

// printBackupStatus prints each backup place: where, encrypted or not, the
// newest good copy and the latest check.
func (c *invocation) printBackupStatus(ctx context.Context, svc records.Service) error {
	st, err := svc.BackupStatus(ctx)
	if err != nil {
		return err
	}
	if st.PassphraseSet {
		fmt.Fprintln(c.stdout, "backup passphrase: set")
	} else {
		fmt.Fprintln(c.stdout, "backup passphrase: not set (backups are not encrypted)")
	}
	settings, err := svc.Settings(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintln(c.stdout, keepText(settings))
	now := c.now()
	for _, p := range st.Places {
		fmt.Fprintln(c.stdout, backupPlaceLines(p, now))
	}
	if p, overdue := st.SecondPlaceOverdue(now); overdue {
		fmt.Fprintf(c.stdout, "warning: the second place %s has had no new backup for more than %d days\n", p.Dir, st.SecondPlaceDays)
	}
	return nil
}

// backupPlaceLines describes one backup place in a few lines.
func backupPlaceLines(p records.BackupPlace, now time.Time) string {
	var b strings.Builder
	kind := "backup folder"
	if p.Second {
		kind = "second place"
	}
	enc := "plain"
	if p.Encrypted {
		enc = "encrypted"
	}
	fmt.Fprintf(&b, "%s: %s (%s)\n", kind, p.Dir, enc)
	if p.LastCopy == "" {
		fmt.Fprintf(&b, "  last good copy: none yet\n")
	} else {
		fmt.Fprintf(&b, "  last good copy: %s (%s)\n", p.LastCopy, p.LastCopyAt.Format("2006-01-02 15:04"))
	}
	switch {
	case p.Check.At.IsZero():
		fmt.Fprintf(&b, "  weekly check: not yet")
	case p.Check.OK:
		fmt.Fprintf(&b, "  weekly check: ok, %s (%s)", p.Check.At.Format("2006-01-02 15:04"), filepath.Base(p.Check.File))
	default:
		fmt.Fprintf(&b, "  weekly check: FAILED %s (%s): %s", p.Check.At.Format("2006-01-02 15:04"), filepath.Base(p.Check.File), p.Check.Problems)
	}
	return b.String()
}

// setBackupPassphrase runs `backup --set-passphrase`.
func (c *invocation) setBackupPassphrase(ctx context.Context, svc records.Service, newKey bool) error {
	st, err := svc.BackupStatus(ctx)
	if err != nil {
		return err
	}
	if _, err := records.Require(ctx, records.RoleAdmin, "set the backup passphrase"); err != nil {
		return err
	}
	current := ""
	if st.PassphraseSet && !newKey {
		if current = c.env("CHARTROOM_BACKUP_PASSPHRASE"); current == "" {
			current, err = c.readSecret("Current backup passphrase: ", "no current backup passphrase given: set CHARTROOM_BACKUP_PASSPHRASE, type it at the prompt or give it as a line on standard input (forgotten: --new-key)")
			if err != nil {
				return err
			}
		}
	}
	next, err := c.newSecret("CHARTROOM_NEW_BACKUP_PASSPHRASE", "New backup passphrase: ", "passphrase")
	if err != nil {
		return err
	}
	if err := svc.SetBackupPassphrase(ctx, current, next, newKey); err != nil {
		return err
	}
	fmt.Fprintln(c.stdout, "backup passphrase set: write it down and keep it away from this computer; without it no encrypted backup can be opened")
	return nil
}

// setSecondPlace runs `backup --second-place DIR|none`.
func (c *invocation) setSecondPlace(ctx context.Context, svc records.Service, dir string) error {
	st, err := svc.Settings(ctx)
	if err != nil {
		return err
	}
	if dir == "none" {
		st.SecondBackupDir = ""
	} else {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return records.FieldError("Second backup place", "%s: %v", dir, err)
		}
		st.SecondBackupDir = abs
	}
	if _, err := svc.UpdateSettings(ctx, st); err != nil {
		return err
	}
	if st.SecondBackupDir == "" {
		fmt.Fprintln(c.stdout, "second backup place removed")
	} else {
		fmt.Fprintf(c.stdout, "second backup place: %s (automatic backups are also written there, encrypted)\n", st.SecondBackupDir)
	}
	return nil
}

// parseKeep reads --keep N,W,M.
func parseKeep(text string) ([3]int, error) {
	var n [3]int
	parts := strings.Split(text, ",")
	if len(parts) != 3 {
		return n, usagef("--keep takes three numbers, N,W,M (such as 14,8,12), not %q", text)
	}
	for i, p := range parts {
		v, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil {
			return n, usagef("--keep takes three whole numbers, N,W,M (such as 14,8,12), not %q", text)
		}
		n[i] = v
	}
	return n, nil
}

// setKeep runs `backup --keep N,W,M`.
func (c *invocation) setKeep(ctx context.Context, svc records.Service, n [3]int) error {
	st, err := svc.Settings(ctx)
	if err != nil {
		return err
	}
	st.BackupKeep, st.BackupKeepWeekly, st.BackupKeepMonthly = n[0], n[1], n[2]
	if st, err = svc.UpdateSettings(ctx, st); err != nil {
		return err
	}
	fmt.Fprintln(c.stdout, keepText(st))
	return nil
}

// keepText says what each backup place keeps.
func keepText(st records.Settings) string {
	return fmt.Sprintf("each place keeps the newest %d backups, the newest of each of the last %d weeks and of each of the last %d months",
		st.BackupKeep, st.BackupKeepWeekly, st.BackupKeepMonthly)
}
