package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/chartroom/chartroom/records"
)

// DefaultSearchLimit is used when a caller asks for no limit.
const DefaultSearchLimit = 50

// hitColumns are a patient's columns with its folder counts.
const hitColumns = patientColumns + `,
	(SELECT count(*) FROM volumes c WHERE c.patient_id = p.id),
	(SELECT count(*) FROM volumes c WHERE c.patient_id = p.id AND c.state <> 'in-file')`

// finder runs the lookups of a search box inside one transaction, keeping
// hits unique and in the order found.
type finder struct {
	tx    pgx.Tx
	limit int
	seen  map[records.ID]bool
	hits  []records.SearchHit
}

func newFinder(tx pgx.Tx, limit int) *finder {
	if limit <= 0 {
		limit = DefaultSearchLimit
	}
	return &finder{tx: tx, limit: limit, seen: map[records.ID]bool{}}
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
			// A scan that names a folder is that folder.
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
// aside).
func (f *finder) externalID(ctx context.Context, raw string) error {
	if f.full() || raw == "" || len(raw) > records.MaxExternalIDLength {
		return nil
	}
	return f.query(ctx, "external id", `SELECT `+hitColumns+` FROM patients p WHERE lower(p.external_id) = lower($1) AND p.external_id <> ''`, raw)
}

// exactMRN finds the chart with the number mrn; a retired one finds its
// survivor.
func (f *finder) exactMRN(ctx context.Context, mrn string) error {
	var hit *records.SearchHit
	err := f.scan(ctx, "mrn", func(h records.SearchHit) { hit = &h }, `SELECT `+hitColumns+` FROM patients p WHERE p.mrn = $1`, mrn)
	if err != nil || hit == nil {
		return err
	}
	if hit.Status != records.PatientMerged {
		f.add(*hit)
		return nil
	}
	p, _, err := resolveMRN(ctx, f.tx, mrn)
	if records.ErrorCode(err) == records.ENotFound {
		return nil
	}
	if err != nil {
		return err
	}
	return f.query(ctx, "merged", `SELECT `+hitColumns+` FROM patients p WHERE p.id = $1`, int64(p.ID))
}

// mrnPrefix is a range scan on the chart numbers, compared byte by byte.
func (f *finder) mrnPrefix(ctx context.Context, digits string) error {
	if f.full() || digits == "" {
		return nil
	}
	return f.query(ctx, "mrn", `SELECT `+hitColumns+` FROM patients p
		WHERE p.mrn COLLATE "C" >= $1 AND p.mrn COLLATE "C" < $2 AND p.status <> 'merged' ORDER BY p.mrn COLLATE "C" `+limitClause(f.limit+len(f.hits)),
		digits, records.PrefixUpperBound(digits))
}

func (f *finder) barcode(ctx context.Context, code string) error {
	if f.full() || code == "" {
		return nil
	}
	return f.query(ctx, "barcode", `SELECT `+hitColumns+` FROM patients p
		WHERE p.id = (SELECT patient_id FROM volumes WHERE barcode = $1)`, code)
}

// name is a range scan on the folded surname (and given name) prefix,
// compared byte by byte as records.PrefixUpperBound means.
func (f *finder) name(ctx context.Context, last, first string) error {
	if f.full() || (last == "" && first == "") {
		return nil
	}
	query, args := nameQuery(last, first, f.limit+len(f.hits))
	return f.query(ctx, "name", query, args...)
}

// nameQuery builds the name-prefix search.
func nameQuery(last, first string, limit int) (string, []any) {
	var where []string
	var args []any
	prefix := func(col, p string) {
		args = append(args, p)
		where = append(where, fmt.Sprintf(`(%s COLLATE "C") >= $%d`, col, len(args)))
		if ub := records.PrefixUpperBound(p); ub != "" {
			args = append(args, ub)
			where = append(where, fmt.Sprintf(`(%s COLLATE "C") < $%d`, col, len(args)))
		}
	}
	if last != "" {
		prefix("p.last_fold", last)
	}
	if first != "" {
		prefix("p.first_fold", first)
	}
	where = append(where, "p.status <> 'merged'")
	return `SELECT ` + hitColumns + ` FROM patients p WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY (p.last_fold COLLATE "C"), (p.first_fold COLLATE "C"), p.id ` + limitClause(limit), args
}

func limitClause(n int) string { return "LIMIT " + strconv.Itoa(n) }

func (f *finder) query(ctx context.Context, matchedBy, query string, args ...any) error {
	return f.scan(ctx, matchedBy, f.add, query, args...)
}

// scan runs a query of hitColumns and hands each hit to each.
func (f *finder) scan(ctx context.Context, matchedBy string, each func(records.SearchHit), query string, args ...any) error {
	rows, err := f.tx.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		h := records.SearchHit{MatchedBy: matchedBy}
		if err := rows.Scan(append(patientDest(&h.Patient), &h.Volumes, &h.Out)...); err != nil {
			return err
		}
		each(h)
	}
	return rows.Err()
}

// mrnWidth is the practice's chart-number width: all a search needs of the
// settings.
func mrnWidth(ctx context.Context, tx pgx.Tx) (int, error) {
	var w int
	err := tx.QueryRow(ctx, "SELECT mrn_width FROM settings WHERE id = 1").Scan(&w)
	if errors.Is(err, pgx.ErrNoRows) {
		return records.DefaultSettings().MRNWidth, nil
	}
	return w, err
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
	err = s.write(ctx, "the search", func(tx pgx.Tx) error {
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
		_, err := s.appendAudit(ctx, tx, a, records.AuditSearch, "patient", 0, fmt.Sprintf("search %q: %d hits", q.Raw, len(hits)))
		return err
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
	err = s.write(ctx, "the look for folders", func(tx pgx.Tx) error {
		out = nil
		if q.Kind == records.QueryCode || q.Kind == records.QueryNumber {
			if v, err := scanVolume(tx.QueryRow(ctx, volumeSelect+" WHERE v.barcode = $1", q.Code)); err == nil {
				out = []records.Volume{v}
				_, err := s.appendAudit(ctx, tx, a, records.AuditView, "volume", v.ID, fmt.Sprintf("where %q: folder %s of chart %s", q.Raw, v.Barcode, v.MRN))
				return err
			} else if !errors.Is(err, pgx.ErrNoRows) {
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
			vs, err := queryVolumes(ctx, tx, volumeSelect+" WHERE v.patient_id = $1 ORDER BY "+filingOrder, int64(h.ID))
			if err != nil {
				return err
			}
			out = append(out, vs...)
			if _, err := s.appendAudit(ctx, tx, a, records.AuditView, "patient", h.ID, fmt.Sprintf("where %q: chart %s", q.Raw, h.MRN)); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}
