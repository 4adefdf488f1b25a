package cli

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/chartroom/chartroom/records"
)

// passwordParams are the argon2id costs new password hashes get; nil keeps
// the store's default. Tests set cheap ones so signing in takes no time.
var passwordParams *records.PasswordParams

// dbPath is --db, else $CHARTROOM_DB, else the practice server this
// computer was connected to (the app's first-run screen remembers it), else
// chartroom.db in the user's configuration folder.
func (c *invocation) dbPath() string {
	if c.globals.db != "" {
		return c.globals.db
	}
	if p := c.env("CHARTROOM_DB"); p != "" {
		return p
	}
	if addr := rememberedServer(); addr != "" {
		return addr
	}
	return defaultDBPath()
}

func defaultDBPath() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		// No home folder at all (a service account): fall back to the
		// working directory rather than refusing to start.
		return "chartroom.db"
	}
	return filepath.Join(dir, "chartroom", "chartroom.db")
}

// openStore opens the database. A command that works on an existing
// practice must not create an empty file by mistake (a typo in --db), so it
// asks for mustExist; init creates the file and its folder.
func (c *invocation) openStore(ctx context.Context, mustExist bool) (store, error) {
	path := c.dbPath()
	if mustExist && !isServerAddress(path) {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return nil, records.Errorf(records.ENotFound,
				"there is no database at %s; create one with 'chartroom init --admin NAME' or 'chartroom demo', or name another with --db", path)
		}
	}
	return openDB(ctx, path, openOptions{log: c.log, now: c.now, existing: mustExist})
}

// withSession opens the existing database, signs the acting user in and runs
// fn with a context that carries the user, closing the store afterwards.
func (c *invocation) withSession(ctx context.Context, fn func(ctx context.Context, svc records.Service) error) error {
	st, err := c.openStore(ctx, true)
	if err != nil {
		return err
	}
	defer st.Close()
	ctx, err = c.signIn(ctx, st)
	if err != nil {
		return err
	}
	return fn(ctx, st)
}

// signIn signs in the user named by --user or $CHARTROOM_USER with the
// password of $CHARTROOM_PASSWORD or typed at the prompt.
func (c *invocation) signIn(ctx context.Context, svc records.Service) (context.Context, error) {
	ok, err := svc.Initialized(ctx)
	if err != nil {
		return ctx, err
	}
	if !ok {
		return ctx, records.Errorf(records.EConflict,
			"the database %s has no practice yet; create it with %s", c.dbPath(), howToCreate(c.dbPath()))
	}
	user := c.globals.user
	if user == "" {
		user = c.env("CHARTROOM_USER")
	}
	if user == "" {
		return ctx, usagef("name the acting user with --user NAME or CHARTROOM_USER")
	}
	password := c.env("CHARTROOM_PASSWORD")
	if password == "" {
		if password, err = c.readPassword("Password for " + user + ": "); err != nil {
			return ctx, err
		}
	}
	actor, err := svc.SignIn(ctx, user, password)
	if err != nil {
		return ctx, err
	}
	c.log.Debug("signed in", "user", actor.Username, "role", actor.Role)
	return records.WithActor(ctx, actor), nil
}
