package backupfile

import (
	"bufio"
	"bytes"
	"crypto/sha256"
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
// the database's folder (for PostgreSQL: every backup, the database being
// on the server) is encrypted to the practice's backup key, an age X25519
// key pair made when the admin first sets the backup passphrase. The
// automatic backup needs only the public half, so no one types anything.
// The private half travels beside the backups as a key file encrypted with
// the passphrase (age's scrypt recipient), so a new PC needs the backup,
// its key file and the passphrase, and in an emergency the age tool alone
// opens it:
//
//	age -d -i chartroom-backup-key-XXXXXXXX.age chartroom-....db.age > chartroom.db

// EncryptedSuffix ends the name of an encrypted backup: chartroom-YYYYMMDD-HHMMSS.db.age.
const EncryptedSuffix = ".age"

// KeyFilePrefix and the key's short id name the key file in a backup place:
// a key made anew (a forgotten passphrase) gets a file of its own, and the
// backups made with the old one stay readable with the old file.
const KeyFilePrefix = "chartroom-backup-key-"

// ageHeader starts every age file in its binary form.
var ageHeader = []byte("age-encryption.org/v1\n")

// Key is the practice's backup key as a database keeps it.
type Key struct {
	Recipient *age.X25519Recipient
	Identity  *age.X25519Identity
	Wrapped   []byte // the key file's bytes: Identity encrypted with the passphrase
}

// ParseKey reads a key as a database stores it.
func ParseKey(recipient, identity string, wrapped []byte) (Key, error) {
	k := Key{Wrapped: wrapped}
	var err error
	if k.Recipient, err = age.ParseX25519Recipient(recipient); err != nil {
		return Key{}, fmt.Errorf("the stored backup key: %w", err)
	}
	if k.Identity, err = age.ParseX25519Identity(identity); err != nil {
		return Key{}, fmt.Errorf("the stored backup key: %w", err)
	}
	return k, nil
}

// KeyFileName is the name of the key file for recipient.
func KeyFileName(recipient string) string {
	sum := sha256.Sum256([]byte(recipient))
	return KeyFilePrefix + hex.EncodeToString(sum[:4]) + EncryptedSuffix
}

// ErrWrongPassphrase is what a passphrase that does not open a key file
// gets.
var ErrWrongPassphrase = records.Errorf(records.EInvalid, "the backup passphrase is wrong")

// NewPassphrase gives the key a database keeps after the admin sets the
// backup passphrase to next: the key k wrapped anew when it exists, current
// opens it and newKey is false (every backup made before opens with the
// new passphrase), else a new key. workFactor is the scrypt cost (log2 N)
// of the wrapping. It returns the audit log's words for what happened.
func NewPassphrase(k Key, exists bool, current, next string, newKey bool, workFactor int) (Key, string, error) {
	if err := records.ValidateBackupPassphrase(next); err != nil {
		return Key{}, "", err
	}
	detail := "backup passphrase set; backup key made"
	if exists && !newKey {
		if _, err := UnwrapIdentities(k.Wrapped, current); err != nil {
			if errors.Is(err, ErrWrongPassphrase) {
				return Key{}, "", records.FieldError("Current passphrase", "is wrong")
			}
			return Key{}, "", records.Internal("could not open the backup key", err)
		}
		detail = "backup passphrase changed"
	} else {
		if exists {
			detail = "backup passphrase set anew; a new backup key was made"
		}
		id, err := age.GenerateX25519Identity()
		if err != nil {
			return Key{}, "", records.Internal("could not make a backup key", err)
		}
		k = Key{Identity: id, Recipient: id.Recipient()}
	}
	var err error
	if k.Wrapped, err = WrapIdentity(k.Identity, next, workFactor); err != nil {
		return Key{}, "", records.Internal("could not protect the backup key", err)
	}
	return k, detail, nil
}

// WrapIdentity encrypts id with passphrase at the scrypt cost workFactor:
// the key file's content, in the form the age tool reads as a
// passphrase-protected identity file.
func WrapIdentity(id *age.X25519Identity, passphrase string, workFactor int) ([]byte, error) {
	r, err := age.NewScryptRecipient(passphrase)
	if err != nil {
		return nil, err
	}
	r.SetWorkFactor(workFactor)
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

// UnwrapIdentities opens a key file with passphrase and returns the
// identities in it; a wrong passphrase is ErrWrongPassphrase.
func UnwrapIdentities(wrapped []byte, passphrase string) ([]age.Identity, error) {
	id, err := age.NewScryptIdentity(passphrase)
	if err != nil {
		return nil, ErrWrongPassphrase
	}
	r, err := age.Decrypt(bytes.NewReader(wrapped), id)
	var noMatch *age.NoIdentityMatchError
	if errors.As(err, &noMatch) {
		return nil, ErrWrongPassphrase
	}
	if err != nil {
		return nil, err
	}
	return age.ParseIdentities(r)
}

// WriteKeyFile puts the key file beside the backups in dir unless the same
// one is there; written whole or not at all.
func WriteKeyFile(dir string, k Key) error {
	path := filepath.Join(dir, KeyFileName(k.Recipient.String()))
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, k.Wrapped) {
		return nil
	}
	tmp := path + PartialSuffix
	if err := WriteSynced(tmp, os.O_TRUNC, bytes.NewReader(k.Wrapped)); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	SyncDir(dir)
	return nil
}

// EncryptFile writes src encrypted to recipient into dst and flushes it.
func EncryptFile(src, dst string, recipient age.Recipient) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	r, err := age.EncryptReader(bufio.NewReaderSize(in, 1<<20), recipient)
	if err != nil {
		return err
	}
	return WriteSynced(dst, os.O_TRUNC, r)
}

// IsEncrypted reports whether the file at path is an age file, whatever
// its name.
func IsEncrypted(path string) (bool, error) {
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

// IdentitiesFor opens the key files that may fit the encrypted backup at
// path: un.KeyFile, else every key file beside the backup.
func IdentitiesFor(path string, un Unlock) ([]age.Identity, error) {
	files := []string{un.KeyFile}
	if un.KeyFile == "" {
		var err error
		files, err = filepath.Glob(filepath.Join(filepath.Dir(path), KeyFilePrefix+"*"+EncryptedSuffix))
		if err != nil || len(files) == 0 {
			return nil, records.Errorf(records.ENotFound,
				"%s is encrypted and no key file (%s….age) lies beside it: copy the key file from the backup place into the same folder, or name it with --key", path, KeyFilePrefix)
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
		got, err := UnwrapIdentities(wrapped, un.Passphrase)
		if errors.Is(err, ErrWrongPassphrase) {
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

// DecryptTo writes the plain content of the encrypted backup at path into
// the new file dst with ids; a damaged or cut-short file, or one made with
// another key, is refused and dst removed.
func DecryptTo(path, dst string, ids ...age.Identity) error {
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

// Opened gives the path of backup's plain content: the backup itself when
// it is not encrypted, else a copy decrypted into dir with the identities
// ids gives, which done removes.
func Opened(path, dir string, ids func() ([]age.Identity, error)) (plain string, done func(), err error) {
	enc, err := IsEncrypted(path)
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
	f, err := os.CreateTemp(dir, TempPrefix+"decrypted-*"+PartialSuffix)
	if err != nil {
		return "", nil, records.Internal("could not make a file to decrypt into in "+dir, err)
	}
	plain = f.Name()
	f.Close()
	os.Remove(plain)
	if err := DecryptTo(path, plain, got...); err != nil {
		return "", nil, err
	}
	return plain, func() { os.Remove(plain); os.Remove(plain + "-journal") }, nil
}

// NamedAs rewords an error about the decrypted copy plain to name the
// backup the clerk chose.
func NamedAs(err error, plain, backup string) error {
	if plain == backup {
		return err
	}
	return records.Errorf(records.ErrorCode(err), "%s", strings.ReplaceAll(records.ErrorMessage(err), plain, backup))
}
