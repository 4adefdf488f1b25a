package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/chartroom/chartroom/records"
)

// DefaultSearchLimit is used when a caller asks for no limit.
const DefaultSearchLimit = 50

// hitColumns are a patient's columns with its folder counts. Both counts
// come from one subquery that reads only the volumes_patient_state index (no
// folder row), packed into one integer (folders << 32 | out; see
// folderCounts): a second subquery was a second index descent for each of
// the fifty rows of a name search.
const hitColumns = patientColumns + `,
	(SELECT count(*) << 32 | count(*) FILTER (WHERE c.state <> 'in-file') FROM volumes c WHERE c.patient_id = p.id)`

// folderCounts reads the packed counts of hitColumns.
type folderCounts struct{ all, out *int }

func (c folderCounts) Scan(v any) error {
	n, ok := v.(int64)
	if !ok {
		return fmt.Errorf("cannot read %T as folder counts", v)
	}
	*c.all, *c.out = int(n>>32), int(n&0xFFFFFFFF)
	return nil
}

// finder runs the lookups of a search box inside one transaction, keeping
// hits unique and in the order found.
type finder struct {
	q     querier
	limit int
	seen  map[records.ID]bool
	hits  []records.SearchHit
}

func newFinder(q querier, limit int) *finder {
	if limit <= 0 {
		limit = DefaultSearchLimit
	}
	return &finder{q: q, limit: limit, seen: map[records.ID]bool{}}
}

func (f *finder) full() bool { return len(f.hits) >= f.limit }

func (f *finder) add(h records.SearchHit) {
	if f.full() || f.seen[h.ID] {
		return
	}
	f.seen[h.ID] = true
	f.hits = append(f.hits, h)
}

// find runs a parsed query: a number is an exact chart number (a retired one
// finds its survivor) or another system's id, then chart numbers starting
// with the typed digits, then a barcode; a code is a barcode, or else
// another system's id or a surname; a name is another system's id or a
// surname (and given name) prefix.
func (f *finder) find(ctx context.Context, q records.Query, width int) error {
	switch q.Kind {
	case records.QueryNumber:
		if mrn, err := records.NormalizeMRN(q.Digits, width); err == nil {
			if err := f.exactMRN(ctx, mrn); err != nil {
				return err
			}
		}
		if err := f.externalID(ctx, q.Raw); err != nil {
			return err
		}
		// A whole chart number that was found is the only chart it
		// prefixes: the range scan would find it again.
		if len(f.hits) == 0 || len(q.Digits) < width {
			if err := f.mrnPrefix(ctx, q.Digits); err != nil {
				return err
			}
		}
		return f.barcode(ctx, q.Code)
	case records.QueryCode:
		if err := f.barcode(ctx, q.Code); err != nil || len(f.hits) > 0 {
			// A scan that names a folder is that folder: the surname
			// lookup would cost the scan desk a second query for names
			// that do not have digits in them.
			return err
		}
		if err := f.externalID(ctx, q.Raw); err != nil {
			return err
		}
		return f.name(ctx, q.Last, q.First)
	case records.QueryName:
		if err := f.externalID(ctx, q.Raw); err != nil {
			return err
		}
		return f.name(ctx, q.Last, q.First)
	}
	return nil
}

// externalID finds the patient another system knows by the typed id (case
// aside), through the unique index of external ids.
func (f *finder) externalID(ctx context.Context, raw string) error {
	if f.full() || raw == "" || len(raw) > records.MaxExternalIDLength {
		return nil
	}
	return f.query(ctx, "external id", `SELECT `+hitColumns+` FROM patients p WHERE p.external_id = ? AND p.external_id <> ''`, raw)
}

// exactMRN finds the chart with the number mrn: a live chart is one
// statement with its folder counts (the scan desk's common case); a retired
// one finds its survivor.
func (f *finder) exactMRN(ctx context.Context, mrn string) error {
	var hit *records.SearchHit
	err := f.scan(ctx, "mrn", func(h records.SearchHit) { hit = &h }, `SELECT `+hitColumns+` FROM patients p WHERE p.mrn = ?`, mrn)
	if err != nil || hit == nil {
		return err
	}
	if hit.Status != records.PatientMerged {
		f.add(*hit)
		return nil
	}
	p, _, err := resolveMRN(ctx, f.q, mrn)
	if records.ErrorCode(err) == records.ENotFound {
		return nil
	}
	if err != nil {
		return err
	}
	return f.query(ctx, "merged", `SELECT `+hitColumns+` FROM patients p WHERE p.id = ?`, int64(p.ID))
}

// mrnPrefix is a range scan on the chart number index.
func (f *finder) mrnPrefix(ctx context.Context, digits string) error {
	if f.full() || digits == "" {
		return nil
	}
	return f.query(ctx, "mrn", `SELECT `+hitColumns+` FROM patients p
		WHERE p.mrn >= ? AND p.mrn < ? AND p.status <> 'merged' ORDER BY p.mrn `+limitClause(f.limit+len(f.hits)),
		digits, records.PrefixUpperBound(digits))
}

func (f *finder) barcode(ctx context.Context, code string) error {
	if f.full() || code == "" {
		return nil
	}
	return f.query(ctx, "barcode", `SELECT `+hitColumns+` FROM patients p
		WHERE p.id = (SELECT patient_id FROM volumes WHERE barcode = ?)`, code)
}

// name is a range scan on the folded surname index; the given-name prefix
// filters inside the index and the index order is the result order, so a
// page of hits costs a few index pages even at a million patients.
func (f *finder) name(ctx context.Context, last, first string) error {
	if f.full() || (last == "" && first == "") {
		return nil
	}
	query, args := nameQuery(last, first, f.limit+len(f.hits))
	return f.query(ctx, "name", query, args...)
}

// nameQuery builds the name-prefix search; the query-plan test checks it.
func nameQuery(last, first string, limit int) (string, []any) {
	var where []string
	var args []any
	prefix := func(col, p string) {
		where, args = append(where, col+" >= ?"), append(args, p)
		if ub := records.PrefixUpperBound(p); ub != "" {
			where, args = append(where, col+" < ?"), append(args, ub)
		}
	}
	if last != "" {
		prefix("p.last_fold", last)
	}
	if first != "" {
		prefix("p.first_fold", first)
	}
	where = append(where, "p.status <> 'merged'")
	return `SELECT ` + hitColumns + ` FROM patients p INDEXED BY patients_name WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY p.last_fold, p.first_fold, p.id ` + limitClause(limit), args
}

// limitClause writes a LIMIT as a literal, not a bound parameter: SQLite
// reads a bound LIMIT while planning, so binding it again (even to the same
// value) makes the cached statement recompile at its next step, a large
// share of a chart-number search in pprof. The search box asks
// for a few limits only, so a literal costs the statement cache a few
// entries.
func limitClause(n int) string { return "LIMIT " + strconv.Itoa(n) }

func (f *finder) query(ctx context.Context, matchedBy, query string, args ...any) error {
	return f.scan(ctx, matchedBy, f.add, query, args...)
}

// scan runs a query of hitColumns and hands each hit to each.
func (f *finder) scan(ctx context.Context, matchedBy string, each func(records.SearchHit), query string, args ...any) error {
	rows, err := f.q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		h := records.SearchHit{MatchedBy: matchedBy}
		if err := rows.Scan(append(patientDest(&h.Patient), folderCounts{&h.Volumes, &h.Out})...); err != nil {
			return err
		}
		each(h)
	}
	return rows.Err()
}

// Search runs a search-box query and records it (one "search" event with
// the query text and the number of hits).
func (s *Store) Search(ctx context.Context, query string, limit int) ([]records.SearchHit, error) {
	a, err := records.Require(ctx, records.RoleClerk, "search for patients")
	if err != nil {
		return nil, err
	}
	q := records.ParseQuery(query)
	if q.Kind == records.QueryEmpty {
		return nil, nil
	}
	var hits []records.SearchHit
	err = s.look(ctx, "search", func(tx *sql.Tx) error {
		width := 0 // only a number needs the chart-number width
		if q.Kind == records.QueryNumber {
			if width, err = mrnWidth(ctx, tx); err != nil {
				return err
			}
		}
		f := newFinder(tx, limit)
		if err := f.find(ctx, q, width); err != nil {
			return err
		}
		hits = f.hits
		return s.auditor(tx, a).add(ctx, records.AuditSearch, "patient", 0, "search %q: %d hits", q.Raw, len(hits))
	})
	return hits, err
}

// maxWherePatients bounds how many patients a name typed into `where`
// lists the folders of.
const maxWherePatients = 20

// Where finds the folders a query names: a barcode gives that folder, a
// chart number or name every folder of the patients found. Each patient
// shown is recorded as viewed.
func (s *Store) Where(ctx context.Context, query string) ([]records.Volume, error) {
	a, err := records.Require(ctx, records.RoleClerk, "find folders")
	if err != nil {
		return nil, err
	}
	q := records.ParseQuery(query)
	if q.Kind == records.QueryEmpty {
		return nil, records.Errorf(records.EInvalid, "type a chart number, barcode or name")
	}
	var out []records.Volume
	err = s.look(ctx, "find folders", func(tx *sql.Tx) error {
		au := s.auditor(tx, a)
		if q.Kind == records.QueryCode || q.Kind == records.QueryNumber {
			if v, err := scanVolume(tx.QueryRowContext(ctx, volumeSelect+" WHERE v.barcode = ?", q.Code)); err == nil {
				out = []records.Volume{v}
				return au.add(ctx, records.AuditView, "volume", v.ID, "where %q: folder %s of chart %s", q.Raw, v.Barcode, v.MRN)
			} else if err != sql.ErrNoRows {
				return err
			}
		}
		width, err := mrnWidth(ctx, tx)
		if err != nil {
			return err
		}
		f := newFinder(tx, maxWherePatients)
		if q.Kind == records.QueryNumber {
			// A chart number means that chart, not every chart it
			// prefixes; another system's id made of digits is found too.
			if err := f.externalID(ctx, q.Raw); err != nil {
				return err
			}
			mrn, err := records.NormalizeMRN(q.Digits, width)
			if err != nil && len(f.hits) == 0 {
				return records.FieldError("MRN", "%s", err.Error())
			}
			if err == nil {
				if err := f.exactMRN(ctx, mrn); err != nil {
					return err
				}
			}
		} else if err := f.find(ctx, q, width); err != nil {
			return err
		}
		if len(f.hits) == 0 {
			return records.Errorf(records.ENotFound, "nothing matches %q", q.Raw)
		}
		for _, h := range f.hits {
			vs, err := queryVolumes(ctx, tx, volumeSelect+" WHERE v.patient_id = ? ORDER BY "+filingOrder, int64(h.ID))
			if err != nil {
				return err
			}
			out = append(out, vs...)
			if err := au.add(ctx, records.AuditView, "patient", h.ID, "where %q: chart %s", q.Raw, h.MRN); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}
