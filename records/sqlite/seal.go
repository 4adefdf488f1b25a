package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/chartroom/chartroom/records"
)

// Sealing (see records/seal.go for the design): the audit events of a
// write transaction vouch for the movements and user rows it wrote.
//
// It is automatic, so no service can forget it: write() notes the newest
// movement and user at BEGIN IMMEDIATE (rows already there were sealed by
// earlier transactions, or were put there behind Chartroom's back and must
// stay unsealed); every audit event added then seals the movements written
// since the last seal, and an event about a user seals that user's row as
// it is now; at the end, rows still unsealed get an event of their own.

// sealedColumns are the columns a seal covers, per table. Every column a
// person could forge is in.
var sealedColumns = map[string][]string{
	"movements": {"id", "volume_id", "kind", "at", "user_id", "from_borrower_id", "to_borrower_id",
		"from_location_id", "to_location_id", "due", "note"},
	"users": {"id", "username", "display_name", "role", "active", "password_hash", "failed_logins",
		"locked_until", "created_at", "last_sign_in"},
}

// rowTextSQL is an SQL expression giving a row's canonical text (see
// appendRowText): each column as its storage type and the hex of its bytes
// (NULL as N), so no two different rows read the same and embedded NULs
// count.
func rowTextSQL(table string) string {
	return "chartroom_row_text(" + strings.Join(sealedColumns[table], ", ") + ")"
}

// txSeals is what one write transaction has sealed so far.
type txSeals struct {
	movSealed   records.ID          // movements up to this id are sealed
	usersBefore records.ID          // users up to this id existed at BEGIN
	users       map[records.ID]bool // users sealed in this transaction
	checked     map[records.ID]bool // users whose row matched its seal before this transaction changed it
	pre         records.Seal        // movements sealed as they were written (preseal.go)
}

func maxIDs(ctx context.Context, q querier) (mov, users records.ID, err error) {
	err = q.QueryRowContext(ctx, "SELECT (SELECT coalesce(max(id), 0) FROM movements), (SELECT coalesce(max(id), 0) FROM users)").Scan(&mov, &users)
	return mov, users, err
}

// beginSeals starts sealing for a write transaction that just began.
func (s *Store) beginSeals(ctx context.Context, tx *sql.Tx) error {
	mov, users, err := maxIDs(ctx, tx)
	if err != nil {
		return err
	}
	s.sealMu.Lock()
	defer s.sealMu.Unlock()
	if s.seals == nil {
		s.seals = map[*sql.Tx]*txSeals{}
	}
	s.seals[tx] = &txSeals{movSealed: mov, usersBefore: users, users: map[records.ID]bool{}, checked: map[records.ID]bool{}}
	return nil
}

func (s *Store) endSeals(tx *sql.Tx) {
	s.sealMu.Lock()
	defer s.sealMu.Unlock()
	delete(s.seals, tx)
}

func (s *Store) sealState(tx *sql.Tx) *txSeals {
	s.sealMu.Lock()
	defer s.sealMu.Unlock()
	return s.seals[tx]
}

// sealFor is the seal the next audit event of tx carries: the user row the
// event is about, else the movements written since the last seal.
func (s *Store) sealFor(ctx context.Context, tx *sql.Tx, entity string, id records.ID) (records.Seal, error) {
	st := s.sealState(tx)
	if st == nil {
		return records.Seal{}, nil
	}
	if entity == "user" && id != 0 {
		// Sealing a row forged behind Chartroom's back would bless it: a
		// clerk who made themself admin in the file would erase the
		// evidence by signing in.
		if err := s.touchUser(ctx, tx, id); err != nil {
			return records.Seal{}, err
		}
		seal, found, err := sealRows(ctx, tx, "users", id, id)
		if err != nil || !found {
			return records.Seal{}, err
		}
		st.users[id] = true
		return seal, nil
	}
	mov, _, err := maxIDs(ctx, tx)
	if err != nil || mov <= st.movSealed {
		return records.Seal{}, err
	}
	seal := st.pre
	if seal.IsZero() || seal.First != st.movSealed+1 || seal.Last != mov {
		if seal, _, err = sealRows(ctx, tx, "movements", st.movSealed+1, mov); err != nil {
			return records.Seal{}, err
		}
	}
	st.movSealed = mov
	return seal, nil
}

// touchUser must come before a write changes user id's row (and comes
// before any audit event about the user seals it): it refuses to go on
// when the row no longer matches its latest seal. Rows this transaction
// created or already sealed need no check. A change that forgets to call
// it is refused too, by sealFor, because its row then differs from the
// seal.
func (s *Store) touchUser(ctx context.Context, tx *sql.Tx, id records.ID) error {
	st := s.sealState(tx)
	if st == nil || id > st.usersBefore || st.checked[id] || st.users[id] {
		return nil
	}
	if ok, err := hasSeals(ctx, tx); err != nil || !ok {
		return err
	}
	p, err := checkUserRow(ctx, tx, id)
	if err != nil {
		return err
	}
	if p != nil {
		return records.Errorf(records.EUnauthorized, "%s; this account cannot be used or changed until an administrator runs `chartroom verify` and restores the latest good backup", p.Reason)
	}
	st.checked[id] = true
	return nil
}

// checkUserRow compares one user's row with that user's latest seal; a
// missing row is no problem here (the caller's query finds it missing).
func checkUserRow(ctx context.Context, q querier, id records.ID) (*records.ChainProblem, error) {
	var name, text string
	err := q.QueryRowContext(ctx, "SELECT username, "+rowTextSQL("users")+" FROM users WHERE id = ?", int64(id)).Scan(&name, &text)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	r := sealRef{seal: records.Seal{Table: "users", First: id, Last: id}}
	err = q.QueryRowContext(ctx, `SELECT id, seal_hash FROM audit
		WHERE seal_table = 'users' AND seal_table <> '' AND seal_last = ? ORDER BY id DESC LIMIT 1`, int64(id)).Scan(&r.event, &r.seal.Hash)
	found := err == nil
	if err != nil && err != sql.ErrNoRows {
		return nil, err
	}
	return records.UserSealProblem(id, name, text, r.event, r.seal.Hash, found), nil
}

// finishSeals seals what the transaction wrote that no audit event sealed.
func (s *Store) finishSeals(ctx context.Context, tx *sql.Tx) error {
	st := s.sealState(tx)
	if st == nil {
		return nil
	}
	mov, users, err := maxIDs(ctx, tx)
	if err != nil {
		return err
	}
	a, _ := records.ActorFrom(ctx)
	if a.Username == "" {
		a.Username = "chartroom"
	}
	au := s.auditor(tx, a)
	if mov > st.movSealed {
		if err := au.add(ctx, records.AuditSeal, "movement", st.movSealed+1, "movements %d to %d recorded", st.movSealed+1, mov); err != nil {
			return err
		}
	}
	for id := st.usersBefore + 1; id <= users; id++ {
		if !st.users[id] {
			if err := au.add(ctx, records.AuditSeal, "user", id, "user %d recorded", id); err != nil {
				return err
			}
		}
	}
	return nil
}

// sealRows computes the seal of rows first..last of table; found is false
// when there is no such row at all.
func sealRows(ctx context.Context, q querier, table string, first, last records.ID) (records.Seal, bool, error) {
	h, ids, err := hashRows(ctx, q, table, first, last)
	if err != nil || ids == 0 {
		return records.Seal{}, false, err
	}
	return records.Seal{Table: table, First: first, Last: last, Hash: h.Sum()}, true, nil
}

// hashRows hashes the rows first..last of table in id order and returns how
// many there were.
func hashRows(ctx context.Context, q querier, table string, first, last records.ID) (*records.SealHasher, int, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+rowTextSQL(table)+" FROM "+table+" WHERE id BETWEEN ? AND ? ORDER BY id", int64(first), int64(last))
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	h := records.NewSealHasher()
	for rows.Next() {
		var text string
		if err := rows.Scan(&text); err != nil {
			return nil, 0, err
		}
		h.Add(text)
	}
	return h, h.Rows(), rows.Err()
}

// sealExisting runs once, with migration 5: it seals the movements and users
// already in a database made before seals existed, so that from then on
// every row is vouched for.
func sealExisting(ctx context.Context, tx *sql.Tx) error {
	au := (&Store{now: time.Now}).auditor(tx, records.Actor{Username: "chartroom upgrade"})
	mov, users, err := maxIDs(ctx, tx)
	if err != nil {
		return err
	}
	if mov > 0 {
		seal, found, err := sealRows(ctx, tx, "movements", 1, mov)
		if err != nil {
			return err
		}
		if found {
			if err := au.addSealed(ctx, seal, records.AuditSeal, "movement", 1, "movements 1 to %d sealed at the upgrade", mov); err != nil {
				return err
			}
		}
	}
	rows, err := tx.QueryContext(ctx, "SELECT id FROM users WHERE id <= ? ORDER BY id", int64(users))
	if err != nil {
		return err
	}
	var ids []records.ID
	for rows.Next() {
		var id records.ID
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	for _, id := range ids {
		seal, _, err := sealRows(ctx, tx, "users", id, id)
		if err != nil {
			return err
		}
		if err := au.addSealed(ctx, seal, records.AuditSeal, "user", id, "user %d sealed at the upgrade", id); err != nil {
			return err
		}
	}
	return nil
}

// hasSeals reports whether the file's audit table has seal columns (a
// backup made before migration 5 has none).
func hasSeals(ctx context.Context, q querier) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, "SELECT count(*) FROM pragma_table_info('audit') WHERE name = 'seal_table'").Scan(&n)
	return n > 0, err
}

// verifySeals checks the sealed tables against the audit log, whose chain
// must already have verified: every movement (full) or the movements sealed
// by events after sinceEvent and any written after the last seal
// (incremental), then every user's row against its latest seal. It returns
// the first bad row.
func verifySeals(ctx context.Context, q querier, full bool, sinceEvent records.ID) (*records.ChainProblem, error) {
	if ok, err := hasSeals(ctx, q); err != nil || !ok {
		return nil, err
	}
	var p *records.ChainProblem
	var err error
	if full {
		p, err = verifyAllMovements(ctx, q)
	} else {
		p, err = verifyNewMovements(ctx, q, sinceEvent)
	}
	if err != nil || p != nil {
		return p, err
	}
	return verifyUsers(ctx, q)
}

// sealRef is one seal as stored, with the event that carries it.
type sealRef struct {
	event records.ID
	seal  records.Seal
}

func movementProblem(id, event records.ID, format string, args ...any) *records.ChainProblem {
	return &records.ChainProblem{Table: "movements", RowID: id, EventID: event, Reason: fmt.Sprintf(format, args...)}
}

// checkMovementSeal compares one seal with the rows now in the table.
func checkMovementSeal(ctx context.Context, q querier, r sealRef) (*records.ChainProblem, error) {
	rows, err := q.QueryContext(ctx, "SELECT id, "+rowTextSQL("movements")+" FROM movements WHERE id BETWEEN ? AND ? ORDER BY id",
		int64(r.seal.First), int64(r.seal.Last))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	h := records.NewSealHasher()
	want := r.seal.First
	var id int64
	var text sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&id, &text); err != nil {
			return nil, err
		}
		if records.ID(id) != want {
			break
		}
		h.AddBytes(text)
		want++
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return sealVerdict(r, want, h), nil
}

// sealVerdict judges a movement seal once its rows were hashed; want is the
// first id of the range that was not found.
func sealVerdict(r sealRef, want records.ID, h *records.SealHasher) *records.ChainProblem {
	if want <= r.seal.Last {
		return movementProblem(want, r.event, "movement %d, recorded by audit event %d, is gone (deleted?)", want, r.event)
	}
	if h.Sum() == r.seal.Hash {
		return nil
	}
	if r.seal.First == r.seal.Last {
		return movementProblem(r.seal.First, r.event, "movement %d was changed after audit event %d recorded it", r.seal.First, r.event)
	}
	return movementProblem(r.seal.First, r.event, "one of movements %d to %d was changed after audit event %d recorded them", r.seal.First, r.seal.Last, r.event)
}

// verifyAllMovements walks the movements and their seals side by side, in
// id order: every movement must be covered by exactly one seal that still
// matches.
func verifyAllMovements(ctx context.Context, q querier) (*records.ChainProblem, error) {
	// In event order, which is the order of the movements they seal: a
	// movement and the event that seals it are written in one transaction,
	// transactions one after the other, so both ids only grow. Sorting by
	// seal_first instead cost a sort of every movement, most of a full
	// check at a million patients; a log out of that order (which no
	// writer makes) is reported, not passed.
	seals, err := q.QueryContext(ctx, `SELECT id, seal_first, seal_last, seal_hash FROM audit
		WHERE seal_table = 'movements' ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer seals.Close()
	// Both result sets are read at once: two statements on one connection.
	mov, err := q.QueryContext(ctx, "SELECT id, "+rowTextSQL("movements")+" FROM movements ORDER BY id")
	if err != nil {
		return nil, err
	}
	defer mov.Close()
	type row struct {
		id   records.ID
		text sql.RawBytes // valid until the next row is read
		ok   bool
	}
	var id int64 // not a records.ID: database/sql converts those through reflect
	var text sql.RawBytes
	next := func() (row, error) {
		if !mov.Next() {
			return row{}, mov.Err()
		}
		err := mov.Scan(&id, &text)
		return row{id: records.ID(id), text: text, ok: true}, err
	}
	cur, err := next()
	if err != nil {
		return nil, err
	}
	h := records.NewSealHasher()
	for seals.Next() {
		r := sealRef{seal: records.Seal{Table: "movements"}}
		if err := seals.Scan(&r.event, &r.seal.First, &r.seal.Last, &r.seal.Hash); err != nil {
			return nil, err
		}
		if cur.ok && cur.id < r.seal.First {
			return movementProblem(cur.id, 0, "movement %d was not recorded by Chartroom (inserted behind its back?)", cur.id), nil
		}
		h.Reset()
		want := r.seal.First
		for ; want <= r.seal.Last && cur.ok && cur.id == want; want++ {
			h.AddBytes(cur.text)
			if cur, err = next(); err != nil {
				return nil, err
			}
		}
		if p := sealVerdict(r, want, h); p != nil {
			return p, nil
		}
	}
	if err := seals.Err(); err != nil {
		return nil, err
	}
	if cur.ok {
		return movementProblem(cur.id, 0, "movement %d was not recorded by Chartroom (inserted behind its back?)", cur.id), nil
	}
	return nil, nil
}

// verifyNewMovements checks the seals of the events after sinceEvent and
// that no movement was added after the newest seal.
func verifyNewMovements(ctx context.Context, q querier, sinceEvent records.ID) (*records.ChainProblem, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, seal_first, seal_last, seal_hash FROM audit
		WHERE id > ? AND seal_table = 'movements' ORDER BY id`, int64(sinceEvent))
	if err != nil {
		return nil, err
	}
	var refs []sealRef
	for rows.Next() {
		r := sealRef{seal: records.Seal{Table: "movements"}}
		if err := rows.Scan(&r.event, &r.seal.First, &r.seal.Last, &r.seal.Hash); err != nil {
			rows.Close()
			return nil, err
		}
		refs = append(refs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, r := range refs {
		if p, err := checkMovementSeal(ctx, q, r); err != nil || p != nil {
			return p, err
		}
	}
	var sealed, newest records.ID
	if err := q.QueryRowContext(ctx, `SELECT (SELECT coalesce(max(seal_last), 0) FROM audit WHERE seal_table = 'movements' AND seal_table <> ''),
		(SELECT coalesce(max(id), 0) FROM movements)`).Scan(&sealed, &newest); err != nil {
		return nil, err
	}
	if newest > sealed {
		return movementProblem(sealed+1, 0, "movement %d was not recorded by Chartroom (inserted behind its back?)", sealed+1), nil
	}
	if newest < sealed {
		return movementProblem(newest+1, 0, "movement %d was recorded but is gone (deleted?)", newest+1), nil
	}
	return nil, nil
}

// verifyUsers compares every user row with the latest seal of that user.
func verifyUsers(ctx context.Context, q querier) (*records.ChainProblem, error) {
	// SQLite takes the bare columns from the row that has max(id).
	rows, err := q.QueryContext(ctx, `SELECT seal_last, seal_hash, max(id) FROM audit
		WHERE seal_table = 'users' AND seal_table <> '' GROUP BY seal_last`)
	if err != nil {
		return nil, err
	}
	latest := map[records.ID]sealRef{}
	for rows.Next() {
		r := sealRef{seal: records.Seal{Table: "users"}}
		if err := rows.Scan(&r.seal.Last, &r.seal.Hash, &r.event); err != nil {
			rows.Close()
			return nil, err
		}
		r.seal.First = r.seal.Last
		latest[r.seal.Last] = r
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	users, err := q.QueryContext(ctx, "SELECT id, username, "+rowTextSQL("users")+" FROM users ORDER BY id")
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
	var gone records.ID
	for id, r := range latest {
		if gone == 0 || id < gone {
			gone = r.seal.Last
		}
	}
	if gone != 0 {
		r := latest[gone]
		return &records.ChainProblem{Table: "users", RowID: gone, EventID: r.event, Reason: fmt.Sprintf("user %d, recorded by audit event %d, is gone (deleted?)", gone, r.event)}, nil
	}
	return nil, nil
}
