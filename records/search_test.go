package records

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// recordedLookups answers every look-up from found (by look-up name) and
// records the look-ups made.
type recordedLookups struct {
	found map[string][]SearchHit
	made  []string
}

func (r *recordedLookups) answer(name string) ([]SearchHit, error) {
	r.made = append(r.made, name)
	if name == "fail" {
		return nil, errors.New("disk gone")
	}
	return r.found[name], nil
}

func (r *recordedLookups) ExactMRN(_ context.Context, mrn string) ([]SearchHit, error) {
	return r.answer("mrn " + mrn)
}
func (r *recordedLookups) ExternalID(_ context.Context, id string) ([]SearchHit, error) {
	return r.answer("external " + id)
}
func (r *recordedLookups) MRNPrefix(_ context.Context, digits string, limit int) ([]SearchHit, error) {
	return r.answer("prefix " + digits)
}
func (r *recordedLookups) Barcode(_ context.Context, code string) ([]SearchHit, error) {
	return r.answer("barcode " + code)
}
func (r *recordedLookups) NamePrefix(_ context.Context, last, first string, limit int) ([]SearchHit, error) {
	return r.answer("name " + last + "," + first)
}

func hit(id ID) SearchHit { return SearchHit{Patient: Patient{ID: id}} }

func TestRunSearchOrder(t *testing.T) {
	cases := []struct {
		name  string
		query string
		found map[string][]SearchHit
		made  []string
		hits  []ID
	}{
		{"a whole chart number found is not scanned for again", "000123",
			map[string][]SearchHit{"mrn 000123": {hit(1)}, "barcode 000123": {hit(1)}},
			[]string{"mrn 000123", "external 000123", "barcode 000123"}, []ID{1}},
		{"a partial number is a chart, then the numbers it begins, then a barcode", "12",
			map[string][]SearchHit{"mrn 000012": {hit(5)}, "prefix 12": {hit(7), hit(8)}},
			[]string{"mrn 000012", "external 12", "prefix 12", "barcode 12"}, []ID{5, 7, 8}},
		{"a scanned code that names a folder is that folder only", "V00000042",
			map[string][]SearchHit{"barcode V00000042": {hit(3)}},
			[]string{"barcode V00000042"}, []ID{3}},
		{"a code no folder has is an id, then a surname", "qz7",
			map[string][]SearchHit{"name qz7,": {hit(4)}},
			[]string{"barcode QZ7", "external qz7", "name qz7,"}, []ID{4}},
		{"a name is an id, then surname and given name", "Núñez, Ma",
			map[string][]SearchHit{"external Núñez, Ma": {hit(2)}, "name nunez,ma": {hit(2), hit(9)}},
			[]string{"external Núñez, Ma", "name nunez,ma"}, []ID{2, 9}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			look := &recordedLookups{found: c.found}
			hits, err := RunSearch(context.Background(), ParseQuery(c.query), 6, 0, look)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(look.made, c.made) {
				t.Errorf("look-ups %q, want %q", look.made, c.made)
			}
			var ids []ID
			for _, h := range hits {
				ids = append(ids, h.ID)
			}
			if !reflect.DeepEqual(ids, c.hits) {
				t.Errorf("hits %v, want %v", ids, c.hits)
			}
		})
	}
}

func TestRunSearchStopsAtTheLimit(t *testing.T) {
	look := &recordedLookups{found: map[string][]SearchHit{"external 12": {hit(1)}, "prefix 12": {hit(1), hit(2), hit(3)}}}
	hits, err := RunSearch(context.Background(), ParseQuery("12"), 6, 2, look)
	if err != nil || len(hits) != 2 || hits[1].ID != 2 {
		t.Fatalf("hits %v, err %v: want patients 1 and 2", hits, err)
	}
	if got := strings.Join(look.made, "; "); strings.Contains(got, "barcode") {
		t.Errorf("a full list still looked for a barcode: %s", got)
	}
}

func TestWherePatients(t *testing.T) {
	ctx := context.Background()
	look := &recordedLookups{found: map[string][]SearchHit{"mrn 000123": {hit(1)}}}
	if hits, err := WherePatients(ctx, ParseQuery("123"), 6, look); err != nil || len(hits) != 1 {
		t.Fatalf("chart 123: %v %v", hits, err)
	}
	if got := strings.Join(look.made, "; "); strings.Contains(got, "prefix") {
		t.Errorf("where scanned the numbers a chart number begins: %s", got)
	}
	if _, err := WherePatients(ctx, ParseQuery("12345678"), 6, &recordedLookups{}); ErrorCode(err) != EInvalid {
		t.Errorf("a number too long for a chart and no one's id: %v, want an invalid MRN", err)
	}
	if _, err := WherePatients(ctx, ParseQuery("quazor"), 6, &recordedLookups{}); ErrorCode(err) != ENotFound {
		t.Errorf("a name no one has: %v, want not found", err)
	}
}
