package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/chartroom/chartroom/records"
)

// The SQLite side of moving a practice between stores (records/copy.go).
// SQLite stores every value in the neutral form already, so rows are
// copied as the driver reads them.

var _ records.TableCopier = (*Store)(nil)

// seededTables hold the rows a new database starts with (the retention
// presets of migration 3): a copy replaces them with the source's.
var seededTables = []string{"retention_presets"}

// CopyTables lists the practice's tables, parents before the tables that
// refer to them.
func (s *Store) CopyTables(ctx context.Context) ([]records.CopyTable, error) {
	var out []records.CopyTable
	err := s.read(ctx, "the list of tables", func(tx *sql.Tx) error {
		var err error
		out, err = copyTables(ctx, tx)
		return err
	})
	return out, err
}

func copyTables(ctx context.Context, q querier) ([]records.CopyTable, error) {
	names, err := queryStrings(ctx, q, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
	if err != nil {
		return nil, err
	}
	refs := map[string][]string{}
	columns := map[string][]string{}
	for _, name := range names {
		if columns[name], err = queryStrings(ctx, q, "SELECT name FROM pragma_table_info(?) ORDER BY cid", name); err != nil {
			return nil, err
		}
		if refs[name], err = queryStrings(ctx, q, `SELECT DISTINCT "table" FROM pragma_foreign_key_list(?)`, name); err != nil {
			return nil, err
		}
	}
	var out []records.CopyTable
	for _, name := range records.CopyOrder(names, refs) {
		out = append(out, records.CopyTable{Name: name, Columns: columns[name]})
	}
	return out, nil
}

func queryStrings(ctx context.Context, q querier, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// ReadPractice runs fn over one read transaction (an admin only).
func (s *Store) ReadPractice(ctx context.Context, fn func(r records.TableReader) error) error {
	if _, err := records.Require(ctx, records.RoleAdmin, "copy the whole practice"); err != nil {
		return err
	}
	return s.read(ctx, "the practice", func(tx *sql.Tx) error {
		return fn(tableRows{tx})
	})
}

type tableRows struct{ tx *sql.Tx }

func (t tableRows) ReadRows(ctx context.Context, table string, columns []string, fn func([]any) error) error {
	key, err := queryStrings(ctx, t.tx, "SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk", table)
	if err != nil {
		return fmt.Errorf("reading %s: %w", table, err)
	}
	if len(key) == 0 {
		key = []string{"rowid"}
	}
	rows, err := t.tx.QueryContext(ctx, "SELECT "+quoteNames(columns)+" FROM "+quoteName(table)+" ORDER BY "+quoteNames(key))
	if err != nil {
		return fmt.Errorf("reading %s: %w", table, err)
	}
	defer rows.Close()
	vals := make([]any, len(columns))
	ptrs := make([]any, len(columns))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("reading %s: %w", table, err)
		}
		for i, v := range vals {
			switch v.(type) {
			case nil, int64, string, []byte:
			default:
				return records.Errorf(records.EConflict, "%s.%s holds a %T, which Chartroom never stores there: run `chartroom verify`", table, columns[i], v)
			}
		}
		if err := fn(vals); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("reading %s: %w", table, err)
	}
	return nil
}

// WritePractice fills this database, which must hold no practice, in one
// transaction (an admin only; the actor's user id is the source's).
func (s *Store) WritePractice(ctx context.Context, from string, fn func(w records.TableWriter) error) error {
	actor, err := records.Require(ctx, records.RoleAdmin, "copy a practice into a database")
	if err != nil {
		return err
	}
	// The copied rows are sealed by the copied events: writeOn seals
	// nothing of its own (sealed false).
	return s.writeOn(ctx, s.w, "copying the practice", false, func(tx *sql.Tx) error {
		tables, err := copyTables(ctx, tx)
		if err != nil {
			return err
		}
		for _, t := range tables {
			if slices.Contains(seededTables, t.Name) {
				continue
			}
			var found bool
			if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM "+quoteName(t.Name)+")").Scan(&found); err != nil {
				return err
			}
			if found {
				return records.Errorf(records.EConflict, "the database %s already holds records (table %s is not empty); a practice is copied only into a new database", s.path, t.Name)
			}
		}
		for _, t := range seededTables {
			if _, err := tx.ExecContext(ctx, "DELETE FROM "+quoteName(t)); err != nil {
				return err
			}
		}
		// Rows may refer to later rows of their own table (a chart merged
		// into a newer one): foreign keys are checked at the commit.
		if _, err := tx.ExecContext(ctx, "PRAGMA defer_foreign_keys = ON"); err != nil {
			return err
		}
		if err := fn(&tableInserts{tx: tx}); err != nil {
			return err
		}
		return s.auditor(tx, actor).addSealed(ctx, records.Seal{}, records.AuditMigrate, "practice", 0, "practice copied here from %s", from)
	})
}

type tableInserts struct {
	tx    *sql.Tx
	table string
	stmt  *sql.Stmt
}

func (w *tableInserts) WriteRows(ctx context.Context, table string, columns []string, rows [][]any) error {
	if w.table != table || w.stmt == nil {
		if w.stmt != nil {
			w.stmt.Close()
		}
		marks := strings.TrimSuffix(strings.Repeat("?, ", len(columns)), ", ")
		stmt, err := w.tx.PrepareContext(ctx, "INSERT INTO "+quoteName(table)+" ("+quoteNames(columns)+") VALUES ("+marks+")")
		if err != nil {
			return fmt.Errorf("writing %s: %w", table, err)
		}
		w.table, w.stmt = table, stmt
	}
	for _, row := range rows {
		for i, v := range row {
			switch v.(type) {
			case nil, int64, string, []byte:
			default:
				return records.Errorf(records.EInvalid, "%s.%s: a %T is not a value a copy carries", table, columns[i], v)
			}
		}
		if _, err := w.stmt.ExecContext(ctx, row...); err != nil {
			return fmt.Errorf("writing %s: %w", table, err)
		}
	}
	return nil
}

func quoteName(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

func quoteNames(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quoteName(n)
	}
	return strings.Join(q, ", ")
}
