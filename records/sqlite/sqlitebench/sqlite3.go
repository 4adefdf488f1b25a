// Package sqlitebench is the SQL side of `chartroom bench` (cli/internal/bench),
// kept beside the store whose schema it knows and out of its API: the
// sqlite3 command-line tool's scripts that build the same rows (the floor of
// the bulk build and of the patients import) and the bare queries the
// searches are held to, run through the same driver.
//
//	sqlite3.go  the sqlite3 tool's scripts: a whole practice, a patients import
//	floors.go   bare indexed queries: a chart number, a barcode, a surname prefix
package sqlitebench

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/sqlite"
)

// SQLite3Scripts are the sqlite3 command-line tool's side of the bulk load
// benchmark: Dump writes every table of a built practice to CSV files (one
// per table, no header), Load builds a fresh database from them with the
// same schema: the tables and triggers, then the rows by .import, then the
// same indexes, under the pragmas sqlite.BulkLoad uses, in one transaction.
//
// CSV has no NULL: .import stores an empty field as an empty string. So
// that the CHECK constraints that test for NULL accept the rows, Load turns
// them off; the rows are otherwise the same and an empty string takes the
// same room as NULL. Only the tables a bulk load fills go through CSV; the
// few rows of the others are INSERT statements.
type SQLite3Scripts struct {
	Dump, Load string
	Tables     []string
}

// CLIScripts reads the schema of the practice at path (not open elsewhere)
// and writes the two scripts for CSV files in csvDir.
func CLIScripts(ctx context.Context, path, csvDir string) (SQLite3Scripts, error) {
	var sc SQLite3Scripts
	db, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		return sc, records.Internal("could not open the database "+path, err)
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT type, name, sql FROM sqlite_schema
		WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid`)
	if err != nil {
		return sc, fmt.Errorf("reading the schema of %s: %w", path, err)
	}
	defer rows.Close()
	var ddl, indexes []string
	for rows.Next() {
		var typ, name, text string
		if err := rows.Scan(&typ, &name, &text); err != nil {
			return sc, fmt.Errorf("reading the schema of %s: %w", path, err)
		}
		switch typ {
		case "table":
			sc.Tables = append(sc.Tables, name)
			ddl = append(ddl, text+";")
		case "index":
			indexes = append(indexes, text+";")
		default:
			ddl = append(ddl, text+";")
		}
	}
	if err := rows.Err(); err != nil {
		return sc, fmt.Errorf("reading the schema of %s: %w", path, err)
	}
	var dump, load strings.Builder
	dump.WriteString(".mode csv\n.headers off\n")
	for _, p := range sqlite.BulkPragmas {
		load.WriteString(p + ";\n")
	}
	load.WriteString("PRAGMA ignore_check_constraints = ON;\nBEGIN;\n")
	load.WriteString(strings.Join(ddl, "\n") + "\n")
	// The big tables go through CSV and .import; the few rows of the
	// others as INSERT statements, which keep their NULLs (an empty badge
	// must stay NULL, or two borrowers without one would collide).
	for _, t := range sc.Tables {
		if !slices.Contains(sqlite.BulkTables, t) {
			file := filepath.Join(csvDir, t+".sql")
			fmt.Fprintf(&dump, ".mode insert \"%s\"\n.output %s\nSELECT * FROM \"%s\";\n.mode csv\n", t, file, t)
			fmt.Fprintf(&load, ".read %s\n", file)
			continue
		}
		file := filepath.Join(csvDir, t+".csv")
		fmt.Fprintf(&dump, ".output %s\nSELECT * FROM \"%s\";\n", file, t)
		fmt.Fprintf(&load, ".import --csv %s %s\n", file, t)
	}
	load.WriteString(strings.Join(indexes, "\n") + "\nCOMMIT;\n")
	sc.Dump, sc.Load = dump.String(), load.String()
	return sc, nil
}

// ImportScript is the sqlite3 tool's side of the patients import
// benchmark, the floor `chartroom import patients` is held to: run on a new
// practice (initialised, no patients), it loads the CSV file at csvPath
// (header MRN, Last Name, First Name, DOB, Sex, Phone, values already in the
// stored form) with .import and writes what the import writes for each row
// (the patient, its folder 1 of the default record type in file at the
// default location, the folder's "create" movement) into the same tables,
// under their indexes, at the store's journal (WAL) and synchronous=FULL, in
// one transaction. It does less than the import: no validation, lower()
// where the import folds accents, the chart number as its own filing key,
// no audit event.
func ImportScript(csvPath string, now time.Time) string {
	at := now.UTC().Format(time.RFC3339Nano)
	today := now.Format("2006-01-02")
	return fmt.Sprintf(`PRAGMA journal_mode = WAL;
PRAGMA synchronous = FULL;
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
CREATE TEMP TABLE staging (mrn TEXT, last TEXT, first TEXT, dob TEXT, sex TEXT, phone TEXT);
.import --csv --skip 1 --schema temp "%s" staging
INSERT INTO patients (id, mrn, external_id, last_name, first_name, middle_name, last_fold, first_fold, dob, sex, status,
	legal_hold, phone, filing_key, created_at, updated_at)
	SELECT rowid, mrn, '', last, first, '', lower(last), lower(first), dob, sex, 'active', 0, phone, mrn, '%[2]s', '%[2]s'
	FROM temp.staging;
INSERT INTO volumes (id, patient_id, record_type_id, number, barcode, home_id, state, opened, updated_at)
	SELECT p.id, p.id, t.id, 1, 'V' || p.id, l.id, 'in-file', '%[3]s', '%[2]s' FROM patients p,
	(SELECT id FROM record_types WHERE is_default = 1 ORDER BY id LIMIT 1) t,
	(SELECT id FROM locations WHERE is_default = 1 ORDER BY id LIMIT 1) l;
INSERT INTO movements (id, volume_id, kind, at, to_location_id) SELECT id, id, 'create', '%[2]s', home_id FROM volumes;
COMMIT;
`, csvPath, at, today)
}

// LibraryVersion is the version of the SQLite library inside Chartroom.
func LibraryVersion() string {
	db, err := sql.Open("sqlite", "file:version?mode=memory")
	if err != nil {
		return "unknown"
	}
	defer db.Close()
	var v string
	if err := db.QueryRow("SELECT sqlite_version()").Scan(&v); err != nil {
		return "unknown"
	}
	return v
}

// dsn opens the practice at path read-only.
func dsn(path string) string {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path), RawQuery: "_pragma=query_only(1)&_pragma=busy_timeout(5000)"}
	if u.Path != "" && u.Path[0] != '/' {
		u.Path = "/" + u.Path // C:/x on Windows
	}
	return u.String()
}
