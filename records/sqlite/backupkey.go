package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"os"

	"filippo.io/age"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/backupfile"
)

// Encrypted backups (age, https://age-encryption.org): a backup that leaves
// the database's folder is encrypted to the practice's backup key, an age
// X25519 key pair made when the admin first sets the backup passphrase. The
// automatic backup needs only the public half, so no one types anything. The
// private half travels beside the backups as a key file encrypted with the
// passphrase (age's scrypt recipient), so a new PC needs the backup, its key
// file and the passphrase, and in an emergency the age tool alone opens it:
//
//	age -d -i chartroom-backup-key-XXXXXXXX.age chartroom-....db.age > chartroom.db

// BackupKeyWorkFactor is the scrypt cost (log2 N) of the key file's
// passphrase: age's own default, which takes about a second on an office PC
// for each try. Tests lower it.
var BackupKeyWorkFactor = 18

// loadBackupKey reads the practice's backup key; ok is false when no
// passphrase was ever set.
func loadBackupKey(ctx context.Context, q querier) (k backupfile.Key, ok bool, err error) {
	var rec, id string
	var wrapped []byte
	err = q.QueryRowContext(ctx, "SELECT recipient, identity, wrapped FROM backup_key WHERE id = 1").Scan(&rec, &id, &wrapped)
	if errors.Is(err, sql.ErrNoRows) {
		return backupfile.Key{}, false, nil
	}
	if err != nil {
		return backupfile.Key{}, false, err
	}
	k, err = backupfile.ParseKey(rec, id, wrapped)
	return k, err == nil, err
}

// SetBackupPassphrase sets the practice's backup passphrase (admin). The
// first time it makes the backup key. Changing it needs the current one:
// the same key is then wrapped anew, so every backup made before opens with
// the new passphrase. With newKey, a forgotten passphrase is replaced by a
// new key; backups made before still open with their own key file and the
// old passphrase.
func (s *Store) SetBackupPassphrase(ctx context.Context, current, next string, newKey bool) error {
	a, err := records.Require(ctx, records.RoleAdmin, "set the backup passphrase")
	if err != nil {
		return err
	}
	if err := records.ValidateBackupPassphrase(next); err != nil {
		return err
	}
	return s.write(ctx, "set the backup passphrase", func(tx *sql.Tx) error {
		k, ok, err := loadBackupKey(ctx, tx)
		if err != nil {
			return err
		}
		k, detail, err := backupfile.NewPassphrase(k, ok, current, next, newKey, BackupKeyWorkFactor)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT OR REPLACE INTO backup_key (id, recipient, identity, wrapped, set_at) VALUES (1, ?, ?, ?, ?)`,
			k.Recipient.String(), k.Identity.String(), k.Wrapped, tval(s.now()))
		if err != nil {
			return err
		}
		return s.auditor(tx, a).add(ctx, records.AuditUpdate, "settings", 1, "%s", detail)
	})
}

// IsEncryptedBackup reports whether the file at path is encrypted (an age
// file), whatever its name.
func IsEncryptedBackup(path string) (bool, error) { return backupfile.IsEncrypted(path) }

// Unlock is what opens an encrypted backup: the practice's backup
// passphrase, and the key file when it does not lie beside the backup.
type Unlock = backupfile.Unlock

// checkBackupIn checks the backup at path in full (integrity, audit chain,
// seals), an encrypted one decrypted into dir with the identities ids
// gives; it returns the problems found, or an error when the file cannot
// be opened or checked at all.
func checkBackupIn(ctx context.Context, path, dir string, ids func() ([]age.Identity, error)) ([]string, error) {
	plain, done, err := backupfile.Opened(path, dir, ids)
	if err != nil {
		return nil, err
	}
	defer done()
	problems, err := checkFile(ctx, plain)
	if err != nil {
		return nil, backupfile.NamedAs(err, plain, path)
	}
	return problems, nil
}

// CheckBackupFile checks a backup without touching any database: an
// encrypted one is decrypted into a temporary folder first (removed after).
// It returns the problems found; an error says the file could not be
// checked at all (wrong passphrase, damaged, not a Chartroom backup).
func CheckBackupFile(ctx context.Context, path string, un Unlock) ([]string, error) {
	tmp, err := os.MkdirTemp("", "chartroom-check-")
	if err != nil {
		return nil, records.Internal("could not make a temporary folder", err)
	}
	defer os.RemoveAll(tmp)
	return checkBackupIn(ctx, path, tmp, func() ([]age.Identity, error) { return backupfile.IdentitiesFor(path, un) })
}
