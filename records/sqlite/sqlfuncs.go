package sqlite

import (
	"database/sql/driver"

	moderncsqlite "modernc.org/sqlite"

	"github.com/chartroom/chartroom/records"
)

// Two SQL functions written in Go, so that the audit checks read one value
// where they read a dozen columns: every column read through the driver
// takes the connection's lock (modernc opens connections with
// SQLITE_OPEN_FULLMUTEX) and copies its text, while a function's arguments
// are read without the lock and, being volatile, without a copy. At a
// million patients a full check reads twenty million rows (pprof: the
// per-column locks were a third of its CPU).
//
//   - chartroom_row_text(col, ...) is a row's canonical text (appendRowText):
//     what a seal hashes.
//   - chartroom_audit_ok(auditColumns..., sealColumns...) is 1 when the
//     event's stored hash is records.AuditHash of its fields, else 0: a
//     field of the wrong type, or a time that does not parse, is an event
//     that was changed.
//
// They are registered for every connection the driver opens; the schema
// never names them, so the sqlite3 tool reads the file as before.
func init() {
	must := func(err error) {
		if err != nil {
			panic("registering Chartroom's SQL functions: " + err.Error())
		}
	}
	must(moderncsqlite.RegisterFunction("chartroom_row_text", &moderncsqlite.FunctionImpl{
		NArgs: -1, Deterministic: true, VolatileArgs: true,
		Scalar: func(_ *moderncsqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			var buf [512]byte
			return appendRowText(buf[:0], args), nil
		},
	}))
	must(moderncsqlite.RegisterFunction("chartroom_audit_ok", &moderncsqlite.FunctionImpl{
		NArgs: 14, Deterministic: true, VolatileArgs: true,
		Scalar: func(_ *moderncsqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			e, ok := auditEventOf(args)
			return ok && records.AuditHash(e) == e.Hash, nil
		},
	}))
}

// auditEventOf is scanAudit for a function's arguments: the same columns
// in the same order. Its strings point into SQLite's memory, so the event
// must not outlive the call.
func auditEventOf(a []driver.Value) (records.AuditEvent, bool) {
	var e records.AuditEvent
	var at string
	ok := len(a) == 14 &&
		intArg(a[0], &e.ID) && textArg(a[1], &at) && intArg(a[2], &e.UserID) &&
		textArg(a[3], &e.Username) && textArg(a[4], &e.Action) && textArg(a[5], &e.Entity) &&
		intArg(a[6], &e.EntityID) && textArg(a[7], &e.Detail) && textArg(a[8], &e.PrevHash) &&
		textArg(a[9], &e.Hash) && textArg(a[10], &e.Seal.Table) && intArg(a[11], &e.Seal.First) &&
		intArg(a[12], &e.Seal.Last) && textArg(a[13], &e.Seal.Hash)
	return e, ok && timeCol{&e.At}.parse(at) == nil
}

func intArg(v driver.Value, dst *records.ID) bool {
	n, ok := v.(int64)
	*dst = records.ID(n)
	return ok
}

func textArg(v driver.Value, dst *string) bool {
	switch x := v.(type) {
	case string:
		*dst = x
	case []byte:
		*dst = string(x)
	default:
		return false
	}
	return true
}
