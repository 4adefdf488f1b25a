package ui

import (
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/chartroom/chartroom/records"
)

type deskRow struct {
	name string
	days string
}

func newDeskTable(t *testing.T, opened *[]string) *rowTable[deskRow] {
	t.Helper()
	test.NewTempApp(t)
	rt := newRowTable([]column[deskRow]{
		{"Name", 120, func(r deskRow) string { return r.name }},
		{"Days", 60, func(r deskRow) string { return r.days }},
	}, func(r deskRow) { *opened = append(*opened, r.name) })
	rt.set([]deskRow{{"Quillby", "10"}, {"adams", "9"}, {"Nettle", "100"}}, "none")
	return rt
}

func names(rows []deskRow) string {
	var out []string
	for _, r := range rows {
		out = append(out, r.name)
	}
	return strings.Join(out, ",")
}

// A header tap sorts by its column (numbers as numbers, text regardless of
// case); a second tap turns the order round; the selected row moves with
// its row.
func TestRowTableSortsByHeader(t *testing.T) {
	var opened []string
	rt := newDeskTable(t, &opened)
	rt.selectRow(0) // Quillby
	cases := []struct {
		col  int
		want string
	}{
		{1, "adams,Quillby,Nettle"},
		{1, "Nettle,Quillby,adams"},
		{0, "adams,Nettle,Quillby"},
	}
	for _, c := range cases {
		h := newHeaderCell(rt)
		h.show(c.col)
		test.Tap(h)
		if got := names(rt.rows); got != c.want {
			t.Errorf("after a tap on column %d: %s, want %s", c.col, got, c.want)
		}
		if r, _ := rt.current(); r.name != "Quillby" {
			t.Errorf("the selection moved to %q, want it to stay on Quillby", r.name)
		}
	}
	// New rows come in the chosen order.
	rt.set([]deskRow{{"Zed", "1"}, {"Bo", "2"}}, "")
	if got := names(rt.rows); got != "Bo,Zed" {
		t.Errorf("new rows %s, want them sorted by name", got)
	}
}

func TestLessCell(t *testing.T) {
	cases := []struct {
		a, b string
		want bool
	}{
		{"9", "10", true},
		{"10", "9", false},
		{"adams", "Baker", true},
		{"2026-01-31", "2026-02-01", true},
		{"", "a", true},
	}
	for _, c := range cases {
		if got := lessCell(c.a, c.b); got != c.want {
			t.Errorf("lessCell(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

// Columns fit their content, never narrower than their header; a table
// narrower than its content narrows the wide columns so the last one stays
// in sight.
func TestRowTableColumnsFitContentAndWidth(t *testing.T) {
	var opened []string
	rt := newDeskTable(t, &opened)
	long := strings.Repeat("Núñez-Testa ", 8)
	rt.set([]deskRow{{long, "1"}, {"B", "2"}}, "")
	if rt.widths[0] <= 120 || rt.widths[0] > columnMaxWidth {
		t.Errorf("name column %v wide, want more than its default 120 and at most %v", rt.widths[0], float32(columnMaxWidth))
	}
	if rt.widths[1] < rt.least[1] {
		t.Errorf("days column %v narrower than its header %v", rt.widths[1], rt.least[1])
	}
	w := test.NewTempWindow(t, rt.view())
	w.Resize(fyne.NewSize(240, 300))
	rt.stretch()
	if total := rt.table.Size().Width; total > 240 {
		t.Errorf("table %v wide in a 240 window", total)
	}
}

// A cell's text ends in an ellipsis only when it is wider than the cell
// (a label that may truncate lays its text out again at every redraw).
func TestFitTextAsksForTheEllipsisOnlyWhenNeeded(t *testing.T) {
	test.NewTempApp(t)
	pad := 2 * theme.InnerPadding()
	text := "Quillbrook, Ada"
	width := fyne.MeasureText(text, theme.TextSize(), fyne.TextStyle{}).Width + pad
	tests := []struct {
		name  string
		width float32
		want  fyne.TextTruncation
	}{
		{"wider than the text", width + 10, fyne.TextTruncateOff},
		{"just the text", width, fyne.TextTruncateOff},
		{"narrower than the text", width - 1, fyne.TextTruncateEllipsis},
		{"no width yet", 0, fyne.TextTruncateEllipsis},
	}
	for _, tt := range tests {
		l := widget.NewLabel(text)
		fitText(l, tt.width)
		if l.Truncation != tt.want {
			t.Errorf("%s: truncation %v, want %v", tt.name, l.Truncation, tt.want)
		}
	}
}

// A short column (a state under an empty header) keeps its text's width
// when the table narrows; the long column gives up the room.
func TestRowTableShortColumnIsNotCut(t *testing.T) {
	test.NewTempApp(t)
	rt := newRowTable([]column[deskRow]{
		{"", 40, func(r deskRow) string { return r.days }},
		{"Result", 200, func(r deskRow) string { return r.name }},
	}, nil)
	rt.set([]deskRow{{strings.Repeat("Checked out to Dr. Testdoctor ", 4), "Refused"}}, "")
	refused := fyne.MeasureText("Refused", theme.TextSize(), fyne.TextStyle{}).Width
	if rt.keep[0] < refused {
		t.Errorf("the state column may narrow to %v, below its text's %v", rt.keep[0], refused)
	}
	if rt.keep[1] >= rt.widths[1] {
		t.Errorf("the long column cannot narrow: least %v, width %v", rt.keep[1], rt.widths[1])
	}
}

// With the focus, Up/Down choose a row, Enter opens it, Space marks it
// where several may be marked, and Ctrl+click adds a row to the marks.
func TestRowTableKeyboardAndMarks(t *testing.T) {
	var opened []string
	rt := newDeskTable(t, &opened)
	rt.multi = true
	w := test.NewTempWindow(t, rt.view())
	w.Canvas().Focus(rt.table)
	if rt.selected != 0 {
		t.Fatalf("focus selected row %d, want the first", rt.selected)
	}
	for _, k := range []fyne.KeyName{fyne.KeyDown, fyne.KeySpace, fyne.KeyDown, fyne.KeySpace, fyne.KeyReturn} {
		rt.table.TypedKey(&fyne.KeyEvent{Name: k})
	}
	if got := names(rt.chosen()); got != "adams,Nettle" {
		t.Errorf("marked %s, want adams,Nettle", got)
	}
	if strings.Join(opened, ",") != "Nettle" {
		t.Errorf("Enter opened %v, want Nettle", opened)
	}
	rt.unmarkAll()
	rt.selectRow(0)
	c := newCell(rt)
	c.show(2, "Nettle")
	c.MouseDown(&desktop.MouseEvent{Modifier: fyne.KeyModifierShortcutDefault})
	test.Tap(c)
	if got := names(rt.chosen()); got != "Quillby,Nettle" {
		t.Errorf("Ctrl+click marked %s, want the row picked before and the one clicked", got)
	}
}

func TestFolderWhereabouts(t *testing.T) {
	today := records.MustParseDate("2026-03-02")
	out := func(name string, due string) records.Volume {
		return records.Volume{State: records.StateCheckedOut, BorrowerName: name, Due: records.MustParseDate(due), OutSince: time.Date(2026, 2, 1, 9, 0, 0, 0, time.Local)}
	}
	cases := []struct {
		name     string
		vols     []records.Volume
		wantText string
		wantTone widget.Importance
	}{
		{"in file", []records.Volume{{State: records.StateInFile, HomePath: "Record room"}, {State: records.StateInFile, HomePath: "Record room"}}, "Record room", widget.MediumImportance},
		{"out on time", []records.Volume{out("Dr. Alder Testwood", "2026-03-05")}, "Dr. Alder Testwood", widget.MediumImportance},
		{"overdue", []records.Volume{{State: records.StateInFile, HomePath: "Record room"}, out("Dr. Alder Testwood", "2026-02-20")}, "Record room; Dr. Alder Testwood (overdue)", widget.DangerImportance},
		{"missing", []records.Volume{{State: records.StateMissing, HomePath: "Record room"}}, "missing", widget.DangerImportance},
		{"no folders", nil, "", widget.MediumImportance},
	}
	for _, c := range cases {
		got := folderWhereabouts(c.vols, today)
		if got.text != c.wantText || got.tone != c.wantTone {
			t.Errorf("%s: %q tone %v, want %q tone %v", c.name, got.text, got.tone, c.wantText, c.wantTone)
		}
	}
}

func TestDisclosureKindTextSaysItOnce(t *testing.T) {
	cases := []struct {
		reportable bool
		category   string
		want       string
	}{
		{true, records.PurposeOther.Label(), "Reportable: Other"},
		{false, records.PurposeTreatment.Label(), "Exempt: Treatment"},
		{true, records.PurposeLegal.Label(), "Reportable: Legal: subpoena or court order"},
	}
	for _, c := range cases {
		if got := disclosureKindText(c.reportable, c.category); got != c.want {
			t.Errorf("%q: %q, want %q", c.category, got, c.want)
		}
	}
}

// A wrong password is told with the lock after five in a row and the
// tries left; the lock itself is told as the store says it.
func TestSignInTellsTriesLeft(t *testing.T) {
	f := newFixture(t, true)
	for i, want := range []string{"4 tries left", "3 tries left", "2 tries left", "1 try left", "locked"} {
		f.signIn(adminName, "not the password")
		msg := f.s.signIn.message.Text
		if !strings.Contains(msg, want) {
			t.Errorf("attempt %d: %q, want it to say %q", i+1, msg, want)
		}
		if i < 4 && !strings.Contains(msg, "locks for 15 minutes") {
			t.Errorf("attempt %d: %q does not say the account locks", i+1, msg)
		}
	}
}

// The Go menu numbers the pages the role sees, so a clerk's Ctrl+7 is
// Shelf audit, Ctrl+8 the overdue worklist and no number is dead; Help
// lists them with F2-F4 and the Find keys.
func TestGoMenuNumbersWhatTheRoleSees(t *testing.T) {
	f := newFixture(t, true)
	f.user("casey", records.RoleClerk, "clerk-password-1")
	m := f.mustSignIn("casey", "clerk-password-1")
	var goMenu *fyne.Menu
	for _, mm := range m.menu().Items {
		if mm.Label == "Go" {
			goMenu = mm
		}
	}
	if goMenu == nil || len(goMenu.Items) != 8 {
		t.Fatalf("clerk's Go menu: %+v, want 8 pages", goMenu)
	}
	for i, it := range goMenu.Items {
		sc := it.Shortcut.(*desktop.CustomShortcut)
		if want := fyne.KeyName(string(rune('1' + i))); sc.KeyName != want {
			t.Errorf("%s is Ctrl+%s, want Ctrl+%s", it.Label, sc.KeyName, want)
		}
	}
	if seventh := goMenu.Items[6].Label; seventh != "Shelf audit" {
		t.Errorf("Ctrl+7 is %q, want Shelf audit", seventh)
	}
	if last := goMenu.Items[7].Label; last != overdueTitle {
		t.Errorf("Ctrl+8 is %q, want %s", last, overdueTitle)
	}
	var keys []string
	for _, r := range m.shortcutRows() {
		keys = append(keys, r[0]+"="+r[1])
	}
	all := strings.Join(keys, "\n")
	for _, want := range []string{"Ctrl+7=Shelf audit", "F2=", "F3=", "F4=", "Up, Down=", "Ctrl+B=", "Escape="} {
		if !strings.Contains(all, want) {
			t.Errorf("shortcuts lack %q:\n%s", want, all)
		}
	}
	if !strings.Contains(all, "Ctrl+8="+overdueTitle) || strings.Contains(all, "Ctrl+9") {
		t.Errorf("a clerk's shortcuts should end at Ctrl+8, the overdue worklist:\n%s", all)
	}
	if got := m.status.user.Text; got != "casey · Clerk" {
		t.Errorf("status bar user %q", got)
	}
	if m.status.db.Text != "" {
		t.Errorf("a clerk is shown the database path: %q", m.status.db.Text)
	}
}

// Escape closes a dialog as its Cancel would and Enter confirms a notice,
// from a text box as well as with nothing focused.
func TestEscapeAndEnterInDialogs(t *testing.T) {
	f := newFixture(t, true)
	f.mustSignIn(adminName, adminPassword)
	overlays := f.win.Canvas().Overlays()

	showNotice(f.s, "Checked out", "done")
	f.s.windowKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if overlays.Top() != nil {
		t.Fatalf("Enter left the notice open")
	}
	showNotice(f.s, "Checked out", "done")
	f.s.windowKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if overlays.Top() != nil {
		t.Fatalf("Escape left the notice open")
	}

	ed := showRequestDialog(f.s, nil)
	entry := formEntry(t, ed, "Reason")
	f.win.Canvas().Focus(entry)
	entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if overlays.Top() != nil {
		t.Fatalf("Escape in a form's box left the form open")
	}
	ed = showRequestDialog(f.s, nil)
	ed.form.Items[1].Widget.(*selectBox).TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if overlays.Top() != nil {
		t.Fatalf("Escape on a drop-down left the form open")
	}
	reqs, err := f.store.ListRequests(f.admin, records.RequestFilter{})
	if err != nil || len(reqs) != 0 {
		t.Fatalf("requests after cancelling: %+v %v", reqs, err)
	}
}

// Several requests marked are pulled with one click; the status bar's
// overdue count turns red once a folder is overdue and opens the overdue
// list.
func TestRequestsMarkAllPulledAndOverdueButton(t *testing.T) {
	f := newFixture(t, true)
	dr := f.borrower("Dr. Alpha Fictional", "BADGE-A")
	for _, p := range []struct{ mrn, last string }{{"123456", "Quillby"}, {"234567", "Nettle"}, {"345678", "Sparrow"}} {
		pt, _ := f.patient(p.mrn, p.last, "Hugo")
		if _, err := f.store.CreateRequest(f.admin, records.Request{PatientID: pt.ID, BorrowerID: dr.ID, NeededOn: records.MustParseDate("2026-03-02")}); err != nil {
			t.Fatal(err)
		}
	}
	m := f.mustSignIn(adminName, adminPassword)
	m.show(navRequests)
	r := m.page(navRequests).(*requestsScreen)
	test.Tap(r.markAll)
	if r.pulled.Text != "Pulled (3)" || r.pulled.Disabled() {
		t.Fatalf("with three marked the button says %q (disabled %v)", r.pulled.Text, r.pulled.Disabled())
	}
	test.Tap(r.pulled)
	reqs, err := f.store.ListRequests(f.admin, records.RequestFilter{})
	if err != nil || len(reqs) != 3 {
		t.Fatalf("requests %+v %v", reqs, err)
	}
	for _, q := range reqs {
		if q.State != records.RequestPulled {
			t.Errorf("request %d is %s, want pulled", q.ID, q.State)
		}
	}

	if m.status.overdue.Importance == widget.DangerImportance {
		t.Errorf("Overdue is red with nothing overdue")
	}
	_, vol := f.patient("456789", "Overdue", "Olive")
	if _, err := f.store.CheckOut(f.admin, records.CheckOutInput{Barcode: vol.Barcode, BorrowerID: dr.ID, Due: records.MustParseDate("2026-03-03")}); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(72 * time.Hour)
	m.changed()
	if m.status.overdue.Text != "Overdue: 1" || m.status.overdue.Importance != widget.DangerImportance {
		t.Errorf("status bar: %q importance %v, want Overdue: 1 in red", m.status.overdue.Text, m.status.overdue.Importance)
	}
	test.Tap(m.status.overdue)
	if m.current != navOverdue {
		t.Errorf("Overdue opened page %d, want the overdue worklist", m.current)
	}
}

// setSelecting selects the first row its test accepts in the order shown
// (sorted by the clerk's column), and the table then draws the new rows:
// the widths it set while it showed no cells leave every row and column
// drawn, with the texts of the new rows.
func TestRowTableSetSelectingSelectsInShownOrderAndDrawsTheRows(t *testing.T) {
	var opened []string
	rt := newDeskTable(t, &opened)
	var selected []string
	rt.onSelect = func(r deskRow) { selected = append(selected, r.name) }
	w := test.NewTempWindow(t, rt.view())
	w.Resize(fyne.NewSize(600, 400))
	rt.sortBy(0) // by name
	long := strings.Repeat("Testwell-Oster ", 3)
	rows := []deskRow{{"Zed", "1"}, {long, "3"}, {"Bo", "2"}}
	cases := []struct {
		pick func(deskRow) bool
		want string
	}{
		{func(deskRow) bool { return true }, "Bo"},
		{func(r deskRow) bool { return r.name == "Zed" }, "Zed"},
	}
	for _, c := range cases {
		selected = nil
		rt.setSelecting(rows, "", c.pick)
		if r, ok := rt.current(); !ok || r.name != c.want {
			t.Errorf("selected %q (%v), want %q", r.name, ok, c.want)
		}
		if strings.Join(selected, ",") != c.want {
			t.Errorf("onSelect got %v, want %s once", selected, c.want)
		}
		if r, cols := rt.table.Length(); r != 3 || cols != 2 {
			t.Errorf("the table reports %d rows, %d columns, want 3 and 2", r, cols)
		}
		texts := map[string]bool{}
		collectTexts(rt.table, texts)
		for _, want := range []string{"Bo", "Zed", "Name", "Days", "3"} {
			if !texts[want] {
				t.Errorf("no cell shows %q after set; shown: %v", want, texts)
			}
		}
	}
	rt.setSelecting(nil, "none", func(deskRow) bool { return true })
	if _, ok := rt.current(); ok {
		t.Error("a row is selected in an empty table")
	}
}

// collectTexts notes the text of every label drawn inside o.
func collectTexts(o fyne.CanvasObject, into map[string]bool) {
	switch v := o.(type) {
	case *widget.Label:
		into[v.Text] = true
		return
	case *fyne.Container:
		for _, c := range v.Objects {
			collectTexts(c, into)
		}
		return
	}
	if w, ok := o.(fyne.Widget); ok {
		for _, c := range test.WidgetRenderer(w).Objects() {
			collectTexts(c, into)
		}
	}
}

// BenchmarkFindAnswerShown sets a Find-sized answer (200 rows of seven
// columns, widths changing from one answer to the next) into a table on
// show in a window, as each keystroke's answer is set, with its first row
// selected.
func BenchmarkFindAnswerShown(b *testing.B) {
	test.NewTempApp(b)
	type hit struct{ cells [7]string }
	cols := make([]column[hit], 7)
	for i := range cols {
		cols[i] = column[hit]{fmt.Sprintf("Column %d", i), 100, func(h hit) string { return h.cells[i] }}
	}
	rt := newRowTable(cols, nil)
	w := test.NewTempWindow(b, rt.view())
	w.Resize(fyne.NewSize(1280, 700))
	answers := make([][]hit, 2)
	for a := range answers {
		for r := range 200 {
			var h hit
			for c := range h.cells {
				h.cells[c] = fmt.Sprintf("%s %d-%d", "Quillby-Testwell-Oster"[:4+6*a+c%5], r, c)
			}
			answers[a] = append(answers[a], h)
		}
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		rt.setSelecting(answers[i%2], "", func(hit) bool { return true })
	}
}

// A cell shows its text whole when it fits its column, else cut at the
// last character that leaves room for an ellipsis; a cut made once is
// remembered.
func TestTextCutsFitTheColumn(t *testing.T) {
	test.NewTempApp(t)
	pad := 2 * theme.InnerPadding()
	measure := func(s string) float32 { return fyne.MeasureText(s, theme.TextSize(), fyne.TextStyle{}).Width }
	text := "Checked out to Dr. Wren Halloway (demo) until 2026-03-16"
	whole := measure(text) + pad
	tests := []struct {
		name  string
		width float32
		whole bool
	}{
		{"wider than the text", whole + 10, true},
		{"just the text", whole, true},
		{"no width yet", 0, true},
		{"a little narrower", whole - 1, false},
		{"half as wide", whole / 2, false},
		{"too narrow for a letter", pad + 1, false},
	}
	var cuts textCuts
	for _, tt := range tests {
		got := cuts.fit(text, tt.width)
		if tt.whole {
			if got != text {
				t.Errorf("%s: %q, want the whole text", tt.name, got)
			}
			continue
		}
		kept, ok := strings.CutSuffix(got, "…")
		if !ok || !strings.HasPrefix(text, kept) {
			t.Fatalf("%s: %q is not a start of the text with an ellipsis", tt.name, got)
		}
		room := tt.width - pad
		if measure("…") > room {
			if got != "…" {
				t.Errorf("%s: %q, want the ellipsis alone", tt.name, got)
			}
			continue
		}
		if measure(got) > room {
			t.Errorf("%s: %q is %v wide, the room %v", tt.name, got, measure(got), room)
		}
		if next := []rune(text)[len([]rune(kept))]; next != ' ' && measure(kept+string(next)+"…") <= room {
			t.Errorf("%s: %q stops short: %q fits too", tt.name, got, kept+string(next)+"…")
		}
		if again := cuts.fit(text, tt.width); again != got {
			t.Errorf("%s: cut again %q, first %q", tt.name, again, got)
		}
	}
	if len(cuts) != 3 {
		t.Errorf("%d cuts remembered, want the 3 made", len(cuts))
	}
}

// A cell's and a header's least size is their label's, worked out without
// a renderer, and the cells and headers Fyne's Table makes to measure at
// each refresh are garbage straight away: none is kept by Fyne's renderer
// cache (for a minute) because measuring it built a renderer.
func TestTableRefreshesLeaveNoMeasuringCellsBehind(t *testing.T) {
	var opened []string
	rt := newDeskTable(t, &opened)
	for _, style := range []fyne.TextStyle{{}, {Bold: true}} {
		for _, text := range []string{"", "Dr. Alder Testwood", "2026-03-02 09:00"} {
			if got, want := labelMinSize(text, style), widget.NewLabelWithStyle(text, fyne.TextAlignLeading, style).MinSize(); got != want {
				t.Errorf("labelMinSize(%q, bold %v) = %v, a label's is %v", text, style.Bold, got, want)
			}
		}
	}
	c := newCell(rt)
	c.label.Text = "Quillby"
	if got, want := c.MinSize(), widget.NewLabel("Quillby").MinSize(); got != want {
		t.Errorf("a cell's least size %v, its label's %v", got, want)
	}

	var made, gone atomic.Int32
	for _, f := range []*func() fyne.CanvasObject{&rt.table.CreateCell, &rt.table.CreateHeader} {
		create := *f
		*f = func() fyne.CanvasObject {
			o := create()
			parts := []any{o}
			switch o := o.(type) {
			case *cell[deskRow]:
				parts = append(parts, o.label)
			case *headerCell[deskRow]:
				parts = append(parts, o.label, o.arrow)
			}
			for _, p := range parts {
				made.Add(1)
				runtime.SetFinalizer(p, func(any) { gone.Add(1) })
			}
			return o
		}
	}
	w := test.NewWindow(rt.view())
	defer w.Close()
	w.Resize(fyne.NewSize(400, 300))
	const refreshes = 40
	for i := range refreshes {
		rt.table.SetColumnWidth(0, float32(120+i)) // a width set: one refresh
	}
	// Two measuring cells and headers a refresh, or more; the cells and
	// headers on show (3 rows and a header row, 2 columns) stay, with
	// their labels and arrows.
	onShow := int32(6*2 + 2*3)
	if made.Load() < 2*refreshes {
		t.Fatalf("%d cells and headers made over %d refreshes: the table no longer measures at each", made.Load(), refreshes)
	}
	for i := 0; i < 100 && gone.Load() < made.Load()-onShow; i++ {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if gone.Load() < made.Load()-onShow {
		t.Errorf("%d of %d cells, headers and their parts made were collected; all but the %d on show should be", gone.Load(), made.Load(), onShow)
	}
}

// A table emptied for its view's next use (reset) keeps the cells it
// drew, even after the collector has run: drawn empty, it would hand them
// to Fyne's pool of spare cells, which the collector empties, and the next
// rows would need new cells (whose renderers Fyne keeps for a minute).
func TestRowTableResetKeepsItsCells(t *testing.T) {
	var opened []string
	rt := newDeskTable(t, &opened)
	w := test.NewWindow(rt.view())
	defer w.Close()
	w.Resize(fyne.NewSize(400, 300))
	texts := func(cells map[*cell[deskRow]]bool) string {
		var out []string
		for c := range cells {
			out = append(out, c.label.Text)
		}
		slices.Sort(out)
		return strings.Join(out, ",")
	}
	rt.set([]deskRow{{"Quillby", "10"}, {"adams", "9"}, {"Nettle", "100"}}, "none")
	before := cellsIn(rt.table)
	if got := texts(before); got != "10,100,9,Nettle,Quillby,adams" {
		t.Fatalf("cells drawn for 3 rows of 2 columns: %s", got)
	}
	rt.reset()
	if rt.table.Visible() || rt.empty.Visible() || len(rt.rows) != 0 {
		t.Fatalf("after reset: table shown %v, empty text shown %v, %d rows", rt.table.Visible(), rt.empty.Visible(), len(rt.rows))
	}
	runtime.GC()
	runtime.GC()
	if kept := cellsIn(rt.table); !maps.Equal(kept, before) {
		t.Errorf("after reset and the collector the table holds %d cells (%s), want the %d it drew", len(kept), texts(kept), len(before))
	}
	rt.set([]deskRow{{"Zed", "1"}, {"Bo", "2"}, {"Cy", "3"}}, "none")
	if got := texts(cellsIn(rt.table)); got != "1,2,3,Bo,Cy,Zed" || !rt.table.Visible() {
		t.Errorf("after reset and new rows the table (shown %v) draws %s", rt.table.Visible(), got)
	}
}

// cellsIn finds the cells a table's renderers hold, shown or hidden.
func cellsIn(o fyne.CanvasObject) map[*cell[deskRow]]bool {
	out := map[*cell[deskRow]]bool{}
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch o := o.(type) {
		case *cell[deskRow]:
			out[o] = true
		case *fyne.Container:
			for _, c := range o.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(o).Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return out
}
