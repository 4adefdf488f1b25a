package storetest

import (
	"strings"
	"testing"
	"time"

	"github.com/chartroom/chartroom/records"
)

func testLocationsTree(t *testing.T, db NewDatabase) {
	f := newFixture(t, db)
	cab, err := f.S.SaveLocation(f.Supervisor, records.Location{ParentID: f.Room.ID, Name: "Cabinet B", Kind: records.LocationCabinet})
	if err != nil {
		t.Fatal(err)
	}
	shelf, err := f.S.SaveLocation(f.Supervisor, records.Location{ParentID: cab.ID, Name: "Shelf 1", Kind: records.LocationShelf})
	if err != nil {
		t.Fatal(err)
	}
	annex, err := f.S.SaveLocation(f.Supervisor, records.Location{Name: "Record room 2", Kind: records.LocationRoom})
	if err != nil {
		t.Fatal(err)
	}
	if shelf.Path != "Record room > Cabinet B > Shelf 1" {
		t.Fatalf("path %q", shelf.Path)
	}
	// Refuse cycles, duplicates and losing the default.
	cabCycle := cab
	cabCycle.ParentID = shelf.ID
	_, err = f.S.SaveLocation(f.Supervisor, cabCycle)
	WantCode(t, err, records.EInvalid)
	self := cab
	self.ParentID = cab.ID
	_, err = f.S.SaveLocation(f.Supervisor, self)
	WantCode(t, err, records.EInvalid)
	_, err = f.S.SaveLocation(f.Supervisor, records.Location{ParentID: f.Room.ID, Name: "cabinet b"})
	WantCode(t, err, records.EConflict)
	room := f.Room
	room.Default = false
	_, err = f.S.SaveLocation(f.Supervisor, room)
	WantCode(t, err, records.EConflict)

	// Renaming a parent renames the paths below it.
	cab.Name = "Cabinet Beta"
	if _, err := f.S.SaveLocation(f.Supervisor, cab); err != nil {
		t.Fatal(err)
	}
	locs, err := f.S.ListLocations(f.Clerk)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, l := range locs {
		paths = append(paths, l.Path)
	}
	want := "Record room | Record room > Cabinet Beta | Record room > Cabinet Beta > Shelf 1 | Record room 2"
	if got := strings.Join(paths, " | "); got != want {
		t.Fatalf("tree order:\n got %s\nwant %s", got, want)
	}

	// Moving the default elsewhere.
	annex.Default = true
	if _, err := f.S.SaveLocation(f.Supervisor, annex); err != nil {
		t.Fatal(err)
	}
	p := f.Patient("246810", "Quux", "Annexed")
	if v := f.FirstVolume(p); v.HomeID != annex.ID {
		t.Fatalf("new folder filed at %s, want the new default", v.HomePath)
	}

	// ListVolumes by location includes the places inside it.
	v := f.FirstVolume(f.Patient("135791", "Quux", "Shelved"))
	if _, err := f.S.Transfer(f.Supervisor, v.ID, shelf.ID, ""); err != nil {
		t.Fatal(err)
	}
	var inRoom []string
	if err := f.S.ListVolumes(f.Clerk, records.VolumeFilter{LocationID: f.Room.ID}, func(v records.Volume) error {
		inRoom = append(inRoom, v.MRN)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if strings.Join(inRoom, " ") != "135791" {
		t.Fatalf("volumes in the record room and below: %v", inRoom)
	}
}

func testRecordTypesAndBorrowers(t *testing.T, db NewDatabase) {
	f := newFixture(t, db)
	xray, err := f.S.SaveRecordType(f.Supervisor, records.RecordType{Name: "X-ray films", LoanDays: 30, Color: "#aa0000"})
	if err != nil || xray.Code != "X" || xray.Color != "#AA0000" || xray.Default {
		t.Fatalf("SaveRecordType: %+v %v", xray, err)
	}
	_, err = f.S.SaveRecordType(f.Supervisor, records.RecordType{Name: "x-RAY FILMS"})
	WantCode(t, err, records.EConflict)
	med := f.Medical
	med.Default = false
	_, err = f.S.SaveRecordType(f.Supervisor, med)
	WantCode(t, err, records.EConflict)
	xray.Default = true
	if _, err := f.S.SaveRecordType(f.Supervisor, xray); err != nil {
		t.Fatal(err)
	}
	types, _ := f.S.ListRecordTypes(f.Clerk)
	defaults := 0
	for _, rt := range types {
		if rt.Default {
			defaults++
		}
	}
	if defaults != 1 {
		t.Fatalf("%d default record types", defaults)
	}

	tests := []struct {
		find string
		want records.ID
		code string
	}{
		{"b001", f.DrGrey.ID, ""},
		{" B001\r", f.DrGrey.ID, ""},
		{"dr. ima stone", f.DrStone.ID, ""},
		{"Dr. Ima", 0, records.ENotFound},
		{"", 0, records.EInvalid},
	}
	for _, tc := range tests {
		b, err := f.S.FindBorrower(f.Clerk, tc.find)
		if tc.code != "" {
			WantCode(t, err, tc.code)
			continue
		}
		if err != nil || b.ID != tc.want {
			t.Fatalf("FindBorrower(%q) = %+v, %v", tc.find, b, err)
		}
	}
	_, err = f.S.SaveBorrower(f.Supervisor, records.Borrower{Name: "Nurse Quux", Badge: "b001"})
	WantCode(t, err, records.EConflict)
	_, err = f.S.SaveBorrower(f.Supervisor, records.Borrower{Name: "DR. ZED GREY"})
	WantCode(t, err, records.EConflict)

	// A borrower holding folders cannot be made inactive.
	v := f.FirstVolume(f.Patient("101010", "Quux", "Held"))
	if _, err := f.S.CheckOut(f.Clerk, records.CheckOutInput{Barcode: v.Barcode, BorrowerID: f.DrGrey.ID}); err != nil {
		t.Fatal(err)
	}
	grey := f.DrGrey
	grey.Active = false
	_, err = f.S.SaveBorrower(f.Supervisor, grey)
	WantCode(t, err, records.EConflict)
	all, _ := f.S.ListBorrowers(f.Clerk, true)
	if len(all) != 4 || all[0].Name != "Boxes R Us Storage" {
		t.Fatalf("ListBorrowers: %+v", all)
	}
}

func testListVolumesAndCounts(t *testing.T, db NewDatabase) {
	f := newFixture(t, db)
	var vols []records.Volume
	for _, mrn := range []string{"000199", "000101", "000150", "000201"} {
		vols = append(vols, f.FirstVolume(f.Patient(mrn, "Quux", "N"+mrn)))
	}
	collect := func(fl records.VolumeFilter) string {
		var out []string
		if err := f.S.ListVolumes(f.Clerk, fl, func(v records.Volume) error {
			out = append(out, v.MRN)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return strings.Join(out, " ")
	}
	// Terminal digit: sections 01, 50, 99 (000101 and 000201 share section
	// 01 and sort by their secondary digits 01 < 02).
	if got := collect(records.VolumeFilter{}); got != "000101 000201 000150 000199" {
		t.Fatalf("filing order: %s", got)
	}
	// vols[0] to Grey (14 days), vols[1] to Stone (3 days), vols[2] offsite.
	for i, b := range []records.Borrower{f.DrGrey, f.DrStone, f.Offsite} {
		if _, err := f.S.CheckOut(f.Clerk, records.CheckOutInput{Barcode: vols[i].Barcode, BorrowerID: b.ID}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.S.MarkMissing(f.Clerk, vols[3].ID, ""); err != nil {
		t.Fatal(err)
	}
	today := records.DateOf(f.Clock.Now())
	tests := []struct {
		name string
		f    records.VolumeFilter
		want string
	}{
		{"checked out", records.VolumeFilter{States: []records.VolumeState{records.StateCheckedOut}}, "000101 000199"},
		{"by borrower", records.VolumeFilter{BorrowerID: f.DrStone.ID}, "000101"},
		{"borrower order", records.VolumeFilter{States: []records.VolumeState{records.StateCheckedOut, records.StateOffsite}, Order: records.OrderBorrower}, "000150 000101 000199"},
		{"due order", records.VolumeFilter{States: []records.VolumeState{records.StateCheckedOut, records.StateOffsite}, Order: records.OrderDue}, "000101 000199 000150"},
		{"overdue in 5 days", records.VolumeFilter{OverdueOn: today.AddDays(5)}, "000101"},
		{"overdue in a year", records.VolumeFilter{OverdueOn: today.AddDays(365)}, "000101 000199"},
		{"missing", records.VolumeFilter{States: []records.VolumeState{records.StateMissing}}, "000201"},
		{"in file", records.VolumeFilter{States: []records.VolumeState{records.StateInFile}}, ""},
		{"patient", records.VolumeFilter{PatientID: vols[2].PatientID}, "000150"},
		{"patients", records.VolumeFilter{Patients: []records.ID{vols[3].PatientID, vols[0].PatientID}}, "000201 000199"},
		{"patients, checked out", records.VolumeFilter{Patients: []records.ID{vols[3].PatientID, vols[0].PatientID}, States: []records.VolumeState{records.StateCheckedOut}}, "000199"},
		{"record type", records.VolumeFilter{RecordTypeID: f.Medical.ID}, "000101 000201 000150 000199"},
	}
	for _, tc := range tests {
		if got := collect(tc.f); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
	c, err := f.S.Counts(f.Clerk)
	if err != nil || c.Out != 3 || c.Missing != 1 || c.Overdue != 0 {
		t.Fatalf("counts today: %+v %v", c, err)
	}
	f.Clock.Advance(5 * 24 * time.Hour)
	if c, _ = f.S.Counts(f.Clerk); c.Overdue != 1 {
		t.Fatalf("counts in 5 days: %+v", c)
	}
	// The count agrees with the list: the folder at offsite storage is
	// never overdue, nor one lent to a borrower that has since become
	// offsite storage.
	f.Clock.Advance(360 * 24 * time.Hour)
	if c, _ = f.S.Counts(f.Clerk); c.Overdue != 2 {
		t.Fatalf("counts in a year: %+v", c)
	}
	grey := f.DrGrey
	grey.Kind = records.BorrowerOffsite
	if _, err := f.S.SaveBorrower(f.Supervisor, grey); err != nil {
		t.Fatal(err)
	}
	if got := collect(records.VolumeFilter{OverdueOn: records.DateOf(f.Clock.Now())}); got != "000101" {
		t.Errorf("overdue after Dr Grey became offsite storage: %q", got)
	}
	if c, _ = f.S.Counts(f.Clerk); c.Overdue != 1 {
		t.Fatalf("counts after Dr Grey became offsite storage: %+v", c)
	}
}
