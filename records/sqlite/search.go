package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/chartroom/chartroom/records"
)

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

// searchLookups answers a search's look-ups (records.RunSearch decides
// which and in what order) inside its transaction.
type searchLookups struct{ q querier }

// ExternalID uses the unique index of external ids.
func (l searchLookups) ExternalID(ctx context.Context, id string) ([]records.SearchHit, error) {
	return l.hits(ctx, "external id", `SELECT `+hitColumns+` FROM patients p WHERE p.external_id = ? AND p.external_id <> ''`, id)
}

// ExactMRN is one statement with the folder counts for a live chart (the
// scan desk's common case); a retired one finds its survivor.
func (l searchLookups) ExactMRN(ctx context.Context, mrn string) ([]records.SearchHit, error) {
	hits, err := l.hits(ctx, "mrn", `SELECT `+hitColumns+` FROM patients p WHERE p.mrn = ?`, mrn)
	if err != nil || len(hits) == 0 || hits[0].Status != records.PatientMerged {
		return hits, err
	}
	p, _, err := resolveMRN(ctx, l.q, mrn)
	if records.ErrorCode(err) == records.ENotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return l.hits(ctx, "merged", `SELECT `+hitColumns+` FROM patients p WHERE p.id = ?`, int64(p.ID))
}

// MRNPrefix is a range scan on the chart number index.
func (l searchLookups) MRNPrefix(ctx context.Context, digits string, limit int) ([]records.SearchHit, error) {
	return l.hits(ctx, "mrn", `SELECT `+hitColumns+` FROM patients p
		WHERE p.mrn >= ? AND p.mrn < ? AND p.status <> 'merged' ORDER BY p.mrn `+limitClause(limit),
		digits, records.PrefixUpperBound(digits))
}

func (l searchLookups) Barcode(ctx context.Context, code string) ([]records.SearchHit, error) {
	return l.hits(ctx, "barcode", `SELECT `+hitColumns+` FROM patients p
		WHERE p.id = (SELECT patient_id FROM volumes WHERE barcode = ?)`, code)
}

// NamePrefix is a range scan on the folded surname index; the given-name
// prefix filters inside the index and the index order is the result order,
// so a page of hits costs a few index pages even at a million patients.
func (l searchLookups) NamePrefix(ctx context.Context, last, first string, limit int) ([]records.SearchHit, error) {
	query, args := nameQuery(last, first, limit)
	return l.hits(ctx, "name", query, args...)
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

// hits runs a query of hitColumns.
func (l searchLookups) hits(ctx context.Context, matchedBy, query string, args ...any) ([]records.SearchHit, error) {
	rows, err := l.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []records.SearchHit
	for rows.Next() {
		h := records.SearchHit{MatchedBy: matchedBy}
		if err := rows.Scan(append(patientDest(&h.Patient), folderCounts{&h.Volumes, &h.Out})...); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
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
		if hits, err = records.RunSearch(ctx, q, width, limit, searchLookups{tx}); err != nil {
			return err
		}
		return s.auditor(tx, a).add(ctx, records.AuditSearch, "patient", 0, "search %q: %d hits", q.Raw, len(hits))
	})
	return hits, err
}

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
		hits, err := records.WherePatients(ctx, q, width, searchLookups{tx})
		if err != nil {
			return err
		}
		for _, h := range hits {
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
