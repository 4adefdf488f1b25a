// Package sqlite is Chartroom's store: it keeps the record room in one SQLite
// file and implements records.Service over it.
//
// One writer connection (BEGIN IMMEDIATE, so two processes racing for the
// same folder queue up instead of deadlocking) runs every change; a small
// pool of query-only connections serves listings. Every service call is one
// transaction and appends its audit events inside it.
//
// The files, one noun (or one mechanism) each:
//
//	store.go       Open, Options, the file checks before opening
//	tx.go          the writer and readers: write, look, read
//	migrate.go     the embedded numbered migrations (migrations/)
//	values.go      Go values to and from SQL columns     errors.go  SQLite errors as records errors
//	stmtcache.go   prepared statements kept per connection
//	sqlfuncs.go    SQL functions the schema uses (audit event text)
//	setup.go       Initialize, SignIn                     users.go   users
//	settings.go    the practice's settings, re-padding chart numbers
//	patients.go    patients and their duplicates          search.go  Search, Where
//	volumes.go     folders                                movements.go  check-out, check-in, moves, history
//	borrowers.go   borrowers     locations.go  locations  recordtypes.go  record types
//	requests.go    requests      appointments.go  appointment imports into requests
//	loose.go       loose filing  disclosures.go  disclosures, accounting requests
//	import.go      patient imports (import_indexes.go: indexes off for a big file; insert.go: batched inserts)
//	merges.go      merges and their undo                  retention.go  presets, legal hold, review
//	destruction.go destruction batches                    shelfaudit.go shelf audits
//	audit.go       the audit chain: append, list, verify  checkpoint.go its checkpoints
//	seal.go, preseal.go   seals of users and movements beyond the chain
//	backup.go      backups and their places               backupkey.go  encrypted backups' keys
//	maintenance.go integrity check, restore
//	bulk*.go       the bulk loader that builds a whole practice at once (the demo at scale)
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/privatefile"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// ApplicationID marks a SQLite file as a Chartroom database ("CHRT"); it is
// set by migration 1 and checked by Open and Restore.
const ApplicationID = 0x43485254

// busyTimeoutMS is how long a writer waits for another process's write to
// finish before giving up with "the database is busy".
const busyTimeoutMS = 5000

// The connections read the file through SQLite's page cache, not a memory
// map (mmap_size 0, SQLite's default). A map looked cheaper, but every first
// touch of a page is a page fault, and Linux maps the pages around it too:
// at a million patients searching and browsing made megabytes of the file
// resident in the app. Through the cache the same searches were as fast or
// faster (the README's performance section has the figures) and the memory
// is bounded by the cache sizes below.
const (
	writerCacheKiB = 16 << 10 // the desk's lookups and every change
	readerCacheKiB = 4 << 10  // per reader: listings, counts, reports, verify
)

// Options configure a Store.
type Options struct {
	Now            func() time.Time        // injectable clock; nil = time.Now
	Logger         *slog.Logger            // nil = discard
	PasswordParams *records.PasswordParams // nil = records.DefaultPasswordParams
	Bulk           bool                    // bulk generation: synchronous=OFF for speed; normal use: FULL
}

// Store is a Chartroom database file.
type Store struct {
	path     string
	syncMode string  // the writer's synchronous pragma: FULL, or OFF for a bulk build
	w        *sql.DB // the one writer connection
	r        *sql.DB // query-only readers
	now      func() time.Time
	log      *slog.Logger
	params   records.PasswordParams

	dummyOnce sync.Once
	dummy     string

	sealMu sync.Mutex
	seals  map[*sql.Tx]*txSeals // what each open write transaction sealed (seal.go)

	ckpt *checkpointer // folds the write-ahead log into the file off the writer's path (checkpoint.go)

	watch *watcher // hears this and other processes' changes (changes.go)
}

var _ records.Service = (*Store)(nil)

// Open opens (creating it if missing, with its folder) the database at path
// and brings its schema up to date.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, records.Internal("could not find the database file "+path, err)
	}
	if err := prepareFile(abs); err != nil {
		return nil, err
	}
	// The clock is taken as it reads, to the nanosecond: PostgreSQL keeps
	// the times the audit chain covers as exactly (its migration 0011).
	clock := opts.Now
	if clock == nil {
		clock = time.Now
	}
	s := &Store{path: abs, now: clock, log: opts.Logger, params: records.DefaultPasswordParams}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.PasswordParams != nil {
		s.params = *opts.PasswordParams
	}
	s.syncMode = "FULL"
	if opts.Bulk {
		s.syncMode = "OFF"
	}
	writerPragmas := []string{"_txlock=immediate",
		"_pragma=busy_timeout(" + fmt.Sprint(busyTimeoutMS) + ")",
		"_pragma=foreign_keys(1)", "_pragma=synchronous(" + s.syncMode + ")", "_pragma=cache_size(-" + fmt.Sprint(writerCacheKiB) + ")",
		"_pragma=temp_store(MEMORY)"}
	if !opts.Bulk {
		writerPragmas = append(writerPragmas, "_pragma=wal_autocheckpoint("+fmt.Sprint(writerCheckpointPages)+")") // checkpoint.go
	}
	s.w, err = sql.Open(cachedDriverName, dsn(abs, writerPragmas...))
	if err != nil {
		return nil, records.Internal("could not open the database "+abs, err)
	}
	s.w.SetMaxOpenConns(1)
	s.w.SetConnMaxIdleTime(0)
	if err := s.migrate(ctx); err != nil {
		s.w.Close()
		return nil, damagedFile(abs, err)
	}
	s.r, err = sql.Open(cachedDriverName, dsn(abs,
		"_pragma=busy_timeout("+fmt.Sprint(busyTimeoutMS)+")",
		"_pragma=foreign_keys(1)", "_pragma=query_only(1)", "_pragma=cache_size(-"+fmt.Sprint(readerCacheKiB)+")"))
	if err != nil {
		s.w.Close()
		return nil, records.Internal("could not open the database "+abs, err)
	}
	s.r.SetMaxOpenConns(4)
	s.r.SetMaxIdleConns(4)
	if !opts.Bulk {
		if s.ckpt, err = startCheckpointer(abs, s.log); err != nil {
			s.r.Close()
			s.w.Close()
			return nil, err
		}
	}
	s.watch = newWatcher(abs, s.log)
	s.log.Debug("database open", "path", abs)
	return s, nil
}

// damagedFile turns SQLite's "malformed" or "not a database" met while
// opening path into a refusal of the file (EInvalid, like a file of another
// program), so that a restore over it goes ahead; other errors pass through.
func damagedFile(path string, err error) error {
	if code, ok := sqliteCode(err); ok && (code&0xff == sqliteCorrupt || code&0xff == sqliteNotADB) {
		return &records.Error{Code: records.EInvalid, Err: err,
			Message: "the database " + path + " is damaged and cannot be opened; restore the latest backup (chartroom restore FILE, or Restore in the app)"}
	}
	return err
}

// dsn builds a modernc DSN: a file: URI (so any character in the path is
// safe) with the driver's query parameters.
func dsn(path string, params ...string) string {
	// A file: URI's path is absolute: a relative one would name a file at
	// the root of the disk ("big.db" as /big.db), not in the working folder.
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path)}
	if u.Path != "" && u.Path[0] != '/' {
		u.Path = "/" + u.Path // C:/x on Windows
	}
	q := ""
	for i, p := range params {
		if i > 0 {
			q += "&"
		}
		q += p
	}
	return u.String() + "?" + q
}

// prepareFile creates the database folder and an empty file readable only by
// its owner (SQLite gives the -wal and -shm files the same mode), and refuses
// a file that is not a SQLite database before SQLite touches it.
//
// A folder Chartroom creates for the database is made private; a folder
// that was already there is the user's (their Documents, a read-only copy
// on a CD) and is left as it is: the file itself is private.
func prepareFile(path string) error {
	dir := filepath.Dir(path)
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		if err := privatefile.MkdirAll(dir); err != nil {
			return records.Internal("could not create the folder "+dir+" for the database "+path+
				"; check the path (is part of it a file, or a folder you may not write in?) or choose another place for the database", err)
		}
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		if err := f.Close(); err != nil {
			return err
		}
		// On Windows the mode above means nothing: an access list does.
		return privatefile.Protect(path)
	}
	if !errors.Is(err, os.ErrExist) {
		return records.Internal("could not create the database file "+path+
			"; check that you may write in its folder, or choose another place for the database", err)
	}
	if err := checkHeader(path); err != nil {
		return err
	}
	return checkWritable(path)
}

// checkWritable refuses, with what to do, a database file Chartroom may not
// write (every sign-in and every look at a chart is written to the audit
// log): SQLite would otherwise fail later with a vaguer message.
func checkWritable(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err == nil {
		return f.Close()
	}
	switch {
	case errors.Is(err, syscall.EROFS):
		return records.Internal("the database file "+path+" is on a read-only disk; Chartroom must write to it: "+
			"copy it to a disk you can write (or make the disk writable) and open it there", err)
	case errors.Is(err, fs.ErrPermission):
		return records.Internal("the database file "+path+" is read-only for you; Chartroom must write to it: "+
			"ask for write permission on the file and its folder, or open a copy you own", err)
	}
	return records.Internal("could not open the database file "+path+" for writing", err)
}

// sqliteMagic starts every SQLite database file.
const sqliteMagic = "SQLite format 3\x00"

// checkHeader refuses a non-empty file that does not start like a SQLite
// database.
func checkHeader(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return records.Internal("could not open the database file "+path, err)
	}
	defer f.Close()
	head := make([]byte, len(sqliteMagic))
	n, err := io.ReadFull(f, head)
	if n == 0 && (err == io.EOF || err == nil) {
		return nil // empty: a new database
	}
	if err != nil || string(head) != sqliteMagic {
		return records.Errorf(records.EInvalid, "%s is not a Chartroom database (it is not a SQLite file)", path)
	}
	return nil
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Close closes the database; pending writes are already committed.
func (s *Store) Close() error {
	var errs []error
	s.watch.close()
	if s.ckpt != nil {
		errs = append(errs, s.ckpt.stop())
	}
	if s.r != nil {
		errs = append(errs, s.r.Close())
	}
	if s.w != nil {
		errs = append(errs, s.w.Close())
	}
	return errors.Join(errs...)
}

// today is the clerk's calendar day by the store's clock.
func (s *Store) today() records.Date { return records.DateOf(s.now()) }
