package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/sqlite"
)

// newClinic is a practice with the fictitious patients of practiceCSV and
// two borrowers.
func newClinic(t *testing.T) *harness {
	t.Helper()
	h := newPractice(t)
	h.must("import", "patients", writeFile(t, "p.csv", practiceCSV))
	h.must("borrowers", "add", "Dr. Quill Testwright", "--kind", "provider", "--loan-days", "3", "--badge", "B100")
	h.must("borrowers", "add", "Nurse Ivy Placeholder", "--kind", "staff")
	return h
}

// barcodeOf returns the barcode of the only folder where finds for query.
func (h *harness) barcodeOf(query string) string {
	h.t.Helper()
	rows := tsv(h.must("where", query))
	if len(rows) != 1 {
		h.t.Fatalf("where %s: %d folders", query, len(rows))
	}
	return rows[0][0]
}

func TestWhere(t *testing.T) {
	h := newClinic(t)
	code := h.barcodeOf("Testperson")
	tests := []struct {
		query []string
		want  string // patient name
	}{
		{[]string{"12-34-56"}, "Testperson, Ana"},
		{[]string{"123456"}, "Testperson, Ana"},
		{[]string{"Testperson,", "Ana"}, "Testperson, Ana"}, // an unquoted "Last, First" arrives as two words
		{[]string{"testp"}, "Testperson, Ana"},
		{[]string{strings.ToLower(code)}, "Testperson, Ana"},
		{[]string{"nunez"}, "Núñez, Jr, Marta"},
		{[]string{"00-12-34"}, "Núñez, Jr, Marta"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.query, " "), func(t *testing.T) {
			r := h.run(append([]string{"where"}, tt.query...)...)
			if r.code != ExitOK {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			rows := tsv(r.stdout)
			if len(rows) != 1 {
				t.Fatalf("%d lines: %q", len(rows), r.stdout)
			}
			f := rows[0]
			if len(f) != 7 {
				t.Fatalf("%d fields, want 7: %q", len(f), f)
			}
			if f[2] != tt.want || f[3] != "Medical 1" || f[4] != "in-file" || f[5] == "" || f[6] != "" {
				t.Errorf("line %q", f)
			}
		})
	}
	r := h.run("where", "Zzyzx")
	if r.code != ExitRefused || r.stdout != "" || !strings.Contains(r.stderr, `matches "Zzyzx"`) {
		t.Errorf("no match: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
}

func TestCheckoutAndCheckin(t *testing.T) {
	h := newClinic(t)
	ana := h.barcodeOf("12-34-56")
	marta := h.barcodeOf("nunez")

	// Out to the doctor by badge: due in the doctor's 3 loan days.
	r := h.run("checkout", "--to", "B100", ana)
	if r.code != ExitOK {
		t.Fatalf("checkout: exit %d: %s", r.code, r.stderr)
	}
	want := ana + "\t12-34-56\tTestperson, Ana\tMedical 1\tchecked-out\tDr. Quill Testwright\t2026-03-13\n"
	if r.stdout != want {
		t.Errorf("checkout printed\n%q\nwant\n%q", r.stdout, want)
	}
	if got := h.must("where", ana); got != want {
		t.Errorf("where after checkout %q", got)
	}

	// A second check-out to someone else is refused with who has it; the
	// next barcode of the same command still goes.
	r = h.run("checkout", "--to", "nurse ivy placeholder", "--due", "2026-03-20", ana, marta)
	if r.code != ExitRefused {
		t.Errorf("exit %d, want 1", r.code)
	}
	if strings.Contains(r.stdout, ana) || !strings.Contains(r.stdout, marta+"\t00-12-34\tNúñez, Jr, Marta\tMedical 1\tchecked-out\tNurse Ivy Placeholder\t2026-03-20\n") {
		t.Errorf("stdout %q", r.stdout)
	}
	if !strings.Contains(r.stderr, "already out to Dr. Quill Testwright since 2026-03-10") || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("stderr %q", r.stderr)
	}

	// A deliberate hand-off moves it.
	r = h.run("checkout", "--to", "Nurse Ivy Placeholder", "--handoff", ana)
	if r.code != ExitOK || !strings.Contains(r.stdout, "\tchecked-out\tNurse Ivy Placeholder\t") {
		t.Errorf("hand-off: exit %d %q %q", r.code, r.stdout, r.stderr)
	}

	// Unknown barcode and unknown borrower are named.
	if r := h.run("checkout", "--to", "B100", "V-NOPE"); r.code != ExitRefused || !strings.Contains(r.stderr, "V-NOPE") {
		t.Errorf("unknown barcode: exit %d %q", r.code, r.stderr)
	}
	if r := h.run("checkout", "--to", "Dr. Nobody", ana); r.code != ExitRefused || !strings.Contains(r.stderr, "Dr. Nobody") {
		t.Errorf("unknown borrower: exit %d %q", r.code, r.stderr)
	}

	// Both come back in file; checking in again is refused.
	r = h.run("checkin", ana, marta)
	if r.code != ExitOK {
		t.Fatalf("checkin: exit %d: %s", r.code, r.stderr)
	}
	rows := tsv(r.stdout)
	if len(rows) != 2 {
		t.Fatalf("checkin printed %q", r.stdout)
	}
	for _, f := range rows {
		if f[4] != "in-file" || f[5] == "" || f[6] != "" {
			t.Errorf("after checkin: %q", f)
		}
	}
	r = h.run("checkin", ana)
	if r.code != ExitRefused || r.stdout != "" || !strings.Contains(r.stderr, "already in file") {
		t.Errorf("second checkin: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
}

func TestCheckinNamesWhatWaits(t *testing.T) {
	h := newClinic(t)
	ana := h.barcodeOf("Testperson")
	h.must("checkout", "--to", "B100", ana)

	// Papers arrive and the nurse asks for the chart while it is out; the
	// command line has no command for these, the app does.
	ctx := context.Background()
	st, err := sqlite.Open(ctx, h.db, sqlite.Options{Now: clockNow, PasswordParams: passwordParams})
	if err != nil {
		t.Fatal(err)
	}
	actor, err := st.SignIn(ctx, adminUser, adminPass)
	if err != nil {
		t.Fatal(err)
	}
	ctx = records.WithActor(ctx, actor)
	pat, err := st.PatientByMRN(ctx, "123456")
	if err != nil {
		t.Fatal(err)
	}
	nurse, err := st.FindBorrower(ctx, "Nurse Ivy Placeholder")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddLooseFiling(ctx, records.LooseFiling{PatientID: pat.ID, Description: "lab results (fictitious)", From: "Example Lab"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateRequest(ctx, records.Request{PatientID: pat.ID, BorrowerID: nurse.ID, NeededOn: records.DateOf(testNow).AddDays(1), Reason: "follow-up"}); err != nil {
		t.Fatal(err)
	}
	st.Close()

	r := h.run("checkin", ana)
	if r.code != ExitOK || len(tsv(r.stdout)) != 1 {
		t.Fatalf("checkin: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{
		"note: " + ana + ": loose papers to file, received 2026-03-10 from Example Lab: lab results (fictitious)",
		"note: " + ana + ": requested by Nurse Ivy Placeholder for 2026-03-11",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
}
