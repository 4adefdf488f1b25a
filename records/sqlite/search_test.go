package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/chartroom/chartroom/records"
)

func hitMRNs(hits []records.SearchHit) string {
	var out []string
	for _, h := range hits {
		out = append(out, h.MRN+":"+h.MatchedBy)
	}
	return strings.Join(out, " ")
}

func TestSearch(t *testing.T) {
	f := newFixture(t)
	f.patient("123456", "Núñez", "María")
	f.patient("123457", "Nunez-Plaza", "Bob")
	f.patient("000042", "O'Quux", "Ann")
	f.patient("120000", "Zyzzyva", "Al")
	f.patient("654321", "Núñez", "Carlos")
	barcodeOf := f.firstVolume(f.patient("777777", "Quimby", "Q")).Barcode
	f.patient("300003", "Quux2", "Digit")

	tests := []struct {
		query string
		want  string
	}{
		{"nunez", "654321:name 123456:name 123457:name"},
		{"NUÑ", "654321:name 123456:name 123457:name"},
		{"Núñez, ma", "123456:name"},
		{"nunez, MARIA", "123456:name"},
		{"nunez p", "123457:name"}, // "nunez p" is a surname prefix: folded hyphen is a space
		{"oquux", "000042:name"},
		{"O'Q", "000042:name"},
		{"12-34-56", "123456:mrn"},
		{"123456", "123456:mrn"},
		{"42", "000042:mrn"},                       // exact MRN, padded
		{"12", "120000:mrn 123456:mrn 123457:mrn"}, // no chart 000012: MRN prefix
		{"1234", "123456:mrn 123457:mrn"},
		{strings.ToLower(barcodeOf), "777777:barcode"},
		{"quux2", "300003:name"}, // letters and digits that are no folder's barcode: a surname
		{"nobody", ""},
		{"   ", ""},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			hits, err := f.s.Search(f.clerk, tc.query, 10)
			if err != nil {
				t.Fatal(err)
			}
			if got := hitMRNs(hits); got != tc.want {
				t.Fatalf("Search(%q) = %q, want %q", tc.query, got, tc.want)
			}
		})
	}

	hits, err := f.s.Search(f.clerk, "nunez", 1)
	if err != nil || len(hits) != 1 {
		t.Fatalf("limit 1: %v %v", hits, err)
	}
	if hits[0].Volumes != 1 || hits[0].Out != 0 || hits[0].DisplayName() != "Núñez, Carlos" {
		t.Fatalf("hit details: %+v", hits[0])
	}
	_, err = f.s.Search(context.Background(), "nunez", 10)
	wantCode(t, err, records.EUnauthorized)

	// Every search is audited with its text and hit count.
	evs, err := f.s.ListAudit(f.supervisor, records.AuditFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if evs[0].Action != records.AuditSearch || evs[0].Detail != `search "nunez": 1 hits` || evs[0].Username != "cleo" {
		t.Fatalf("last audit event: %+v", evs[0])
	}
}

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
	survivor := f.patient("200001", "Quux", "Sally")
	retired := f.patient("200002", "Quux", "Sal")
	mergeDirectly(t, f.path, retired.ID, survivor.ID)

	hits, err := f.s.Search(f.clerk, "200002", 10)
	if err != nil {
		t.Fatal(err)
	}
	if got := hitMRNs(hits); got != "200001:merged" {
		t.Fatalf("search by retired MRN = %q", got)
	}
	// A name search lists the survivor only.
	hits, _ = f.s.Search(f.clerk, "quux", 10)
	if got := hitMRNs(hits); got != "200001:name" {
		t.Fatalf("name search = %q", got)
	}
	p, err := f.s.PatientByMRN(f.clerk, "20-00-02")
	if err != nil || p.ID != survivor.ID {
		t.Fatalf("PatientByMRN(retired) = %+v %v", p, err)
	}
	vs, err := f.s.Where(f.clerk, "200002")
	if err != nil || len(vs) != 1 || vs[0].MRN != "200001" {
		t.Fatalf("Where(retired) = %+v %v", vs, err)
	}
	r, err := f.s.Patient(f.clerk, retired.ID)
	if err != nil || r.Status != records.PatientMerged || r.MergedInto != "200001" {
		t.Fatalf("retired row = %+v %v", r, err)
	}
	_, err = f.s.ImportAppointments(f.clerk, []records.AppointmentRow{{Line: 2, Date: records.DateOf(f.clock.Now()), MRN: "200002", Provider: f.drGrey.Name}}, false)
	if err != nil {
		t.Fatal(err)
	}
	reqs, _ := f.s.ListRequests(f.clerk, records.RequestFilter{})
	if len(reqs) != 1 || reqs[0].PatientID != survivor.ID {
		t.Fatalf("appointment for retired MRN: %+v", reqs)
	}
}

func TestWhere(t *testing.T) {
	f := newFixture(t)
	p := f.patient("31-41-59", "Quigley", "Pi")
	v2, err := f.s.AddVolume(f.clerk, records.Volume{PatientID: p.ID})
	if err != nil {
		t.Fatal(err)
	}
	if v2.Number != 2 || v2.Barcode != generatedBarcode(int64(v2.ID)) {
		t.Fatalf("second volume: %+v", v2)
	}
	tests := []struct {
		query string
		want  int
		code  string
	}{
		{"314159", 2, ""},
		{"31-41-59", 2, ""},
		{v2.Barcode, 1, ""},
		{"quig", 2, ""},
		{"3141", 0, records.ENotFound}, // a chart number names that chart, no prefix
		{"nobody", 0, records.ENotFound},
		{"", 0, records.EInvalid},
	}
	for _, tc := range tests {
		vs, err := f.s.Where(f.clerk, tc.query)
		if tc.code != "" {
			wantCode(t, err, tc.code)
			continue
		}
		if err != nil || len(vs) != tc.want {
			t.Fatalf("Where(%q) = %d volumes, %v; want %d", tc.query, len(vs), err, tc.want)
		}
	}
	if got, err := f.s.VolumeByBarcode(f.clerk, strings.ToLower(v2.Barcode)+"\n"); err != nil || got.ID != v2.ID || got.PatientName != "Quigley, Pi" {
		t.Fatalf("VolumeByBarcode = %+v, %v", got, err)
	}
	_, err = f.s.VolumeByBarcode(f.clerk, "NOPE-1")
	wantCode(t, err, records.ENotFound)
	if got, err := f.s.Volume(f.clerk, v2.ID); err != nil || got.Barcode != v2.Barcode {
		t.Fatalf("Volume = %+v, %v", got, err)
	}
	custom, err := f.s.AddVolume(f.clerk, records.Volume{PatientID: p.ID, Barcode: "xr-0001", RecordTypeID: f.medical.ID})
	if err != nil || custom.Barcode != "XR-0001" || custom.Number != 3 {
		t.Fatalf("custom barcode: %+v %v", custom, err)
	}
	_, err = f.s.AddVolume(f.clerk, records.Volume{PatientID: p.ID, Barcode: "XR-0001"})
	wantCode(t, err, records.EConflict)
	_, err = f.s.AddVolume(f.clerk, records.Volume{PatientID: p.ID, Number: 2})
	wantCode(t, err, records.EConflict)
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
