package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/privatefile"
)

// This file is how a computer is connected to the practice's PostgreSQL
// server from the desktop app: the form's fields made into an address, the
// password kept in PostgreSQL's own pgpass file (never in Chartroom's
// settings or the address), and the address remembered so that the app
// and the command line open the server next time.

// ServerAccess is what the app's "Connect to a practice server" form asks.
type ServerAccess struct {
	Host     string // the server's name or IP address
	Port     string // empty means 5432
	Database string
	User     string // the database role, not a Chartroom user
	SSLMode  string // disable, require, verify-ca or verify-full; empty means verify-full
	CAFile   string // the practice's CA certificate (sslrootcert), for verify-ca and verify-full
	Password string // the role's password; empty uses PGPASSWORD or the pgpass file
}

// SSLModes are the TLS choices the form offers, safest first.
var SSLModes = []string{"verify-full", "verify-ca", "require", "disable"}

// defaultPort is PostgreSQL's.
const defaultPort = "5432"

// Address checks a and returns its postgres:// address, without the
// password. A wrong field is named as the form labels it.
func (a ServerAccess) Address() (string, error) {
	host := strings.TrimSpace(a.Host)
	switch {
	case host == "":
		return "", records.FieldError("Server", "is required: the name or address of the practice's database server")
	case strings.ContainsAny(host, " /@?#[]") || strings.Contains(host, ":") && net.ParseIP(host) == nil:
		return "", records.FieldError("Server", "%q is not a server name or address (give only the name, such as db.example.org)", host)
	}
	port := strings.TrimSpace(a.Port)
	if port == "" {
		port = defaultPort
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return "", records.FieldError("Port", "%q is not a port number (PostgreSQL's is 5432)", port)
	}
	db := strings.TrimSpace(a.Database)
	if db == "" {
		return "", records.FieldError("Database", "is required: the database the practice's IT created for Chartroom")
	}
	user := strings.TrimSpace(a.User)
	if user == "" {
		return "", records.FieldError("Database user", "is required: the role the practice's IT created for Chartroom")
	}
	mode := a.SSLMode
	if mode == "" {
		mode = SSLModes[0]
	}
	if !slices.Contains(SSLModes, mode) {
		return "", records.FieldError("TLS", "%q is not one of %s", mode, strings.Join(SSLModes, ", "))
	}
	q := url.Values{"sslmode": {mode}}
	if ca := strings.TrimSpace(a.CAFile); ca != "" {
		if mode == "disable" {
			return "", records.FieldError("CA certificate", "goes with TLS; choose verify-full (or clear the CA certificate)")
		}
		abs, err := filepath.Abs(ca)
		if err != nil {
			return "", records.FieldError("CA certificate", "%v", err)
		}
		if info, err := os.Stat(abs); err != nil || info.IsDir() {
			return "", records.FieldError("CA certificate", "cannot read the file %s", abs)
		}
		q.Set("sslrootcert", abs)
	} else if mode == "verify-full" || mode == "verify-ca" {
		// libpq's default CA file is ~/.postgresql/root.crt; a practice
		// with its own CA names the file here.
		if _, err := os.Stat(defaultRootCert()); err != nil {
			return "", records.FieldError("CA certificate", "is required for %s: the practice's CA certificate file (ask the practice's IT), or choose require", mode)
		}
	}
	u := url.URL{Scheme: "postgres", User: url.User(user), Host: net.JoinHostPort(host, port), Path: "/" + db, RawQuery: q.Encode()}
	return u.String(), nil
}

// defaultRootCert is where libpq (and pgx) look for the CA certificate when
// the address names none.
func defaultRootCert() string {
	if runtime.GOOS == "windows" {
		return filepath.Join(os.Getenv("APPDATA"), "postgresql", "root.crt")
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".postgresql", "root.crt")
}

// pgpassPath is the standard pgpass file: $PGPASSFILE, else
// %APPDATA%\postgresql\pgpass.conf on Windows, ~/.pgpass elsewhere, as
// libpq, psql, pg_dump and pgx read it.
func pgpassPath() (string, error) {
	if p := os.Getenv("PGPASSFILE"); p != "" {
		return p, nil
	}
	if runtime.GOOS == "windows" {
		dir := os.Getenv("APPDATA")
		if dir == "" {
			return "", errors.New("APPDATA is not set")
		}
		return filepath.Join(dir, "postgresql", "pgpass.conf"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".pgpass"), nil
}

// pgpassField escapes a field of a pgpass line: a backslash and a colon
// are written with a backslash before them.
func pgpassField(s string) string {
	return strings.NewReplacer(`\`, `\\`, `:`, `\:`).Replace(s)
}

// savePassword writes the password of a's role into the pgpass file at
// path, replacing the line for the same server, port, database and role
// and keeping every other line; the file is private to this user.
func savePassword(path string, a ServerAccess) error {
	port := strings.TrimSpace(a.Port)
	if port == "" {
		port = defaultPort
	}
	key := strings.Join([]string{pgpassField(strings.TrimSpace(a.Host)), pgpassField(port),
		pgpassField(strings.TrimSpace(a.Database)), pgpassField(strings.TrimSpace(a.User))}, ":") + ":"
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	var out bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(old))
	for sc.Scan() {
		if line := sc.Text(); !strings.HasPrefix(line, key) {
			out.WriteString(line + "\n")
		}
	}
	out.WriteString(key + pgpassField(a.Password) + "\n")
	return writePrivate(path, out.Bytes())
}

// writePrivate replaces the file at path with data, private to this user
// from the moment it exists, its folder created private when missing.
func writePrivate(path string, data []byte) error {
	dir := filepath.Dir(path)
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		if err := privatefile.MkdirAll(dir); err != nil {
			return err
		}
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := privatefile.Protect(tmp.Name()); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// rememberedServerFile holds the address of the practice server this
// computer opens when neither --db nor CHARTROOM_DB names a database.
func rememberedServerFile() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "chartroom", "server.txt"), nil
}

// rememberedServer is the address remembered for this computer, or "".
func rememberedServer() string {
	path, err := rememberedServerFile()
	if err != nil {
		return ""
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	addr := strings.TrimSpace(string(b))
	if !isServerAddress(addr) {
		return ""
	}
	return addr
}

// rememberServer makes address (or, when "", a database file) what this
// computer opens next time.
func rememberServer(address string) error {
	path, err := rememberedServerFile()
	if err != nil {
		return err
	}
	if address == "" {
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	}
	return writePrivate(path, []byte(address+"\n"))
}

// ConnectServer opens the practice server a names as the app's database:
// the server must be reachable, let the role in and hold a practice
// Chartroom has set up. Only then is the password saved in the pgpass file
// and the address remembered for this computer, and the database open
// until now (the empty file of the first-run screen) closed. On a refusal
// nothing changes. It returns the new store and its address.
func (g *Database) ConnectServer(ctx context.Context, a ServerAccess) (records.Service, string, error) {
	address, err := a.Address()
	if err != nil {
		return nil, "", err
	}
	st, err := openDB(ctx, address, openOptions{log: g.log, now: time.Now, existing: true, password: a.Password})
	if err != nil {
		return nil, "", err
	}
	ok, err := st.Initialized(ctx)
	if err == nil && !ok {
		err = records.Errorf(records.ENotFound, "the database %s on %s has no practice yet; set it up once, from one PC, with %s",
			a.Database, a.Host, howToCreate(address))
	}
	if err == nil && a.Password != "" {
		if path, perr := pgpassPath(); perr != nil {
			err = records.Internal("cannot find where to save the database password (the pgpass file)", perr)
		} else if perr := savePassword(path, a); perr != nil {
			err = records.Internal("cannot save the database password in "+path, perr)
		}
	}
	if err == nil {
		if rerr := rememberServer(address); rerr != nil {
			err = records.Internal("cannot remember the practice server for this computer", rerr)
		}
	}
	if err != nil {
		st.Close()
		return nil, "", err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.st != nil {
		if cerr := g.st.Close(); cerr != nil {
			g.log.Error("closing the database file after connecting to the server", "err", cerr)
		}
	}
	g.log.Info("connected to the practice server", "address", address)
	g.path, g.st, g.openErr = address, st, nil
	return st, address, nil
}

// UseLocalFile makes this computer open its database file again (the
// default one) instead of the practice server: the remembered address is
// forgotten and the file opened, created when missing. It returns the
// store and the file's path.
func (g *Database) UseLocalFile(ctx context.Context) (records.Service, string, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if err := rememberServer(""); err != nil {
		return nil, "", records.Internal("cannot forget the practice server for this computer", err)
	}
	if g.st != nil {
		if err := g.st.Close(); err != nil {
			g.log.Error("closing the server's database", "err", err)
		}
		g.st = nil
	}
	g.path = defaultDBPath()
	svc, err := g.reopenLocked(ctx)
	return svc, g.path, err
}
