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

func TestMergePreviewNewNumber(t *testing.T) {
	pv := MergePreview{Renumber: []VolumeRenumber{{VolumeID: 5, From: 1, To: 3}}}
	for _, tt := range []struct {
		v    Volume
		want int
	}{
		{Volume{ID: 5, Number: 1}, 3},
		{Volume{ID: 7, Number: 2}, 2},
	} {
		if got := pv.NewNumber(tt.v); got != tt.want {
			t.Errorf("NewNumber(%+v) = %d, want %d", tt.v, got, tt.want)
		}
	}
}

func TestUndoMoved(t *testing.T) {
	m := Merge{ID: 4, SurvivorID: 2, SurvivorMRN: "000002"}
	folder := MergeMove{Kind: MoveKindVolume, RowID: 9, OldNumber: 1, NewNumber: 3}
	request := MergeMove{Kind: MoveKindRequest, RowID: 11}
	for _, tt := range []struct {
		name    string
		mv      MergeMove
		patient ID
		number  int
		refused bool
	}{
		{"folder where the merge put it", folder, 2, 3, false},
		{"folder renumbered since", folder, 2, 4, true},
		{"folder on another chart", folder, 5, 3, true},
		{"request where the merge put it", request, 2, 0, false},
		{"request on another chart", request, 5, 0, true},
	} {
		err := UndoMoved(m, tt.mv, tt.patient, tt.number)
		if (err != nil) != tt.refused || (err != nil && err.Code != EConflict) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}

func TestMergeAuditDetails(t *testing.T) {
	m := Merge{ID: 7, RetiredMRN: "000001", SurvivorMRN: "000002", Note: "registered twice",
		Moved: MergeCounts{Volumes: 2, Renumbered: 1, Requests: 1}}
	tests := []struct{ name, got, want string }{
		{"merge", MergeDetail(m, true), "merge #7: chart 000001 merged into 000002; moved 2 folder(s) (1 renumbered), 1 request(s), 0 loose filing(s), " +
			"0 disclosure(s), 0 accounting request(s); legal hold carried to the survivor; note: registered twice"},
		{"merge without hold or note", MergeDetail(Merge{ID: 8, RetiredMRN: "000003", SurvivorMRN: "000004"}, false),
			"merge #8: chart 000003 merged into 000004; moved 0 folder(s) (0 renumbered), 0 request(s), 0 loose filing(s), 0 disclosure(s), 0 accounting request(s)"},
		{"undo", UnmergeDetail(Merge{ID: 7, RetiredMRN: "000001", SurvivorMRN: "000002", UndoNote: "two people"},
			[]MergeMove{{Kind: MoveKindRequest, RowID: 12}, {Kind: MoveKindDisclosure, RowID: 3}}),
			"merge #7 undone: chart 000001 separated from 000002 again; restored 0 folder(s) (0 renumbered), 0 request(s), 0 loose filing(s), " +
				"0 disclosure(s), 0 accounting request(s); made after the merge and sent back with their folders: request 12, disclosure 3; note: two people"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, tt.got, tt.want)
		}
	}
}
