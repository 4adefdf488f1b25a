package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/chartroom/chartroom/records"
)

// Initialized reports whether the database has a practice and a user.
func (s *Store) Initialized(ctx context.Context) (bool, error) {
	var n int
	err := s.read(ctx, "read the database", func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, "SELECT (SELECT count(*) FROM settings) * (SELECT count(*) FROM users)").Scan(&n)
	})
	return n > 0, err
}

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
	err = s.write(ctx, "set up the practice", func(tx *sql.Tx) error {
		var users int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM users").Scan(&users); err != nil {
			return err
		}
		if users > 0 {
			return records.Errorf(records.EConflict, "this database is already set up; sign in instead")
		}
		if err := saveSettings(ctx, tx, st); err != nil {
			return err
		}
		now := s.now()
		u.CreatedAt = now
		res, err := tx.ExecContext(ctx, `INSERT INTO users (username, display_name, role, active, password_hash, created_at)
			VALUES (?, ?, ?, 1, ?, ?)`, u.Username, u.DisplayName, string(u.Role), hash, tval(now))
		if err != nil {
			return err
		}
		id, _ := res.LastInsertId()
		u.ID = records.ID(id)
		var types, places int
		if err := tx.QueryRowContext(ctx, "SELECT (SELECT count(*) FROM record_types), (SELECT count(*) FROM locations)").Scan(&types, &places); err != nil {
			return err
		}
		if types == 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO record_types (name, code, loan_days, color, is_default, active)
				VALUES ('Medical', 'M', 14, '#3A6EA5', 1, 1)`); err != nil {
				return err
			}
		}
		if places == 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO locations (parent_id, name, kind, path, is_default, active)
				VALUES (NULL, 'Record room', 'room', 'Record room', 1, 1)`); err != nil {
				return err
			}
		}
		au := s.auditor(tx, records.Actor{UserID: u.ID, Username: u.Username, Role: u.Role})
		return au.add(ctx, records.AuditInit, "settings", 1, "practice %q set up with admin %s", st.PracticeName, u.Username)
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
// and audits every attempt.
func (s *Store) SignIn(ctx context.Context, username, password string) (records.Actor, error) {
	username = strings.ToLower(strings.TrimSpace(username))
	var u records.User
	var hash string
	found := true
	err := s.read(ctx, "sign in", func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, "SELECT "+userColumns+", password_hash FROM users WHERE username = ?", username).
			Scan(append(userDest(&u), &hash)...)
		if err == sql.ErrNoRows {
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
		return records.Actor{}, s.write(ctx, "sign in", func(tx *sql.Tx) error {
			if err := s.auditor(tx, records.Actor{Username: username}).add(ctx, records.AuditSignInFailed, "user", 0, "unknown username %q", username); err != nil {
				return err
			}
			return commitThen{records.BadSignIn()}
		})
	}
	actor := records.Actor{UserID: u.ID, Username: u.Username, Role: u.Role, DisplayName: u.DisplayName}
	if now.Before(u.LockedUntil) {
		return records.Actor{}, s.write(ctx, "sign in", func(tx *sql.Tx) error {
			if err := s.auditor(tx, actor).add(ctx, records.AuditSignInFailed, "user", u.ID, "account locked until %s", u.LockedUntil.Format(time.RFC3339)); err != nil {
				return err
			}
			return commitThen{records.LockedOut(u.Username, u.LockedUntil)}
		})
	}
	if !records.CheckPassword(password, hash) {
		return records.Actor{}, s.write(ctx, "sign in", func(tx *sql.Tx) error {
			return s.failSignIn(ctx, tx, actor, now)
		})
	}
	err = s.write(ctx, "sign in", func(tx *sql.Tx) error {
		au := s.auditor(tx, actor)
		// Read again inside the transaction: the account may have been
		// disabled or locked since the password was checked.
		var active bool
		var locked time.Time
		if err := tx.QueryRowContext(ctx, "SELECT active, locked_until FROM users WHERE id = ?", int64(u.ID)).Scan(boolCol{&active}, timeCol{&locked}); err != nil {
			return err
		}
		if !active {
			if err := au.add(ctx, records.AuditSignInFailed, "user", u.ID, "account disabled"); err != nil {
				return err
			}
			return commitThen{records.Errorf(records.EUnauthorized, "the account %s is disabled; ask an administrator", u.Username)}
		}
		if now.Before(locked) {
			return commitThen{records.LockedOut(u.Username, locked)}
		}
		if err := s.touchUser(ctx, tx, u.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE users SET failed_logins = 0, locked_until = NULL, last_sign_in = ? WHERE id = ?", tval(now), int64(u.ID)); err != nil {
			return err
		}
		return au.add(ctx, records.AuditSignIn, "user", u.ID, "signed in")
	})
	if err != nil {
		return records.Actor{}, err
	}
	return actor, nil
}

// failSignIn counts a wrong password and locks the account at the limit.
func (s *Store) failSignIn(ctx context.Context, tx *sql.Tx, actor records.Actor, now time.Time) error {
	if err := s.touchUser(ctx, tx, actor.UserID); err != nil {
		return err
	}
	var n int
	err := tx.QueryRowContext(ctx, "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ? RETURNING failed_logins", int64(actor.UserID)).Scan(&n)
	if err != nil {
		return err
	}
	au := s.auditor(tx, actor)
	if err := au.add(ctx, records.AuditSignInFailed, "user", actor.UserID, "wrong password (%d in a row)", n); err != nil {
		return err
	}
	if n < records.MaxFailedSignIns {
		return commitThen{records.BadSignIn()}
	}
	until := now.Add(records.LockoutDuration)
	if _, err := tx.ExecContext(ctx, "UPDATE users SET failed_logins = 0, locked_until = ? WHERE id = ?", tval(until), int64(actor.UserID)); err != nil {
		return err
	}
	if err := au.add(ctx, records.AuditLocked, "user", actor.UserID, "locked until %s after %d failed sign-ins", until.Format(time.RFC3339), n); err != nil {
		return err
	}
	return commitThen{records.LockedOut(actor.Username, until)}
}
