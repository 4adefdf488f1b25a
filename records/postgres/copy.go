package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/chartroom/chartroom/records"
)

// The PostgreSQL side of moving a practice between stores
// (records/copy.go): values are turned into and out of the neutral form
// by each column's type.

var _ records.TableCopier = (*Store)(nil)

// bookkeeping are this store's own tables, which a copy leaves alone.
var bookkeeping = []string{"schema_version"}

// seededTables hold the rows a new database starts with (the retention
// presets of migration 0002): a copy replaces them with the source's.
var seededTables = []string{"retention_presets"}

// copyColumn is a column and its type as information_schema names it
// ("bigint", "boolean", "date", "timestamp with time zone", ...).
type copyColumn struct{ name, typ string }

// CopyTables lists the practice's tables, parents before the tables that
// refer to them.
func (s *Store) CopyTables(ctx context.Context) ([]records.CopyTable, error) {
	var out []records.CopyTable
	err := s.read(ctx, "the list of tables", func(tx pgx.Tx) error {
		tables, err := copyTables(ctx, tx)
		for _, t := range tables {
			out = append(out, t.table())
		}
		return err
	})
	return out, err
}

type typedTable struct {
	name    string
	columns []copyColumn
}

// table is t as a copy sees it: the nanoseconds of an exact time travel
// inside its value, not as a column of their own.
func (t typedTable) table() records.CopyTable {
	c := records.CopyTable{Name: t.name}
	for _, col := range t.columns {
		if !isNanosColumn(t.name, col.name) {
			c.Columns = append(c.Columns, col.name)
		}
	}
	return c
}

func copyTables(ctx context.Context, tx pgx.Tx) ([]typedTable, error) {
	rows, err := tx.Query(ctx, `SELECT c.table_name, c.column_name, c.data_type
		FROM information_schema.columns c JOIN information_schema.tables t
		  ON t.table_schema = c.table_schema AND t.table_name = c.table_name
		WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
		ORDER BY c.table_name, c.ordinal_position`)
	if err != nil {
		return nil, err
	}
	columns := map[string][]copyColumn{}
	var names []string
	var table string
	var col copyColumn
	_, err = pgx.ForEachRow(rows, []any{&table, &col.name, &col.typ}, func() error {
		if slices.Contains(bookkeeping, table) {
			return nil
		}
		if _, ok := columns[table]; !ok {
			names = append(names, table)
		}
		columns[table] = append(columns[table], col)
		return nil
	})
	if err != nil {
		return nil, err
	}
	rows, err = tx.Query(ctx, `SELECT conrelid::regclass::text, confrelid::regclass::text
		FROM pg_constraint WHERE contype = 'f' AND connamespace = current_schema()::regnamespace`)
	if err != nil {
		return nil, err
	}
	refs := map[string][]string{}
	var from, to string
	if _, err := pgx.ForEachRow(rows, []any{&from, &to}, func() error {
		refs[from] = append(refs[from], to)
		return nil
	}); err != nil {
		return nil, err
	}
	var out []typedTable
	for _, name := range records.CopyOrder(names, refs) {
		out = append(out, typedTable{name: name, columns: columns[name]})
	}
	return out, nil
}

// ReadPractice runs fn over one read-only, repeatable-read transaction,
// so the copy is one moment's practice while workstations go on (an admin
// only).
func (s *Store) ReadPractice(ctx context.Context, fn func(r records.TableReader) error) error {
	if _, err := records.Require(ctx, records.RoleAdmin, "copy the whole practice"); err != nil {
		return err
	}
	return s.read(ctx, "the practice", func(tx pgx.Tx) error {
		tables, err := copyTables(ctx, tx)
		if err != nil {
			return err
		}
		return fn(&tableRows{tx: tx, tables: tables})
	})
}

type tableRows struct {
	tx     pgx.Tx
	tables []typedTable
}

// types are the types of table's columns, in the order of columns.
func columnTypes(tables []typedTable, table string, columns []string) ([]string, error) {
	i := slices.IndexFunc(tables, func(t typedTable) bool { return t.name == table })
	if i < 0 {
		return nil, records.Errorf(records.ENotFound, "this database has no table %s", table)
	}
	types := make([]string, len(columns))
	for k, c := range columns {
		j := slices.IndexFunc(tables[i].columns, func(col copyColumn) bool { return col.name == c })
		if j < 0 {
			return nil, records.Errorf(records.ENotFound, "this database's table %s has no column %s", table, c)
		}
		types[k] = tables[i].columns[j].typ
	}
	return types, nil
}

func (r *tableRows) ReadRows(ctx context.Context, table string, columns []string, fn func([]any) error) error {
	types, err := columnTypes(r.tables, table, columns)
	if err != nil {
		return err
	}
	rows, err := r.tx.Query(ctx, `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
		WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)`, pgx.Identifier{table}.Sanitize())
	if err != nil {
		return fmt.Errorf("reading %s: %w", table, err)
	}
	key, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("reading %s: %w", table, err)
	}
	if len(key) == 0 {
		key = columns
	}
	selected := make([]string, len(columns))
	for i, c := range columns {
		selected[i] = pgx.Identifier{c}.Sanitize()
		if isExactTime(table, c) {
			selected[i], types[i] = exactTimeTextSQL(c), "text"
		}
	}
	rows, err = r.tx.Query(ctx, "SELECT "+strings.Join(selected, ", ")+" FROM "+pgx.Identifier{table}.Sanitize()+" ORDER BY "+quoteNames(key))
	if err != nil {
		return fmt.Errorf("reading %s: %w", table, err)
	}
	defer rows.Close()
	out := make([]any, len(columns))
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			return fmt.Errorf("reading %s: %w", table, err)
		}
		for i, v := range vals {
			if out[i], err = toNeutral(v, types[i]); err != nil {
				return fmt.Errorf("%s.%s: %w", table, columns[i], err)
			}
		}
		if err := fn(out); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("reading %s: %w", table, err)
	}
	return nil
}

// toNeutral is a value as pgx reads it from a column of type typ, in the
// neutral form.
func toNeutral(v any, typ string) (any, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case int64:
		return x, nil
	case int32:
		return int64(x), nil
	case int16:
		return int64(x), nil
	case bool:
		if x {
			return int64(1), nil
		}
		return int64(0), nil
	case string:
		return x, nil
	case []byte:
		return x, nil
	case time.Time:
		if typ == "date" {
			return x.Format(time.DateOnly), nil
		}
		return x.UTC().Format(records.CopyTimeLayout), nil
	}
	return nil, fmt.Errorf("a %s value (%T) has no neutral form", typ, v)
}

// fromNeutral is a neutral value as a column of type typ takes it; a time
// keeps its nanoseconds, which WriteRows puts where they belong.
func fromNeutral(v any, typ string) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch typ {
	case "bigint", "integer", "smallint":
		if n, ok := v.(int64); ok {
			return n, nil
		}
	case "boolean":
		if n, ok := v.(int64); ok && (n == 0 || n == 1) {
			return n == 1, nil
		}
	case "text":
		if s, ok := v.(string); ok {
			return s, nil
		}
	case "bytea":
		if b, ok := v.([]byte); ok {
			return b, nil
		}
	case "date":
		if s, ok := v.(string); ok {
			d, err := time.Parse(time.DateOnly, s)
			if err != nil || d.Format(time.DateOnly) != s {
				return nil, fmt.Errorf("%q is not a day written YYYY-MM-DD", s)
			}
			return d, nil
		}
	case "timestamp with time zone":
		if s, ok := v.(string); ok {
			t, err := time.Parse(records.CopyTimeLayout, s)
			if err != nil {
				return nil, fmt.Errorf("%q is not a time written as Chartroom stores times (%s)", s, records.CopyTimeLayout)
			}
			return t, nil
		}
	}
	return nil, fmt.Errorf("a %T (%v) does not fit a %s column", v, v, typ)
}

// WritePractice fills this database, which must hold no practice, in one
// transaction: the rows, the identity counters after them, and the audit
// event of the move (an admin only; the actor's user id is the source's).
func (s *Store) WritePractice(ctx context.Context, from string, fn func(w records.TableWriter) error) error {
	actor, err := records.Require(ctx, records.RoleAdmin, "copy a practice into a database")
	if err != nil {
		return err
	}
	return s.write(ctx, "copying the practice", func(tx pgx.Tx) error {
		tables, err := copyTables(ctx, tx)
		if err != nil {
			return err
		}
		var database string
		if err := tx.QueryRow(ctx, "SELECT current_database()").Scan(&database); err != nil {
			return err
		}
		for _, t := range tables {
			if slices.Contains(seededTables, t.name) {
				continue
			}
			var found bool
			if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM "+pgx.Identifier{t.name}.Sanitize()+")").Scan(&found); err != nil {
				return err
			}
			if found {
				return records.Errorf(records.EConflict, "the database %s already holds records (table %s is not empty); a practice is copied only into a new, empty database", database, t.name)
			}
		}
		for _, t := range seededTables {
			if _, err := tx.Exec(ctx, "DELETE FROM "+pgx.Identifier{t}.Sanitize()); err != nil {
				return err
			}
		}
		if err := fn(&tableCopies{tx: tx, tables: tables}); err != nil {
			return err
		}
		if err := resetIdentities(ctx, tx); err != nil {
			return err
		}
		_, err = s.appendAudit(ctx, tx, actor, records.AuditMigrate, "practice", 0, "practice copied here from "+from)
		return err
	})
}

type tableCopies struct {
	tx     pgx.Tx
	tables []typedTable
}

func (w *tableCopies) WriteRows(ctx context.Context, table string, columns []string, rows [][]any) error {
	types, err := columnTypes(w.tables, table, columns)
	if err != nil {
		return err
	}
	// An exact time's nanoseconds go to its own column, after the others.
	var exact []int
	written := slices.Clone(columns)
	for i, c := range columns {
		if isExactTime(table, c) {
			exact = append(exact, i)
			written = append(written, nanosColumn(c))
		}
	}
	typed := make([][]any, len(rows))
	for r, row := range rows {
		typed[r] = make([]any, len(row), len(written))
		for i, v := range row {
			if typed[r][i], err = fromNeutral(v, types[i]); err != nil {
				return records.Internal(fmt.Sprintf("cannot copy %s.%s", table, columns[i]), err)
			}
			t, ok := typed[r][i].(time.Time)
			if ok && !slices.Contains(exact, i) {
				// A time no hash covers is kept to the microsecond. Only a
				// file written by an earlier Chartroom has finer ones, and
				// the truncation keeps every comparison the stores make:
				// equality with a copy of the same time (a merge's recorded
				// updated_at against the chart's, truncated alike), and
				// order against a time of a store's clock, which is read to
				// the microsecond (t < c exactly when t truncated < c).
				typed[r][i] = t.Truncate(time.Microsecond)
			}
		}
		for _, i := range exact {
			var nanos int16
			if t, ok := typed[r][i].(time.Time); ok {
				typed[r][i], nanos = splitNanos(t)
			}
			typed[r] = append(typed[r], nanos)
		}
	}
	if _, err := w.tx.CopyFrom(ctx, pgx.Identifier{table}, written, pgx.CopyFromRows(typed)); err != nil {
		return fmt.Errorf("writing %s: %w", table, err)
	}
	return nil
}

// resetIdentities sets each identity column's counter past the highest id
// copied, so the next row added gets the next id.
func resetIdentities(ctx context.Context, tx pgx.Tx) error {
	rows, err := tx.Query(ctx, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND is_identity = 'YES'`)
	if err != nil {
		return err
	}
	type identity struct{ table, column string }
	var ids []identity
	var id identity
	if _, err := pgx.ForEachRow(rows, []any{&id.table, &id.column}, func() error {
		ids = append(ids, id)
		return nil
	}); err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := tx.Exec(ctx, "SELECT setval(pg_get_serial_sequence($1, $2), coalesce(max("+pgx.Identifier{id.column}.Sanitize()+"), 0) + 1, false) FROM "+pgx.Identifier{id.table}.Sanitize(),
			pgx.Identifier{id.table}.Sanitize(), id.column); err != nil {
			return fmt.Errorf("setting the ids of %s to follow the copy: %w", id.table, err)
		}
	}
	return nil
}

func quoteNames(names []string) string {
	out := ""
	for i, n := range names {
		if i > 0 {
			out += ", "
		}
		out += pgx.Identifier{n}.Sanitize()
	}
	return out
}
