package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"github.com/chartroom/chartroom/records"
)

const userColumns = "id, username, display_name, role, active, failed_logins, locked_until, created_at, last_sign_in"

func userDest(u *records.User) []any {
	return []any{&u.ID, &u.Username, &u.DisplayName, &u.Role, boolCol{&u.Active}, &u.FailedLogins,
		timeCol{&u.LockedUntil}, timeCol{&u.CreatedAt}, timeCol{&u.LastSignIn}}
}

func loadUser(ctx context.Context, q querier, where string, arg any) (records.User, error) {
	var u records.User
	err := q.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE "+where, arg).Scan(userDest(&u)...)
	if err == sql.ErrNoRows {
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
	err := s.read(ctx, "list the users", func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, "SELECT "+userColumns+" FROM users ORDER BY username")
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
	err := s.read(ctx, "find the user", func(tx *sql.Tx) error {
		var err error
		u, err = loadUser(ctx, tx, "username = ?", username)
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
	err = s.write(ctx, "add the user "+u.Username, func(tx *sql.Tx) error {
		now := s.now()
		res, err := tx.ExecContext(ctx, `INSERT INTO users (username, display_name, role, active, password_hash, created_at)
			VALUES (?, ?, ?, 1, ?, ?)`, u.Username, u.DisplayName, string(u.Role), hash, tval(now))
		if col, ok := uniqueViolation(err); ok && col == "users.username" {
			return records.Errorf(records.EConflict, "a user named %s already exists", u.Username)
		}
		if err != nil {
			return err
		}
		id, _ := res.LastInsertId()
		u.ID, u.CreatedAt = records.ID(id), now
		return s.auditor(tx, a).add(ctx, records.AuditCreate, "user", u.ID, "user %s created as %s", u.Username, u.Role)
	})
	if err != nil {
		return records.User{}, err
	}
	return u, nil
}

// UpdateUser changes a user's display name, role and active flag (admin); a
// zero LockedUntil unlocks a locked account. The last active admin cannot
// be demoted or disabled, so the practice never locks itself out.
func (s *Store) UpdateUser(ctx context.Context, u records.User) (records.User, error) {
	a, err := records.Require(ctx, records.RoleAdmin, "change users")
	if err != nil {
		return records.User{}, err
	}
	var out records.User
	err = s.write(ctx, "change the user", func(tx *sql.Tx) error {
		old, err := loadUser(ctx, tx, "id = ?", int64(u.ID))
		if err != nil {
			return err
		}
		u.Username = old.Username // usernames are permanent: the audit log names them
		if err := records.ValidateUser(&u); err != nil {
			return err
		}
		if old.Role == records.RoleAdmin && old.Active && (u.Role != records.RoleAdmin || !u.Active) {
			var admins int
			if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM users WHERE role = 'admin' AND active = 1 AND id <> ?", int64(u.ID)).Scan(&admins); err != nil {
				return err
			}
			if admins == 0 {
				return records.Errorf(records.EConflict, "%s is the last active admin; make another user an admin first", old.Username)
			}
		}
		if err := s.touchUser(ctx, tx, u.ID); err != nil {
			return err
		}
		unlock := u.LockedUntil.IsZero() && !old.LockedUntil.IsZero()
		if _, err := tx.ExecContext(ctx, `UPDATE users SET display_name = ?, role = ?, active = ?,
			locked_until = CASE WHEN ? THEN NULL ELSE locked_until END,
			failed_logins = CASE WHEN ? THEN 0 ELSE failed_logins END WHERE id = ?`,
			u.DisplayName, string(u.Role), bval(u.Active), bval(unlock), bval(unlock), int64(u.ID)); err != nil {
			return err
		}
		detail := "user " + u.Username + ": role " + string(u.Role)
		if !u.Active {
			detail += ", disabled"
		}
		if unlock {
			detail += ", unlocked"
		}
		if err := s.auditor(tx, a).add(ctx, records.AuditUpdate, "user", u.ID, "%s", detail); err != nil {
			return err
		}
		out, err = loadUser(ctx, tx, "id = ?", int64(u.ID))
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
	return s.write(ctx, "set the password", func(tx *sql.Tx) error {
		if err := s.touchUser(ctx, tx, userID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = NULL WHERE id = ?", hash, int64(userID))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return records.Errorf(records.ENotFound, "there is no user with id %d", userID)
		}
		return s.auditor(tx, a).add(ctx, records.AuditUpdate, "user", userID, "password changed")
	})
}
