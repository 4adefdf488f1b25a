package cli

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chartroom/chartroom/reports/needtool"
)

// withUser adds a user with role and returns a harness acting as them.
func (h *harness) withUser(name, role string) *harness {
	h.t.Helper()
	h.env["CHARTROOM_NEW_PASSWORD"] = name + " password 1"
	h.must("users", "add", name, "--role", role)
	delete(h.env, "CHARTROOM_NEW_PASSWORD")
	return h.as(name, name+" password 1")
}

func TestCheckoutToOutsidePartyAndDisclosures(t *testing.T) {
	h := newClinic(t)
	h.must("borrowers", "add", "Quill & Ink LLP", "--kind", "external")
	code := h.barcodeOf("123456")

	r := h.run("checkout", "--to", "Quill & Ink LLP", code)
	if r.code != ExitRefused || !strings.Contains(r.stderr, "Purpose: is required") || r.stdout != "" {
		t.Fatalf("check-out without purpose: %+v", r)
	}
	r = h.run("checkout", "--to", "Quill & Ink LLP", "--note", "x", "--category", "gossip", code)
	if r.code != ExitUsage {
		t.Fatalf("bad category: %+v", r)
	}
	r = h.run("checkout", "--to", "Quill & Ink LLP", "--note", "subpoena, made-up case", "--category", "legal", code)
	if r.code != ExitOK || !strings.Contains(r.stderr, "disclosure to Quill & Ink LLP recorded") {
		t.Fatalf("check-out with purpose: %+v", r)
	}
	h.must("disclosures", "add", "12-34-56", "--date", "2026-03-01", "--recipient", "Dr. Elsewhere", "--description", "Referral letter",
		"--purpose", "referral", "--category", "treatment")
	r = h.run("disclosures", "add", "123456", "--recipient", "County", "--description", "Record")
	if r.code != ExitRefused || !strings.Contains(r.stderr, "Purpose") {
		t.Fatalf("add without purpose: %+v", r)
	}

	out := h.must("disclosures", "list", "123456")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.Contains(lines[1], "Dr. Elsewhere") || !strings.Contains(lines[1], "EXEMPT") ||
		!strings.Contains(lines[2], "Quill & Ink LLP") || !strings.Contains(lines[2], "REPORTABLE") {
		t.Fatalf("list:\n%s", out)
	}

	// The accounting lists the reportable one only.
	pdf := filepath.Join(t.TempDir(), "accounting.pdf")
	if got := h.must("report", "disclosures", "--mrn", "123456", "--as-of", "2026-03-10", "-o", pdf); strings.TrimSpace(got) != pdf {
		t.Fatalf("report printed %q", got)
	}
	t.Run("the accounting reads", func(t *testing.T) {
		needtool.Need(t, "pdftotext")
		text, err := exec.Command("pdftotext", "-layout", pdf, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		s := string(text)
		if !strings.Contains(s, "Testperson, Ana") || !strings.Contains(s, "Quill & Ink LLP") || strings.Contains(s, "Dr. Elsewhere") ||
			!strings.Contains(s, "2020-03-10 to 2026-03-10") {
			t.Fatalf("accounting:\n%s", s)
		}
	})

	// A patient's request for an accounting: logged by a clerk, answered by a supervisor.
	clerk := h.withUser("cleo", "clerk")
	sup := h.withUser("sam", "supervisor")
	if out := clerk.must("disclosures", "request", "123456", "--received", "2026-01-01", "--by", "the patient"); !strings.Contains(out, "due 2026-03-02") {
		t.Fatalf("request: %s", out)
	}
	if out := clerk.must("disclosures", "requests"); !strings.Contains(out, "OVERDUE") || !strings.Contains(out, "Testperson, Ana") {
		t.Fatalf("requests:\n%s", out)
	}
	if r := clerk.run("disclosures", "answer", "1"); r.code != ExitRefused || !strings.Contains(r.stderr, "supervisor") {
		t.Fatalf("clerk answers: %+v", r)
	}
	sup.must("disclosures", "answer", "1", "--note", "mailed")
	if out := clerk.must("disclosures", "requests"); strings.Contains(out, "Testperson") {
		t.Fatalf("answered request still open:\n%s", out)
	}
	if out := clerk.must("disclosures", "requests", "--all"); !strings.Contains(out, "answered 2026-03-10") {
		t.Fatalf("all requests:\n%s", out)
	}
}

func TestMergeAndUndoFromTheCommandLine(t *testing.T) {
	h := newClinic(t)
	clerk := h.withUser("cleo", "clerk")
	sup := h.withUser("sam", "supervisor")
	retiredCode := h.barcodeOf("00-12-34")

	if r := clerk.run("merge", "00-12-34", "12-34-56"); r.code != ExitRefused || !strings.Contains(r.stderr, "supervisor") {
		t.Fatalf("clerk merges: %+v", r)
	}
	if r := sup.run("merge", "12-34-56"); r.code != ExitUsage {
		t.Fatalf("one MRN: %+v", r)
	}
	out := sup.must("merge", "00-12-34", "12-34-56", "--note", "registered twice")
	if !strings.Contains(out, "merge 1: chart 00-12-34 merged into 12-34-56") || !strings.Contains(out, "1 folder(s) (1 renumbered)") {
		t.Fatalf("merge: %s", out)
	}
	// The retired chart number finds the survivor.
	rows := tsv(clerk.must("where", "00-12-34"))
	if len(rows) != 2 || rows[0][2] != "Testperson, Ana" {
		t.Fatalf("where retired: %q", rows)
	}
	found := false
	for _, r := range rows {
		found = found || (r[0] == retiredCode && r[3] == "Medical 2")
	}
	if !found {
		t.Fatalf("the moved folder %s is not Medical 2 of the survivor: %q", retiredCode, rows)
	}
	if r := sup.run("merge", "00-12-34", "12-34-56"); r.code != ExitRefused || !strings.Contains(r.stderr, "already merged") {
		t.Fatalf("merge again: %+v", r)
	}
	if r := sup.run("merge", "--undo", "1"); r.code != ExitRefused || !strings.Contains(r.stderr, "admin") {
		t.Fatalf("supervisor undoes: %+v", r)
	}
	if out := h.must("merge", "--undo", "1"); !strings.Contains(out, "merge 1 undone") {
		t.Fatalf("undo: %s", out)
	}
	rows = tsv(clerk.must("where", "00-12-34"))
	if len(rows) != 1 || rows[0][0] != retiredCode || rows[0][3] != "Medical 1" || rows[0][2] != "Núñez, Jr, Marta" {
		t.Fatalf("after undo: %q", rows)
	}
	if out := sup.must("merge", "--list"); !strings.Contains(out, "undone 2026-03-10 by ada") {
		t.Fatalf("list:\n%s", out)
	}
}
