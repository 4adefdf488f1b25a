package ui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/chartroom/chartroom/records"
)

// startupChecks runs what the app does on its own once the database is
// open, off the UI goroutine: the quick audit check (only the events since
// the last good check, so it stays fast on a large database), then the
// automatic backup and its hourly re-check. The check comes first so that a
// warning about tampering is not held up behind a long backup.
func (s *shell) startupChecks() {
	svc := s.svc
	inBackground(s, func() (*records.ChainProblem, error) {
		// No user is signed in yet: the check reveals nothing about
		// patients and needs no role.
		problem, _, err := svc.VerifyAudit(context.Background(), false)
		return problem, err
	}, func(problem *records.ChainProblem, err error) {
		s.auditChecked(problem, err)
		s.startAutoBackup()
	})
}

// auditChecked warns, in a dialog now and in red in the status bar for the
// rest of the session, when the start-up check found the audit log or the
// rows it vouches for changed, or could not run at all.
func (s *shell) auditChecked(problem *records.ChainProblem, err error) {
	msg := auditWarning(problem, err)
	if msg == "" {
		s.setAlert(alertAudit, "")
		return
	}
	if err != nil {
		s.log.Error("start-up audit check failed", "err", err)
	} else {
		s.log.Error("start-up audit check found tampering", "event", problem.EventID, "table", problem.Table, "row", problem.RowID, "reason", problem.Reason)
	}
	s.setAlert(alertAudit, msg)
	text := widget.NewLabel(msg)
	text.Wrapping = fyne.TextWrapWord
	title := "The records may have been tampered with"
	if problem == nil {
		title = "The audit log could not be checked"
	}
	d := dialog.NewCustom(title, "I understand", text, s.win)
	d.Resize(fyne.NewSize(560, 300))
	d.Show()
}

// auditWarning is what a clerk reads about the start-up check: "" when all
// is well.
func auditWarning(problem *records.ChainProblem, err error) string {
	const ask = "Tell the administrator: they should run \"chartroom verify\" and restore the latest good backup."
	switch {
	case err != nil:
		return fmt.Sprintf("Chartroom could not check its audit log at start-up (%s). %s", strings.TrimSuffix(records.ErrorMessage(err), "."), ask)
	case problem != nil:
		return fmt.Sprintf("The audit log or the records were changed outside Chartroom. First bad row: %s. %s", strings.TrimSuffix(problem.Reason, "."), ask)
	}
	return ""
}
