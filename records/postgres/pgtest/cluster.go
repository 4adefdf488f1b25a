// Package pgtest runs a throwaway PostgreSQL cluster for tests: initdb in a
// temporary folder, the server on a free local port with its socket in that
// folder, one empty database per test owned by a role without superuser
// rights (the rights a practice's IT gives the app), everything removed at
// the end.
//
// The server binaries come from $CHARTROOM_PG_BIN, else PATH, else Debian's
// /usr/lib/postgresql/N/bin (newest N). Without them the tests that need a
// cluster fail under CI (the CI variable set) and are skipped on a
// developer's machine.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// AppRole is the login role the stores under test connect as: it owns its
// databases and has no superuser, CREATEDB or CREATEROLE rights.
const AppRole = "chartroom_app"

// serverUser runs the server when the tests run as root (initdb refuses
// root); Debian's postgresql package creates it.
const serverUser = "postgres"

// Cluster is a running throwaway server.
type Cluster struct {
	bin    string // folder of initdb, pg_ctl, postgres
	dir    string // the temporary folder: data/, the socket, the log
	port   int
	asUser string // run the binaries as this user ("" : as ourselves)
	dbs    atomic.Int64

	stopOnce sync.Once // Stop runs once: at the end, or on an interrupt
	stopErr  error
}

// FindBin returns the folder holding the PostgreSQL server binaries.
func FindBin() (string, error) {
	if dir := os.Getenv("CHARTROOM_PG_BIN"); dir != "" {
		if _, err := os.Stat(filepath.Join(dir, "initdb")); err != nil {
			return "", fmt.Errorf("CHARTROOM_PG_BIN=%s has no initdb: %w", dir, err)
		}
		return dir, nil
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(found) == 0 {
		return "", errors.New("the PostgreSQL server (initdb, pg_ctl) is not installed: install Debian's postgresql package, or set CHARTROOM_PG_BIN to the folder holding initdb")
	}
	slices.SortFunc(found, func(a, b string) int { return versionOf(a) - versionOf(b) })
	return filepath.Dir(found[len(found)-1]), nil
}

// versionOf is N of /usr/lib/postgresql/N/bin/initdb (0 when not a number).
func versionOf(initdb string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(initdb))))
	return n
}

// Start creates and starts a cluster. Stop removes it.
func Start(ctx context.Context) (*Cluster, error) {
	bin, err := FindBin()
	if err != nil {
		return nil, err
	}
	c := &Cluster{bin: bin}
	if os.Geteuid() == 0 {
		c.asUser = serverUser
	}
	if c.dir, err = os.MkdirTemp("", "chartroom-pg-"); err != nil {
		return nil, err
	}
	if err := c.start(ctx); err != nil {
		c.Stop()
		return nil, err
	}
	return c, nil
}

func (c *Cluster) start(ctx context.Context) error {
	if c.asUser != "" {
		u, err := user.Lookup(c.asUser)
		if err != nil {
			return fmt.Errorf("running as root, the server needs the user %s (Debian's postgresql package creates it): %w", c.asUser, err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(c.dir, uid, gid); err != nil {
			return err
		}
	}
	data := filepath.Join(c.dir, "data")
	if out, err := c.command(ctx, "initdb", "--locale=C.UTF-8", "--encoding=UTF8", "--auth=trust", "--username=postgres", "-D", data).CombinedOutput(); err != nil {
		return fmt.Errorf("initdb: %w\n%s", err, out)
	}
	port, err := freePort()
	if err != nil {
		return err
	}
	c.port = port
	if err := c.StartServer(ctx); err != nil {
		return err
	}
	return c.exec(ctx, "postgres", "CREATE ROLE "+AppRole+" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE")
}

// StartServer starts the cluster's server (again) on its port.
func (c *Cluster) StartServer(ctx context.Context) error {
	// fsync off: the cluster lives as long as the test run.
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off", c.port, c.dir)
	if out, err := c.command(ctx, "pg_ctl", "start", "-w", "-t", "60", "-D", filepath.Join(c.dir, "data"), "-l", filepath.Join(c.dir, "server.log"), "-o", opts).CombinedOutput(); err != nil {
		log, _ := os.ReadFile(filepath.Join(c.dir, "server.log"))
		return fmt.Errorf("pg_ctl start: %w\n%s\n%s", err, out, log)
	}
	return nil
}

// StopServer stops the server, ending every connection, as a server
// restarted by the practice's IT does; the cluster stays for StartServer.
func (c *Cluster) StopServer(ctx context.Context) error {
	if out, err := c.command(ctx, "pg_ctl", "stop", "-w", "-m", "fast", "-D", filepath.Join(c.dir, "data")).CombinedOutput(); err != nil {
		return fmt.Errorf("pg_ctl stop: %w\n%s", err, out)
	}
	return nil
}

// command runs one of the server's binaries, as the server user when the
// tests run as root.
func (c *Cluster) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	path := filepath.Join(c.bin, name)
	cmd := exec.CommandContext(ctx, path, args...)
	if c.asUser != "" {
		cmd = exec.CommandContext(ctx, "runuser", append([]string{"-u", c.asUser, "--", path}, args...)...)
	}
	cmd.Dir = c.dir // the server user may not enter the test's folder
	return cmd
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// URL is the address of database db on the cluster for role.
func (c *Cluster) URL(role, db string) string {
	u := url.URL{Scheme: "postgres", User: url.User(role), Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(c.port)), Path: "/" + db,
		RawQuery: "sslmode=disable"}
	return u.String()
}

// exec runs one statement on database db as the superuser.
func (c *Cluster) exec(ctx context.Context, db, sql string) error {
	conn, err := pgx.Connect(ctx, c.URL("postgres", db))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}

// CreateDatabase makes a new empty database owned by AppRole and returns
// its name.
func (c *Cluster) CreateDatabase(ctx context.Context) (string, error) {
	name := fmt.Sprintf("chartroom_test_%d", c.dbs.Add(1))
	if err := c.exec(ctx, "postgres", "CREATE DATABASE "+name+" OWNER "+AppRole); err != nil {
		return "", err
	}
	// A database's public schema belongs to the bootstrap superuser; the
	// app's role creates its tables there as the schema's owner would.
	if err := c.exec(ctx, name, "ALTER SCHEMA public OWNER TO "+AppRole); err != nil {
		return "", err
	}
	return name, nil
}

// DropDatabase removes database name, ending its connections.
func (c *Cluster) DropDatabase(ctx context.Context, name string) error {
	return c.exec(ctx, "postgres", "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
}

// Stop stops the server and removes its folder; calls after the first
// return the first one's result.
func (c *Cluster) Stop() error {
	c.stopOnce.Do(func() {
		if c.port != 0 {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			c.stopErr = c.StopServer(ctx)
		}
		if c.dir != "" {
			c.stopErr = errors.Join(c.stopErr, os.RemoveAll(c.dir))
		}
	})
	return c.stopErr
}

// shared is the cluster Main started for the package's tests; why says why
// there is none.
var (
	shared *Cluster
	why    error
)

// Main is a TestMain for a package whose tests need a cluster: it starts
// one, runs the tests and removes it.
func Main(m *testing.M) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	shared, why = Start(ctx)
	cancel()
	if shared != nil {
		// An interrupted run (Ctrl-C) stops the server and removes its
		// folder rather than leave a postgres running.
		interrupted := make(chan os.Signal, 1)
		signal.Notify(interrupted, os.Interrupt, syscall.SIGTERM)
		go func() {
			<-interrupted
			if err := shared.Stop(); err != nil {
				fmt.Fprintln(os.Stderr, "pgtest:", err)
			}
			os.Exit(1)
		}()
	}
	code := m.Run()
	if shared != nil {
		if err := shared.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "pgtest:", err)
			if code == 0 {
				code = 1
			}
		}
	}
	os.Exit(code)
}

// Server returns Main's cluster. Without one it fails t under CI and skips
// it elsewhere, saying why.
func Server(t testing.TB) *Cluster {
	t.Helper()
	if shared == nil {
		if why == nil {
			why = errors.New("pgtest.Main is not this package's TestMain")
		}
		// CI as reports/needtool reads it (which records may not import):
		// set to anything but "false" or "0".
		if ci := os.Getenv("CI"); ci != "" && ci != "false" && ci != "0" {
			t.Fatalf("no PostgreSQL cluster, and CI must run this test with one: %v", why)
		}
		t.Skipf("no PostgreSQL cluster (CI would fail here): %v", why)
	}
	return shared
}

// Database returns the URL of a new empty database on Main's cluster for
// AppRole, dropped when t ends (see Server when there is no cluster).
func Database(t testing.TB) string {
	t.Helper()
	Server(t)
	ctx := context.Background()
	name, err := shared.CreateDatabase(ctx)
	if err != nil {
		t.Fatalf("creating a test database: %v", err)
	}
	t.Cleanup(func() {
		if err := shared.DropDatabase(context.Background(), name); err != nil {
			t.Errorf("dropping the test database %s: %v", name, err)
		}
	})
	return shared.URL(AppRole, name)
}
