package sqlitebench

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/chartroom/chartroom/records"
)

// Floors are the bare queries the store's searches are held to: each reads
// the rows a search finds by the same index, through the same driver
// (modernc.org/sqlite, database/sql, a prepared statement), with nothing a
// search adds (its folder counts, the other readings of the text tried, the
// audit event and its commit).
type Floors struct {
	db                   *sql.DB
	chart, barcode, name *sql.Stmt
}

// OpenFloors prepares the bare queries on the practice at path, read-only.
func OpenFloors(ctx context.Context, path string) (*Floors, error) {
	db, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	f := &Floors{db: db}
	for _, q := range []struct {
		stmt **sql.Stmt
		sql  string
	}{
		{&f.chart, `SELECT * FROM patients WHERE mrn = ?`},
		{&f.barcode, `SELECT p.* FROM patients p WHERE p.id = (SELECT patient_id FROM volumes WHERE barcode = ?)`},
		{&f.name, `SELECT * FROM patients INDEXED BY patients_name WHERE last_fold >= ? AND last_fold < ?
			ORDER BY last_fold, first_fold, id LIMIT 50`},
	} {
		if *q.stmt, err = db.PrepareContext(ctx, q.sql); err != nil {
			db.Close()
			return nil, fmt.Errorf("preparing a bare query on %s: %w", path, err)
		}
	}
	return f, nil
}

// Close closes the connection.
func (f *Floors) Close() error { return f.db.Close() }

// Chart reads the patient with chart number mrn (as stored).
func (f *Floors) Chart(ctx context.Context, mrn string) error {
	return one(ctx, f.chart, mrn)
}

// Barcode reads the patient whose folder has barcode code.
func (f *Floors) Barcode(ctx context.Context, code string) error {
	return one(ctx, f.barcode, code)
}

// SurnamePrefix reads the first 50 patients whose surname, folded as the
// search folds it, starts with prefix, in the name index's order; it
// returns how many there were.
func (f *Floors) SurnamePrefix(ctx context.Context, prefix string) (int, error) {
	low := records.FoldName(prefix)
	high := records.PrefixUpperBound(low)
	if high == "" {
		return 0, fmt.Errorf("the surname prefix %q has no upper bound", prefix)
	}
	rows, err := f.name.QueryContext(ctx, low, high)
	if err != nil {
		return 0, err
	}
	return drain(rows)
}

// one runs a query that must find one row, and reads it.
func one(ctx context.Context, stmt *sql.Stmt, arg string) error {
	rows, err := stmt.QueryContext(ctx, arg)
	if err != nil {
		return err
	}
	n, err := drain(rows)
	if err == nil && n != 1 {
		err = fmt.Errorf("the bare query for %q found %d rows, not one", arg, n)
	}
	return err
}

// drain reads every column of every row, as a search reads its hits, and
// counts the rows.
func drain(rows *sql.Rows) (int, error) {
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	n := 0
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}
