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

// hitColumns are a patient's columns with its folder counts.
const hitColumns = patientColumns + `,
	(SELECT count(*) FROM volumes c WHERE c.patient_id = p.id),
	(SELECT count(*) FROM volumes c WHERE c.patient_id = p.id AND c.state <> 'in-file')`

// searchLookups answers a search's look-ups (records.RunSearch decides
// which and in what order) inside its transaction.
type searchLookups struct{ tx pgx.Tx }

func (l searchLookups) ExternalID(ctx context.Context, id string) ([]records.SearchHit, error) {
	return l.hits(ctx, "external id", `SELECT `+hitColumns+` FROM patients p WHERE lower(p.external_id) = lower($1) AND p.external_id <> ''`, id)
}

// ExactMRN finds a live chart in one statement; a retired one finds its
// survivor.
func (l searchLookups) ExactMRN(ctx context.Context, mrn string) ([]records.SearchHit, error) {
	hits, err := l.hits(ctx, "mrn", `SELECT `+hitColumns+` FROM patients p WHERE p.mrn = $1`, mrn)
	if err != nil || len(hits) == 0 || hits[0].Status != records.PatientMerged {
		return hits, err
	}
	p, _, err := resolveMRN(ctx, l.tx, mrn)
	if records.ErrorCode(err) == records.ENotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return l.hits(ctx, "merged", `SELECT `+hitColumns+` FROM patients p WHERE p.id = $1`, int64(p.ID))
}

// MRNPrefix is a range scan on the chart numbers, compared byte by byte.
func (l searchLookups) MRNPrefix(ctx context.Context, digits string, limit int) ([]records.SearchHit, error) {
	return l.hits(ctx, "mrn", `SELECT `+hitColumns+` FROM patients p
		WHERE p.mrn COLLATE "C" >= $1 AND p.mrn COLLATE "C" < $2 AND p.status <> 'merged' ORDER BY p.mrn COLLATE "C" `+limitClause(limit),
		digits, records.PrefixUpperBound(digits))
}

func (l searchLookups) Barcode(ctx context.Context, code string) ([]records.SearchHit, error) {
	return l.hits(ctx, "barcode", `SELECT `+hitColumns+` FROM patients p
		WHERE p.id = (SELECT patient_id FROM volumes WHERE barcode = $1)`, code)
}

// NamePrefix is a range scan on the folded surname (and given name)
// prefix, compared byte by byte as records.PrefixUpperBound means.
func (l searchLookups) NamePrefix(ctx context.Context, last, first string, limit int) ([]records.SearchHit, error) {
	query, args := nameQuery(last, first, limit)
	return l.hits(ctx, "name", query, args...)
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

// hits runs a query of hitColumns.
func (l searchLookups) hits(ctx context.Context, matchedBy, query string, args ...any) ([]records.SearchHit, error) {
	rows, err := l.tx.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []records.SearchHit
	for rows.Next() {
		h := records.SearchHit{MatchedBy: matchedBy}
		if err := rows.Scan(append(patientDest(&h.Patient), &h.Volumes, &h.Out)...); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
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
		if hits, err = records.RunSearch(ctx, q, width, limit, searchLookups{tx}); err != nil {
			return err
		}
		_, err := s.appendAudit(ctx, tx, a, records.AuditSearch, "patient", 0, fmt.Sprintf("search %q: %d hits", q.Raw, len(hits)))
		return err
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
		hits, err := records.WherePatients(ctx, q, width, searchLookups{tx})
		if err != nil {
			return err
		}
		for _, h := range hits {
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
