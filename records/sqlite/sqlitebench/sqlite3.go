package sqlitebench

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/chartroom/chartroom/records"
)

// SQLite3Scripts are the sqlite3 command-line tool's side of the bulk load
// benchmark: Dump writes every table of a built practice to CSV files (one
// per table, no header), Load builds a fresh database from them with the
// same schema: the tables and triggers, then the rows by .import, then the
// same indexes, under the pragmas BulkLoad uses, in one transaction.
//
// CSV has no NULL: .import stores an empty field as ”. So that the CHECK
// constraints that test for NULL accept the rows, Load turns them off; the
// rows are otherwise the same and ” takes the same room as NULL. Only the
// tables a bulk load fills go through CSV; the few rows of the others are
// INSERT statements.
type SQLite3Scripts struct {
	Dump, Load string
	Tables     []string
}

// CLIScripts reads the schema of the practice at path (not open elsewhere)
// and writes the two scripts for CSV files in csvDir.
func CLIScripts(ctx context.Context, path, csvDir string) (SQLite3Scripts, error) {
	var sc SQLite3Scripts
	db, err := sql.Open("sqlite", dsn(path, "_pragma=query_only(1)"))
	if err != nil {
		return sc, records.Internal("could not open the database "+path, err)
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT type, name, sql FROM sqlite_schema
		WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid`)
	if err != nil {
		return sc, mapErr(err, "read the schema")
	}
	defer rows.Close()
	var ddl, indexes []string
	for rows.Next() {
		var typ, name, text string
		if err := rows.Scan(&typ, &name, &text); err != nil {
			return sc, mapErr(err, "read the schema")
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
		return sc, mapErr(err, "read the schema")
	}
	var dump, load strings.Builder
	dump.WriteString(".mode csv\n.headers off\n")
	for _, p := range BulkPragmas {
		load.WriteString(p + ";\n")
	}
	load.WriteString("PRAGMA ignore_check_constraints = ON;\nBEGIN;\n")
	load.WriteString(strings.Join(ddl, "\n") + "\n")
	// The big tables go through CSV and .import; the few rows of the
	// others as INSERT statements, which keep their NULLs (an empty badge
	// must stay NULL, or two borrowers without one would collide).
	for _, t := range sc.Tables {
		if !slices.Contains(bulkTables, t) {
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
