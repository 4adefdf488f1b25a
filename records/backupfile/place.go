package backupfile

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"filippo.io/age"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/privatefile"
)

// Place is one folder backups are written into.
type Place struct {
	Dir     string
	Second  bool // the second place: never created, only found
	Encrypt bool
}

// Reachable reports whether a second place is there: an existing folder.
// It is never created, so a drive that is not plugged in is not mistaken
// for an empty folder on the PC's own disk.
func Reachable(dir string) bool {
	fi, err := os.Stat(dir)
	return err == nil && fi.IsDir()
}

// PlaceWritten, when set, is called once a backup's bytes are in its
// partial file, before it is named: tests pull the drive out there.
var PlaceWritten func(partial string)

// WriteInto puts the checked copy src into p under a new backup name of f
// made at now: written as a partial file, checked (an encrypted one is
// decrypted again and compared with src), flushed, and only then given its
// name, so a drive pulled out or a full disk leaves nothing that counts as
// a backup. An encrypted place gets key's key file beside the backups.
func (f Format) WriteInto(p Place, src string, key Key, now time.Time) (string, error) {
	if p.Second {
		if !Reachable(p.Dir) {
			return "", records.Errorf(records.ENotFound, "the second backup place %s cannot be reached (is the drive plugged in, the network folder there?)", p.Dir)
		}
	} else if err := privatefile.MkdirAll(p.Dir); err != nil {
		return "", records.Internal("could not create the backup folder "+p.Dir, err)
	}
	final, partial, err := f.Reserve(p.Dir, now, p.Encrypt)
	if err != nil {
		return "", err
	}
	if p.Encrypt {
		err = EncryptFile(src, partial, key.Recipient)
		if err == nil {
			err = sameAfterDecrypting(partial, src, key.Identity)
		}
	} else {
		err = linkOrCopy(src, partial)
	}
	if err == nil && PlaceWritten != nil {
		PlaceWritten(partial)
	}
	if err != nil {
		RemovePartial(partial)
		return "", records.Internal("could not write the backup "+final, err)
	}
	if p.Encrypt {
		if err := WriteKeyFile(p.Dir, key); err != nil {
			RemovePartial(partial)
			return "", records.Internal("could not write the backup key file into "+p.Dir, err)
		}
	}
	if err := os.Rename(partial, final); err != nil {
		RemovePartial(partial)
		return "", records.Internal("could not name the backup "+final, err)
	}
	SyncDir(p.Dir)
	return final, nil
}

// linkOrCopy puts src at the new name dst: a hard link when both are on
// one disk (the backup folder beside the database), else a flushed copy.
func linkOrCopy(src, dst string) error {
	if err := os.Remove(dst); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.Link(src, dst); err == nil {
		return nil
	}
	return CopyFileSync(src, dst)
}

// sameAfterDecrypting decrypts the encrypted file enc with id and reports
// an error unless it reads back as plain, byte for byte.
func sameAfterDecrypting(enc, plain string, id age.Identity) error {
	want, err := fileHash(plain, nil)
	if err != nil {
		return err
	}
	got, err := fileHash(enc, id)
	if err != nil {
		return fmt.Errorf("reading the encrypted backup back: %w", err)
	}
	if !bytes.Equal(got, want) {
		return errors.New("the encrypted backup does not read back as the database")
	}
	return nil
}

// fileHash is the SHA-256 of the file at path, decrypted with id when id is
// not nil.
func fileHash(path string, id age.Identity) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	if id != nil {
		if r, err = age.Decrypt(f, id); err != nil {
			return nil, err
		}
	}
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return nil, err
	}
	return h.Sum(nil), nil
}

// CopyFileSync copies src to a new file dst (mode 0600) and flushes it to
// disk.
func CopyFileSync(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	return WriteSynced(dst, os.O_EXCL, in)
}

// WriteSynced writes r into dst, an owner-only file opened with
// O_CREATE|O_WRONLY and flag (O_EXCL: new; O_TRUNC: replaced), and flushes
// it to disk.
func WriteSynced(dst string, flag int, r io.Reader) error {
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|flag, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, r); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	// A copy of the database or a backup key: private on Windows too.
	return privatefile.Protect(dst)
}

// SyncDir flushes a directory so a rename in it survives a power cut; some
// systems cannot sync directories, which is not worth failing over.
func SyncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// CheckNewest checks the newest backup of f in each place that is due, as
// both stores' CheckBackups do: unless manual (a supervisor's request), a
// place checked within records.BackupCheckEvery of now (lastChecked) is
// left alone; a place out of reach or without a backup is passed over.
// check opens one backup and returns its problems (an error: it could not
// be opened at all, which is a problem too); record keeps each result. It
// returns the places checked.
func (f Format) CheckNewest(places []Place, now time.Time, manual bool,
	lastChecked func(dir string) (time.Time, error),
	check func(path string) ([]string, error),
	record func(p Place, c records.BackupCheck) error) ([]records.BackupPlace, error) {
	var checked []records.BackupPlace
	for _, p := range places {
		last, err := lastChecked(p.Dir)
		if err != nil {
			return checked, err
		}
		if !manual && !last.IsZero() && now.Sub(last) < records.BackupCheckEvery {
			continue
		}
		if !Reachable(p.Dir) {
			continue
		}
		newest, _, err := f.Newest(p.Dir, now)
		if err != nil || newest == "" {
			continue
		}
		c := records.BackupCheck{At: now, File: newest}
		problems, err := check(newest)
		if err != nil {
			problems = append(problems, records.ErrorMessage(err))
		}
		c.OK = len(problems) == 0
		c.Problems = strings.Join(problems, "; ")
		if err := record(p, c); err != nil {
			return checked, err
		}
		checked = append(checked, records.BackupPlace{Dir: p.Dir, Second: p.Second, Encrypted: p.Encrypt, Check: c})
	}
	return checked, nil
}

// CheckResult is the audit log's words for a backup check's result.
func CheckResult(c records.BackupCheck) string {
	if c.OK {
		return "backup check of " + c.File + ": opens and checks ok"
	}
	return "backup check of " + c.File + ": FAILED: " + c.Problems
}
