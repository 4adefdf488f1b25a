package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/chartroom/chartroom/records"
)

// Sealing (see records/seal.go for the design), as records/sqlite does it:
// the audit events of a write transaction vouch for the movements and user
// rows it wrote.
//
// It is automatic, so no service can forget it: a statement writing a
// movement or a user, and every audit append, first takes the audit
// chain's lock and notes the newest movement and user of that moment
// (chartroom_seal_begin, migration 0010). Every audit event then seals this
// transaction's movements not yet sealed, and an event about a user seals
// that user's row as it is now; at the end (finishSeals, from write), rows
// still unsealed get an event of their own.
//
// Unlike SQLite's, PostgreSQL's ids come from a sequence, which a rolled
// back transaction leaves with a gap: a seal covers the rows that are in
// its id range, gaps included, and the hash covers each row's id, so a row
// deleted from the middle of a range or forged into a gap breaks it.

// sealedColumn is one column a seal covers, with how it is stored in
// records/sqlite: each row's canonical text is the one SQLite's
// appendRowText gives (storage type and the hex of the stored bytes, NULL
// as N, commas between), so a practice moved between the stores keeps
// seals that verify.
type sealedColumn struct {
	name string
	kind byte // 'i' bigint or integer, 't' text, 'b' boolean, 'T' an exact time (exacttimes.go), 'd' date
}

// sealedColumns are the columns a seal covers, per table: every column a
// person could forge, in records/sqlite's order.
var sealedColumns = map[string][]sealedColumn{
	"movements": {{"id", 'i'}, {"volume_id", 'i'}, {"kind", 't'}, {"at", 'T'}, {"user_id", 'i'}, {"from_borrower_id", 'i'},
		{"to_borrower_id", 'i'}, {"from_location_id", 'i'}, {"to_location_id", 'i'}, {"due", 'd'}, {"note", 't'}},
	"users": {{"id", 'i'}, {"username", 't'}, {"display_name", 't'}, {"role", 't'}, {"active", 'b'}, {"password_hash", 't'},
		{"failed_logins", 'i'}, {"locked_until", 'T'}, {"created_at", 'T'}, {"last_sign_in", 'T'}},
}

// rowTextSQL is an SQL expression giving a row's canonical text. Times are
// written as SQLite stores them (UTC, nanoseconds, Z): the timestamptz's
// microseconds, then the nanoseconds past them from the column's _ns
// companion (migration 0011; a row copied from an earlier Chartroom's file
// may have them, a row this store wrote has 0).
func rowTextSQL(table string) string {
	hex := func(expr string) string { return "upper(encode(convert_to(" + expr + ", 'UTF8'), 'hex'))" }
	var parts []string
	for _, c := range sealedColumns[table] {
		var v string
		switch c.kind {
		case 'i':
			v = "'integer:' || " + hex(c.name+"::text")
		case 'b':
			v = "'integer:' || " + hex(c.name+"::int::text")
		case 't':
			v = "'text:' || " + hex(c.name)
		case 'T':
			v = "'text:' || " + hex(exactTimeTextSQL(c.name))
		case 'd':
			v = "'text:' || " + hex("to_char("+c.name+", 'YYYY-MM-DD')")
		}
		parts = append(parts, "coalesce("+v+", 'N')")
	}
	return "(" + strings.Join(parts, " || ',' || ") + ")"
}

// beginSeals takes the audit chain's lock for tx (a no-op when tx holds it)
// and notes, the first time, the rows already there.
func beginSeals(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, "SELECT chartroom_seal_begin()")
	return err
}

// sealsBegun reports whether tx took the audit lock (wrote a movement, a
// user or an audit event), and then the newest movement and user before
// it did.
func sealsBegun(ctx context.Context, tx pgx.Tx) (begun bool, movBefore, usersBefore records.ID, err error) {
	var mov, users string
	err = tx.QueryRow(ctx, `SELECT coalesce(current_setting('chartroom.movements_before', true), ''),
		coalesce(current_setting('chartroom.users_before', true), '')`).Scan(&mov, &users)
	if err != nil || mov == "" {
		return false, 0, 0, err
	}
	if _, err := fmt.Sscan(mov+" "+users, &movBefore, &usersBefore); err != nil {
		return false, 0, 0, fmt.Errorf("the transaction's seal settings %q %q: %w", mov, users, err)
	}
	return true, movBefore, usersBefore, nil
}

// unsealedMovements are the movements tx wrote that no seal covers yet:
// those after both the newest sealed movement (this transaction's own
// seals included) and the newest before tx took the lock. last is 0 when
// there are none.
func unsealedMovements(ctx context.Context, tx pgx.Tx, movBefore records.ID) (first, last records.ID, err error) {
	err = tx.QueryRow(ctx, `SELECT coalesce(min(id), 0), coalesce(max(id), 0) FROM movements
		WHERE id > greatest($1::bigint, (SELECT coalesce(max(seal_last), 0) FROM audit WHERE seal_table = 'movements'))`,
		int64(movBefore)).Scan(&first, &last)
	return first, last, err
}

// sealFor is the seal the next audit event of tx carries: the user row the
// event is about, else this transaction's movements not yet sealed. tx
// holds the audit lock.
func sealFor(ctx context.Context, tx pgx.Tx, entity string, id records.ID) (records.Seal, error) {
	begun, movBefore, _, err := sealsBegun(ctx, tx)
	if err != nil || !begun {
		return records.Seal{}, err
	}
	if entity == "user" && id != 0 {
		// Sealing a row forged behind Chartroom's back would bless it: a
		// clerk who made themself admin in the database would erase the
		// evidence by signing in.
		if err := touchUser(ctx, tx, id); err != nil {
			return records.Seal{}, err
		}
		seal, _, err := sealRows(ctx, tx, "users", id, id)
		return seal, err
	}
	first, last, err := unsealedMovements(ctx, tx, movBefore)
	if err != nil || last == 0 {
		return records.Seal{}, err
	}
	seal, _, err := sealRows(ctx, tx, "movements", first, last)
	return seal, err
}

// touchUser must come before a write changes user id's row (and comes
// before any audit event about the user seals it): it refuses to go on
// when the row no longer matches its latest seal. Rows this transaction
// created, or checked already, need no check. A change that forgets to
// call it is refused too, by sealFor, because its row then differs from
// the seal.
func touchUser(ctx context.Context, tx pgx.Tx, id records.ID) error {
	if err := beginSeals(ctx, tx); err != nil {
		return err
	}
	var usersBefore records.ID
	var checked bool
	mark := fmt.Sprintf(",%d,", id)
	if err := tx.QueryRow(ctx, `SELECT current_setting('chartroom.users_before')::bigint,
		strpos(current_setting('chartroom.users_checked'), $1) > 0`, mark).Scan(&usersBefore, &checked); err != nil {
		return err
	}
	if id > usersBefore || checked {
		return nil
	}
	p, err := checkUserRow(ctx, tx, id)
	if err != nil {
		return err
	}
	if p != nil {
		return records.Errorf(records.EUnauthorized, "%s; this account cannot be used or changed until an administrator runs `chartroom verify` and restores the latest good backup", p.Reason)
	}
	_, err = tx.Exec(ctx, "SELECT set_config('chartroom.users_checked', current_setting('chartroom.users_checked') || $1, true)", mark[1:])
	return err
}

// checkUserRow compares one user's row with that user's latest seal; a
// missing row is no problem here (the caller's query finds it missing).
func checkUserRow(ctx context.Context, q pgx.Tx, id records.ID) (*records.ChainProblem, error) {
	var name, text string
	err := q.QueryRow(ctx, "SELECT username, "+rowTextSQL("users")+" FROM users WHERE id = $1", int64(id)).Scan(&name, &text)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	r := sealRef{seal: records.Seal{Table: "users", First: id, Last: id}}
	err = q.QueryRow(ctx, `SELECT id, seal_hash FROM audit
		WHERE seal_table = 'users' AND seal_last = $1 ORDER BY id DESC LIMIT 1`, int64(id)).Scan(&r.event, &r.seal.Hash)
	found := err == nil
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return nil, err
	}
	return records.UserSealProblem(id, name, text, r.event, r.seal.Hash, found), nil
}

// finishSeals seals what tx wrote that no audit event sealed, just before
// it commits.
func (s *Store) finishSeals(ctx context.Context, tx pgx.Tx) error {
	begun, movBefore, usersBefore, err := sealsBegun(ctx, tx)
	if err != nil || !begun {
		return err
	}
	a, _ := records.ActorFrom(ctx)
	if a.Username == "" {
		a.Username = "chartroom"
	}
	first, last, err := unsealedMovements(ctx, tx, movBefore)
	if err != nil {
		return err
	}
	if last != 0 {
		if _, err := s.appendAudit(ctx, tx, a, records.AuditSeal, "movement", first, fmt.Sprintf("movements %d to %d recorded", first, last)); err != nil {
			return err
		}
	}
	rows, err := tx.Query(ctx, `SELECT id FROM users u WHERE id > $1
		AND NOT EXISTS (SELECT 1 FROM audit WHERE seal_table = 'users' AND seal_last = u.id) ORDER BY id`, int64(usersBefore))
	if err != nil {
		return err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[records.ID])
	if err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := s.appendAudit(ctx, tx, a, records.AuditSeal, "user", id, fmt.Sprintf("user %d recorded", id)); err != nil {
			return err
		}
	}
	return nil
}

// sealRows computes the seal of the rows of table with ids first..last;
// found is false when there is no such row at all.
func sealRows(ctx context.Context, tx pgx.Tx, table string, first, last records.ID) (records.Seal, bool, error) {
	h, n, err := hashRows(ctx, tx, table, first, last)
	if err != nil || n == 0 {
		return records.Seal{}, false, err
	}
	return records.Seal{Table: table, First: first, Last: last, Hash: h.Sum()}, true, nil
}

// hashRows hashes the rows of table with ids first..last in id order and
// returns how many there were.
func hashRows(ctx context.Context, tx pgx.Tx, table string, first, last records.ID) (*records.SealHasher, int, error) {
	rows, err := tx.Query(ctx, "SELECT "+rowTextSQL(table)+" FROM "+table+" WHERE id BETWEEN $1 AND $2 ORDER BY id", int64(first), int64(last))
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	h := records.NewSealHasher()
	var text []byte
	for rows.Next() {
		if err := rows.Scan(&text); err != nil {
			return nil, 0, err
		}
		h.AddBytes(text)
	}
	return h, h.Rows(), rows.Err()
}

// sealRef is one seal as stored, with the event that carries it.
type sealRef struct {
	event records.ID
	seal  records.Seal
}

func movementProblem(id, event records.ID, format string, args ...any) *records.ChainProblem {
	return &records.ChainProblem{Table: "movements", RowID: id, EventID: event, Reason: fmt.Sprintf(format, args...)}
}

// sealVerdict judges a movement seal once the n rows of its range were
// hashed into h.
func sealVerdict(r sealRef, n int, h *records.SealHasher) *records.ChainProblem {
	switch {
	case n == 0 && r.seal.First == r.seal.Last:
		return movementProblem(r.seal.First, r.event, "movement %d, recorded by audit event %d, is gone (deleted?)", r.seal.First, r.event)
	case n == 0:
		return movementProblem(r.seal.First, r.event, "movements %d to %d, recorded by audit event %d, are gone (deleted?)", r.seal.First, r.seal.Last, r.event)
	case h.Sum() == r.seal.Hash:
		return nil
	case r.seal.First == r.seal.Last:
		return movementProblem(r.seal.First, r.event, "movement %d was changed after audit event %d recorded it", r.seal.First, r.event)
	}
	return movementProblem(r.seal.First, r.event, "one of movements %d to %d was changed or deleted after audit event %d recorded them", r.seal.First, r.seal.Last, r.event)
}

// verifySeals checks the sealed tables against the audit log, whose chain
// must already have verified: every movement (full) or the movements sealed
// by events after sinceEvent and any written after the newest seal
// (incremental), then every user's row against its latest seal. It returns
// the first bad row.
func verifySeals(ctx context.Context, tx pgx.Tx, full bool, sinceEvent records.ID) (*records.ChainProblem, error) {
	if full {
		sinceEvent = 0
	}
	p, err := verifyMovements(ctx, tx, sinceEvent)
	if err != nil || p != nil {
		return p, err
	}
	return verifyUsers(ctx, tx)
}

// verifyMovements walks the movement seals of the events after sinceEvent
// and the movements they cover side by side, in id order: every movement
// in a seal's range must still hash to it, and a movement outside every
// range was not recorded by Chartroom. The seals' ranges follow each other
// in event order because their writers held the audit lock in turn
// (migration 0010); a log out of that order is reported, not passed.
func verifyMovements(ctx context.Context, tx pgx.Tx, sinceEvent records.ID) (*records.ChainProblem, error) {
	var from records.ID // movements after this are checked
	if sinceEvent > 0 {
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(seal_last), 0) FROM audit
			WHERE seal_table = 'movements' AND id <= $1`, int64(sinceEvent)).Scan(&from); err != nil {
			return nil, err
		}
	}
	seals, err := tx.Query(ctx, `SELECT id, seal_first, seal_last, seal_hash FROM audit
		WHERE seal_table = 'movements' AND id > $1 ORDER BY id`, int64(sinceEvent))
	if err != nil {
		return nil, err
	}
	refs, err := pgx.CollectRows(seals, func(row pgx.CollectableRow) (sealRef, error) {
		r := sealRef{seal: records.Seal{Table: "movements"}}
		err := row.Scan(&r.event, &r.seal.First, &r.seal.Last, &r.seal.Hash)
		return r, err
	})
	if err != nil {
		return nil, err
	}
	// The movements are read in one pass beside the seals; pgx reads one
	// result at a time on a connection, so the seals were read first.
	mov, err := tx.Query(ctx, "SELECT id, "+rowTextSQL("movements")+" FROM movements WHERE id > $1 ORDER BY id", int64(from))
	if err != nil {
		return nil, err
	}
	defer mov.Close()
	var cur struct {
		id   records.ID
		text []byte
		ok   bool
	}
	next := func() error {
		cur.ok = mov.Next()
		if !cur.ok {
			return mov.Err()
		}
		return mov.Scan(&cur.id, &cur.text)
	}
	if err := next(); err != nil {
		return nil, err
	}
	h := records.NewSealHasher()
	sealed := from
	for _, r := range refs {
		if r.seal.First <= sealed {
			return movementProblem(r.seal.First, r.event, "audit event %d seals movements %d to %d, which an earlier event sealed", r.event, r.seal.First, r.seal.Last), nil
		}
		if cur.ok && cur.id < r.seal.First {
			return movementProblem(cur.id, 0, "movement %d was not recorded by Chartroom (inserted behind its back?)", cur.id), nil
		}
		h.Reset()
		n := 0
		for cur.ok && cur.id <= r.seal.Last {
			h.AddBytes(cur.text)
			n++
			if err := next(); err != nil {
				return nil, err
			}
		}
		if p := sealVerdict(r, n, h); p != nil {
			return p, nil
		}
		sealed = r.seal.Last
	}
	if cur.ok {
		return movementProblem(cur.id, 0, "movement %d was not recorded by Chartroom (inserted behind its back?)", cur.id), nil
	}
	return nil, nil
}

// verifyUsers compares every user row with the latest seal of that user.
func verifyUsers(ctx context.Context, tx pgx.Tx) (*records.ChainProblem, error) {
	rows, err := tx.Query(ctx, `SELECT DISTINCT ON (seal_last) seal_last, seal_hash, id FROM audit
		WHERE seal_table = 'users' ORDER BY seal_last, id DESC`)
	if err != nil {
		return nil, err
	}
	refs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (sealRef, error) {
		r := sealRef{seal: records.Seal{Table: "users"}}
		err := row.Scan(&r.seal.Last, &r.seal.Hash, &r.event)
		r.seal.First = r.seal.Last
		return r, err
	})
	if err != nil {
		return nil, err
	}
	latest := map[records.ID]sealRef{}
	for _, r := range refs {
		latest[r.seal.Last] = r
	}
	users, err := tx.Query(ctx, "SELECT id, username, "+rowTextSQL("users")+" FROM users ORDER BY id")
	if err != nil {
		return nil, err
	}
	defer users.Close()
	for users.Next() {
		var id records.ID
		var name, text string
		if err := users.Scan(&id, &name, &text); err != nil {
			return nil, err
		}
		r, ok := latest[id]
		delete(latest, id)
		if p := records.UserSealProblem(id, name, text, r.event, r.seal.Hash, ok); p != nil {
			return p, nil
		}
	}
	if err := users.Err(); err != nil {
		return nil, err
	}
	// refs are in user id order: the first one left is the lowest gone.
	for _, r := range refs {
		if _, gone := latest[r.seal.Last]; gone {
			return &records.ChainProblem{Table: "users", RowID: r.seal.Last, EventID: r.event,
				Reason: fmt.Sprintf("user %d, recorded by audit event %d, is gone (deleted?)", r.seal.Last, r.event)}, nil
		}
	}
	return nil, nil
}
