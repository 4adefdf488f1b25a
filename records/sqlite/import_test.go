package sqlite

import (
	"testing"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/storetest"
)

// TestImportKeepsForeignKeys: an import writes with foreign keys unchecked
// (import.go says why); every row it wrote must still satisfy them, its
// movements must verify against their seals, the writer must check foreign
// keys again afterwards, after a dry run too, and the indexes it dropped
// must all be back.
func TestImportKeepsForeignKeys(t *testing.T) {
	f := newFixture(t)
	fkOn := func(when string) {
		t.Helper()
		var on int
		if err := f.s.w.QueryRow("PRAGMA foreign_keys").Scan(&on); err != nil || on != 1 {
			t.Fatalf("%s: the writer's foreign_keys = %d (%v), want 1", when, on, err)
		}
	}
	// More than rebuildIndexesFrom rows (the index rebuild) in full and
	// partial batches.
	rows := storetest.FakeRows(3, 1000, rebuildIndexesFrom+insertBatch/2)
	indexes := func() string {
		t.Helper()
		var all string
		if err := f.s.r.QueryRow(`SELECT group_concat(sql, '; ') FROM (SELECT sql FROM sqlite_schema WHERE type = 'index' ORDER BY name)`).Scan(&all); err != nil {
			t.Fatal(err)
		}
		return all
	}
	before := indexes()
	if _, err := f.s.ImportPatients(f.Supervisor, records.PatientRows(rows[:10]), true); err != nil {
		t.Fatal(err)
	}
	fkOn("after a dry run")
	sum, err := f.s.ImportPatients(f.Supervisor, records.PatientRows(rows), false)
	if err != nil || sum.Imported != len(rows) {
		t.Fatalf("imported %d of %d: %v", sum.Imported, len(rows), err)
	}
	fkOn("after an import")
	if after := indexes(); after != before {
		t.Fatalf("the import's index rebuild changed the indexes:\n%s\nwas\n%s", after, before)
	}
	bad, err := f.s.r.Query("PRAGMA foreign_key_check")
	if err != nil {
		t.Fatal(err)
	}
	defer bad.Close()
	if bad.Next() {
		var table, parent string
		var rowid, fk any
		bad.Scan(&table, &rowid, &parent, &fk)
		t.Fatalf("an imported %s row (rowid %v) refers to a missing %s row", table, rowid, parent)
	}
	if problem, _, err := f.s.VerifyAudit(f.Admin, true); err != nil || problem != nil {
		t.Fatalf("the audit chain after an import: %+v, %v", problem, err)
	}
}
