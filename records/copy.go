package records

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// Moving a practice between stores (`chartroom migrate`): every row of
// every table is copied as it is stored, ids kept, so the audit chain and
// its seals verify on the new store as they did on the old one. The two
// stores keep the same tables and columns (a test holds them to it); each
// implements TableCopier over its own SQL, and the command line drives one
// against the other.
//
// Values travel in one store-neutral form, the one the seals hash (see
// records/seal.go): nil for NULL, int64 for integers and booleans (0 or 1),
// string for text, []byte for blobs, a calendar day as YYYY-MM-DD text and
// an instant as UTC text in CopyTimeLayout. A store that cannot hold a
// value exactly refuses the copy rather than round it.

// CopyTimeLayout is an instant in the neutral form: UTC, fixed width, to
// the nanosecond.
const CopyTimeLayout = "2006-01-02T15:04:05.000000000Z"

// CopyTable is one table of a practice, as a copy sees it.
type CopyTable struct {
	Name    string
	Columns []string
}

// TableCopier is a store's side of a copy between stores.
type TableCopier interface {
	// CopyTables lists the practice's tables, leaving out the store's own
	// bookkeeping (its schema version), in an order where a table's rows
	// refer only to rows of the tables before it or of itself.
	CopyTables(ctx context.Context) ([]CopyTable, error)
	// ReadPractice runs fn over one consistent view of the practice (an
	// admin only).
	ReadPractice(ctx context.Context, fn func(r TableReader) error) error
	// WritePractice fills a store that has no practice yet, in one
	// transaction: fn writes the rows, then the store sets its id
	// counters past them and appends one audit event (AuditMigrate,
	// naming from) to the copied chain. If fn or anything else fails,
	// nothing is kept. A store that already holds records is refused
	// (EConflict, naming a table that holds them). An admin only.
	WritePractice(ctx context.Context, from string, fn func(w TableWriter) error) error
}

// TableReader reads the rows of one table in the order of its primary
// key, each as values in the neutral form in the order of columns; the
// slice fn gets is reused for the next row.
type TableReader interface {
	ReadRows(ctx context.Context, table string, columns []string, fn func(values []any) error) error
}

// TableWriter appends rows (values in the neutral form, in the order of
// columns) to one table.
type TableWriter interface {
	WriteRows(ctx context.Context, table string, columns []string, rows [][]any) error
}

// AuditMigrate is the action of the event a store appends after a
// practice was copied into it.
const AuditMigrate = "migrate"

// CompareCopyTables returns what differs between the tables of two stores
// (from and to name them in the message): the tables and columns one has
// and the other lacks. Column order does not matter; "" means they match.
func CompareCopyTables(from string, source []CopyTable, to string, target []CopyTable) string {
	var diffs []string
	if d := lacking(source, target, to); d != "" {
		diffs = append(diffs, d)
	}
	if d := lacking(target, source, from); d != "" {
		diffs = append(diffs, d)
	}
	return strings.Join(diffs, "; ")
}

// lacking says which tables and columns of have are not in lack (named
// name).
func lacking(have, lack []CopyTable, name string) string {
	var tables, columns []string
	for _, t := range have {
		i := slices.IndexFunc(lack, func(l CopyTable) bool { return l.Name == t.Name })
		if i < 0 {
			tables = append(tables, t.Name)
			continue
		}
		for _, c := range t.Columns {
			if !slices.Contains(lack[i].Columns, c) {
				columns = append(columns, t.Name+"."+c)
			}
		}
	}
	var parts []string
	if len(tables) > 0 {
		parts = append(parts, "the tables "+strings.Join(tables, ", "))
	}
	if len(columns) > 0 {
		parts = append(parts, "the columns "+strings.Join(columns, ", "))
	}
	if len(parts) == 0 {
		return ""
	}
	return name + " lacks " + strings.Join(parts, " and ")
}

// CopyOrder orders tables so that each comes after the tables it refers to
// (refs: table -> the tables its foreign keys name), ties by name; a
// table's references to itself do not count. Both stores order their
// tables with it.
func CopyOrder(tables []string, refs map[string][]string) []string {
	sorted := slices.Clone(tables)
	slices.Sort(sorted)
	placed := map[string]bool{}
	var out []string
	for len(out) < len(sorted) {
		progress := false
		for _, t := range sorted {
			if placed[t] {
				continue
			}
			ready := true
			for _, r := range refs[t] {
				if r != t && !placed[r] && slices.Contains(sorted, r) {
					ready = false
				}
			}
			if ready {
				placed[t] = true
				out = append(out, t)
				progress = true
			}
		}
		if !progress { // a cycle between tables: the rest by name
			for _, t := range sorted {
				if !placed[t] {
					placed[t] = true
					out = append(out, t)
				}
			}
		}
	}
	return out
}

// copyBatch is how many rows go to the target at a time.
const copyBatch = 2000

// CopyPractice copies every row of tables (the target's CopyTables, which
// CompareCopyTables found the source's too) from source into target, which
// holds no practice yet, in one transaction of the target's: nothing is
// kept unless all is. from names the source in the target's audit event.
// progress, when not nil, hears the running count of rows and the table
// being copied after each row. It returns how many rows were copied.
func CopyPractice(ctx context.Context, source, target TableCopier, from string, tables []CopyTable, progress func(rows int, table string)) (int, error) {
	rows := 0
	err := target.WritePractice(ctx, from, func(w TableWriter) error {
		return source.ReadPractice(ctx, func(r TableReader) error {
			for _, t := range tables {
				var batch [][]any
				flush := func() error {
					if len(batch) == 0 {
						return nil
					}
					err := w.WriteRows(ctx, t.Name, t.Columns, batch)
					batch = batch[:0]
					return err
				}
				err := r.ReadRows(ctx, t.Name, t.Columns, func(values []any) error {
					batch = append(batch, slices.Clone(values))
					rows++
					if progress != nil {
						progress(rows, t.Name)
					}
					if len(batch) == copyBatch {
						return flush()
					}
					return nil
				})
				if err == nil {
					err = flush()
				}
				if err != nil {
					return fmt.Errorf("copying %s: %w", t.Name, err)
				}
			}
			return nil
		})
	})
	return rows, err
}
