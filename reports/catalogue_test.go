package reports

import (
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/chartroom/chartroom/records"
)

// filledTo repeats the words of s, separated by spaces, until the text is
// exactly n characters long (a made-up name at a validator's limit).
func filledTo(s string, n int) string {
	words := strings.Fields(s)
	var b strings.Builder
	for i := 0; utf8.RuneCountInString(b.String()) < n; i++ {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[i%len(words)])
	}
	r := []rune(b.String())[:n]
	// A name does not end in a space or hyphen.
	for unicode.IsSpace(r[n-1]) || r[n-1] == '-' {
		r[n-1] = 'x'
	}
	return string(r)
}

// Values at the limits the validators allow (records.ValidatePatient and
// the others; TestLongestFixturesAreValid checks they pass and are at the
// limit).
var (
	longPractice = filledTo("Maple Grove Family and Community Health Practice of the Upper Valley (demo)", 100)
	longLast     = filledTo("Fitzgerald-Worthington Montgomery-Abernathy Quiñones-Østergaard", 100)
	longFirst    = filledTo("Bartholomew Alexander Maximilian Nguyễn", 100)
	longMiddle   = filledTo("Theodora Evangeline Wilhelmina", 100)
	longType     = filledTo("X-ray films and imaging reports archive", 40)
	longLocation = []string{
		filledTo("Main record room basement level archive", 60),
		filledTo("Rolling cabinet row twelve east wall", 60),
		filledTo("Shelf seven lower drawer back section", 60),
	}
	longBorrower = records.Borrower{ID: 1, Name: filledTo("Dr. Ada Quill Pennywhistle-Abernathy Orthopaedic Surgery Department", 100),
		Kind: records.BorrowerProvider, Room: filledTo("Room 12 east wing second floor", 40), Phone: filledTo("555-0100 extension 4471", 40),
		Address: filledTo("1 Example Plaza Suite 400 Springfield", 200), LoanDays: 7, Active: true}
	longNote   = filledTo("Taken to the fracture clinic for the consultant's review of the films", 200)
	longReason = filledTo("Follow-up of the fracture clinic review with films needed by the consultant", 200)
)

func TestLongestFixturesAreValid(t *testing.T) {
	p := records.Patient{MRN: "908172635445", LastName: longLast, FirstName: longFirst, MiddleName: longMiddle}
	s := records.DefaultSettings()
	s.MRNWidth, s.PracticeName = records.MaxMRNWidth, longPractice
	if err := records.ValidateSettings(&s); err != nil {
		t.Fatal(err)
	}
	if err := records.ValidatePatient(&p, s, testToday); err != nil {
		t.Fatal(err)
	}
	rt := records.RecordType{Name: longType}
	if err := records.ValidateRecordType(&rt); err != nil {
		t.Fatal(err)
	}
	for _, name := range longLocation {
		l := records.Location{Name: name}
		if err := records.ValidateLocation(&l); err != nil {
			t.Fatal(err)
		}
	}
	b := longBorrower
	if err := records.ValidateBorrower(&b); err != nil {
		t.Fatal(err)
	}
	r := records.Request{PatientID: 1, BorrowerID: 1, NeededOn: testToday, Reason: longReason}
	if err := records.ValidateRequest(&r, testToday); err != nil {
		t.Fatal(err)
	}
	// One character more is refused: the fixtures are at the limit.
	p.LastName += "x"
	if err := records.ValidatePatient(&p, s, testToday); err == nil {
		t.Error("a last name longer than the fixture's is accepted; the fixture is not the longest")
	}
	rt.Name += "x"
	if err := records.ValidateRecordType(&rt); err == nil {
		t.Error("a record type longer than the fixture's is accepted")
	}
	r.Reason += "x"
	if err := records.ValidateRequest(&r, testToday); err == nil {
		t.Error("a reason longer than the fixture's is accepted")
	}
}

// longStore is the fake store with every name, record type, location,
// borrower, reason and note at its longest.
func longStore() *fakeStore {
	f := newFakeStore()
	f.settings.PracticeName = longPractice
	f.settings.MRNWidth = records.MaxMRNWidth
	path := strings.Join(longLocation, " > ")
	f.locations[0].Path = path
	mrns := []string{"908172635445", "918273645501", "000000000157", "445566778899", "998877665544", "778899001122"}
	for i := range f.volumes {
		v := &f.volumes[i]
		v.MRN = mrns[i]
		last := longLast
		v.PatientName = records.PersonName(last, longFirst, longMiddle)
		v.FilingKey = records.FilingKey(records.FilingTerminalDigit, v.MRN, last, "", v.DOB)
		v.TypeName = longType
		v.Number = 12
		v.HomePath = path
		if v.State.Out() {
			v.BorrowerName = longBorrower.Name
			v.BorrowerTel = longBorrower.Room
		}
	}
	f.borrowers[0] = longBorrower
	f.patients[0].MRN = mrns[1]
	f.patients[0].LastName, f.patients[0].FirstName, f.patients[0].MiddleName = longLast, longFirst, longMiddle
	f.requests = nil
	for i, v := range []records.Volume{f.volumes[0], f.volumes[1], f.volumes[5]} {
		f.requests = append(f.requests, records.Request{
			ID: records.ID(i + 1), PatientID: v.PatientID, VolumeID: v.ID, BorrowerID: longBorrower.ID, NeededOn: testToday, NeededAt: "09:30",
			Reason: longReason, State: records.RequestPending, Source: "manual", CreatedAt: testNow.Add(-20 * time.Hour),
			MRN: v.MRN, PatientName: v.PatientName, BorrowerName: longBorrower.Name, BorrowerTel: longBorrower.Room,
			VolumeLabel: v.Label(), Barcode: v.Barcode, VolumeState: v.State, Where: v.Where(), FilingKey: v.FilingKey,
		})
	}
	f.moves = []records.Movement{{VolumeID: 2, Kind: records.MoveCheckOut, At: testNow.AddDate(0, 0, -13), Username: "clerk.demo",
		VolumeLabel: f.volumes[1].Label(), Barcode: f.volumes[1].Barcode, FromLocation: path, ToBorrower: longBorrower.Name,
		ToBorrowerID: longBorrower.ID, Note: longNote}}
	for i := range f.disclosures {
		f.disclosures[i].Recipient = filledTo(f.disclosures[i].Recipient+" of Springfield", 100)
	}
	return f
}

// identifying are the values each report must print whole for the long
// store: what a clerk finds a folder, a patient or a task by.
func identifying(f *fakeStore, report string) []string {
	fs := f.settings.Filing
	v := f.volumes[1] // patient 2, out to the long borrower, on every list
	name, mrn, label := v.PatientName, records.FormatMRN(v.MRN, fs), v.Label()
	switch report {
	case ReportLocation:
		return []string{longPractice, name, mrn, label, "Out: " + longBorrower.Name, longBorrower.Room, f.locations[0].Path}
	case ReportOutByBorrower:
		return []string{name, mrn, label, longBorrower.Name}
	case ReportOverdue, ReportOverdueNotices:
		return []string{name, mrn, label, longBorrower.Name}
	case ReportPullList:
		return []string{name, mrn, label, "Out: " + longBorrower.Name, f.locations[0].Path}
	case ReportOutguides, ReportRequestSlips:
		return []string{name, mrn, label, v.Barcode, longBorrower.Name, longReason}
	case ReportHistory:
		return []string{name, mrn, label, longBorrower.Name, f.locations[0].Path, longNote}
	case ReportLabels:
		// A label has room for the surname whole, not for three names of
		// a hundred letters; the given names are set as initials then.
		return []string{longLast, mrn, label, v.Barcode}
	case ReportMissing:
		w := f.volumes[2]
		return []string{w.PatientName, records.FormatMRN(w.MRN, fs), w.Label(), w.Barcode, f.locations[0].Path}
	case ReportActivity:
		return []string{longBorrower.Name}
	case ReportDisclosures:
		return []string{name, mrn, f.disclosures[1].Recipient}
	case ReportRetention:
		return []string{name, mrn, label, v.Barcode, "Out: " + longBorrower.Name}
	case ReportDestructionCertificate:
		return []string{name, mrn, label, v.Barcode}
	case ReportShelfAudit:
		return []string{name, mrn, label, v.Barcode, f.locations[0].Path}
	}
	return nil
}

// squeeze drops white space, so a value wrapped over lines still reads as
// one: "Medical 12" is "Medical12" whether or not a line ends after it.
func squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// TestEveryReportPrintsIdentifyingValuesWhole runs every report in the
// catalogue on the longest data the validators allow and finds each value
// that identifies a folder, patient, place or task whole in its text.
func TestEveryReportPrintsIdentifyingValuesWhole(t *testing.T) {
	svc := longStore()
	check := func(t *testing.T, name string, p Params) {
		want := identifying(svc, name)
		if len(want) == 0 {
			t.Fatal("no identifying values listed for this report")
		}
		if name != ReportLabels {
			want = append(want, longPractice) // a label has no room for the practice
		}
		text := pdfStreamText(t, generate(t, svc, name, p))
		flat := squeeze(text)
		for _, w := range want {
			if !strings.Contains(flat, squeeze(w)) {
				t.Errorf("%s does not print %q whole", name, w)
			}
		}
		if strings.Contains(text, ellipsis) {
			t.Errorf("%s cuts something with %q", name, ellipsis)
		}
		if t.Failed() {
			t.Logf("text:\n%s", text)
		}
	}
	for _, r := range List() {
		t.Run(r.Name, func(t *testing.T) {
			p := reportCases()[r.Name]
			if r.Name == ReportShelfAudit {
				p.Scans = []string{svc.volumes[1].Barcode, svc.volumes[0].Barcode}
			}
			check(t, r.Name, p)
		})
	}
	t.Run("labels on a roll", func(t *testing.T) {
		check(t, ReportLabels, Params{Now: testNow, LabelFormat: LabelRoll})
	})
}
