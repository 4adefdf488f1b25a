package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// column is one column of a rowTable: its header, width and cell text.
type column[T any] struct {
	title string
	width float32
	text  func(T) string
}

// rowTable is a virtualized table of rows of T: only the visible cells
// exist, so ten rows or ten thousand scroll the same. A tap selects a row, a
// double tap (or Enter in a box that drives it) opens it.
type rowTable[T any] struct {
	rows     []T
	cols     []column[T]
	table    *widget.Table
	empty    *widget.Label
	selected int
	onOpen   func(T)
	onSelect func(T)
	onTap    func() // the clerk picked a row in the table itself
}

func newRowTable[T any](cols []column[T], onOpen func(T)) *rowTable[T] {
	t := &rowTable[T]{cols: cols, selected: -1, onOpen: onOpen}
	t.table = widget.NewTable(
		func() (int, int) { return len(t.rows), len(t.cols) },
		func() fyne.CanvasObject { return newCell(t) },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			if id.Row < len(t.rows) && id.Col < len(t.cols) {
				o.(*cell[T]).show(id.Row, t.cols[id.Col].text(t.rows[id.Row]))
			}
		})
	t.table.ShowHeaderRow = true
	t.table.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	t.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < len(t.cols) {
			o.(*widget.Label).SetText(t.cols[id.Col].title)
		}
	}
	for i, c := range cols {
		t.table.SetColumnWidth(i, c.width)
	}
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
// size.
type stretchLast[T any] struct{ t *rowTable[T] }

func (l stretchLast[T]) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	n := len(l.t.cols)
	if n > 0 {
		used := float32(0)
		for _, c := range l.t.cols[:n-1] {
			used += c.width + theme.Padding()
		}
		l.t.table.SetColumnWidth(n-1, max(l.t.cols[n-1].width, size.Width-used-2*theme.Padding()))
	}
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

func (l stretchLast[T]) MinSize(objs []fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(0, 0).Max(objs[0].MinSize())
}

// set replaces the rows; emptyText says what to do when there are none.
func (t *rowTable[T]) set(rows []T, emptyText string) {
	t.rows = rows
	t.selected = -1
	t.empty.SetText(emptyText)
	if len(rows) == 0 && emptyText != "" {
		t.empty.Show()
		t.table.Hide()
	} else {
		t.empty.Hide()
		t.table.Show()
	}
	t.table.Refresh()
	t.table.ScrollToTop()
}

// current returns the selected row.
func (t *rowTable[T]) current() (T, bool) {
	var zero T
	if t.selected < 0 || t.selected >= len(t.rows) {
		return zero, false
	}
	return t.rows[t.selected], true
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

// cell is a table cell that selects its row on a tap and opens it on a
// double tap (widget.Table alone has neither a row selection nor a double
// tap); the selected row is shaded across all its cells.
type cell[T any] struct {
	widget.BaseWidget
	t     *rowTable[T]
	row   int
	label *widget.Label
	bg    *canvas.Rectangle
}

func newCell[T any](t *rowTable[T]) *cell[T] {
	c := &cell[T]{t: t, label: widget.NewLabel(""), bg: canvas.NewRectangle(color.Transparent)}
	c.label.Truncation = fyne.TextTruncateEllipsis
	c.ExtendBaseWidget(c)
	return c
}

func (c *cell[T]) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewStack(c.bg, c.label))
}

// show fills the cell for row with text.
func (c *cell[T]) show(row int, text string) {
	c.row = row
	c.label.SetText(text)
	if row == c.t.selected {
		c.bg.FillColor = theme.Color(theme.ColorNameSelection)
	} else {
		c.bg.FillColor = color.Transparent
	}
	c.bg.Refresh()
}

func (c *cell[T]) Tapped(*fyne.PointEvent) {
	defer recoverUI("a table row")
	if c.row < len(c.t.rows) {
		c.t.selectRow(c.row)
		if c.t.onTap != nil {
			c.t.onTap()
		}
	}
}

func (c *cell[T]) DoubleTapped(*fyne.PointEvent) {
	defer recoverUI("a table row")
	if c.row < len(c.t.rows) && c.t.onOpen != nil {
		c.t.selectRow(c.row)
		c.t.onOpen(c.t.rows[c.row])
	}
}
