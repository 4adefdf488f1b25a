package sqlite

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"filippo.io/age"

	"github.com/chartroom/chartroom/records"
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

// encryptedSuffix ends the name of an encrypted backup: chartroom-YYYYMMDD-HHMMSS.db.age.
const encryptedSuffix = ".age"

// keyFilePrefix and the key's short id name the key file in a backup place:
// a key made anew (a forgotten passphrase) gets a file of its own, and the
// backups made with the old one stay readable with the old file.
const keyFilePrefix = "chartroom-backup-key-"

// BackupKeyWorkFactor is the scrypt cost (log2 N) of the key file's
// passphrase: age's own default, which takes about a second on an office PC
// for each try. Tests lower it.
var BackupKeyWorkFactor = 18

// ageHeader starts every age file in its binary form.
var ageHeader = []byte("age-encryption.org/v1\n")

// backupKey is the practice's backup key as the database keeps it.
type backupKey struct {
	recipient *age.X25519Recipient
	identity  *age.X25519Identity
	wrapped   []byte // the key file's bytes: identity encrypted with the passphrase
}

// keyFileName is the name of the key file for recipient.
func keyFileName(recipient string) string {
	sum := sha256.Sum256([]byte(recipient))
	return keyFilePrefix + hex.EncodeToString(sum[:4]) + encryptedSuffix
}

// loadBackupKey reads the practice's backup key; ok is false when no
// passphrase was ever set.
func loadBackupKey(ctx context.Context, q querier) (k backupKey, ok bool, err error) {
	var rec, id string
	err = q.QueryRowContext(ctx, "SELECT recipient, identity, wrapped FROM backup_key WHERE id = 1").Scan(&rec, &id, &k.wrapped)
	if errors.Is(err, sql.ErrNoRows) {
		return backupKey{}, false, nil
	}
	if err != nil {
		return backupKey{}, false, err
	}
	if k.recipient, err = age.ParseX25519Recipient(rec); err != nil {
		return backupKey{}, false, fmt.Errorf("the stored backup key: %w", err)
	}
	if k.identity, err = age.ParseX25519Identity(id); err != nil {
		return backupKey{}, false, fmt.Errorf("the stored backup key: %w", err)
	}
	return k, true, nil
}

// wrapIdentity encrypts id with passphrase: the key file's content, in the
// form the age tool reads as a passphrase-protected identity file.
func wrapIdentity(id *age.X25519Identity, passphrase string) ([]byte, error) {
	r, err := age.NewScryptRecipient(passphrase)
	if err != nil {
		return nil, err
	}
	r.SetWorkFactor(BackupKeyWorkFactor)
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, r)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "# Chartroom backup key, for the backups beside this file. Public key: %s\n%s\n", id.Recipient(), id)
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// errWrongPassphrase is what a passphrase that does not open a key file gets.
var errWrongPassphrase = records.Errorf(records.EInvalid, "the backup passphrase is wrong")

// unwrapIdentities opens a key file with passphrase and returns the
// identities in it; a wrong passphrase is errWrongPassphrase.
func unwrapIdentities(wrapped []byte, passphrase string) ([]age.Identity, error) {
	id, err := age.NewScryptIdentity(passphrase)
	if err != nil {
		return nil, errWrongPassphrase
	}
	r, err := age.Decrypt(bytes.NewReader(wrapped), id)
	var noMatch *age.NoIdentityMatchError
	if errors.As(err, &noMatch) {
		return nil, errWrongPassphrase
	}
	if err != nil {
		return nil, err
	}
	return age.ParseIdentities(r)
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
		detail := "backup passphrase set; backup key made"
		if ok && !newKey {
			if _, err := unwrapIdentities(k.wrapped, current); err != nil {
				if errors.Is(err, errWrongPassphrase) {
					return records.FieldError("Current passphrase", "is wrong")
				}
				return records.Internal("could not open the backup key", err)
			}
			detail = "backup passphrase changed"
		} else {
			if ok {
				detail = "backup passphrase set anew; a new backup key was made"
			}
			if k.identity, err = age.GenerateX25519Identity(); err != nil {
				return records.Internal("could not make a backup key", err)
			}
		}
		if k.wrapped, err = wrapIdentity(k.identity, next); err != nil {
			return records.Internal("could not protect the backup key", err)
		}
		_, err = tx.ExecContext(ctx, `INSERT OR REPLACE INTO backup_key (id, recipient, identity, wrapped, set_at) VALUES (1, ?, ?, ?, ?)`,
			k.identity.Recipient().String(), k.identity.String(), k.wrapped, tval(s.now()))
		if err != nil {
			return err
		}
		return s.auditor(tx, a).add(ctx, records.AuditUpdate, "settings", 1, "%s", detail)
	})
}

// writeKeyFile puts the key file beside the backups in dir unless the same
// one is there; written whole or not at all.
func writeKeyFile(dir string, k backupKey) error {
	path := filepath.Join(dir, keyFileName(k.recipient.String()))
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, k.wrapped) {
		return nil
	}
	tmp := path + partialSuffix
	if err := writeSynced(tmp, os.O_TRUNC, bytes.NewReader(k.wrapped)); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	syncDir(dir)
	return nil
}

// encryptFile writes src encrypted to recipient into dst and flushes it.
func encryptFile(src, dst string, recipient age.Recipient) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	r, err := age.EncryptReader(bufio.NewReaderSize(in, 1<<20), recipient)
	if err != nil {
		return err
	}
	return writeSynced(dst, os.O_TRUNC, r)
}

// IsEncryptedBackup reports whether the file at path is encrypted (an age
// file), whatever its name.
func IsEncryptedBackup(path string) (bool, error) { return isEncrypted(path) }

// isEncrypted reports whether the file at path is an age file.
func isEncrypted(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	head := make([]byte, len(ageHeader))
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return false, err
	}
	return bytes.Equal(head[:n], ageHeader), nil
}

// Unlock is what opens an encrypted backup: the practice's backup
// passphrase, and the key file when it does not lie beside the backup.
type Unlock struct {
	Passphrase string
	KeyFile    string
}

// identitiesFor opens the key files that may fit the encrypted backup at
// path: un.KeyFile, else every key file beside the backup.
func identitiesFor(path string, un Unlock) ([]age.Identity, error) {
	files := []string{un.KeyFile}
	if un.KeyFile == "" {
		var err error
		files, err = filepath.Glob(filepath.Join(filepath.Dir(path), keyFilePrefix+"*"+encryptedSuffix))
		if err != nil || len(files) == 0 {
			return nil, records.Errorf(records.ENotFound,
				"%s is encrypted and no key file (%s….age) lies beside it: copy the key file from the backup place into the same folder, or name it with --key", path, keyFilePrefix)
		}
	}
	if un.Passphrase == "" {
		return nil, records.Errorf(records.EInvalid, "%s is encrypted: the practice's backup passphrase is needed to open it", path)
	}
	var ids []age.Identity
	for _, f := range files {
		wrapped, err := os.ReadFile(f)
		if err != nil {
			return nil, records.Errorf(records.ENotFound, "cannot read the key file %s: %v", f, err)
		}
		got, err := unwrapIdentities(wrapped, un.Passphrase)
		if errors.Is(err, errWrongPassphrase) {
			continue
		}
		if err != nil {
			return nil, records.Errorf(records.EInvalid, "the key file %s is damaged: %v", f, err)
		}
		ids = append(ids, got...)
	}
	if len(ids) == 0 {
		return nil, records.Errorf(records.EInvalid, "the backup passphrase is wrong (it opens no key file beside %s); nothing was changed", path)
	}
	return ids, nil
}

// decryptTo writes the plain database of the encrypted backup at path into
// the new file dst with ids; a damaged or cut-short file, or one made with
// another key, is refused and dst removed.
func decryptTo(path, dst string, ids ...age.Identity) error {
	in, err := os.Open(path)
	if err != nil {
		return records.Errorf(records.ENotFound, "cannot read the backup %s: %v", path, err)
	}
	defer in.Close()
	r, err := age.Decrypt(bufio.NewReaderSize(in, 1<<20), ids...)
	var noMatch *age.NoIdentityMatchError
	if errors.As(err, &noMatch) {
		return records.Errorf(records.EInvalid, "%s was encrypted with another backup key than the key files beside it; find the key file made with it", path)
	}
	if err != nil {
		return records.Errorf(records.EInvalid, "%s is damaged and cannot be decrypted: %v", path, err)
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return records.Internal("could not make a file to decrypt into", err)
	}
	_, err = io.Copy(out, r)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(dst)
		return records.Errorf(records.EInvalid, "%s is damaged or cut short and cannot be decrypted: %v", path, err)
	}
	return nil
}

// openedBackup gives the path of backup's plain database: the backup
// itself when it is not encrypted, else a copy decrypted into dir with the
// identities ids gives, which done removes.
func openedBackup(path, dir string, ids func() ([]age.Identity, error)) (plain string, done func(), err error) {
	enc, err := isEncrypted(path)
	if err != nil {
		return "", nil, records.Errorf(records.ENotFound, "cannot read the backup %s: %v", path, err)
	}
	if !enc {
		return path, func() {}, nil
	}
	got, err := ids()
	if err != nil {
		return "", nil, err
	}
	return decryptedCopy(path, dir, got...)
}

// checkBackupIn checks the backup at path in full (integrity, audit chain,
// seals), an encrypted one decrypted into dir with the identities ids
// gives; it returns the problems found, or an error when the file cannot
// be opened or checked at all.
func checkBackupIn(ctx context.Context, path, dir string, ids func() ([]age.Identity, error)) ([]string, error) {
	plain, done, err := openedBackup(path, dir, ids)
	if err != nil {
		return nil, err
	}
	defer done()
	problems, err := checkFile(ctx, plain)
	if err != nil {
		return nil, namedAs(err, plain, path)
	}
	return problems, nil
}

// decryptedCopy decrypts the backup at path into a new owner-only file in
// dir; done removes it.
func decryptedCopy(path, dir string, ids ...age.Identity) (plain string, done func(), err error) {
	f, err := os.CreateTemp(dir, tempPrefix+"decrypted-*"+partialSuffix)
	if err != nil {
		return "", nil, records.Internal("could not make a file to decrypt into in "+dir, err)
	}
	plain = f.Name()
	f.Close()
	os.Remove(plain)
	if err := decryptTo(path, plain, ids...); err != nil {
		return "", nil, err
	}
	return plain, func() { os.Remove(plain); os.Remove(plain + "-journal") }, nil
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
	return checkBackupIn(ctx, path, tmp, func() ([]age.Identity, error) { return identitiesFor(path, un) })
}

// namedAs rewords an error about the decrypted copy plain to name the
// backup the clerk chose.
func namedAs(err error, plain, backup string) error {
	if plain == backup {
		return err
	}
	return records.Errorf(records.ErrorCode(err), "%s", strings.ReplaceAll(records.ErrorMessage(err), plain, backup))
}
