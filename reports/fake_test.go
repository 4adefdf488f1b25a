package reports

import (
	"cmp"
	"context"
	"slices"

	"github.com/chartroom/chartroom/records"
)

// fakeStore answers the read calls reports make from fixed data, the way
// the records.Service contract describes them. A call it does not answer
// panics (the embedded interface is nil).
type fakeStore struct {
	Store
	settings    records.Settings
	volumes     []records.Volume
	requests    []records.Request
	moves       []records.Movement
	borrowers   []records.Borrower
	locations   []records.Location
	types       []records.RecordType
	patients    []records.Patient
	disclosures []records.Disclosure
}

func newFakeStore() *fakeStore {
	s := records.DefaultSettings()
	s.PracticeName = testPractice
	s.PracticeAddress = "12 Sample Lane, Springfield"
	return &fakeStore{
		settings:    s,
		volumes:     fixtureVolumes(),
		requests:    fixtureRequests(),
		borrowers:   []records.Borrower{drQuill, billing, storage, lawyer},
		locations:   []records.Location{{ID: 10, Name: "Shelf 3", Kind: records.LocationShelf, Path: "Record room > Cabinet A > Shelf 3", Active: true}},
		types:       []records.RecordType{medical},
		patients:    []records.Patient{{ID: 2, MRN: "013556", LastName: "Nguyễn", FirstName: "Thị Lan"}},
		disclosures: fixtureDisclosures(),
	}
}

func (f *fakeStore) Settings(context.Context) (records.Settings, error) { return f.settings, nil }

func (f *fakeStore) ListVolumes(ctx context.Context, flt records.VolumeFilter, fn func(records.Volume) error) error {
	vs := slices.Clone(f.volumes)
	vs = slices.DeleteFunc(vs, func(v records.Volume) bool {
		return (flt.LocationID != 0 && v.HomeID != flt.LocationID) ||
			(len(flt.States) > 0 && !slices.Contains(flt.States, v.State)) ||
			(flt.BorrowerID != 0 && v.BorrowerID != flt.BorrowerID) ||
			(flt.RecordTypeID != 0 && v.RecordTypeID != flt.RecordTypeID) ||
			(flt.PatientID != 0 && v.PatientID != flt.PatientID) ||
			(flt.ExcludeDestroyed && v.State == records.StateDestroyed && !slices.Contains(flt.States, records.StateDestroyed)) ||
			(!flt.OverdueOn.IsZero() && !records.Overdue(v, flt.OverdueOn))
	})
	slices.SortStableFunc(vs, func(a, b records.Volume) int {
		switch flt.Order {
		case records.OrderBorrower:
			return cmp.Or(cmp.Compare(a.BorrowerName, b.BorrowerName), cmp.Compare(a.FilingKey, b.FilingKey))
		case records.OrderDue:
			return cmp.Or(a.Due.Time().Compare(b.Due.Time()), cmp.Compare(a.FilingKey, b.FilingKey))
		}
		return cmp.Compare(a.FilingKey, b.FilingKey)
	})
	for _, v := range vs {
		if err := fn(v); err != nil {
			return err
		}
	}
	return nil
}

func (f *fakeStore) Volume(ctx context.Context, id records.ID) (records.Volume, error) {
	for _, v := range f.volumes {
		if v.ID == id {
			return v, nil
		}
	}
	return records.Volume{}, records.Errorf(records.ENotFound, "there is no volume %d", id)
}

func (f *fakeStore) VolumeByBarcode(ctx context.Context, code string) (records.Volume, error) {
	for _, v := range f.volumes {
		if v.Barcode == code {
			return v, nil
		}
	}
	return records.Volume{}, records.Errorf(records.ENotFound, "there is no volume %s", code)
}

func (f *fakeStore) ListRequests(ctx context.Context, flt records.RequestFilter) ([]records.Request, error) {
	var out []records.Request
	for _, r := range f.requests {
		if (!flt.From.IsZero() && r.NeededOn.Before(flt.From)) || (!flt.To.IsZero() && r.NeededOn.After(flt.To)) ||
			(len(flt.States) > 0 && !slices.Contains(flt.States, r.State)) {
			continue
		}
		out = append(out, r)
	}
	return out, nil
}

func (f *fakeStore) History(ctx context.Context, flt records.HistoryFilter) ([]records.Movement, error) {
	var out []records.Movement
	for _, m := range f.moves {
		day := records.DateOf(m.At)
		if (flt.VolumeID != 0 && m.VolumeID != flt.VolumeID) ||
			(!flt.From.IsZero() && day.Before(flt.From)) || (!flt.To.IsZero() && day.After(flt.To)) {
			continue
		}
		out = append(out, m)
	}
	return out, nil
}

func (f *fakeStore) ListBorrowers(ctx context.Context, includeInactive bool) ([]records.Borrower, error) {
	return f.borrowers, nil
}

func (f *fakeStore) Borrower(ctx context.Context, id records.ID) (records.Borrower, error) {
	for _, b := range f.borrowers {
		if b.ID == id {
			return b, nil
		}
	}
	return records.Borrower{}, records.Errorf(records.ENotFound, "there is no borrower %d", id)
}

func (f *fakeStore) ListLocations(context.Context) ([]records.Location, error) {
	return f.locations, nil
}

func (f *fakeStore) ListRecordTypes(context.Context) ([]records.RecordType, error) {
	return f.types, nil
}

func (f *fakeStore) Patient(ctx context.Context, id records.ID) (records.Patient, error) {
	for _, p := range f.patients {
		if p.ID == id {
			return p, nil
		}
	}
	return records.Patient{}, records.Errorf(records.ENotFound, "there is no patient %d", id)
}
