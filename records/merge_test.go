package records

import (
	"reflect"
	"testing"
)

func TestMergeRefusal(t *testing.T) {
	a := Patient{ID: 1, MRN: "000001", Status: PatientActive}
	b := Patient{ID: 2, MRN: "000002", Status: PatientInactive}
	merged := Patient{ID: 3, MRN: "000003", Status: PatientMerged, MergedInto: "000009"}
	destroyed := Patient{ID: 4, MRN: "000004", Status: PatientDestroyed}
	tests := []struct {
		name              string
		retired, survivor Patient
		absorbed          int
		refused           bool
	}{
		{"two active charts", a, b, 0, false},
		{"same chart", a, a, 0, true},
		{"retired already merged", merged, b, 0, true},
		{"survivor merged", a, merged, 0, true},
		{"retired destroyed", destroyed, a, 0, true},
		{"survivor destroyed", a, destroyed, 0, true},
		{"retired absorbed another chart: would chain", a, b, 1, true},
	}
	for _, tt := range tests {
		err := MergeRefusal(tt.retired, tt.survivor, tt.absorbed)
		if (err != nil) != tt.refused {
			t.Errorf("%s: refusal %v", tt.name, err)
		}
		if err != nil && err.Code != EConflict {
			t.Errorf("%s: code %s", tt.name, err.Code)
		}
	}
}

func TestRenumberVolumes(t *testing.T) {
	const medical, xray, billing ID = 1, 2, 3
	vol := func(id, typ ID, n int) Volume {
		return Volume{ID: id, RecordTypeID: typ, Number: n, Barcode: "V" + string(rune('0'+id))}
	}
	survivor := []Volume{vol(1, medical, 1), vol(2, medical, 2), vol(3, xray, 1)}
	retired := []Volume{
		vol(6, medical, 3), vol(5, medical, 1), // clash on Medical 1: both follow Medical 2, in old order
		vol(7, xray, 2),    // no clash in X-ray: stays 2
		vol(8, billing, 1), // a type the survivor lacks: stays 1
	}
	got := RenumberVolumes(survivor, retired)
	want := []VolumeRenumber{
		{VolumeID: 5, Barcode: "V5", From: 1, To: 3},
		{VolumeID: 6, Barcode: "V6", From: 3, To: 4},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("RenumberVolumes = %+v, want %+v", got, want)
	}
	if r := RenumberVolumes(nil, retired); len(r) != 0 {
		t.Fatalf("no survivor folders, yet renumbered %+v", r)
	}
	if r := RenumberVolumes(survivor, nil); len(r) != 0 {
		t.Fatalf("no retired folders, yet renumbered %+v", r)
	}
}
