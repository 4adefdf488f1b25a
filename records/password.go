package records

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/argon2"
)

// PasswordParams are the argon2id costs stored with each hash, so they can be
// raised later without invalidating older hashes.
type PasswordParams struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// DefaultPasswordParams follow RFC 9106's second recommended option, scaled
// down so a sign-in stays quick on a two-core office PC.
var DefaultPasswordParams = PasswordParams{Memory: 64 * 1024, Time: 3, Threads: 2}

// MinPasswordLength is the shortest password a user may choose.
const MinPasswordLength = 8

// ValidatePassword says what is wrong with a new password, or nil.
func ValidatePassword(pw string) *Error {
	if len([]rune(pw)) < MinPasswordLength {
		return FieldError("Password", "must be at least %d characters", MinPasswordLength)
	}
	if strings.TrimSpace(pw) == "" {
		return FieldError("Password", "must not be only spaces")
	}
	return nil
}

// HashPassword returns an encoded argon2id hash of pw with a fresh salt:
// $argon2id$v=19$m=65536,t=3,p=2$salt$hash.
func HashPassword(pw string, p PasswordParams) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("reading random salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, 32)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// CheckPassword reports whether pw matches the encoded hash. A malformed
// hash never matches.
func CheckPassword(pw, encoded string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	var p PasswordParams
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return false
	}
	if p.Memory == 0 || p.Memory > 4*1024*1024 || p.Time == 0 || p.Time > 100 || p.Threads == 0 {
		return false
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// Lockout rules: this many failed sign-ins in a row lock an account for
// LockoutDuration.
const (
	MaxFailedSignIns = 5
)

// LockoutDuration is how long a locked account stays locked.
const LockoutDuration = 15 * time.Minute

// BadSignIn is the one answer for an unknown username and a wrong
// password, so the sign-in screen does not reveal which usernames exist.
func BadSignIn() error {
	return Errorf(EUnauthorized, "wrong username or password")
}

// LockedOut tells a user their account is locked until until, after
// MaxFailedSignIns failed sign-ins.
func LockedOut(username string, until time.Time) error {
	return Errorf(EUnauthorized, "the account %s is locked until %s after %d failed sign-ins; try again then, or ask an administrator",
		username, until.In(time.Local).Format("2006-01-02 15:04"), MaxFailedSignIns)
}
