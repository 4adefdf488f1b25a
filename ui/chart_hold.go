package ui

import (
	"context"

	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/chartroom/chartroom/records"
)

// newHoldButton is the chart view's legal hold toggle; only supervisors and
// admins see it (the service refuses anyone else).
func newHoldButton(c *chartView) *widget.Button {
	b := widget.NewButtonWithIcon("Legal hold…", theme.WarningIcon(), guarded(c.toggleHold))
	if !c.s.can(records.RoleSupervisor) {
		b.Hide()
	}
	return b
}

// holdText is the toggle's label for the chart on show.
func holdText(p records.Patient) string {
	if p.LegalHold {
		return "Release legal hold…"
	}
	return "Legal hold…"
}

// toggleHold puts the chart on legal hold, or releases it, with a reason
// for the audit log.
func (c *chartView) toggleHold() {
	p := c.data.patient
	if p.ID == 0 {
		return
	}
	title, confirm, placeholder := "Put chart "+c.s.mrn(p.MRN)+" on legal hold", "Put on hold", "the matter, e.g. case number (required)"
	if p.LegalHold {
		title, confirm, placeholder = "Release the legal hold on chart "+c.s.mrn(p.MRN), "Release hold", "why the hold ends (optional)"
	}
	errs := newFormErrors()
	reason := errs.field("Reason", newEntry(c.s, placeholder))
	c.holdDialog = showWriteDialog(c.s, title, confirm, []*widget.FormItem{widget.NewFormItem("Reason", reason)}, errs, func() (formWrite, error) {
		why := reason.Text
		return c.s.serviceWrite(func(ctx context.Context, svc records.Service) error {
			_, err := svc.SetLegalHold(ctx, p.ID, !p.LegalHold, why)
			return err
		}, c.load), nil
	})
	c.holdReason = reason
}
