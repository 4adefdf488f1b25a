package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/csvimport"
)

// previewLines is how many of a file's first lines the import shows before
// anything is written.
const previewLines = 12

// importTabTitle names the Administration tab, which the first-day
// checklist opens.
const importTabTitle = "Import"

// notInFile is the mapping choice for a field no column feeds.
const notInFile = "(not in the file)"

// importKinds are the exports the page reads, as the clerk names them.
var importKinds = []struct {
	kind  csvimport.Kind
	label string
}{
	{csvimport.KindPatients, "Patients (the practice's patient list)"},
	{csvimport.KindAppointments, "Appointments (requests for the pull list)"},
}

// importTab brings a practice's existing patients (and appointments) in
// from a CSV file: the file chosen, its columns as they were understood and
// changeable, its first lines, then the import with a progress bar and
// Cancel, and the rejected lines with their reasons to save and mend.
type importTab struct {
	s            *shell
	kind         *widget.RadioGroup
	addProviders *widget.Check
	file         *widget.Label
	problem      *widget.Label
	choose       *widget.Button
	check        *widget.Button
	run          *widget.Button
	cancel       *widget.Button
	progress     *widget.ProgressBar
	stage        *widget.Label
	result       *widget.Label
	saveRejects  *widget.Button
	mapping      *fyne.Container
	lines        *fyne.Container
	rejectsTable *rowTable[records.RowError]
	tabs         *container.AppTabs
	root         fyne.CanvasObject

	path     string
	selects  map[string]*widget.Select // field name -> its column
	syncing  bool                      // the selects are being set from a preview
	previewN int                       // previews asked for; an older answer is dropped
	running  context.CancelFunc        // the import in flight, if any
	stopping bool                      // the clerk cancelled it
	rejected []records.RowError        // of the last import, in line order
}

func newImportTab(s *shell) *importTab {
	im := &importTab{s: s, selects: map[string]*widget.Select{}}
	var labels []string
	for _, k := range importKinds {
		labels = append(labels, k.label)
	}
	im.kind = widget.NewRadioGroup(labels, guarded1(func(string) { im.kindChanged() }))
	im.kind.Horizontal = true
	im.kind.Required = true
	im.kind.SetSelected(labels[0])
	im.addProviders = widget.NewCheck("Add providers that are not borrowers yet (else their lines are rejected)", nil)
	im.addProviders.Hide()
	im.file = widget.NewLabel("No file chosen.")
	im.file.Truncation = fyne.TextTruncateEllipsis
	im.problem = widget.NewLabel("")
	im.problem.Importance = widget.DangerImportance
	im.problem.Wrapping = fyne.TextWrapWord
	im.problem.Hide()
	im.choose = widget.NewButtonWithIcon("Choose a CSV file…", theme.FolderOpenIcon(), guarded(im.chooseFile))
	im.check = widget.NewButtonWithIcon("Check the whole file", theme.SearchIcon(), guarded(func() { im.start(true) }))
	im.run = widget.NewButtonWithIcon("Import the file", theme.DownloadIcon(), guarded(func() { im.start(false) }))
	im.run.Importance = widget.HighImportance
	im.cancel = widget.NewButtonWithIcon("Cancel the import", theme.CancelIcon(), guarded(im.cancelRun))
	im.cancel.Hide()
	im.check.Disable()
	im.run.Disable()
	im.progress = widget.NewProgressBar()
	im.progress.Hide()
	im.stage = widget.NewLabel("")
	im.stage.Hide()
	im.result = widget.NewLabel("")
	im.result.Wrapping = fyne.TextWrapWord
	im.result.Hide()
	im.saveRejects = widget.NewButtonWithIcon("Save rejected lines as CSV…", theme.DocumentSaveIcon(), guarded(im.saveRejected))
	im.saveRejects.Hide()
	im.mapping = container.NewVBox(hint("Choose a file to see how its columns are read."))
	im.lines = container.NewStack(hint("Choose a file to see its first lines."))
	im.rejectsTable = newRowTable([]column[records.RowError]{
		{"Line", 70, func(e records.RowError) string { return strconv.Itoa(e.Line) }},
		{"Rejected because", 600, func(e records.RowError) string { return e.Reason }},
	}, nil)
	im.rejectsTable.set(nil, "Rejected lines of an import are listed here, with the reason for each.")
	rejectsPage := container.NewBorder(container.NewHBox(im.saveRejects), nil, nil, nil, im.rejectsTable.view())
	im.tabs = container.NewAppTabs(
		container.NewTabItem("Columns", container.NewVScroll(im.mapping)),
		container.NewTabItem("First lines", im.lines),
		container.NewTabItem("Rejected lines", rejectsPage),
	)
	top := container.NewVBox(
		hint("Bring in the patients or appointments of the system used before: export them from it as a CSV file and choose that file. "+
			"Check how its columns were read and its first lines, then import. Nothing is saved until the whole file has been read; Cancel leaves the database as it was."),
		im.kind, im.addProviders,
		container.NewBorder(nil, nil, im.choose, container.NewHBox(im.check, im.run, im.cancel), im.file),
		im.problem, im.progress, im.stage, im.result,
	)
	im.root = container.NewBorder(top, nil, nil, nil, im.tabs)
	return im
}

func (im *importTab) view() fyne.CanvasObject { return im.root }

func (im *importTab) shown() {}

// currentKind is the export chosen with the radio buttons.
func (im *importTab) currentKind() csvimport.Kind {
	for _, k := range importKinds {
		if k.label == im.kind.Selected {
			return k.kind
		}
	}
	return csvimport.KindPatients
}

func (im *importTab) kindChanged() {
	if im.addProviders == nil {
		return // the radio buttons' first choice, while the page is built
	}
	if im.currentKind() == csvimport.KindAppointments {
		im.addProviders.Show()
	} else {
		im.addProviders.Hide()
	}
	if im.path != "" {
		im.preview(nil)
	}
}

func (im *importTab) chooseFile() {
	d := dialog.NewFileOpen(guarded2(func(rc fyne.URIReadCloser, err error) {
		if err != nil {
			im.s.showError(records.Internal("the file could not be opened", err))
			return
		}
		if rc == nil {
			return // cancelled
		}
		path := rc.URI().Path()
		rc.Close()
		im.openFile(path)
	}), im.s.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".csv", ".txt", ".CSV", ".TXT"}))
	showFileDialog(im.s.win, d)
}

// openFile previews path with its columns guessed.
func (im *importTab) openFile(path string) {
	im.path = path
	im.file.SetText(path)
	im.result.Hide()
	im.showRejected(nil, "Rejected lines of an import are listed here, with the reason for each.")
	im.tabs.SelectIndex(0)
	im.preview(nil)
}

// showRejected lists the rejected lines of the last import.
func (im *importTab) showRejected(rejected []records.RowError, empty string) {
	im.rejected = rejected
	im.rejectsTable.set(rejected, empty)
	if len(rejected) > 0 {
		im.saveRejects.Show()
	} else {
		im.saveRejects.Hide()
	}
}

// options are the import's options with columns chosen by hand (nil: as
// guessed from the header).
func (im *importTab) options(byHand map[string]string) csvimport.Options {
	return csvimport.Options{Settings: im.s.settings, Today: im.s.today(), Map: byHand}
}

// preview reads the file's header and first lines in the background.
func (im *importTab) preview(byHand map[string]string) {
	im.previewN++
	n, path, kind, opt := im.previewN, im.path, im.currentKind(), im.options(byHand)
	im.check.Disable()
	im.run.Disable()
	inBackground(im.s, func() (csvimport.Preview, error) {
		f, err := os.Open(path)
		if err != nil {
			return csvimport.Preview{}, records.Errorf(records.ENotFound, "the file %s could not be read: %v", path, err)
		}
		defer f.Close()
		return csvimport.PreviewFile(f, kind, opt, previewLines)
	}, func(p csvimport.Preview, err error) {
		if n != im.previewN {
			return
		}
		im.showPreview(kind, p, err)
	})
}

// showPreview shows the mapping and first lines of a preview, or what stops
// the file from being imported.
func (im *importTab) showPreview(kind csvimport.Kind, p csvimport.Preview, err error) {
	im.showMapping(kind, p)
	im.showLines(kind, p)
	problem := ""
	if err != nil {
		problem = sentence(records.ErrorMessage(err))
		if missing := kind.Missing(p.Mapping); len(p.Header) > 0 && len(missing) > 0 {
			problem = "The file cannot be imported yet: " + missingText(kind, missing) + ". Choose the column that holds it under Columns below, or choose another file."
		}
	}
	if problem != "" {
		im.problem.SetText(problem)
		im.problem.Show()
		im.tabs.SelectIndex(0)
		return
	}
	im.problem.Hide()
	if im.running == nil { // a column changed during an import waits for it to end
		im.check.Enable()
		im.run.Enable()
	}
}

// missingText names the required fields no column feeds, in a clerk's words.
func missingText(kind csvimport.Kind, missing [][]string) string {
	labels := map[string]string{}
	for _, f := range kind.Fields() {
		labels[f.Name] = f.Label
	}
	var parts []string
	for _, group := range missing {
		var names []string
		for _, name := range group {
			names = append(names, labels[name])
		}
		parts = append(parts, "no column is read as the "+strings.Join(names, " or the "))
	}
	return strings.Join(parts, "; ")
}

// showMapping lists each field with the column that feeds it, changeable.
func (im *importTab) showMapping(kind csvimport.Kind, p csvimport.Preview) {
	im.mapping.RemoveAll()
	im.selects = map[string]*widget.Select{}
	if len(p.Header) == 0 {
		im.mapping.Add(hint("No columns to show: see the message above."))
		im.mapping.Refresh()
		return
	}
	options := []string{notInFile}
	for _, h := range p.Header {
		if h != "" && !slices.Contains(options, h) {
			options = append(options, h)
		}
	}
	form := widget.NewForm()
	im.syncing = true
	for _, f := range kind.Fields() {
		sel := widget.NewSelect(options, nil)
		if i := p.Mapping.Index(f.Name); i >= 0 && i < len(p.Header) && p.Header[i] != "" {
			sel.SetSelected(p.Header[i])
		} else {
			sel.SetSelected(notInFile)
		}
		sel.OnChanged = guarded1(func(string) { im.mappingChanged() })
		im.selects[f.Name] = sel
		form.Append(capitalized(f.Label), sel)
	}
	im.syncing = false
	im.mapping.Add(hint("How the file's columns are read: each field of Chartroom and the column it comes from. Change a choice if a column was misread."))
	im.mapping.Add(form)
	if ignored := p.Mapping.Ignored(); len(ignored) > 0 {
		im.mapping.Add(hint("Not imported (no field reads them): " + strings.Join(ignored, ", ")))
	}
	im.mapping.Refresh()
}

// mappingChanged previews again with every field's column as now chosen.
func (im *importTab) mappingChanged() {
	if im.syncing {
		return
	}
	im.preview(im.byHand())
}

// byHand is the mapping the selects show, every field named.
func (im *importTab) byHand() map[string]string {
	if len(im.selects) == 0 {
		return nil
	}
	m := map[string]string{}
	for field, sel := range im.selects {
		if sel.Selected == notInFile {
			m[field] = ""
		} else {
			m[field] = sel.Selected
		}
	}
	return m
}

// showLines shows the first lines as the file has them, with the outcome
// of each.
func (im *importTab) showLines(kind csvimport.Kind, p csvimport.Preview) {
	cols := []column[csvimport.PreviewRow]{
		{"Line", 60, func(r csvimport.PreviewRow) string { return strconv.Itoa(r.Line) }},
		{"Outcome", 340, func(r csvimport.PreviewRow) string {
			if r.Reason == "" {
				return "Ready to import"
			}
			return "Rejected: " + r.Reason
		}},
	}
	fieldOf := map[int]string{}
	for _, c := range p.Mapping.Used() {
		for _, f := range kind.Fields() {
			if f.Name == c.Field && fieldOf[c.Index] == "" {
				fieldOf[c.Index] = f.Label
			}
		}
	}
	for i, h := range p.Header {
		title := h + " (not read)"
		if label, ok := fieldOf[i]; ok {
			title = h + " → " + label
		}
		cols = append(cols, column[csvimport.PreviewRow]{title, 170, func(r csvimport.PreviewRow) string {
			if i < len(r.Cells) {
				return r.Cells[i]
			}
			return ""
		}})
	}
	t := newRowTable(cols, nil)
	t.set(p.Rows, "The file has no lines after its first.")
	im.lines.Objects = []fyne.CanvasObject{t.view()}
	im.lines.Refresh()
}

// importOutcome is what a finished import (or check) did.
type importOutcome struct {
	dryRun   bool
	summary  records.ImportSummary
	rejected []records.RowError // the parser's and the store's, in line order
	notes    []string
}

// errImportCancelled ends an import the clerk cancelled; the store writes
// nothing of it.
var errImportCancelled = errors.New("the import was cancelled")

// start runs the import (or, dryRun, checks the whole file without saving)
// in the background with the progress bar and Cancel.
func (im *importTab) start(dryRun bool) {
	if im.path == "" || im.running != nil {
		return
	}
	ctx, cancel := context.WithCancel(im.s.ctx())
	im.running, im.stopping = cancel, false
	im.showRejected(nil, "The rejected lines will be listed here when the import is done.")
	im.choose.Disable()
	im.check.Disable()
	im.run.Disable()
	im.kind.Disable()
	im.cancel.Enable()
	im.cancel.Show()
	im.result.Hide()
	im.progress.SetValue(0)
	im.progress.Show()
	im.stage.SetText("Reading the file and checking each line…")
	im.stage.Show()
	kind, path, opt, svc := im.currentKind(), im.path, im.options(im.byHand()), im.s.svc
	addProviders := im.addProviders.Checked
	var last atomic.Int64
	progress := func(read, size int64, stage string) {
		// Only when the bar moves by a percent: fyne.Do per row would
		// flood the UI goroutine.
		pct := int64(100)
		if size > 0 {
			pct = read * 100 / size
		}
		if last.Swap(pct+1) == pct+1 && stage == "" {
			return
		}
		im.s.later(func() {
			im.s.touch()
			im.progress.SetValue(float64(pct) / 100)
			if stage != "" {
				im.stage.SetText(stage)
			}
		})
	}
	inBackground(im.s, func() (importOutcome, error) {
		return runImport(ctx, svc, path, kind, opt, importRun{dryRun: dryRun, addProviders: addProviders}, progress)
	}, func(out importOutcome, err error) {
		im.running = nil
		cancel()
		im.finished(out, err)
	})
}

func (im *importTab) cancelRun() {
	if im.running == nil {
		return
	}
	im.running()
	im.stopping = true
	im.cancel.Disable()
	im.stage.SetText("Cancelling: undoing what was written…")
}

// finished shows what the import did, or that it did nothing.
func (im *importTab) finished(out importOutcome, err error) {
	im.choose.Enable()
	im.check.Enable()
	im.run.Enable()
	im.kind.Enable()
	im.cancel.Hide()
	im.progress.Hide()
	im.stage.Hide()
	im.result.Importance = widget.MediumImportance
	switch {
	case err != nil && (im.stopping || errors.Is(err, errImportCancelled) || errors.Is(err, context.Canceled)):
		im.result.Importance = widget.WarningImportance
		im.result.SetText("Import cancelled: nothing was saved. The database is as it was before; import the file again when ready.")
	case err != nil:
		im.result.Importance = widget.DangerImportance
		im.result.SetText("Nothing was imported: " + records.ErrorMessage(err))
	default:
		text := outcomeText(out)
		if im.stopping {
			text = "Cancel came too late: the import had already been saved.\n" + text
		}
		im.result.SetText(text)
		if !out.dryRun && im.s.main != nil {
			im.s.main.changed()
		}
	}
	im.stopping = false
	im.result.Show()
	if err != nil {
		im.showRejected(nil, "Nothing was imported, so no line was rejected.")
		return
	}
	im.showRejected(out.rejected, "No line was rejected.")
	if len(out.rejected) > 0 {
		im.tabs.SelectIndex(2)
	}
}

// sentence starts a message with a capital and ends it with a full stop,
// as a line of its own on a page reads.
func sentence(msg string) string {
	msg = capitalized(strings.TrimSpace(msg))
	if msg != "" && !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	return msg
}

// outcomeText is the summary line, as the command line prints it, with how
// the file was read where that needs checking.
func outcomeText(out importOutcome) string {
	sum := out.summary
	text := fmt.Sprintf("imported %d, updated %d, unchanged %d, rejected %d", sum.Imported, sum.Updated, sum.Unchanged, len(out.rejected))
	if out.dryRun {
		text = "Checked the whole file; nothing was saved. The import would do: " + text + "."
	} else {
		text = "Import done: " + text + "."
	}
	if len(sum.AddedProviders) > 0 {
		text += "\nProviders added as borrowers: " + strings.Join(sum.AddedProviders, ", ")
	}
	if len(sum.UnknownProviders) > 0 {
		text += "\nProviders that are not borrowers (their lines are rejected): " + strings.Join(sum.UnknownProviders, ", ")
	}
	for _, n := range out.notes {
		text += "\nNote: " + n
	}
	if len(out.rejected) > 0 {
		text += "\nThe rejected lines are listed below: save them as CSV, put them right and import that file."
	}
	return text
}

// importRun says how to run an import.
type importRun struct {
	dryRun       bool
	addProviders bool
}

// runImport reads path as an export of kind and imports it in one
// transaction, reporting how much of the file has been read. When ctx is
// cancelled the rows stop with errImportCancelled and the store writes
// nothing.
func runImport(ctx context.Context, svc records.Service, path string, kind csvimport.Kind, opt csvimport.Options, how importRun,
	progress func(read, size int64, stage string)) (importOutcome, error) {
	out := importOutcome{dryRun: how.dryRun}
	f, err := os.Open(path)
	if err != nil {
		return out, records.Errorf(records.ENotFound, "the file %s could not be read: %v", path, err)
	}
	defer f.Close()
	var size int64
	if st, err := f.Stat(); err == nil {
		size = st.Size()
	}
	in := &countingReader{r: f, each: func(read int64) { progress(read, size, "") }}
	if kind == csvimport.KindAppointments {
		af, err := csvimport.OpenAppointments(in, opt)
		if err != nil {
			return out, err
		}
		rows, rejected, err := af.Rows()
		if err != nil {
			return out, err
		}
		if ctx.Err() != nil {
			return out, errImportCancelled
		}
		progress(size, size, "Saving the requests…")
		out.summary, err = svc.ImportAppointmentsWith(ctx, rows, records.AppointmentImport{DryRun: how.dryRun, AddProviders: how.addProviders})
		if err != nil {
			return out, err
		}
		out.rejected, out.notes = sortedRejects(rejected, out.summary.Rejected), af.Notes()
		return out, nil
	}
	pf, err := csvimport.OpenPatients(in, opt)
	if err != nil {
		return out, err
	}
	rows := func(yield func(records.PatientRow, error) bool) {
		for row, err := range pf.Rows() {
			if err == nil && ctx.Err() != nil {
				err = errImportCancelled
			}
			if !yield(row, err) || err != nil {
				return
			}
		}
		progress(size, size, "Saving the patients: the whole file has been read…")
	}
	out.summary, err = svc.ImportPatients(ctx, rows, how.dryRun)
	if err != nil {
		return out, err
	}
	out.rejected, out.notes = sortedRejects(pf.Rejected(), out.summary.Rejected), pf.Notes()
	return out, nil
}

// sortedRejects joins the parser's and the store's rejected lines in line
// order.
func sortedRejects(parser, store []records.RowError) []records.RowError {
	all := append(append([]records.RowError{}, parser...), store...)
	slices.SortStableFunc(all, func(a, b records.RowError) int { return a.Line - b.Line })
	return all
}

// countingReader tells each how many bytes have been read so far.
type countingReader struct {
	r    io.Reader
	n    int64
	each func(read int64)
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	c.each(c.n)
	return n, err
}

// saveRejected writes the rejected lines of the last import, with their
// reasons, to a CSV file the clerk chooses.
func (im *importTab) saveRejected() {
	if len(im.rejected) == 0 || im.path == "" {
		return
	}
	src, rejected := im.path, im.rejected
	d := dialog.NewFileSave(guarded2(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			im.s.showError(records.Internal("the file could not be opened to save the rejected lines", err))
			return
		}
		if w == nil {
			return // cancelled
		}
		to := w.URI().Path()
		inBackground(im.s, func() (string, error) {
			return to, writeRejectsFile(w, src, rejected)
		}, func(to string, err error) {
			if err != nil {
				im.s.showError(err)
				return
			}
			im.s.log.Info("saved rejected lines", "path", to)
			showNotice(im.s, "Rejected lines saved", fmt.Sprintf("%s saved at:\n%s\n\nOpen it in a spreadsheet, put each line right (the first two columns say which line and why), and import the file again: the two columns are not read.",
				plural(len(rejected), "rejected line"), to))
		})
	}), im.s.win)
	base := strings.TrimSuffix(filepath.Base(src), filepath.Ext(src))
	d.SetFileName(base + "-rejected.csv")
	showFileDialog(im.s.win, d)
}

// writeRejectsFile writes the rejects of the file at src to w, readable by
// the user alone: it holds patients' details.
func writeRejectsFile(w fyne.URIWriteCloser, src string, rejected []records.RowError) error {
	in, err := os.ReadFile(src)
	if err != nil {
		w.Close()
		return records.Errorf(records.ENotFound, "the imported file %s could not be read again: %v", src, err)
	}
	werr := csvimport.WriteRejects(w, bytes.NewReader(in), rejected)
	if cerr := w.Close(); werr == nil && cerr != nil {
		werr = records.Internal("the rejected lines could not be saved", cerr)
	}
	if werr == nil && w.URI().Scheme() == "file" {
		if err := os.Chmod(w.URI().Path(), 0o600); err != nil {
			werr = records.Internal("the rejected lines' file could not be made private", err)
		}
	}
	return werr
}
