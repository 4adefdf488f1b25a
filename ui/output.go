package ui

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/privatefile"
	"github.com/chartroom/chartroom/reports"
)

// madeReport is a report made into a PDF in memory (reports stream their
// rows, so the PDF is the only thing held), with what its pages warn of: a
// name the font cannot print, a folder not on the shelf.
type madeReport struct {
	pdf      []byte
	warnings []string
}

func makeReport(ctx context.Context, svc records.Service, name string, p reports.Params) (madeReport, error) {
	var buf bytes.Buffer
	warnings, err := reports.Render(ctx, svc, name, p, &buf)
	if err != nil {
		return madeReport{}, err
	}
	return madeReport{pdf: buf.Bytes(), warnings: warnings}, nil
}

// showReportWarnings tells the person printing what the report's pages
// warn of, so nothing on them is missed.
func showReportWarnings(s *shell, warnings []string) {
	if len(warnings) == 0 {
		return
	}
	showNotice(s, "Check this report", "Before you use it:\n\n• "+strings.Join(warnings, "\n• "))
}

// reportFilesDir is where PDFs wait for the viewer or the printer. They hold
// protected health information, so the folder is the user's own (in the
// user's cache folder, not the shared temp folder), readable by the user
// alone, and emptied as the app closes.
func reportFilesDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", records.Internal("could not find this user's cache folder for the PDF", err)
	}
	dir := filepath.Join(base, "chartroom", "reports")
	// An existing folder is protected again: the user may have loosened it.
	if err := privatefile.MkdirAll(dir); err != nil {
		return "", records.Internal("could not make a private folder for the PDF", err)
	}
	return dir, nil
}

// reportFilesMaxAge is how long a PDF may stay in the folder when the app
// did not close cleanly to remove it.
const reportFilesMaxAge = 24 * time.Hour

// cleanReportFiles removes the PDFs in dir last written before cutoff (all of
// them for a zero cutoff). A file the viewer still holds open (Windows)
// stays until a later start.
func cleanReportFiles(dir string, cutoff time.Time) (removed int, err error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	var errs []error
	for _, e := range entries {
		if e.IsDir() || filepath.Ext(e.Name()) != ".pdf" {
			continue
		}
		if !cutoff.IsZero() {
			info, err := e.Info()
			if err != nil || !info.ModTime().Before(cutoff) {
				continue
			}
		}
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
			errs = append(errs, err)
			continue
		}
		removed++
	}
	return removed, errors.Join(errs...)
}

// cleanReportFilesAt removes the report PDFs left over: those older than a
// day at start-up (a crash or a power cut), all of them as the app closes.
func (s *shell) cleanReportFilesAt(cutoff time.Time) {
	dir, err := reportFilesDir()
	if err != nil {
		s.log.Warn("report PDFs not cleaned", "err", err)
		return
	}
	n, err := cleanReportFiles(dir, cutoff)
	if err != nil {
		s.log.Warn("some report PDFs could not be removed", "dir", dir, "err", err)
	}
	if n > 0 {
		s.log.Info("report PDFs removed", "dir", dir, "count", n)
	}
}

// writeTempPDF saves a PDF in the private report folder with a readable name.
func writeTempPDF(base string, pdf []byte) (string, error) {
	dir, err := reportFilesDir()
	if err != nil {
		return "", err
	}
	f, err := os.CreateTemp(dir, safeFileName(base)+"-*.pdf")
	if err != nil {
		return "", records.Internal("could not save the PDF", err)
	}
	if _, err := f.Write(pdf); err != nil {
		f.Close()
		return "", records.Internal("could not save the PDF", err)
	}
	if err := f.Close(); err != nil {
		return "", records.Internal("could not save the PDF", err)
	}
	return f.Name(), nil
}

// safeFileName keeps letters, digits, dash and underscore.
func safeFileName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	if b.Len() == 0 {
		return "report"
	}
	return b.String()
}

// openReport makes a report and shows it in the system's PDF viewer.
func openReport(s *shell, name string, p reports.Params, base string) {
	p.Now = s.now()
	ctx, svc := s.ctx(), s.svc
	wait := dialog.NewCustomWithoutButtons("Making the PDF…", hint("One moment."), s.win)
	wait.Show()
	var warnings []string
	inBackground(s, func() (string, error) {
		made, err := makeReport(ctx, svc, name, p)
		if err != nil {
			return "", err
		}
		warnings = made.warnings
		return writeTempPDF(base, made.pdf)
	}, func(path string, err error) {
		wait.Hide()
		if err != nil {
			s.showError(err)
			return
		}
		showReportWarnings(s, warnings)
		if err := s.openFile(path); err != nil {
			s.showError(err)
		}
	})
}

// openFile shows a file in the system's viewer.
func (s *shell) openFile(path string) error {
	u := &url.URL{Scheme: "file", Path: filepath.ToSlash(path)}
	if runtime.GOOS == "windows" {
		u.Path = "/" + u.Path
	}
	if err := s.app.OpenURL(u); err != nil {
		// Not a failure of the report: let the clerk keep it.
		s.log.Warn("no viewer", "path", path, "err", err)
		offerSaveAs(s, "No PDF viewer", "No PDF viewer could be started on this computer. Save the PDF in a folder you choose, then open or print it from there.", path)
		return nil
	}
	s.log.Info("opened file", "path", path)
	return nil
}

// offerSaveAs tells the clerk why a PDF could not be shown or printed and
// offers to save it where they choose.
func offerSaveAs(s *shell, title, message, path string) {
	l := widget.NewLabel(message)
	l.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm(title, "Save as…", "Close", container.New(minWidth{460}, l), guarded1(func(save bool) {
		if !save {
			return
		}
		pdf, err := os.ReadFile(path)
		if err != nil {
			s.showError(records.Internal("could not read the PDF back", err))
			return
		}
		savePDFAs(s, reportBaseName(path), pdf)
	}), s.win)
	d.Show()
}

// reportBaseName is the readable name writeTempPDF gave a PDF, without the
// random part that kept it unique in the folder.
func reportBaseName(path string) string {
	name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	if i := strings.LastIndex(name, "-"); i > 0 {
		return name[:i]
	}
	return name
}

// withPDFExtension gives a saved PDF the .pdf its name lacks (the clerk
// typed a name without it), so the viewer opens it with a double click; a
// file of that name already there is left alone.
func withPDFExtension(path string) (string, error) {
	if strings.EqualFold(filepath.Ext(path), ".pdf") {
		return path, nil
	}
	to := path + ".pdf"
	if _, err := os.Stat(to); err == nil {
		return path, nil
	}
	if err := os.Rename(path, to); err != nil {
		return path, err
	}
	return to, nil
}

// savePDFAs asks where to save a PDF, writes it readable by the user alone
// (it holds protected health information) and says where it went.
func savePDFAs(s *shell, base string, pdf []byte) {
	d := dialog.NewFileSave(guarded2(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			s.showError(records.Internal("could not open the file to save the PDF", err))
			return
		}
		if w == nil {
			return // cancelled
		}
		_, werr := w.Write(pdf)
		if cerr := w.Close(); werr == nil {
			werr = cerr
		}
		path := w.URI().Path()
		if werr == nil && w.URI().Scheme() == "file" {
			werr = privatefile.Protect(path)
			if werr == nil {
				path, werr = withPDFExtension(path)
			}
		}
		if werr != nil {
			s.showError(records.Internal("could not save the PDF at "+path, werr))
			return
		}
		s.log.Info("saved PDF", "path", path)
		showNotice(s, "PDF saved", "The PDF is saved at:\n"+path)
	}), s.win)
	d.SetFileName(safeFileName(base) + ".pdf")
	d.SetFilter(storage.NewExtensionFileFilter([]string{".pdf"}))
	showFileDialog(s.win, d)
}

// windowsPrintScript prints the PDF named by CHARTROOM_PRINT_FILE with the
// print verb of the program Windows opens PDFs with. A fresh Windows whose
// PDF viewer is Edge registers no such verb: the script then opens the PDF
// in the viewer, whose Print button works, and exits with
// exitOpenedInstead. The path travels in the environment, not in the
// script, so no quote or accent in it can change what runs.
const windowsPrintScript = `$f = $env:CHARTROOM_PRINT_FILE
try {
	if ((New-Object System.Diagnostics.ProcessStartInfo $f).Verbs -notcontains 'print') { throw 'no print verb for PDF' }
	Start-Process -FilePath $f -Verb Print -ErrorAction Stop
} catch {
	Start-Process -FilePath $f -ErrorAction Stop
	exit 3
}`

// exitOpenedInstead is windowsPrintScript's exit status when it opened the
// PDF in the viewer because nothing could print it directly.
const exitOpenedInstead = 3

// printCommand is how this system prints a file: lp on Linux and macOS, the
// PDF program's print verb on Windows (windowsPrintScript).
func printCommand(ctx context.Context, path string) (*exec.Cmd, error) {
	if runtime.GOOS == "windows" {
		cmd := exec.CommandContext(ctx, "powershell", "-NoProfile", "-NonInteractive", "-Command", windowsPrintScript)
		cmd.Env = append(os.Environ(), "CHARTROOM_PRINT_FILE="+path)
		hideConsoleWindow(cmd)
		return cmd, nil
	}
	lp, err := exec.LookPath("lp")
	if err != nil {
		return nil, records.Errorf(records.EConflict, "this computer has no print command (lp); open the PDF and print it from the viewer")
	}
	return exec.CommandContext(ctx, lp, "--", path), nil
}

// printFile sends a PDF to the default printer and says clearly when there
// is none, or when the PDF went to the viewer instead (Windows).
func printFile(ctx context.Context, path string) (string, error) {
	cmd, err := printCommand(ctx, path)
	if err != nil {
		return "", err
	}
	out, err := cmd.CombinedOutput()
	return printOutcome(strings.TrimSpace(string(out)), err)
}

// printOutcome turns what the print command printed and its error into the
// message for the clerk.
func printOutcome(msg string, err error) (string, error) {
	if err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) && exitErr.ExitCode() == exitOpenedInstead {
			return "", records.Errorf(records.EConflict, "no program on this computer prints PDFs directly, so the PDF is open in the PDF viewer instead: print it there with its Print button (Ctrl+P)")
		}
		if msg == "" && errors.As(err, &exitErr) {
			msg = exitErr.Error()
		} else if msg == "" {
			msg = err.Error()
		}
		return "", records.Errorf(records.EConflict, "the PDF could not be printed: %s. Check that a printer is set up, or open the PDF and print it from the viewer", msg)
	}
	return msg, nil
}
