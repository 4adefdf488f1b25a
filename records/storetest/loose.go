package storetest

import (
	"strings"
	"testing"
	"time"

	"github.com/chartroom/chartroom/records"
)

// Loose papers are recorded for a chart (today unless told), listed by
// chart and state oldest first, filed once, and refused for a chart merged
// into another; each step is in the audit log.
func testLooseFiling(t *testing.T, db NewDatabase) {
	f := newFixture(t, db)
	p := f.Patient("100001", "Quill", "Ada")
	q := f.Patient("100002", "Vellum", "Bo")
	today := records.DateOf(f.Clock.Now())

	for _, c := range []struct {
		name, field string
		l           records.LooseFiling
	}{
		{"no chart", "Chart", records.LooseFiling{Description: "Lab results"}},
		{"no description", "Description", records.LooseFiling{PatientID: p.ID, Description: "  "}},
		{"received tomorrow", "Received", records.LooseFiling{PatientID: p.ID, Description: "Lab results", Received: today.AddDays(1)}},
		{"two-line sender", "From", records.LooseFiling{PatientID: p.ID, Description: "Lab results", From: "Quux\nLabs"}},
	} {
		_, err := f.S.AddLooseFiling(f.Clerk, c.l)
		if records.ErrorCode(err) != records.EInvalid || records.ErrorField(err) != c.field {
			t.Errorf("%s: want a refusal naming %s, got %v", c.name, c.field, err)
		}
	}
	_, err := f.S.AddLooseFiling(f.Clerk, records.LooseFiling{PatientID: 999999, Description: "Lab results"})
	WantCode(t, err, records.ENotFound)

	lab, err := f.S.AddLooseFiling(f.Clerk, records.LooseFiling{PatientID: p.ID, Description: " Lab results, 2 pages ", From: "Quux Labs"})
	if err != nil {
		t.Fatal(err)
	}
	if lab.ID == 0 || lab.State != records.LooseWaiting || !lab.Received.Equal(today) || lab.Description != "Lab results, 2 pages" ||
		lab.MRN != p.MRN || lab.PatientName != "Quill, Ada" || !lab.FiledAt.IsZero() || lab.FiledBy != 0 || !lab.CreatedAt.Equal(f.Clock.Now()) {
		t.Fatalf("added %+v", lab)
	}
	letter, err := f.S.AddLooseFiling(f.Clerk, records.LooseFiling{PatientID: q.ID, Description: "Referral letter", Received: today.AddDays(-2)})
	if err != nil {
		t.Fatal(err)
	}
	xray, err := f.S.AddLooseFiling(f.Clerk, records.LooseFiling{PatientID: p.ID, Description: "X-ray report", Received: today.AddDays(-1)})
	if err != nil {
		t.Fatal(err)
	}
	ids := func(ls []records.LooseFiling, err error) []records.ID {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		var out []records.ID
		for _, l := range ls {
			out = append(out, l.ID)
		}
		return out
	}
	want := func(name string, got []records.ID, want ...records.ID) {
		t.Helper()
		if len(got) != len(want) {
			t.Errorf("%s: %v, want %v", name, got, want)
			return
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("%s: %v, want %v", name, got, want)
				return
			}
		}
	}
	want("all, oldest first", ids(f.S.ListLooseFiling(f.Clerk, 0, "")), letter.ID, xray.ID, lab.ID)
	want("one chart's", ids(f.S.ListLooseFiling(f.Clerk, p.ID, "")), xray.ID, lab.ID)

	f.Clock.Advance(time.Hour)
	filed, err := f.S.MarkFiled(f.Clerk, lab.ID)
	if err != nil {
		t.Fatal(err)
	}
	if filed.State != records.LooseFiled || !filed.FiledAt.Equal(f.Clock.Now()) || filed.FiledBy == 0 || filed.MRN != p.MRN {
		t.Fatalf("filed %+v", filed)
	}
	_, err = f.S.MarkFiled(f.Clerk, lab.ID)
	WantCode(t, err, records.EConflict)
	if !strings.Contains(err.Error(), "already filed on "+today.String()) {
		t.Errorf("second filing: %v", err)
	}
	_, err = f.S.MarkFiled(f.Clerk, 999999)
	WantCode(t, err, records.ENotFound)
	want("waiting", ids(f.S.ListLooseFiling(f.Clerk, 0, records.LooseWaiting)), letter.ID, xray.ID)
	want("filed of the chart", ids(f.S.ListLooseFiling(f.Clerk, p.ID, records.LooseFiled)), lab.ID)
	want("filed of another chart", ids(f.S.ListLooseFiling(f.Clerk, q.ID, records.LooseFiled)))

	events, err := f.S.ListAudit(f.Supervisor, records.AuditFilter{Entity: "loose-filing", EntityID: lab.ID})
	if err != nil || len(events) != 2 || events[1].Action != records.AuditCreate || events[1].Detail != "loose papers for chart 100001: Lab results, 2 pages" ||
		events[0].Action != records.AuditUpdate || events[0].Detail != "loose papers filed in chart 100001" || events[0].Username != "cleo" {
		t.Errorf("audit of the papers: %+v %v", events, err)
	}

	// Papers for a chart merged away go to the survivor.
	dup := f.DuplicatePatient("100003", p)
	if _, err := f.S.MergePatients(f.Supervisor, dup.MRN, p.MRN, "registered twice"); err != nil {
		t.Fatal(err)
	}
	_, err = f.S.AddLooseFiling(f.Clerk, records.LooseFiling{PatientID: dup.ID, Description: "Lab results"})
	WantCode(t, err, records.EConflict)
	if want := "chart 100003 was merged into 100001; file the papers there"; !strings.Contains(err.Error(), want) {
		t.Errorf("papers for a merged chart: %v, want %q", err, want)
	}
}
