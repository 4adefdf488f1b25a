package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chartroom/chartroom/records"
)

// FuzzSearch sends arbitrary text from the find box to the store: it must
// answer with hits or nothing, never an internal error, and every hit must
// match the way the query asked (LIKE wildcards and quotes are literal).
func FuzzSearch(f *testing.F) {
	s := openTestStore(f, filepath.Join(f.TempDir(), "fuzz.db"), newClock())
	ctx := context.Background()
	if _, err := s.Initialize(ctx, records.InitInput{
		Settings:      records.Settings{PracticeName: "Fuzzville Clinic", MRNWidth: 6, Filing: records.FilingTerminalDigit},
		AdminUsername: "ada", AdminName: "Ada Admin", AdminPassword: testPassword,
	}); err != nil {
		f.Fatalf("Initialize: %v", err)
	}
	a, err := s.SignIn(ctx, "ada", testPassword)
	if err != nil {
		f.Fatalf("SignIn: %v", err)
	}
	admin := records.WithActor(ctx, a)
	for _, p := range []records.Patient{
		{MRN: "123456", LastName: "Núñez", FirstName: "María"},
		{MRN: "654321", LastName: "O'Connor", FirstName: "Zoë"},
		{MRN: "000042", LastName: "Percent_Under", FirstName: "Al%"},
	} {
		p.DOB = records.MustParseDate("1980-05-06")
		if _, err := s.CreatePatient(admin, p); err != nil {
			f.Fatalf("CreatePatient: %v", err)
		}
	}
	for _, seed := range []string{"12-34-56", "nunez", "Núñez, Ma", "o'c", "%", "_", "\\", "V0000001", "'; DROP TABLE patients; --", "\x00", ",", "  ", "9999999999999999999999"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, query string) {
		hits, err := s.Search(admin, query, 50)
		if err != nil {
			if code := records.ErrorCode(err); code == records.EInternal {
				t.Fatalf("Search(%q): internal error %v", query, err)
			}
			return
		}
		if len(hits) > 50 {
			t.Fatalf("Search(%q): %d hits, limit 50", query, len(hits))
		}
		q := records.ParseQuery(query)
		for _, h := range hits {
			if q.Kind == records.QueryName && h.MatchedBy == "name" && !strings.HasPrefix(records.FoldName(h.LastName), q.Last) {
				t.Fatalf("Search(%q) found %s, whose name does not start with %q", query, h.LastName, q.Last)
			}
		}
	})
}
