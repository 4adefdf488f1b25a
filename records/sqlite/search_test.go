package sqlite

import (
	"database/sql"
	"strings"
	"testing"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/storetest"
)

// mergeDirectly retires a chart into a survivor the way a merge will, by
// writing the row (there is no merge service yet).
func mergeDirectly(t *testing.T, path string, retired, survivor records.ID) {
	t.Helper()
	db, err := sql.Open("sqlite", dsn(path, "_pragma=busy_timeout(5000)"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("UPDATE patients SET status = 'merged', merged_into_id = ? WHERE id = ?", int64(survivor), int64(retired)); err != nil {
		t.Fatal(err)
	}
}

func TestMergedMRNFindsSurvivor(t *testing.T) {
	f := newFixture(t)
	survivor := f.Patient("200001", "Quux", "Sally")
	retired := f.Patient("200002", "Quux", "Sal")
	mergeDirectly(t, f.path, retired.ID, survivor.ID)

	hits, err := f.s.Search(f.Clerk, "200002", 10)
	if err != nil {
		t.Fatal(err)
	}
	if got := storetest.HitMRNs(hits); got != "200001:merged" {
		t.Fatalf("search by retired MRN = %q", got)
	}
	// A name search lists the survivor only.
	hits, _ = f.s.Search(f.Clerk, "quux", 10)
	if got := storetest.HitMRNs(hits); got != "200001:name" {
		t.Fatalf("name search = %q", got)
	}
	p, err := f.s.PatientByMRN(f.Clerk, "20-00-02")
	if err != nil || p.ID != survivor.ID {
		t.Fatalf("PatientByMRN(retired) = %+v %v", p, err)
	}
	vs, err := f.s.Where(f.Clerk, "200002")
	if err != nil || len(vs) != 1 || vs[0].MRN != "200001" {
		t.Fatalf("Where(retired) = %+v %v", vs, err)
	}
	r, err := f.s.Patient(f.Clerk, retired.ID)
	if err != nil || r.Status != records.PatientMerged || r.MergedInto != "200001" {
		t.Fatalf("retired row = %+v %v", r, err)
	}
	_, err = f.s.ImportAppointments(f.Clerk, []records.AppointmentRow{{Line: 2, Date: records.DateOf(f.Clock.Now()), MRN: "200002", Provider: f.DrGrey.Name}}, false)
	if err != nil {
		t.Fatal(err)
	}
	reqs, _ := f.s.ListRequests(f.Clerk, records.RequestFilter{})
	if len(reqs) != 1 || reqs[0].PatientID != survivor.ID {
		t.Fatalf("appointment for retired MRN: %+v", reqs)
	}
}

func TestNameSearchUsesIndex(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct{ last, first string }{{"nunez", ""}, {"nunez", "ma"}, {"o", "a"}} {
		q, args := nameQuery(tc.last, tc.first, 50)
		rows, err := f.s.r.Query("EXPLAIN QUERY PLAN "+q, args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		all := strings.Join(plan, " | ")
		t.Log(all)
		if !strings.Contains(all, "SEARCH p USING INDEX patients_name (last_fold>? AND last_fold<?)") {
			t.Errorf("name search %v does not range-scan the name index: %s", tc, all)
		}
		if strings.Contains(all, "TEMP B-TREE") || strings.Contains(all, "SCAN p") {
			t.Errorf("name search %v sorts or scans: %s", tc, all)
		}
		// The folder counts read no volume rows (they would be fifty
		// random table pages at a million patients).
		if !strings.Contains(all, "SEARCH c USING COVERING INDEX volumes_patient_state (patient_id=?)") {
			t.Errorf("name search %v counts folders from the table: %s", tc, all)
		}
	}
}
