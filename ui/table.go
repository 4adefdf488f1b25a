package ui

import (
	"image/color"
	"sort"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// column is one column of a rowTable: its header, widest width and cell text.
type column[T any] struct {
	title string
	// width is the column's width before it has rows; sized to its
	// content it may grow to columnMaxWidth (or width, if that is more),
	// where longer text ends in an ellipsis until the clerk drags the
	// column wider.
	width float32
	text  func(T) string
}

// Bounds of a column sized to its content.
const (
	columnMinWidth = 48
	columnMaxWidth = 260
	// columnShortWidth: a column whose text all fits in this width (a
	// state, a time, a code) keeps it when the table narrows, so that
	// "Refused" does not become "Re…", as long as the short columns leave
	// the others their headers' width; only the wider columns give up room.
	columnShortWidth = 130
	// columnSampleRows is how many rows are measured to size the columns:
	// enough to see the long names, few enough to stay quick on a big list.
	columnSampleRows = 300
)

// rowTable is a virtualized table of rows of T: only the visible cells
// exist, so ten rows or ten thousand scroll the same. A tap selects a row, a
// double tap (or Enter) opens it. Its columns size to their content, the
// clerk can drag a header's edge to resize one and tap a header to sort by
// it. With the keyboard: Tab reaches it, Up/Down choose, Enter opens, Space
// marks when several rows may be marked.
type rowTable[T any] struct {
	rows     []T
	cols     []column[T]
	widths   []float32 // each column's width sized to its content
	least    []float32 // each column's header width: it never gets narrower
	keep     []float32 // least, or a short column's text width (columnShortWidth)
	width    float32   // the table's width at its last layout
	table    *keyTable
	empty    *widget.Label
	selected int
	onOpen   func(T)
	onSelect func(T)
	onTap    func() // the clerk picked a row in the table itself

	// tone colours a row by its state (overdue, missing, refused…); nil or
	// MediumImportance leaves it plain.
	tone func(T) widget.Importance

	// sortCol is the column the rows are sorted by (-1: as they came),
	// sortDesc its direction.
	sortCol  int
	sortDesc bool
	// resized is set once the clerk dragged a column's edge: from then on
	// the table keeps the clerk's widths instead of sizing to content.
	resized bool

	// multi lets the clerk mark several rows (Ctrl+click, Shift+click,
	// Space) to act on them at once; marked holds their indexes in rows.
	multi    bool
	marked   map[int]bool
	onMarked func() // the marks changed
	// clickMods is the modifier held at the last mouse press on a cell.
	clickMods fyne.KeyModifier
	// quiet makes the table show no rows, only its header, while set
	// changes its widths (see setSelecting).
	quiet bool
	// cuts remembers the cell texts cut to their column (cutText).
	cuts textCuts
}

func newRowTable[T any](cols []column[T], onOpen func(T)) *rowTable[T] {
	t := &rowTable[T]{cols: cols, selected: -1, onOpen: onOpen, sortCol: -1, marked: map[int]bool{}}
	t.widths = make([]float32, len(cols))
	t.least = make([]float32, len(cols))
	t.keep = make([]float32, len(cols))
	t.table = &keyTable{}
	t.table.Length = func() (int, int) {
		if t.quiet {
			return 0, len(t.cols)
		}
		return len(t.rows), len(t.cols)
	}
	t.table.CreateCell = func() fyne.CanvasObject { return newCell(t) }
	t.table.UpdateCell = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Row < len(t.rows) && id.Col < len(t.cols) {
			o.(*cell[T]).show(id.Row, t.cols[id.Col].text(t.rows[id.Row]))
		}
	}
	t.table.ExtendBaseWidget(t.table)
	t.table.onKey = t.typedKey
	t.table.onFocus = func() {
		if t.selected < 0 && len(t.rows) > 0 {
			t.selectRow(0)
		}
		t.table.Refresh()
	}
	t.table.onResize = func() { t.resized = true }
	t.table.ShowHeaderRow = true
	t.table.CreateHeader = func() fyne.CanvasObject { return newHeaderCell(t) }
	t.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < len(t.cols) {
			o.(*headerCell[T]).show(id.Col)
		}
	}
	t.fitColumns()
	// Rows are selected by the cells (whole-row shading), not by the
	// table's own one-cell selection.
	t.table.OnSelected = guarded1(func(id widget.TableCellID) {
		t.table.UnselectAll()
		if id.Row >= 0 && id.Row < len(t.rows) {
			t.selectRow(id.Row)
			if t.onTap != nil {
				t.onTap()
			}
		}
	})
	t.empty = widget.NewLabel("")
	t.empty.Alignment = fyne.TextAlignCenter
	t.empty.Wrapping = fyne.TextWrapWord
	t.empty.TextStyle = fyne.TextStyle{Italic: true}
	return t
}

// view is the table, or in its place the empty-state message that says
// what to do.
func (t *rowTable[T]) view() fyne.CanvasObject {
	return container.NewStack(container.New(stretchLast[T]{t}, t.table), container.NewVBox(container.NewPadded(t.empty)))
}

// stretchLast lays the table out with its last column widened to fill the
// width, so row shading and separators reach the right edge at any window
// size (until the clerk resizes a column by hand).
type stretchLast[T any] struct{ t *rowTable[T] }

func (l stretchLast[T]) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	l.t.width = size.Width
	l.t.stretch()
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

func (l stretchLast[T]) MinSize(objs []fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(0, 0).Max(objs[0].MinSize())
}

// fitColumns sizes every column to its header and the widest of the first
// rows' text, no wider than the column's width.
func (t *rowTable[T]) fitColumns() {
	if t.resized {
		return
	}
	pad := 2*theme.InnerPadding() + theme.Padding()
	style := fyne.TextStyle{}
	size := theme.TextSize()
	for i, c := range t.cols {
		// The header always fits, with room for its sort arrow.
		header := fyne.MeasureText(c.title, size, fyne.TextStyle{Bold: true}).Width + pad + theme.IconInlineSize() + theme.Padding()
		content := float32(0)
		for r := 0; r < len(t.rows) && r < columnSampleRows; r++ {
			content = max(content, fyne.MeasureText(c.text(t.rows[r]), size, style).Width+pad)
		}
		t.least[i] = max(columnMinWidth, header)
		t.keep[i] = t.least[i]
		if content <= columnShortWidth {
			t.keep[i] = max(t.least[i], content)
		}
		w := max(columnMinWidth, header, min(content, max(c.width, columnMaxWidth)))
		if len(t.rows) == 0 {
			w = max(header, c.width)
		}
		t.widths[i] = w
	}
	t.stretch()
}

// stretch fits the columns to the table's width: the last one widened to
// the edge (see stretchLast), or, when the content is wider than the
// table, the wide columns narrowed alike (never below their header, nor,
// while the others keep their headers' width, a short column below its
// text) so every column stays in sight at 1024x768.
func (t *rowTable[T]) stretch() {
	n := len(t.cols)
	if n == 0 || t.resized {
		return
	}
	avail := t.width - 2*theme.Padding() - float32(n-1)*theme.Padding()
	least := t.keep
	if sum(t.keep) > avail {
		least = t.least
	}
	total, slack := float32(0), float32(0)
	for i, w := range t.widths {
		total += w
		slack += w - least[i]
	}
	shrink := float32(0)
	if t.width > 0 && total > avail && slack > 0 {
		shrink = min(1, (total-avail)/slack)
	}
	used := float32(0)
	for i, w := range t.widths {
		w -= (w - least[i]) * shrink
		if i == n-1 {
			w = max(w, avail-used)
		}
		used += w
		t.table.SetColumnWidth(i, w)
	}
}

func sum(xs []float32) float32 {
	total := float32(0)
	for _, x := range xs {
		total += x
	}
	return total
}

// set replaces the rows; emptyText says what to do when there are none.
func (t *rowTable[T]) set(rows []T, emptyText string) {
	t.setSelecting(rows, emptyText, nil)
}

// setSelecting replaces the rows like set and selects the first row pick
// accepts (nil: none), in the order shown, drawing the table once.
func (t *rowTable[T]) setSelecting(rows []T, emptyText string, pick func(T) bool) {
	t.rows = rows
	t.selected = -1
	clear(t.marked)
	t.sortRows()
	// Fyne's Table redraws every visible cell and header at each column
	// width that changes, at each scroll and when shown, and a redraw of a
	// cell whose text or width changed lays its text out again (the
	// ellipsis). While the widths are set, the list goes back to its top
	// and the table is shown, the table has no rows, so those redraws touch
	// the header alone; the one refresh below draws the new rows, selection
	// included.
	t.quiet = true
	t.fitColumns()
	t.table.ScrollToTop()
	t.empty.SetText(emptyText)
	if len(rows) == 0 && emptyText != "" {
		t.empty.Show()
		t.table.Hide()
	} else {
		t.empty.Hide()
		t.table.Show()
	}
	t.quiet = false
	if pick != nil {
		for i, r := range t.rows {
			if pick(r) {
				t.selected = i
				break
			}
		}
	}
	t.table.Refresh()
	if t.selected > 0 {
		t.table.ScrollTo(widget.TableCellID{Row: t.selected, Col: 0})
	}
	if t.selected >= 0 && t.onSelect != nil {
		t.onSelect(t.rows[t.selected])
	}
	if t.onMarked != nil {
		t.onMarked()
	}
}

// reset empties the table for its view's next use (chartView.reset): no
// rows, marks or selection, the rows' own order, widths sized to content
// again at the next set, scrolled to its left edge (set scrolls to the
// top), no cut text kept. The table is hidden rather than drawn empty
// until the next set shows it: drawn with no rows, its cells would go back
// to Fyne's pool, which the collector empties, and the next rows would
// need new cells (with new renderers, which Fyne keeps a minute).
func (t *rowTable[T]) reset() {
	t.table.ScrollToLeading()
	t.table.Hide()
	t.empty.SetText("")
	t.empty.Hide()
	t.rows, t.selected = nil, -1
	clear(t.marked)
	t.sortCol, t.sortDesc, t.resized = -1, false, false
	t.cuts = nil
}

// sortBy sorts the rows by column col: a second tap on the same header
// turns the order round.
func (t *rowTable[T]) sortBy(col int) {
	if col < 0 || col >= len(t.cols) {
		return
	}
	if t.sortCol == col {
		t.sortDesc = !t.sortDesc
	} else {
		t.sortCol, t.sortDesc = col, false
	}
	// The selected and marked rows stay selected and marked where they move to.
	order := t.sortRows()
	newIndex := make(map[int]int, len(order))
	for to, from := range order {
		newIndex[from] = to
	}
	if t.selected >= 0 {
		t.selected = newIndex[t.selected]
	}
	marked := map[int]bool{}
	for i := range t.marked {
		marked[newIndex[i]] = true
	}
	t.marked = marked
	t.table.Refresh()
	if t.selected >= 0 {
		t.table.ScrollTo(widget.TableCellID{Row: t.selected, Col: 0})
	}
}

// sortRows puts the rows in the chosen column's order (numbers as numbers,
// the rest as text, ties in the order they came) and returns, for each new
// position, the row's old index.
func (t *rowTable[T]) sortRows() []int {
	order := make([]int, len(t.rows))
	for i := range order {
		order[i] = i
	}
	if t.sortCol < 0 || t.sortCol >= len(t.cols) {
		return order
	}
	keys := make([]string, len(t.rows))
	for i, r := range t.rows {
		keys[i] = t.cols[t.sortCol].text(r)
	}
	sort.SliceStable(order, func(a, b int) bool {
		if t.sortDesc {
			return lessCell(keys[order[b]], keys[order[a]])
		}
		return lessCell(keys[order[a]], keys[order[b]])
	})
	sorted := make([]T, len(t.rows))
	for to, from := range order {
		sorted[to] = t.rows[from]
	}
	t.rows = sorted
	return order
}

// lessCell orders two cells' text: both whole numbers by value, otherwise
// case-insensitively (dates are written YYYY-MM-DD, so they sort as text).
func lessCell(a, b string) bool {
	na, errA := strconv.Atoi(strings.TrimSpace(a))
	nb, errB := strconv.Atoi(strings.TrimSpace(b))
	if errA == nil && errB == nil {
		return na < nb
	}
	return strings.ToLower(a) < strings.ToLower(b)
}

// current returns the selected row.
func (t *rowTable[T]) current() (T, bool) {
	var zero T
	if t.selected < 0 || t.selected >= len(t.rows) {
		return zero, false
	}
	return t.rows[t.selected], true
}

// chosen returns the marked rows in the order shown, or else the selected
// row: what an action on "these rows" acts on.
func (t *rowTable[T]) chosen() []T {
	var out []T
	for i, r := range t.rows {
		if t.marked[i] {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		if r, ok := t.current(); ok {
			out = append(out, r)
		}
	}
	return out
}

// markAll marks every row (multi tables only).
func (t *rowTable[T]) markAll() {
	if !t.multi {
		return
	}
	for i := range t.rows {
		t.marked[i] = true
	}
	t.marksChanged()
}

// unmarkAll clears the marks.
func (t *rowTable[T]) unmarkAll() {
	clear(t.marked)
	t.marksChanged()
}

func (t *rowTable[T]) toggleMark(row int) {
	if t.marked[row] {
		delete(t.marked, row)
	} else {
		t.marked[row] = true
	}
	t.marksChanged()
}

func (t *rowTable[T]) marksChanged() {
	t.table.Refresh()
	if t.onMarked != nil {
		t.onMarked()
	}
}

// move shifts the selection by delta (arrow keys in a search box).
func (t *rowTable[T]) move(delta int) {
	if len(t.rows) == 0 {
		return
	}
	n := t.selected + delta
	if t.selected < 0 {
		n = 0
	}
	n = max(0, min(n, len(t.rows)-1))
	t.selectRow(n)
}

func (t *rowTable[T]) selectRow(row int) {
	t.selected = row
	t.table.Refresh()
	t.table.ScrollTo(widget.TableCellID{Row: row, Col: 0})
	if t.onSelect != nil {
		t.onSelect(t.rows[row])
	}
}

// open opens the selected row, else the first.
func (t *rowTable[T]) open() {
	if t.onOpen == nil || len(t.rows) == 0 {
		return
	}
	if r, ok := t.current(); ok {
		t.onOpen(r)
		return
	}
	t.onOpen(t.rows[0])
}

// typedKey is the table's keyboard while it has the focus.
func (t *rowTable[T]) typedKey(k *fyne.KeyEvent) {
	switch k.Name {
	case fyne.KeyDown:
		t.move(1)
	case fyne.KeyUp:
		t.move(-1)
	case fyne.KeyPageDown:
		t.move(10)
	case fyne.KeyPageUp:
		t.move(-10)
	case fyne.KeyHome:
		t.move(-len(t.rows))
	case fyne.KeyEnd:
		t.move(len(t.rows))
	case fyne.KeyReturn, fyne.KeyEnter:
		t.open()
	case fyne.KeySpace:
		if t.selected < 0 {
			t.move(0)
			return
		}
		if t.multi {
			t.toggleMark(t.selected)
		}
	case fyne.KeyEscape:
		if s := guardShell.Load(); s != nil {
			s.dismissTopDialog()
		}
	}
}

// tapped is a click on row: with Ctrl it marks or unmarks the row, with
// Shift it marks the rows from the selected one to it (multi tables).
func (t *rowTable[T]) tapped(row int) {
	if row >= len(t.rows) {
		return
	}
	if c := fyne.CurrentApp().Driver().CanvasForObject(t.table); c != nil {
		c.Focus(t.table)
	}
	switch {
	case t.multi && t.clickMods&fyne.KeyModifierShortcutDefault != 0:
		// The row picked before the first Ctrl+click is one of the several.
		if len(t.marked) == 0 && t.selected >= 0 && t.selected != row {
			t.marked[t.selected] = true
		}
		t.toggleMark(row)
	case t.multi && t.clickMods&fyne.KeyModifierShift != 0 && t.selected >= 0:
		for i := min(t.selected, row); i <= max(t.selected, row); i++ {
			t.marked[i] = true
		}
		t.marksChanged()
	}
	t.clickMods = 0
	t.selectRow(row)
	if t.onTap != nil {
		t.onTap()
	}
}

// keyTable is a widget.Table whose keyboard the rowTable handles (whole
// rows, Enter opens) and that tells it when the clerk drags a column's edge.
type keyTable struct {
	widget.Table
	onKey    func(*fyne.KeyEvent)
	onFocus  func()
	onResize func()
	focused  bool
}

func (k *keyTable) TypedKey(e *fyne.KeyEvent) {
	defer recoverUI("a key in a table")
	if s := guardShell.Load(); s != nil {
		s.touch()
	}
	k.onKey(e)
}

func (k *keyTable) FocusGained() {
	k.focused = true
	k.Table.FocusGained()
	k.onFocus()
}

func (k *keyTable) FocusLost() {
	k.focused = false
	k.Table.FocusLost()
}

func (k *keyTable) Dragged(e *fyne.DragEvent) {
	k.Table.Dragged(e)
	k.onResize()
}

// headerCell is a column's title; a tap sorts by the column, and an arrow
// shows the order.
type headerCell[T any] struct {
	widget.BaseWidget
	t     *rowTable[T]
	col   int
	label *widget.Label
	arrow *widget.Icon
}

func newHeaderCell[T any](t *rowTable[T]) *headerCell[T] {
	// The arrow is not made with widget.NewIcon, which draws it at once
	// and so builds its renderer: Fyne makes headers just to measure them
	// (labelMinSize), and would keep that renderer a minute.
	arrow := &widget.Icon{}
	arrow.ExtendBaseWidget(arrow)
	h := &headerCell[T]{t: t, label: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), arrow: arrow}
	h.ExtendBaseWidget(h)
	return h
}

func (h *headerCell[T]) CreateRenderer() fyne.WidgetRenderer {
	return &headerRenderer[T]{h: h, objects: []fyne.CanvasObject{h.label, h.arrow}}
}

// headerRenderer lays out the title with the sort arrow at its right
// edge. It draws nothing again on the table's redraws, which ask every
// header at each one: show refreshes what changed (a theme change refreshes
// every object itself).
type headerRenderer[T any] struct {
	h       *headerCell[T]
	objects []fyne.CanvasObject
}

func (r *headerRenderer[T]) Layout(size fyne.Size) {
	arrow := r.h.arrow.MinSize().Width
	labelWidth := max(0, size.Width-arrow-theme.Padding())
	fitText(r.h.label, labelWidth)
	r.h.label.Move(fyne.NewPos(0, 0))
	r.h.label.Resize(fyne.NewSize(labelWidth, size.Height))
	r.h.arrow.Move(fyne.NewPos(size.Width-arrow, 0))
	r.h.arrow.Resize(fyne.NewSize(arrow, size.Height))
}

func (r *headerRenderer[T]) MinSize() fyne.Size { return r.h.MinSize() }

// MinSize is the title's size beside the arrow's, worked out without the
// header's renderer (see labelMinSize).
func (h *headerCell[T]) MinSize() fyne.Size {
	l, a := labelMinSize(h.label.Text, h.label.TextStyle), theme.IconInlineSize()
	return fyne.NewSize(l.Width+theme.Padding()+a, max(l.Height, a))
}

// labelMinSize is the size a one-line label of text takes, as Fyne's Label
// measures it (the text and its inner padding around), worked out without
// building a renderer. Fyne's Table makes a new cell and header to measure
// at every refresh (each column width set is one); had their MinSize
// built their renderers, Fyne would keep each of those for a minute.
func labelMinSize(text string, style fyne.TextStyle) fyne.Size {
	pad := 2 * theme.InnerPadding()
	m := fyne.MeasureText(text, theme.TextSize(), style)
	return fyne.NewSize(m.Width+pad, m.Height+pad)
}

func (r *headerRenderer[T]) Objects() []fyne.CanvasObject { return r.objects }
func (r *headerRenderer[T]) Refresh()                     {}
func (r *headerRenderer[T]) Destroy()                     {}

func (h *headerCell[T]) show(col int) {
	h.col = col
	// The table asks at every redraw; an unchanged title or arrow is left
	// alone (setting one lays it out again).
	if title := h.t.cols[col].title; h.label.Text != title {
		h.label.Text = title
		fitText(h.label, h.label.Size().Width)
		h.label.Refresh()
	}
	var arrow fyne.Resource
	switch {
	case h.t.sortCol != col:
	case h.t.sortDesc:
		arrow = theme.MoveDownIcon()
	default:
		arrow = theme.MoveUpIcon()
	}
	if h.arrow.Resource != arrow {
		h.arrow.SetResource(arrow)
	}
}

func (h *headerCell[T]) Tapped(*fyne.PointEvent) {
	defer recoverUI("a table header")
	h.t.sortBy(h.col)
}

// cell is a table cell that selects its row on a tap and opens it on a
// double tap (widget.Table alone has neither a row selection nor a double
// tap); the selected and marked rows are shaded across all their cells, the
// row's state colours its text, and the selected row of a focused table is
// outlined.
type cell[T any] struct {
	widget.BaseWidget
	t     *rowTable[T]
	row   int
	text  string // the whole text; the label shows it cut to the cell's width
	label *widget.Label
	bg    *canvas.Rectangle
	ring  *canvas.Rectangle
}

func newCell[T any](t *rowTable[T]) *cell[T] {
	c := &cell[T]{t: t, label: widget.NewLabel(""), bg: canvas.NewRectangle(color.Transparent), ring: canvas.NewRectangle(color.Transparent)}
	c.ring.StrokeWidth = 2
	c.ExtendBaseWidget(c)
	return c
}

func (c *cell[T]) CreateRenderer() fyne.WidgetRenderer {
	return &cellRenderer[T]{c: c, objects: []fyne.CanvasObject{c.bg, c.label, c.ring}}
}

// fitText ends a header's text in an ellipsis only when it is wider than
// width. A label that may truncate lays its text out glyph by glyph at
// every change of text or width to find where the ellipsis goes; most
// headers fit their column, and the width of a text once measured is
// remembered by Fyne, so a fitting header costs one lookup. (Cells, whose
// texts change far more often, are cut once: textCuts.)
func fitText(l *widget.Label, width float32) {
	want := fyne.TextTruncateEllipsis
	if fyne.MeasureText(l.Text, theme.TextSize(), l.TextStyle).Width <= width-2*theme.InnerPadding() {
		want = fyne.TextTruncateOff
	}
	l.Truncation = want
}

// textCuts remembers a table's cell texts cut to a column's width. A label
// that truncates its own text lays it out glyph by glyph at every change
// of its text to find where the ellipsis goes, and a table's cells change
// text whenever its rows move (a new line at the top of the scan log moves
// every line down a cell): the cells show texts cut once, here, instead.
type textCuts map[textCut]string

type textCut struct {
	text  string
	width float32
}

// textCutsKept bounds a table's remembered cuts; past it they are
// forgotten and cut again as they come.
const textCutsKept = 4096

// fit is text as a cell width wide shows it: whole when it fits, else cut
// at a character with an ellipsis after it.
func (tc *textCuts) fit(text string, width float32) string {
	room := width - 2*theme.InnerPadding()
	if width <= 0 || fyne.MeasureText(text, theme.TextSize(), fyne.TextStyle{}).Width <= room {
		return text
	}
	k := textCut{text, width}
	if cut, ok := (*tc)[k]; ok {
		return cut
	}
	if *tc == nil || len(*tc) >= textCutsKept {
		*tc = textCuts{}
	}
	cut := cutText(text, room)
	(*tc)[k] = cut
	return cut
}

// cutText is the longest start of text that, with an ellipsis after it,
// is at most room wide (the ellipsis alone when none is).
func cutText(text string, room float32) string {
	runes := []rune(text)
	with := func(n int) string { return strings.TrimRight(string(runes[:n]), " ") + "…" }
	lo, hi := 0, len(runes)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if fyne.MeasureText(with(mid), theme.TextSize(), fyne.TextStyle{}).Width <= room {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return with(lo)
}

// cellRenderer stacks the cell's shading, text and outline, cutting the
// text to the width when the cell is resized (textCuts). Like
// headerRenderer it draws nothing again on the table's redraws: show
// refreshes what changed.
type cellRenderer[T any] struct {
	c       *cell[T]
	objects []fyne.CanvasObject
}

func (r *cellRenderer[T]) Layout(size fyne.Size) {
	l := r.c.label
	shown := r.c.t.cuts.fit(r.c.text, size.Width)
	for _, o := range r.objects {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
	if l.Text != shown {
		l.Text = shown
		l.Refresh()
	}
}

func (r *cellRenderer[T]) MinSize() fyne.Size { return r.c.MinSize() }

// MinSize is the text's label's, worked out without the cell's renderer
// (see labelMinSize).
func (c *cell[T]) MinSize() fyne.Size { return labelMinSize(c.label.Text, c.label.TextStyle) }

func (r *cellRenderer[T]) Objects() []fyne.CanvasObject { return r.objects }
func (r *cellRenderer[T]) Refresh()                     {}
func (r *cellRenderer[T]) Destroy()                     {}

// show fills the cell for row with text. Fyne's Table has sized the cell to
// its column before it asks.
func (c *cell[T]) show(row int, text string) {
	c.row = row
	imp := widget.MediumImportance
	if c.t.tone != nil && row < len(c.t.rows) {
		imp = c.t.tone(c.t.rows[row])
	}
	if shown := c.t.cuts.fit(text, c.Size().Width); c.text != text || c.label.Text != shown || c.label.Importance != imp {
		c.text = text
		c.label.Importance = imp
		c.label.Text = shown
		c.label.Refresh()
	}
	var bg color.Color = color.Transparent
	switch {
	case c.t.marked[row]:
		bg = theme.Color(theme.ColorNameSelection)
	case row == c.t.selected && len(c.t.marked) > 0:
		// With rows marked, the cursor row not among them is only hinted.
		bg = theme.Color(theme.ColorNameHover)
	case row == c.t.selected:
		bg = theme.Color(theme.ColorNameSelection)
	}
	var ring color.Color = color.Transparent
	if row == c.t.selected && c.t.table.focused {
		ring = theme.Color(theme.ColorNameFocus)
	}
	// Only a changed colour is drawn again: a table redraw asks every
	// visible cell, and most keep their shading.
	if c.bg.FillColor != bg {
		c.bg.FillColor = bg
		c.bg.Refresh()
	}
	if c.ring.StrokeColor != ring {
		c.ring.StrokeColor = ring
		c.ring.Refresh()
	}
}

// MouseDown notes the modifier keys of a click (Tapped does not carry
// them); the press itself is the tap's.
func (c *cell[T]) MouseDown(e *desktop.MouseEvent) { c.t.clickMods = e.Modifier }

func (c *cell[T]) MouseUp(*desktop.MouseEvent) {}

func (c *cell[T]) Tapped(*fyne.PointEvent) {
	defer recoverUI("a table row")
	c.t.tapped(c.row)
}

func (c *cell[T]) DoubleTapped(*fyne.PointEvent) {
	defer recoverUI("a table row")
	if c.row < len(c.t.rows) && c.t.onOpen != nil {
		c.t.selectRow(c.row)
		c.t.onOpen(c.t.rows[c.row])
	}
}
