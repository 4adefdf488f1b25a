package reports

import (
	"context"

	"github.com/chartroom/chartroom/records"
)

// The fake store's answers for the lifecycle reports, from the fixture
// volumes: every folder is eligible by the adult rule, batch 7 destroyed
// the first two, and a shelf audit runs the real rule over them.

func (f *fakeStore) ReviewRetention(ctx context.Context, asOf records.Date, fn func(records.RetentionCandidate) error) error {
	for _, v := range f.volumes {
		p := records.Patient{ID: v.PatientID, MRN: v.MRN, DOB: v.DOB, LastVisit: records.NewDate(2014, 1, 2)}
		d := records.Retention(p, false, f.settings.Retention, asOf)
		if d.Eligible {
			if err := fn(records.RetentionCandidate{Volume: v, Patient: p, Decision: d}); err != nil {
				return err
			}
		}
	}
	return nil
}

func (f *fakeStore) DestructionBatch(ctx context.Context, id records.ID) (records.DestructionBatch, error) {
	if id != 7 {
		return records.DestructionBatch{}, records.Errorf(records.ENotFound, "there is no destruction batch %d", id)
	}
	b := records.DestructionBatch{ID: 7, Date: testToday, Method: "Pulping by a bonded vendor (fictitious)", DestroyedBy: "Sam Shredder",
		Witness: "Wanda Witness", RecordedAt: testNow, RecordedBy: "super", First: records.NewDate(2001, 2, 3), Last: records.NewDate(2014, 1, 2)}
	for _, v := range f.volumes[:2] {
		b.Items = append(b.Items, records.DestructionItem{VolumeID: v.ID, Barcode: v.Barcode, MRN: v.MRN, PatientName: v.PatientName, DOB: v.DOB,
			VolumeLabel: v.Label(), First: records.NewDate(2001, 2, 3), Last: records.NewDate(2014, 1, 2), Rule: records.RuleAdult})
	}
	b.Count = len(b.Items)
	return b, nil
}

func (f *fakeStore) ShelfAudit(ctx context.Context, section records.ShelfSection, barcodes []string) (records.ShelfAuditResult, error) {
	locationID := section.LocationID
	var expected []records.Volume
	for _, v := range f.volumes {
		if v.HomeID == locationID && v.State == records.StateInFile && section.Digits.Contains(v.MRN) {
			expected = append(expected, v)
		}
	}
	scans := make([]records.ShelfScan, len(barcodes))
	for i, code := range barcodes {
		scans[i].Barcode = code
		for _, v := range f.volumes {
			if v.Barcode == code {
				scans[i].Volume = v
			}
		}
	}
	res := records.AuditShelf(func(id records.ID) bool { return id == locationID }, expected, scans)
	res.LocationID, res.LocationPath, res.Digits = locationID, f.locations[0].Path, section.Digits
	return res, nil
}
