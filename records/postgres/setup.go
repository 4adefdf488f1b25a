package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/chartroom/chartroom/records"
)

// Initialized reports whether the database has a practice and a user.
func (s *Store) Initialized(ctx context.Context) (bool, error) {
	var ok bool
	err := s.read(ctx, "the practice's setup", func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM settings) AND EXISTS (SELECT 1 FROM users)").Scan(&ok)
	})
	return ok, err
}

// setupLock is the advisory lock key held while a practice is set up, so
// that two workstations setting up one empty database at once make one
// practice: the second finds the first one's admin and is refused.
const setupLock = 0x63687274_0003 // "chrt", 3

// Initialize creates the practice: its settings, the default record type
// (Medical) and location (Record room), and its first admin. It refuses a
// database that has users.
func (s *Store) Initialize(ctx context.Context, in records.InitInput) (records.User, error) {
	st := records.DefaultSettings()
	st.PracticeName = in.Settings.PracticeName
	st.PracticeAddress = in.Settings.PracticeAddress
	st.BackupDir = in.Settings.BackupDir
	if in.Settings.MRNWidth != 0 {
		st.MRNWidth = in.Settings.MRNWidth
	}
	if in.Settings.Filing != "" {
		st.Filing = in.Settings.Filing
	}
	if in.Settings.Paper != "" {
		st.Paper = in.Settings.Paper
	}
	if err := records.ValidateSettings(&st); err != nil {
		return records.User{}, err
	}
	u := records.User{Username: in.AdminUsername, DisplayName: in.AdminName, Role: records.RoleAdmin, Active: true}
	if err := records.ValidateUser(&u); err != nil {
		return records.User{}, err
	}
	if err := records.ValidatePassword(in.AdminPassword); err != nil {
		return records.User{}, err
	}
	hash, err := records.HashPassword(in.AdminPassword, s.params)
	if err != nil {
		return records.User{}, records.Internal("could not protect the password", err)
	}
	err = s.write(ctx, "the practice's setup", func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(setupLock)); err != nil {
			return err
		}
		var users bool
		if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM users)").Scan(&users); err != nil {
			return err
		}
		if users {
			return records.Errorf(records.EConflict, "this database is already set up; sign in instead")
		}
		if err := saveSettings(ctx, tx, st); err != nil {
			return err
		}
		u.CreatedAt = s.now().Truncate(time.Microsecond)
		if err := tx.QueryRow(ctx, `INSERT INTO users (username, display_name, role, active, password_hash, created_at)
			VALUES ($1, $2, $3, true, $4, $5) RETURNING id`, u.Username, u.DisplayName, string(u.Role), hash, u.CreatedAt).Scan(&u.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO record_types (name, code, loan_days, color, is_default, active)
			SELECT 'Medical', 'M', 14, '#3A6EA5', true, true WHERE NOT EXISTS (SELECT 1 FROM record_types)`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO locations (parent_id, name, kind, path, is_default, active)
			SELECT NULL, 'Record room', 'room', 'Record room', true, true WHERE NOT EXISTS (SELECT 1 FROM locations)`); err != nil {
			return err
		}
		_, err := s.appendAudit(ctx, tx, records.Actor{UserID: u.ID, Username: u.Username, Role: u.Role}, records.AuditInit, "settings", 1,
			fmt.Sprintf("practice %q set up with admin %s", st.PracticeName, u.Username))
		return err
	})
	if err != nil {
		return records.User{}, err
	}
	return u, nil
}

// dummyHash is checked against when the username is unknown, so a wrong
// username takes as long as a wrong password.
func (s *Store) dummyHash() string {
	s.dummyOnce.Do(func() {
		s.dummy, _ = records.HashPassword("no such user", s.params)
	})
	return s.dummy
}

// SignIn checks a password, counts failures, locks the account for
// records.LockoutDuration after records.MaxFailedSignIns failures in a row,
// and audits every attempt. The password is checked outside any
// transaction (it is slow on purpose); the outcome is written in one,
// reading the account again under a row lock so that failures from several
// workstations at once are all counted.
func (s *Store) SignIn(ctx context.Context, username, password string) (records.Actor, error) {
	username = strings.ToLower(strings.TrimSpace(username))
	var u records.User
	var hash string
	found := true
	err := s.read(ctx, "the user's account", func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, "SELECT "+userColumns+", password_hash FROM users WHERE username = $1", username).
			Scan(append(userDest(&u), &hash)...)
		if errors.Is(err, pgx.ErrNoRows) {
			found = false
			return nil
		}
		return err
	})
	if err != nil {
		return records.Actor{}, err
	}
	now := s.now()
	if !found {
		records.CheckPassword(password, s.dummyHash())
		return records.Actor{}, s.write(ctx, "the sign-in", func(tx pgx.Tx) error {
			if _, err := s.appendAudit(ctx, tx, records.Actor{Username: username}, records.AuditSignInFailed, "user", 0,
				fmt.Sprintf("unknown username %q", username)); err != nil {
				return err
			}
			return commitThen{records.BadSignIn()}
		})
	}
	actor := records.Actor{UserID: u.ID, Username: u.Username, Role: u.Role}
	if now.Before(u.LockedUntil) {
		return records.Actor{}, s.write(ctx, "the sign-in", func(tx pgx.Tx) error {
			if _, err := s.appendAudit(ctx, tx, actor, records.AuditSignInFailed, "user", u.ID,
				"account locked until "+u.LockedUntil.Format(time.RFC3339)); err != nil {
				return err
			}
			return commitThen{records.LockedOut(u.Username, u.LockedUntil)}
		})
	}
	if !records.CheckPassword(password, hash) {
		return records.Actor{}, s.write(ctx, "the sign-in", func(tx pgx.Tx) error {
			return s.failSignIn(ctx, tx, actor, now)
		})
	}
	err = s.write(ctx, "the sign-in", func(tx pgx.Tx) error {
		// Read again inside the transaction: the account may have been
		// disabled or locked since the password was checked.
		// The audit lock before the row's: a check-out by this user
		// elsewhere holds the audit lock and then shares the row, so the
		// other order could deadlock (seal.go).
		if err := touchUser(ctx, tx, u.ID); err != nil {
			return err
		}
		var active bool
		var locked time.Time
		if err := tx.QueryRow(ctx, "SELECT active, locked_until FROM users WHERE id = $1 FOR UPDATE", int64(u.ID)).Scan(&active, timeCol{&locked}); err != nil {
			return err
		}
		if !active {
			if _, err := s.appendAudit(ctx, tx, actor, records.AuditSignInFailed, "user", u.ID, "account disabled"); err != nil {
				return err
			}
			return commitThen{records.Errorf(records.EUnauthorized, "the account %s is disabled; ask an administrator", u.Username)}
		}
		if now.Before(locked) {
			return commitThen{records.LockedOut(u.Username, locked)}
		}
		if _, err := tx.Exec(ctx, "UPDATE users SET failed_logins = 0, locked_until = NULL, last_sign_in = $1 WHERE id = $2", now, int64(u.ID)); err != nil {
			return err
		}
		_, err := s.appendAudit(ctx, tx, actor, records.AuditSignIn, "user", u.ID, "signed in")
		return err
	})
	if err != nil {
		return records.Actor{}, err
	}
	return actor, nil
}

// failSignIn counts a wrong password and locks the account at the limit.
func (s *Store) failSignIn(ctx context.Context, tx pgx.Tx, actor records.Actor, now time.Time) error {
	if err := touchUser(ctx, tx, actor.UserID); err != nil {
		return err
	}
	var n int
	err := tx.QueryRow(ctx, "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = $1 RETURNING failed_logins", int64(actor.UserID)).Scan(&n)
	if err != nil {
		return err
	}
	if _, err := s.appendAudit(ctx, tx, actor, records.AuditSignInFailed, "user", actor.UserID, fmt.Sprintf("wrong password (%d in a row)", n)); err != nil {
		return err
	}
	if n < records.MaxFailedSignIns {
		return commitThen{records.BadSignIn()}
	}
	until := now.Add(records.LockoutDuration)
	if _, err := tx.Exec(ctx, "UPDATE users SET failed_logins = 0, locked_until = $1 WHERE id = $2", until, int64(actor.UserID)); err != nil {
		return err
	}
	if _, err := s.appendAudit(ctx, tx, actor, records.AuditLocked, "user", actor.UserID,
		fmt.Sprintf("locked until %s after %d failed sign-ins", until.Format(time.RFC3339), n)); err != nil {
		return err
	}
	return commitThen{records.LockedOut(actor.Username, until)}
}
