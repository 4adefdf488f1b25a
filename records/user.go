package records

import (
	"context"
	"regexp"
	"strings"
	"time"
)

// Role is what a user may do. Admin > supervisor > clerk.
type Role string

const (
	RoleAdmin      Role = "admin"
	RoleSupervisor Role = "supervisor"
	RoleClerk      Role = "clerk"
)

// Roles lists the roles from most to least powerful.
var Roles = []Role{RoleAdmin, RoleSupervisor, RoleClerk}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleSupervisor || r == RoleClerk }

// AtLeast reports whether r has at least the powers of min.
func (r Role) AtLeast(min Role) bool { return r.rank() >= min.rank() }

func (r Role) rank() int {
	switch r {
	case RoleAdmin:
		return 3
	case RoleSupervisor:
		return 2
	case RoleClerk:
		return 1
	}
	return 0
}

// User is a person who signs in to Chartroom.
type User struct {
	ID           ID
	Username     string
	DisplayName  string
	Role         Role
	Active       bool
	FailedLogins int
	LockedUntil  time.Time // zero when not locked
	CreatedAt    time.Time
	LastSignIn   time.Time
}

// UserService manages the people who sign in (admin only, except a user
// changing their own password).
type UserService interface {
	ListUsers(ctx context.Context) ([]User, error)
	CreateUser(ctx context.Context, u User, password string) (User, error)
	UpdateUser(ctx context.Context, u User) (User, error) // display name, role, active
	SetPassword(ctx context.Context, userID ID, password string) error
	UserByName(ctx context.Context, username string) (User, error)
}

var usernamePattern = regexp.MustCompile(`^[a-z][a-z0-9._-]{1,31}$`)

// ValidateUser cleans u in place and says what is wrong with it.
func ValidateUser(u *User) error {
	u.Username = strings.ToLower(strings.TrimSpace(u.Username))
	if u.Username == "" {
		return FieldError("Username", "is required")
	}
	if !usernamePattern.MatchString(u.Username) {
		return FieldError("Username", "%q must be 2 to 32 letters, digits, dots, dashes or underscores, starting with a letter", u.Username)
	}
	var e *Error
	if u.DisplayName, e = cleanText("Display name", u.DisplayName, false, maxNameLength); e != nil {
		return e
	}
	if u.DisplayName == "" {
		u.DisplayName = u.Username
	}
	if !u.Role.Valid() {
		return FieldError("Role", "%q is not one of admin, supervisor, clerk", u.Role)
	}
	return nil
}
