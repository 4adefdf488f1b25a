package records

import "context"

// DefaultSearchLimit is how many hits a search returns when its caller asks
// for no limit.
const DefaultSearchLimit = 50

// SearchLookups are the look-ups one search makes, each answered by a store
// inside the search's one transaction. A look-up returns what it found in
// its own order; RunSearch decides which look-ups run, in what order, and
// keeps the hits unique.
type SearchLookups interface {
	// ExactMRN finds the chart numbered mrn; a retired (merged) chart finds
	// its survivor instead.
	ExactMRN(ctx context.Context, mrn string) ([]SearchHit, error)
	// ExternalID finds the patient another system knows by id, case aside.
	ExternalID(ctx context.Context, id string) ([]SearchHit, error)
	// MRNPrefix finds live charts whose numbers start with digits, in
	// number order, at most limit.
	MRNPrefix(ctx context.Context, digits string, limit int) ([]SearchHit, error)
	// Barcode finds the patient of the folder labelled code.
	Barcode(ctx context.Context, code string) ([]SearchHit, error)
	// NamePrefix finds live charts whose folded surname starts with last and
	// given name with first (either may be empty), in name order, at most
	// limit.
	NamePrefix(ctx context.Context, last, first string, limit int) ([]SearchHit, error)
}

// RunSearch makes the look-ups of q in the order the search box promises: a
// number is an exact chart number (a retired one finds its survivor) or
// another system's id, then chart numbers starting with the typed digits,
// then a barcode; a code is a barcode, or else another system's id or a
// surname; a name is another system's id or a surname (and given name)
// prefix. It returns the hits unique, in the order found, at most limit
// (DefaultSearchLimit when limit is not positive). width is the practice's
// chart-number width; only a number needs it.
func RunSearch(ctx context.Context, q Query, width, limit int, look SearchLookups) ([]SearchHit, error) {
	if limit <= 0 {
		limit = DefaultSearchLimit
	}
	h := &searchHits{limit: limit, seen: map[ID]bool{}}
	var err error
	switch q.Kind {
	case QueryNumber:
		if mrn, nerr := NormalizeMRN(q.Digits, width); nerr == nil {
			err = h.add(look.ExactMRN(ctx, mrn))
		}
		if err == nil {
			err = h.externalID(ctx, look, q.Raw)
		}
		// A whole chart number that was found is the only chart it
		// prefixes: the range scan would find it again.
		if err == nil && !h.full() && q.Digits != "" && (len(h.hits) == 0 || len(q.Digits) < width) {
			err = h.add(look.MRNPrefix(ctx, q.Digits, h.wanted()))
		}
		if err == nil {
			err = h.barcode(ctx, look, q.Code)
		}
	case QueryCode:
		err = h.barcode(ctx, look, q.Code)
		// A scan that names a folder is that folder: the surname look-up
		// would cost the scan desk a second query.
		if err == nil && len(h.hits) == 0 {
			err = h.externalID(ctx, look, q.Raw)
			if err == nil {
				err = h.name(ctx, look, q.Last, q.First)
			}
		}
	case QueryName:
		err = h.externalID(ctx, look, q.Raw)
		if err == nil {
			err = h.name(ctx, look, q.Last, q.First)
		}
	}
	if err != nil {
		return nil, err
	}
	return h.hits, nil
}

// searchHits collects a search's hits, unique and in the order found.
type searchHits struct {
	limit int
	seen  map[ID]bool
	hits  []SearchHit
}

func (h *searchHits) full() bool { return len(h.hits) >= h.limit }

// wanted is how many rows a range look-up must ask for to fill the list
// even when some of them were found already.
func (h *searchHits) wanted() int { return h.limit + len(h.hits) }

// add keeps the hits of one look-up that are new, up to the limit.
func (h *searchHits) add(found []SearchHit, err error) error {
	for _, f := range found {
		if h.full() {
			break
		}
		if !h.seen[f.ID] {
			h.seen[f.ID] = true
			h.hits = append(h.hits, f)
		}
	}
	return err
}

func (h *searchHits) externalID(ctx context.Context, look SearchLookups, raw string) error {
	if h.full() || raw == "" || len(raw) > MaxExternalIDLength {
		return nil
	}
	return h.add(look.ExternalID(ctx, raw))
}

func (h *searchHits) barcode(ctx context.Context, look SearchLookups, code string) error {
	if h.full() || code == "" {
		return nil
	}
	return h.add(look.Barcode(ctx, code))
}

func (h *searchHits) name(ctx context.Context, look SearchLookups, last, first string) error {
	if h.full() || (last == "" && first == "") {
		return nil
	}
	return h.add(look.NamePrefix(ctx, last, first, h.wanted()))
}

// MaxWherePatients bounds how many patients a name typed into `where`
// lists the folders of.
const MaxWherePatients = 20

// WherePatients finds the patients whose folders `where` lists for q (a
// barcode of a folder is answered before, by the store): a chart number
// means that chart, not every chart it prefixes, and another system's id
// made of those digits; anything else is a search. Nothing found is
// ENotFound; digits that cannot be a chart number and are no one's id are
// an invalid MRN.
func WherePatients(ctx context.Context, q Query, width int, look SearchLookups) ([]SearchHit, error) {
	if q.Kind != QueryNumber {
		hits, err := RunSearch(ctx, q, width, MaxWherePatients, look)
		if err == nil && len(hits) == 0 {
			err = Errorf(ENotFound, "nothing matches %q", q.Raw)
		}
		return hits, err
	}
	h := &searchHits{limit: MaxWherePatients, seen: map[ID]bool{}}
	if err := h.externalID(ctx, look, q.Raw); err != nil {
		return nil, err
	}
	mrn, err := NormalizeMRN(q.Digits, width)
	if err != nil && len(h.hits) == 0 {
		return nil, FieldError("MRN", "%s", err.Error())
	}
	if err == nil {
		if err := h.add(look.ExactMRN(ctx, mrn)); err != nil {
			return nil, err
		}
	}
	if len(h.hits) == 0 {
		return nil, Errorf(ENotFound, "nothing matches %q", q.Raw)
	}
	return h.hits, nil
}
