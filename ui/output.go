package ui

import (
	"bytes"
	"context"
	"errors"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"fyne.io/fyne/v2/dialog"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/reports"
)

// makeReport runs a report into a PDF in memory; reports stream their rows,
// so the PDF is the only thing held.
func makeReport(ctx context.Context, svc records.Service, name string, p reports.Params) ([]byte, error) {
	var buf bytes.Buffer
	if err := reports.Generate(ctx, svc, name, p, &buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeTempPDF saves a PDF under the temp folder with a readable name.
func writeTempPDF(base string, pdf []byte) (string, error) {
	dir := filepath.Join(os.TempDir(), "chartroom-reports")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", records.Internal("could not make a folder for the PDF", err)
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
	inBackground(s, func() (string, error) {
		pdf, err := makeReport(ctx, svc, name, p)
		if err != nil {
			return "", err
		}
		return writeTempPDF(base, pdf)
	}, func(path string, err error) {
		wait.Hide()
		if err != nil {
			s.showError(err)
			return
		}
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
		// Not a failure of the report: say where the file is.
		s.log.Warn("no viewer", "path", path, "err", err)
		showNotice(s, "PDF saved", "No PDF viewer could be started on this computer.\nThe PDF is saved at:\n"+path+"\nOpen it from there, or use Print.")
		return nil
	}
	s.log.Info("opened file", "path", path)
	return nil
}

// printCommand is how this system prints a file: lp on Linux and macOS, the
// shell's print verb on Windows.
func printCommand(path string) (*exec.Cmd, error) {
	if runtime.GOOS == "windows" {
		return exec.Command("powershell", "-NoProfile", "-NonInteractive", "-Command",
			"Start-Process -FilePath '"+strings.ReplaceAll(path, "'", "''")+"' -Verb Print"), nil
	}
	lp, err := exec.LookPath("lp")
	if err != nil {
		return nil, records.Errorf(records.EConflict, "this computer has no print command (lp); open the PDF and print it from the viewer")
	}
	return exec.Command(lp, "--", path), nil
}

// printFile sends a PDF to the default printer and says clearly when there
// is none.
func printFile(ctx context.Context, path string) (string, error) {
	cmd, err := printCommand(path)
	if err != nil {
		return "", err
	}
	cmd = exec.CommandContext(ctx, cmd.Path, cmd.Args[1:]...)
	out, err := cmd.CombinedOutput()
	msg := strings.TrimSpace(string(out))
	if err != nil {
		var exitErr *exec.ExitError
		if msg == "" && errors.As(err, &exitErr) {
			msg = exitErr.Error()
		} else if msg == "" {
			msg = err.Error()
		}
		return "", records.Errorf(records.EConflict, "the PDF could not be printed: %s. Check that a printer is set up, or open the PDF and print it from the viewer", msg)
	}
	return msg, nil
}
