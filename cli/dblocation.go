package cli

import (
	"fmt"
	"slices"
	"strings"
)

// A --db (or CHARTROOM_DB) names a database file. A location written like an
// address, scheme://..., is never taken as a file name: SQLite would
// happily create an empty database in a folder named "postgres:", and the
// clerk who typed the practice server's address would work on that file
// without knowing it.

// servedDBSchemes are the address schemes --db may name: a PostgreSQL
// server's database (records/postgres), in either of libpq's spellings.
var servedDBSchemes = []string{"postgres", "postgresql"}

// checkDBLocation refuses a --db or CHARTROOM_DB written as an address of a
// scheme Chartroom does not serve, naming where it came from.
func (c *invocation) checkDBLocation() error {
	from := "--db"
	if c.globals.db == "" {
		from = "CHARTROOM_DB"
	}
	return refuseUnservedAddress(c.dbPath(), from)
}

// checkDBLocationFor is checkDBLocation before cmd runs; help and version
// open no database, so a wrong CHARTROOM_DB does not hide the help that
// explains it.
func (c *invocation) checkDBLocationFor(cmd *command) error {
	if cmd == helpCommand || cmd == versionCommand {
		return nil
	}
	return c.checkDBLocation()
}

// refuseUnservedAddress returns why loc, taken from the option or variable
// from, cannot be opened, or nil when it is a file name or a served address.
func refuseUnservedAddress(loc, from string) error {
	scheme, ok := addressScheme(loc)
	if !ok || slices.Contains(servedDBSchemes, scheme) {
		return nil
	}
	served := "give the path of a database file instead (for example chartroom.db)"
	if len(servedDBSchemes) > 0 {
		served = "give the path of a database file (for example chartroom.db) or a " +
			strings.Join(servedDBSchemes, ":// or ") + ":// address instead"
	}
	return fmt.Errorf("%s %q is a %s:// address, which Chartroom cannot open; %s", from, loc, scheme, served)
}

// addressScheme returns the scheme, lower case, of a location written as
// scheme://...: a letter, then letters, digits, '+', '-' or '.' (RFC 3986).
// A single letter is a Windows drive (C://data is a path), not a scheme.
func addressScheme(loc string) (string, bool) {
	scheme, _, found := strings.Cut(loc, "://")
	if !found || len(scheme) < 2 {
		return "", false
	}
	for i, r := range scheme {
		letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		switch {
		case letter:
		case i > 0 && (r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.'):
		default:
			return "", false
		}
	}
	return strings.ToLower(scheme), true
}
