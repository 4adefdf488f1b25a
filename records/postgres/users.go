package postgres

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/chartroom/chartroom/records"
)

const userColumns = "id, username, display_name, role, active, failed_logins, locked_until, created_at, last_sign_in"

func userDest(u *records.User) []any {
	return []any{&u.ID, &u.Username, &u.DisplayName, &u.Role, &u.Active, &u.FailedLogins,
		timeCol{&u.LockedUntil}, &u.CreatedAt, timeCol{&u.LastSignIn}}
}

// loadUser reads the user where names (a condition on one $1 argument);
// forUpdate locks the row until the transaction ends.
func loadUser(ctx context.Context, tx pgx.Tx, where string, arg any, forUpdate bool) (records.User, error) {
	var u records.User
	q := "SELECT " + userColumns + " FROM users WHERE " + where
	if forUpdate {
		q += " FOR UPDATE"
	}
	err := tx.QueryRow(ctx, q, arg).Scan(userDest(&u)...)
	if errors.Is(err, pgx.ErrNoRows) {
		return u, records.Errorf(records.ENotFound, "there is no user %v", arg)
	}
	return u, err
}

// ListUsers returns every user by username (admin).
func (s *Store) ListUsers(ctx context.Context) ([]records.User, error) {
	if _, err := records.Require(ctx, records.RoleAdmin, "list the users"); err != nil {
		return nil, err
	}
	var out []records.User
	err := s.read(ctx, "the users", func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, "SELECT "+userColumns+" FROM users ORDER BY username")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var u records.User
			if err := rows.Scan(userDest(&u)...); err != nil {
				return err
			}
			out = append(out, u)
		}
		return rows.Err()
	})
	return out, err
}

// UserByName finds a user by username (admin, or the user themself).
func (s *Store) UserByName(ctx context.Context, username string) (records.User, error) {
	username = strings.ToLower(strings.TrimSpace(username))
	a, ok := records.ActorFrom(ctx)
	if !ok || a.Username != username {
		if _, err := records.Require(ctx, records.RoleAdmin, "look up other users"); err != nil {
			return records.User{}, err
		}
	}
	var u records.User
	err := s.read(ctx, "the user", func(tx pgx.Tx) error {
		var err error
		u, err = loadUser(ctx, tx, "username = $1", username, false)
		return err
	})
	return u, err
}

// CreateUser adds a user with a password (admin).
func (s *Store) CreateUser(ctx context.Context, u records.User, password string) (records.User, error) {
	a, err := records.Require(ctx, records.RoleAdmin, "add users")
	if err != nil {
		return records.User{}, err
	}
	u.Active = true
	if err := records.ValidateUser(&u); err != nil {
		return records.User{}, err
	}
	if err := records.ValidatePassword(password); err != nil {
		return records.User{}, err
	}
	hash, err := records.HashPassword(password, s.params)
	if err != nil {
		return records.User{}, records.Internal("could not protect the password", err)
	}
	err = s.write(ctx, "the new user "+u.Username, func(tx pgx.Tx) error {
		now := s.now().Truncate(time.Microsecond)
		err := tx.QueryRow(ctx, `INSERT INTO users (username, display_name, role, active, password_hash, created_at)
			VALUES ($1, $2, $3, true, $4, $5) ON CONFLICT (username) DO NOTHING RETURNING id`,
			u.Username, u.DisplayName, string(u.Role), hash, now).Scan(&u.ID)
		if errors.Is(err, pgx.ErrNoRows) {
			return records.Errorf(records.EConflict, "a user named %s already exists", u.Username)
		}
		if err != nil {
			return err
		}
		u.CreatedAt = now
		_, err = s.appendAudit(ctx, tx, a, records.AuditCreate, "user", u.ID, "user "+u.Username+" created as "+string(u.Role))
		return err
	})
	if err != nil {
		return records.User{}, err
	}
	return u, nil
}

// adminLock is the advisory lock key held while a change may take away an
// admin, so that two workstations demoting the last two admins at once do
// not both succeed: the second sees the first one's change.
const adminLock = 0x63687274_0004 // "chrt", 4

// UpdateUser changes a user's display name, role and active flag (admin); a
// zero LockedUntil unlocks a locked account. The last active admin cannot
// be demoted or disabled, so the practice never locks itself out.
func (s *Store) UpdateUser(ctx context.Context, u records.User) (records.User, error) {
	a, err := records.Require(ctx, records.RoleAdmin, "change users")
	if err != nil {
		return records.User{}, err
	}
	var out records.User
	err = s.write(ctx, "the change to the user", func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(adminLock)); err != nil {
			return err
		}
		// The audit lock before the row's (see SignIn).
		if err := touchUser(ctx, tx, u.ID); err != nil {
			return err
		}
		old, err := loadUser(ctx, tx, "id = $1", int64(u.ID), true)
		if err != nil {
			return err
		}
		u.Username = old.Username // usernames are permanent: the audit log names them
		if err := records.ValidateUser(&u); err != nil {
			return err
		}
		if old.Role == records.RoleAdmin && old.Active && (u.Role != records.RoleAdmin || !u.Active) {
			var others bool
			if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM users WHERE role = 'admin' AND active AND id <> $1)", int64(u.ID)).Scan(&others); err != nil {
				return err
			}
			if !others {
				return records.Errorf(records.EConflict, "%s is the last active admin; make another user an admin first", old.Username)
			}
		}
		unlock := u.LockedUntil.IsZero() && !old.LockedUntil.IsZero()
		if _, err := tx.Exec(ctx, `UPDATE users SET display_name = $1, role = $2, active = $3,
			locked_until = CASE WHEN $4 THEN NULL ELSE locked_until END,
			failed_logins = CASE WHEN $4 THEN 0 ELSE failed_logins END WHERE id = $5`,
			u.DisplayName, string(u.Role), u.Active, unlock, int64(u.ID)); err != nil {
			return err
		}
		detail := "user " + u.Username + ": role " + string(u.Role)
		if !u.Active {
			detail += ", disabled"
		}
		if unlock {
			detail += ", unlocked"
		}
		if _, err := s.appendAudit(ctx, tx, a, records.AuditUpdate, "user", u.ID, detail); err != nil {
			return err
		}
		out, err = loadUser(ctx, tx, "id = $1", int64(u.ID), false)
		return err
	})
	return out, err
}

// SetPassword sets a user's password (admin, or the user themself); it also
// clears a lockout.
func (s *Store) SetPassword(ctx context.Context, userID records.ID, password string) error {
	a, ok := records.ActorFrom(ctx)
	if !ok || a.UserID != userID {
		var err error
		if a, err = records.Require(ctx, records.RoleAdmin, "set other users' passwords"); err != nil {
			return err
		}
	}
	if err := records.ValidatePassword(password); err != nil {
		return err
	}
	hash, err := records.HashPassword(password, s.params)
	if err != nil {
		return records.Internal("could not protect the password", err)
	}
	return s.write(ctx, "the new password", func(tx pgx.Tx) error {
		if err := touchUser(ctx, tx, userID); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, "UPDATE users SET password_hash = $1, failed_logins = 0, locked_until = NULL WHERE id = $2", hash, int64(userID))
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return records.Errorf(records.ENotFound, "there is no user with id %d", userID)
		}
		_, err = s.appendAudit(ctx, tx, a, records.AuditUpdate, "user", userID, "password changed")
		return err
	})
}
