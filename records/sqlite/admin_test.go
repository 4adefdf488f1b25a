package sqlite

import (
	"strings"
	"testing"

	"github.com/chartroom/chartroom/records"
)

func filingKeys(t *testing.T, f *fixture) map[string]string {
	t.Helper()
	rows, err := f.s.r.Query("SELECT mrn, filing_key FROM patients ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var mrn, key string
		rows.Scan(&mrn, &key)
		out[mrn] = key
	}
	return out
}

func TestSettingsRefileAndRepad(t *testing.T) {
	f := newFixture(t)
	f.Patient("123456", "Quux", "Ann")
	f.Patient("000789", "Blorp", "Ben")
	if got := filingKeys(t, f); got["123456"] != "563412" || got["000789"] != "890700" {
		t.Fatalf("terminal-digit keys: %v", got)
	}
	st, err := f.s.Settings(f.Clerk)
	if err != nil {
		t.Fatal(err)
	}

	st.MRNWidth = 8
	if st, err = f.s.UpdateSettings(f.Admin, st); err != nil {
		t.Fatal(err)
	}
	if got := filingKeys(t, f); got["00123456"] != "56340012" || got["00000789"] != "89070000" {
		t.Fatalf("after widening: %v", got)
	}
	if p, err := f.s.PatientByMRN(f.Clerk, "123456"); err != nil || p.MRN != "00123456" {
		t.Fatalf("re-padded lookup: %+v %v", p, err)
	}

	st.Filing = records.FilingAlphabetic
	if st, err = f.s.UpdateSettings(f.Admin, st); err != nil {
		t.Fatal(err)
	}
	keys := filingKeys(t, f)
	if !(keys["00000789"] < keys["00123456"]) || !strings.HasPrefix(keys["00000789"], "blorp\x01ben\x01") {
		t.Fatalf("alphabetic keys: %q", keys)
	}

	st.MRNWidth = 5
	_, err = f.s.UpdateSettings(f.Admin, st)
	wantCode(t, err, records.EInvalid)
	if !strings.Contains(err.Error(), "123456") {
		t.Fatalf("narrowing refusal does not name a chart: %v", err)
	}
	st.MRNWidth = 6
	st.Filing = records.FilingNumeric
	if _, err = f.s.UpdateSettings(f.Admin, st); err != nil {
		t.Fatal(err)
	}
	if got := filingKeys(t, f); got["123456"] != "123456" || got["000789"] != "000789" {
		t.Fatalf("after narrowing to 6, numeric: %v", got)
	}
	st.PracticeName = ""
	_, err = f.s.UpdateSettings(f.Admin, st)
	wantCode(t, err, records.EInvalid)
}
