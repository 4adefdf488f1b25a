package pgtest

import (
	"context"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

// Exec runs one statement on database db as the cluster's superuser, as
// the practice's IT would with psql.
func (c *Cluster) Exec(ctx context.Context, db, sql string) error {
	return c.exec(ctx, db, sql)
}

// Port is the server's TCP port on 127.0.0.1.
func (c *Cluster) Port() int { return c.port }

// Dir is the cluster's temporary folder (its data folder is Dir/data).
func (c *Cluster) Dir() string { return c.dir }

// RequirePassword makes the server ask the roles named for their password
// over TCP (scram-sha-256), as a practice's server does, and reloads its
// configuration; the other roles keep initdb's trust.
func (c *Cluster) RequirePassword(ctx context.Context, roles ...string) error {
	hba := "local all all trust\n"
	for _, r := range roles {
		hba += "host all " + r + " 127.0.0.1/32 scram-sha-256\n"
	}
	hba += "host all all 127.0.0.1/32 trust\n"
	if err := c.WriteServerFile("data/pg_hba.conf", []byte(hba)); err != nil {
		return err
	}
	return c.Reload(ctx)
}

// WriteServerFile writes a file under the cluster's folder that the server
// reads (a configuration file, a certificate, a key), private to the user
// the server runs as.
func (c *Cluster) WriteServerFile(name string, data []byte) error {
	path := filepath.Join(c.dir, name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return err
	}
	if c.asUser == "" {
		return nil
	}
	u, err := user.Lookup(c.asUser)
	if err != nil {
		return err
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return os.Chown(path, uid, gid)
}

// Reload makes the server read its configuration again, and returns once
// it has (the reload itself is a signal the server acts on later).
func (c *Cluster) Reload(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, c.URL("postgres", "postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var before, after time.Time
	if err := conn.QueryRow(ctx, "SELECT pg_conf_load_time()").Scan(&before); err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, "SELECT pg_reload_conf()"); err != nil {
		return err
	}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		// A new session sees the new load time.
		fresh, err := pgx.Connect(ctx, c.URL("postgres", "postgres"))
		if err != nil {
			return err
		}
		err = fresh.QueryRow(ctx, "SELECT pg_conf_load_time()").Scan(&after)
		fresh.Close(ctx)
		if err != nil {
			return err
		}
		if after.After(before) {
			return nil
		}
	}
	return fmt.Errorf("the server did not reload its configuration")
}
