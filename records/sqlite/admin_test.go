package sqlite

import (
	"strings"
	"testing"
	"time"

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
	f.patient("123456", "Quux", "Ann")
	f.patient("000789", "Blorp", "Ben")
	if got := filingKeys(t, f); got["123456"] != "563412" || got["000789"] != "890700" {
		t.Fatalf("terminal-digit keys: %v", got)
	}
	st, err := f.s.Settings(f.clerk)
	if err != nil {
		t.Fatal(err)
	}

	st.MRNWidth = 8
	if st, err = f.s.UpdateSettings(f.admin, st); err != nil {
		t.Fatal(err)
	}
	if got := filingKeys(t, f); got["00123456"] != "56340012" || got["00000789"] != "89070000" {
		t.Fatalf("after widening: %v", got)
	}
	if p, err := f.s.PatientByMRN(f.clerk, "123456"); err != nil || p.MRN != "00123456" {
		t.Fatalf("re-padded lookup: %+v %v", p, err)
	}

	st.Filing = records.FilingAlphabetic
	if st, err = f.s.UpdateSettings(f.admin, st); err != nil {
		t.Fatal(err)
	}
	keys := filingKeys(t, f)
	if !(keys["00000789"] < keys["00123456"]) || !strings.HasPrefix(keys["00000789"], "blorp\x01ben\x01") {
		t.Fatalf("alphabetic keys: %q", keys)
	}

	st.MRNWidth = 5
	_, err = f.s.UpdateSettings(f.admin, st)
	wantCode(t, err, records.EInvalid)
	if !strings.Contains(err.Error(), "123456") {
		t.Fatalf("narrowing refusal does not name a chart: %v", err)
	}
	st.MRNWidth = 6
	st.Filing = records.FilingNumeric
	if _, err = f.s.UpdateSettings(f.admin, st); err != nil {
		t.Fatal(err)
	}
	if got := filingKeys(t, f); got["123456"] != "123456" || got["000789"] != "000789" {
		t.Fatalf("after narrowing to 6, numeric: %v", got)
	}
	st.PracticeName = ""
	_, err = f.s.UpdateSettings(f.admin, st)
	wantCode(t, err, records.EInvalid)
}

func TestLocationsTree(t *testing.T) {
	f := newFixture(t)
	cab, err := f.s.SaveLocation(f.supervisor, records.Location{ParentID: f.room.ID, Name: "Cabinet B", Kind: records.LocationCabinet})
	if err != nil {
		t.Fatal(err)
	}
	shelf, err := f.s.SaveLocation(f.supervisor, records.Location{ParentID: cab.ID, Name: "Shelf 1", Kind: records.LocationShelf})
	if err != nil {
		t.Fatal(err)
	}
	annex, err := f.s.SaveLocation(f.supervisor, records.Location{Name: "Record room 2", Kind: records.LocationRoom})
	if err != nil {
		t.Fatal(err)
	}
	if shelf.Path != "Record room > Cabinet B > Shelf 1" {
		t.Fatalf("path %q", shelf.Path)
	}
	// Refuse cycles, duplicates and losing the default.
	cabCycle := cab
	cabCycle.ParentID = shelf.ID
	_, err = f.s.SaveLocation(f.supervisor, cabCycle)
	wantCode(t, err, records.EInvalid)
	self := cab
	self.ParentID = cab.ID
	_, err = f.s.SaveLocation(f.supervisor, self)
	wantCode(t, err, records.EInvalid)
	_, err = f.s.SaveLocation(f.supervisor, records.Location{ParentID: f.room.ID, Name: "cabinet b"})
	wantCode(t, err, records.EConflict)
	room := f.room
	room.Default = false
	_, err = f.s.SaveLocation(f.supervisor, room)
	wantCode(t, err, records.EConflict)

	// Renaming a parent renames the paths below it.
	cab.Name = "Cabinet Beta"
	if _, err := f.s.SaveLocation(f.supervisor, cab); err != nil {
		t.Fatal(err)
	}
	locs, err := f.s.ListLocations(f.clerk)
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
	if _, err := f.s.SaveLocation(f.supervisor, annex); err != nil {
		t.Fatal(err)
	}
	p := f.patient("246810", "Quux", "Annexed")
	if v := f.firstVolume(p); v.HomeID != annex.ID {
		t.Fatalf("new folder filed at %s, want the new default", v.HomePath)
	}

	// ListVolumes by location includes the places inside it.
	v := f.firstVolume(f.patient("135791", "Quux", "Shelved"))
	if _, err := f.s.Transfer(f.supervisor, v.ID, shelf.ID, ""); err != nil {
		t.Fatal(err)
	}
	var inRoom []string
	if err := f.s.ListVolumes(f.clerk, records.VolumeFilter{LocationID: f.room.ID}, func(v records.Volume) error {
		inRoom = append(inRoom, v.MRN)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if strings.Join(inRoom, " ") != "135791" {
		t.Fatalf("volumes in the record room and below: %v", inRoom)
	}
}

func TestRecordTypesAndBorrowers(t *testing.T) {
	f := newFixture(t)
	xray, err := f.s.SaveRecordType(f.supervisor, records.RecordType{Name: "X-ray films", LoanDays: 30, Color: "#aa0000"})
	if err != nil || xray.Code != "X" || xray.Color != "#AA0000" || xray.Default {
		t.Fatalf("SaveRecordType: %+v %v", xray, err)
	}
	_, err = f.s.SaveRecordType(f.supervisor, records.RecordType{Name: "x-RAY FILMS"})
	wantCode(t, err, records.EConflict)
	med := f.medical
	med.Default = false
	_, err = f.s.SaveRecordType(f.supervisor, med)
	wantCode(t, err, records.EConflict)
	xray.Default = true
	if _, err := f.s.SaveRecordType(f.supervisor, xray); err != nil {
		t.Fatal(err)
	}
	types, _ := f.s.ListRecordTypes(f.clerk)
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
		{"b001", f.drGrey.ID, ""},
		{" B001\r", f.drGrey.ID, ""},
		{"dr. ima stone", f.drStone.ID, ""},
		{"Dr. Ima", 0, records.ENotFound},
		{"", 0, records.EInvalid},
	}
	for _, tc := range tests {
		b, err := f.s.FindBorrower(f.clerk, tc.find)
		if tc.code != "" {
			wantCode(t, err, tc.code)
			continue
		}
		if err != nil || b.ID != tc.want {
			t.Fatalf("FindBorrower(%q) = %+v, %v", tc.find, b, err)
		}
	}
	_, err = f.s.SaveBorrower(f.supervisor, records.Borrower{Name: "Nurse Quux", Badge: "b001"})
	wantCode(t, err, records.EConflict)
	_, err = f.s.SaveBorrower(f.supervisor, records.Borrower{Name: "DR. ZED GREY"})
	wantCode(t, err, records.EConflict)

	// A borrower holding folders cannot be made inactive.
	v := f.firstVolume(f.patient("101010", "Quux", "Held"))
	if _, err := f.s.CheckOut(f.clerk, records.CheckOutInput{Barcode: v.Barcode, BorrowerID: f.drGrey.ID}); err != nil {
		t.Fatal(err)
	}
	grey := f.drGrey
	grey.Active = false
	_, err = f.s.SaveBorrower(f.supervisor, grey)
	wantCode(t, err, records.EConflict)
	all, _ := f.s.ListBorrowers(f.clerk, true)
	if len(all) != 4 || all[0].Name != "Boxes R Us Storage" {
		t.Fatalf("ListBorrowers: %+v", all)
	}
}

func TestListVolumesAndCounts(t *testing.T) {
	f := newFixture(t)
	var vols []records.Volume
	for _, mrn := range []string{"000199", "000101", "000150", "000201"} {
		vols = append(vols, f.firstVolume(f.patient(mrn, "Quux", "N"+mrn)))
	}
	collect := func(fl records.VolumeFilter) string {
		var out []string
		if err := f.s.ListVolumes(f.clerk, fl, func(v records.Volume) error {
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
	for i, b := range []records.Borrower{f.drGrey, f.drStone, f.offsite} {
		if _, err := f.s.CheckOut(f.clerk, records.CheckOutInput{Barcode: vols[i].Barcode, BorrowerID: b.ID}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.s.MarkMissing(f.clerk, vols[3].ID, ""); err != nil {
		t.Fatal(err)
	}
	today := records.DateOf(f.clock.Now())
	tests := []struct {
		name string
		f    records.VolumeFilter
		want string
	}{
		{"checked out", records.VolumeFilter{States: []records.VolumeState{records.StateCheckedOut}}, "000101 000199"},
		{"by borrower", records.VolumeFilter{BorrowerID: f.drStone.ID}, "000101"},
		{"borrower order", records.VolumeFilter{States: []records.VolumeState{records.StateCheckedOut, records.StateOffsite}, Order: records.OrderBorrower}, "000150 000101 000199"},
		{"due order", records.VolumeFilter{States: []records.VolumeState{records.StateCheckedOut, records.StateOffsite}, Order: records.OrderDue}, "000101 000199 000150"},
		{"overdue in 5 days", records.VolumeFilter{OverdueOn: today.AddDays(5)}, "000101"},
		{"overdue in a year", records.VolumeFilter{OverdueOn: today.AddDays(365)}, "000101 000199"},
		{"missing", records.VolumeFilter{States: []records.VolumeState{records.StateMissing}}, "000201"},
		{"in file", records.VolumeFilter{States: []records.VolumeState{records.StateInFile}}, ""},
		{"patient", records.VolumeFilter{PatientID: vols[2].PatientID}, "000150"},
		{"record type", records.VolumeFilter{RecordTypeID: f.medical.ID}, "000101 000201 000150 000199"},
	}
	for _, tc := range tests {
		if got := collect(tc.f); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
	c, err := f.s.Counts(f.clerk)
	if err != nil || c.Out != 3 || c.Missing != 1 || c.Overdue != 0 {
		t.Fatalf("counts today: %+v %v", c, err)
	}
	f.clock.Advance(5 * 24 * time.Hour)
	if c, _ = f.s.Counts(f.clerk); c.Overdue != 1 {
		t.Fatalf("counts in 5 days: %+v", c)
	}
}
