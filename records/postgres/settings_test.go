package postgres

import (
	"slices"
	"strings"
	"testing"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/storetest"
)

// filingKeys are the stored filing keys by chart number.
func filingKeys(t *testing.T, s *Store) map[string]string {
	t.Helper()
	rows, err := s.pool.Query(t.Context(), "SELECT mrn, filing_key FROM patients ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var mrn, key string
		if err := rows.Scan(&mrn, &key); err != nil {
			t.Fatal(err)
		}
		out[mrn] = key
	}
	return out
}

// A new width re-pads every chart number and a new filing system
// recomputes every filing key, as records/sqlite's TestSettingsRefileAndRepad
// checks there; narrowing below a number in use is refused, naming one.
func TestSettingsRefileAndRepad(t *testing.T) {
	s, f, _ := openFixture(t)
	f.Patient("123456", "Quux", "Ann")
	f.Patient("000789", "Blorp", "Ben")
	if got := filingKeys(t, s); got["123456"] != "563412" || got["000789"] != "890700" {
		t.Fatalf("terminal-digit keys: %v", got)
	}
	st, err := s.Settings(f.Clerk)
	if err != nil {
		t.Fatal(err)
	}

	st.MRNWidth = 8
	if st, err = s.UpdateSettings(f.Admin, st); err != nil {
		t.Fatal(err)
	}
	if got := filingKeys(t, s); got["00123456"] != "56340012" || got["00000789"] != "89070000" {
		t.Fatalf("after widening: %v", got)
	}
	if p, err := s.PatientByMRN(f.Clerk, "123456"); err != nil || p.MRN != "00123456" {
		t.Fatalf("re-padded lookup: %+v %v", p, err)
	}

	st.Filing = records.FilingAlphabetic
	if st, err = s.UpdateSettings(f.Admin, st); err != nil {
		t.Fatal(err)
	}
	keys := filingKeys(t, s)
	if !(keys["00000789"] < keys["00123456"]) || !strings.HasPrefix(keys["00000789"], "blorp\x01ben\x01") {
		t.Fatalf("alphabetic keys: %q", keys)
	}

	st.MRNWidth = 5
	_, err = s.UpdateSettings(f.Admin, st)
	storetest.WantCode(t, err, records.EInvalid)
	if err == nil || !strings.Contains(err.Error(), "123456") {
		t.Fatalf("narrowing refusal does not name a chart: %v", err)
	}
	st.MRNWidth = 6
	st.Filing = records.FilingNumeric
	if _, err = s.UpdateSettings(f.Admin, st); err != nil {
		t.Fatal(err)
	}
	if got := filingKeys(t, s); got["123456"] != "123456" || got["000789"] != "000789" {
		t.Fatalf("after narrowing to 6, numeric: %v", got)
	}
	events, err := s.ListAudit(f.Admin, records.AuditFilter{Entity: "settings"})
	if err != nil || !slices.ContainsFunc(events, func(e records.AuditEvent) bool {
		return e.Action == records.AuditUpdate && e.Detail == "settings changed: MRN width, filing system" && e.Username == "ada"
	}) {
		t.Fatalf("no audit event of the last change: %+v %v", events, err)
	}

	// Refused and nothing saved: a clerk, an empty name, a second backup
	// place without a backup passphrase.
	_, err = s.UpdateSettings(f.Clerk, st)
	storetest.WantCode(t, err, records.EForbidden)
	bad := st
	bad.PracticeName = ""
	_, err = s.UpdateSettings(f.Admin, bad)
	storetest.WantCode(t, err, records.EInvalid)
	bad = st
	bad.SecondBackupDir = t.TempDir()
	_, err = s.UpdateSettings(f.Admin, bad)
	if records.ErrorField(err) != "Second backup place" || !strings.Contains(err.Error(), "passphrase") {
		t.Fatalf("second place without a passphrase: %v", err)
	}
	if now, _ := s.Settings(f.Clerk); now.SecondBackupDir != "" || now.PracticeName == "" {
		t.Fatalf("a refused change was saved: %+v", now)
	}
}
