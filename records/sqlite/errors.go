package sqlite

import (
	"context"
	"errors"
	"strings"

	"github.com/chartroom/chartroom/records"
	sqlite "modernc.org/sqlite"
)

// SQLite primary result codes we tell apart (the low byte of a result code).
const (
	sqliteBusy       = 5
	sqliteLocked     = 6
	sqliteReadOnly   = 8
	sqliteIOErr      = 10
	sqliteCorrupt    = 11
	sqliteFull       = 13
	sqliteCantOpen   = 14
	sqliteConstraint = 19
	sqliteNotADB     = 26

	sqliteConstraintUnique     = sqliteConstraint | 8<<8
	sqliteConstraintPrimaryKey = sqliteConstraint | 6<<8
)

// sqliteCode returns the extended result code of a SQLite error in err's chain.
func sqliteCode(err error) (int, bool) {
	var e *sqlite.Error
	if errors.As(err, &e) {
		return e.Code(), true
	}
	return 0, false
}

// uniqueViolation reports the "table.column" a unique constraint failed on.
func uniqueViolation(err error) (string, bool) {
	code, ok := sqliteCode(err)
	if !ok || (code != sqliteConstraintUnique && code != sqliteConstraintPrimaryKey) {
		return "", false
	}
	// "constraint failed: UNIQUE constraint failed: borrowers.name (2067)"
	msg := err.Error()
	i := strings.LastIndex(msg, "constraint failed: ")
	if i < 0 {
		return "", true
	}
	cols := msg[i+len("constraint failed: "):]
	if i := strings.IndexAny(cols, " ("); i >= 0 {
		cols = cols[:i]
	}
	return strings.TrimSuffix(cols, ","), true
}

// uniqueMessages name, for a clerk, what a unique column means.
var uniqueMessages = map[string]string{
	"patients.mrn":        "a patient with that chart number already exists",
	"volumes.barcode":     "a folder with that barcode already exists",
	"volumes.patient_id":  "that patient already has a folder of that type with that number",
	"borrowers.name":      "a borrower with that name already exists",
	"borrowers.badge":     "a borrower with that badge already exists",
	"record_types.name":   "a record type with that name already exists",
	"users.username":      "a user with that username already exists",
	"locations.parent_id": "a location with that name already exists there",
}

// mapErr turns a database failure into an error a clerk can read; what says
// what was being done ("check out V0000042"). Errors that already speak to
// the clerk pass through.
func mapErr(err error, what string) error {
	if err == nil {
		return nil
	}
	var re *records.Error
	if errors.As(err, &re) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return records.Errorf(records.EConflict, "stopped before it could %s; try again", what)
	}
	code, ok := sqliteCode(err)
	if !ok {
		return records.Internal("could not "+what, err)
	}
	if col, unique := uniqueViolation(err); unique {
		if m, ok := uniqueMessages[col]; ok {
			return &records.Error{Code: records.EConflict, Message: m, Err: err}
		}
		return &records.Error{Code: records.EConflict, Message: "could not " + what + ": that entry already exists", Err: err}
	}
	switch code & 0xff {
	case sqliteBusy, sqliteLocked:
		return &records.Error{Code: records.EConflict, Message: "the database is busy; try again", Err: err}
	case sqliteReadOnly:
		return records.Internal("could not "+what+": the database file is read-only (check the file's permissions or the disk)", err)
	case sqliteFull:
		return records.Internal("could not "+what+": the disk is full; nothing was saved: free some space and try again", err)
	case sqliteIOErr:
		return records.Internal("could not "+what+": the disk could not be read or written (is it full, removed or failing?); "+
			"nothing was saved: check the disk and try again", err)
	case sqliteCorrupt, sqliteNotADB:
		return records.Internal("could not "+what+": the database file is damaged; restore the latest backup", err)
	case sqliteCantOpen:
		return records.Internal("could not "+what+": the database file cannot be opened; "+
			"check that it and its folder exist and that you may write in that folder", err)
	case sqliteConstraint:
		return records.Internal("could not "+what+": the change breaks a rule of the database", err)
	}
	return records.Internal("could not "+what, err)
}
