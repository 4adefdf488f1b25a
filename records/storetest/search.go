package storetest

import (
	"context"
	"strings"
	"testing"

	"github.com/chartroom/chartroom/records"
)

// HitMRNs lists search hits as "MRN:matched-by", space separated.
func HitMRNs(hits []records.SearchHit) string {
	var out []string
	for _, h := range hits {
		out = append(out, h.MRN+":"+h.MatchedBy)
	}
	return strings.Join(out, " ")
}

func testSearch(t *testing.T, db NewDatabase) {
	f := newFixture(t, db)
	f.Patient("123456", "Núñez", "María")
	f.Patient("123457", "Nunez-Plaza", "Bob")
	f.Patient("000042", "O'Quux", "Ann")
	f.Patient("120000", "Zyzzyva", "Al")
	f.Patient("654321", "Núñez", "Carlos")
	barcodeOf := f.FirstVolume(f.Patient("777777", "Quimby", "Q")).Barcode
	f.Patient("300003", "Quux2", "Digit")

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
			hits, err := f.S.Search(f.Clerk, tc.query, 10)
			if err != nil {
				t.Fatal(err)
			}
			if got := HitMRNs(hits); got != tc.want {
				t.Fatalf("Search(%q) = %q, want %q", tc.query, got, tc.want)
			}
		})
	}

	hits, err := f.S.Search(f.Clerk, "nunez", 1)
	if err != nil || len(hits) != 1 {
		t.Fatalf("limit 1: %v %v", hits, err)
	}
	if hits[0].Volumes != 1 || hits[0].Out != 0 || hits[0].DisplayName() != "Núñez, Carlos" {
		t.Fatalf("hit details: %+v", hits[0])
	}
	_, err = f.S.Search(context.Background(), "nunez", 10)
	WantCode(t, err, records.EUnauthorized)

	// Every search is audited with its text and hit count.
	evs, err := f.S.ListAudit(f.Supervisor, records.AuditFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if evs[0].Action != records.AuditSearch || evs[0].Detail != `search "nunez": 1 hits` || evs[0].Username != "cleo" {
		t.Fatalf("last audit event: %+v", evs[0])
	}
}

func testWhere(t *testing.T, db NewDatabase) {
	f := newFixture(t, db)
	p := f.Patient("31-41-59", "Quigley", "Pi")
	v2, err := f.S.AddVolume(f.Clerk, records.Volume{PatientID: p.ID})
	if err != nil {
		t.Fatal(err)
	}
	if v2.Number != 2 || v2.Barcode != records.GeneratedBarcode(v2.ID) {
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
		vs, err := f.S.Where(f.Clerk, tc.query)
		if tc.code != "" {
			WantCode(t, err, tc.code)
			continue
		}
		if err != nil || len(vs) != tc.want {
			t.Fatalf("Where(%q) = %d volumes, %v; want %d", tc.query, len(vs), err, tc.want)
		}
	}
	if got, err := f.S.VolumeByBarcode(f.Clerk, strings.ToLower(v2.Barcode)+"\n"); err != nil || got.ID != v2.ID || got.PatientName != "Quigley, Pi" {
		t.Fatalf("VolumeByBarcode = %+v, %v", got, err)
	}
	_, err = f.S.VolumeByBarcode(f.Clerk, "NOPE-1")
	WantCode(t, err, records.ENotFound)
	if got, err := f.S.Volume(f.Clerk, v2.ID); err != nil || got.Barcode != v2.Barcode {
		t.Fatalf("Volume = %+v, %v", got, err)
	}
	custom, err := f.S.AddVolume(f.Clerk, records.Volume{PatientID: p.ID, Barcode: "xr-0001", RecordTypeID: f.Medical.ID})
	if err != nil || custom.Barcode != "XR-0001" || custom.Number != 3 {
		t.Fatalf("custom barcode: %+v %v", custom, err)
	}
	_, err = f.S.AddVolume(f.Clerk, records.Volume{PatientID: p.ID, Barcode: "XR-0001"})
	WantCode(t, err, records.EConflict)
	_, err = f.S.AddVolume(f.Clerk, records.Volume{PatientID: p.ID, Number: 2})
	WantCode(t, err, records.EConflict)
}
