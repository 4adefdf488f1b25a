package ui

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/reports"
)

// purposeLabels are the disclosure categories as a form offers them.
func purposeLabels() []string {
	out := make([]string, len(records.DisclosurePurposes))
	for i, p := range records.DisclosurePurposes {
		out[i] = p.Label()
	}
	return out
}

// newPurposeSelect is the category drop-down, set to "Other (reportable)".
func newPurposeSelect() *selectBox {
	sel := newSelect(purposeLabels(), nil)
	sel.SetSelected(records.PurposeOther.Label())
	return sel
}

func selectedPurpose(sel *selectBox) records.DisclosurePurpose {
	p, ok := records.PurposeFromLabel(sel.Selected)
	if !ok {
		return records.PurposeOther
	}
	return p
}

// disclosurePurpose is what a clerk said about a check-out to an outside
// party: the statement of purpose and its category.
type disclosurePurpose struct {
	note     string
	category records.DisclosurePurpose
}

// askPurpose asks why charts go to an outside party: a check-out to one
// is a disclosure the patient's accounting may list. done runs with the
// answer; a cancelled dialog calls nothing.
func askPurpose(s *shell, b records.Borrower, current disclosurePurpose, done func(disclosurePurpose)) *editDialog {
	errs := newFormErrors()
	note := errs.field("Purpose", newEntry(s, "e.g. subpoena in case 123, insurer's claim review"))
	note.SetText(current.note)
	cat := newPurposeSelect()
	if current.category != "" {
		cat.SetSelected(current.category.Label())
	}
	explain := hint(b.Name + " is an outside party: each chart checked out to them is recorded as a disclosure. " +
		"Say why; the category decides whether it appears in the patient's accounting of disclosures.")
	explain.Wrapping = fyne.TextWrapWord
	items := []*widget.FormItem{
		widget.NewFormItem("Purpose", note),
		widget.NewFormItem("Category", cat),
		widget.NewFormItem("", explain),
	}
	return showEditDialog(s, "Purpose of the disclosure to "+b.Name, "Use this purpose", items, errs, func() error {
		p := disclosurePurpose{note: note.Text, category: selectedPurpose(cat)}
		if len(p.note) == 0 || len([]rune(p.note)) > 200 {
			return records.FieldError("Purpose", "say in a few words why the charts go to %s", b.Name)
		}
		done(p)
		return nil
	})
}

// disclosuresPanel is the chart view's Disclosures tab: the chart's
// disclosures and its patient's requests for an accounting.
type disclosuresPanel struct {
	c        *chartView
	list     *rowTable[records.Disclosure]
	requests *rowTable[records.AccountingRequest]
	answer   *widget.Button
	split    *container.Split // the disclosures above, the requests below
	root     fyne.CanvasObject
	dlg      *editDialog // the last dialog opened, for tests
}

func newDisclosuresPanel(c *chartView) *disclosuresPanel {
	s := c.s
	d := &disclosuresPanel{c: c}
	d.list = newRowTable([]column[records.Disclosure]{
		{"Date", 100, func(x records.Disclosure) string { return x.Date.String() }},
		{"Recipient", 200, func(x records.Disclosure) string { return x.Recipient }},
		{"Description", 200, func(x records.Disclosure) string { return x.Description }},
		{"Purpose", 180, func(x records.Disclosure) string { return x.Purpose }},
		{"Accounting", 260, disclosureKind},
	}, nil)
	d.requests = newRowTable([]column[records.AccountingRequest]{
		{"Received", 100, func(r records.AccountingRequest) string { return r.Received.String() }},
		{"Due", 100, func(r records.AccountingRequest) string { return r.Due.String() }},
		{"Requested by", 160, func(r records.AccountingRequest) string { return r.RequestedBy }},
		{"Status", 300, func(r records.AccountingRequest) string { return accountingStatus(r, s.today()) }},
	}, nil)
	d.requests.onSelect = func(records.AccountingRequest) { d.updateActions() }
	add := widget.NewButtonWithIcon("Add disclosure…", theme.ContentAddIcon(), guarded(d.add))
	print := widget.NewButtonWithIcon("Print accounting", theme.DocumentPrintIcon(), guarded(d.print))
	logReq := widget.NewButtonWithIcon("Log patient's request…", theme.MailComposeIcon(), guarded(d.logRequest))
	d.answer = widget.NewButtonWithIcon("Mark answered…", theme.ConfirmIcon(), guarded(d.markAnswered))
	if !s.can(records.RoleSupervisor) {
		d.answer.Hide()
	}
	top := container.NewHBox(add, print, widget.NewSeparator(), logReq, d.answer)
	lower := container.NewBorder(heading("Requests for an accounting"), nil, nil, nil, d.requests.view())
	d.split = container.NewVSplit(d.list.view(), lower)
	d.split.SetOffset(disclosuresSplit)
	d.root = container.NewBorder(top, nil, nil, nil, d.split)
	d.updateActions()
	return d
}

// disclosuresSplit is the share of the tab's height the disclosures start
// with.
const disclosuresSplit = 0.6

// reset empties the panel with its chart view (chartView.reset).
func (d *disclosuresPanel) reset() {
	d.list.reset()
	d.requests.reset()
	d.split.SetOffset(disclosuresSplit)
	d.updateActions()
}

// disclosureKind says whether a disclosure is in the accounting and why.
func disclosureKind(x records.Disclosure) string {
	return disclosureKindText(x.Reportable(), x.Category.Label())
}

// disclosureKindText says reportable or exempt, then the category, without
// saying it twice when the category's label says it too.
func disclosureKindText(reportable bool, category string) string {
	for _, tag := range []string{" (reportable)", " (exempt)"} {
		category = strings.TrimSuffix(category, tag)
	}
	if reportable {
		return "Reportable: " + category
	}
	return "Exempt: " + category
}

// accountingStatus is where a request for an accounting stands.
func accountingStatus(r records.AccountingRequest, today records.Date) string {
	switch {
	case !r.Open():
		s := "Answered " + r.Answered.String()
		if r.AnsweredName != "" {
			s += " by " + r.AnsweredName
		}
		return s
	case r.Overdue(today):
		return fmt.Sprintf("OVERDUE by %s", plural(r.Due.DaysUntil(today), "day"))
	}
	return fmt.Sprintf("Open: %s left", plural(today.DaysUntil(r.Due), "day"))
}

func (d *disclosuresPanel) show(list []records.Disclosure, reqs []records.AccountingRequest) {
	d.list.set(list, "No disclosures recorded for this chart.")
	d.requests.set(reqs, "The patient has not asked for an accounting.")
	d.updateActions()
}

func (d *disclosuresPanel) updateActions() {
	r, ok := d.requests.current()
	if ok && r.Open() {
		d.answer.Enable()
	} else {
		d.answer.Disable()
	}
}

// add records a disclosure made by other means than a check-out.
func (d *disclosuresPanel) add() {
	s, c := d.c.s, d.c
	// The chart on show now, not when the clerk saves: the view may be
	// showing another chart by then (chartView.reset).
	patientID := c.patientID
	errs := newFormErrors()
	date := errs.field("Date", newEntry(s, "YYYY-MM-DD"))
	date.SetText(s.today().String())
	recipient := errs.field("Recipient", newEntry(s, "who received the information"))
	address := errs.field("Address", newEntry(s, "their address"))
	description := errs.field("Description", newEntry(s, "what was disclosed"))
	purpose := errs.field("Purpose", newEntry(s, "why, in a few words"))
	cat := newPurposeSelect()
	items := []*widget.FormItem{
		widget.NewFormItem("Date", date), widget.NewFormItem("Recipient", recipient), widget.NewFormItem("Address", address),
		widget.NewFormItem("Description", description), widget.NewFormItem("Purpose", purpose), widget.NewFormItem("Category", cat),
	}
	d.dlg = showWriteDialog(s, "Record a disclosure of "+c.data.patient.DisplayName(), "Record", items, errs, func() (formWrite, error) {
		day, err := dateField("Date", date.Text)
		if err != nil {
			return formWrite{}, err
		}
		d := records.Disclosure{PatientID: patientID, Date: day, Recipient: recipient.Text,
			Address: address.Text, Description: description.Text, Purpose: purpose.Text, Category: selectedPurpose(cat)}
		return s.serviceWrite(func(ctx context.Context, svc records.Service) error {
			_, err := svc.AddDisclosure(ctx, d)
			return err
		}, c.load), nil
	})
}

func (d *disclosuresPanel) print() {
	c := d.c
	openReport(c.s, reports.ReportDisclosures, reports.Params{PatientID: c.patientID}, "accounting-"+c.data.patient.MRN)
}

// logRequest records the patient's request for an accounting (due in 60 days).
func (d *disclosuresPanel) logRequest() {
	s, c := d.c.s, d.c
	patientID := c.patientID // as in add
	errs := newFormErrors()
	received := errs.field("Received", newEntry(s, "YYYY-MM-DD"))
	received.SetText(s.today().String())
	by := errs.field("Requested by", newEntry(s, "the patient, or their representative"))
	note := errs.field("Note", newEntry(s, "how it came in"))
	items := []*widget.FormItem{widget.NewFormItem("Received", received), widget.NewFormItem("Requested by", by), widget.NewFormItem("Note", note)}
	showWriteDialog(s, "Request for an accounting of disclosures", "Log request", items, errs, func() (formWrite, error) {
		day, err := dateField("Received", received.Text)
		if err != nil {
			return formWrite{}, err
		}
		in := records.AccountingRequest{PatientID: patientID, Received: day, RequestedBy: by.Text, Note: note.Text}
		var r records.AccountingRequest
		return s.serviceWrite(func(ctx context.Context, svc records.Service) (err error) {
			r, err = svc.LogAccountingRequest(ctx, in)
			return err
		}, func() {
			c.afterMove()
			showNotice(s, "Request logged", "The accounting is due by "+r.Due.String()+" (60 days after the request). It shows on the status bar until it is marked answered.")
		}), nil
	})
}

func (d *disclosuresPanel) markAnswered() {
	r, ok := d.requests.current()
	if !ok {
		return
	}
	d.dlg = answerAccountingRequest(d.c.s, r, d.c.afterMove)
}

// answerAccountingRequest asks for the day and how a request was answered.
func answerAccountingRequest(s *shell, r records.AccountingRequest, after func()) *editDialog {
	errs := newFormErrors()
	day := errs.field("Answered", newEntry(s, "YYYY-MM-DD"))
	day.SetText(s.today().String())
	note := errs.field("Note", newEntry(s, "e.g. accounting mailed to the patient"))
	items := []*widget.FormItem{widget.NewFormItem("Answered", day), widget.NewFormItem("Note", note)}
	return showWriteDialog(s, "Answer the request of "+r.PatientName+" ("+r.Received.String()+")", "Mark answered", items, errs, func() (formWrite, error) {
		d, err := dateField("Answered", day.Text)
		if err != nil {
			return formWrite{}, err
		}
		why := note.Text
		return s.serviceWrite(func(ctx context.Context, svc records.Service) error {
			_, err := svc.AnswerAccountingRequest(ctx, r.ID, d, why)
			return err
		}, after), nil
	})
}

// showAccountingRequests lists the open requests for an accounting (from
// the status bar): open the chart, or mark one answered.
func showAccountingRequests(s *shell) {
	reqs, err := s.svc.ListAccountingRequests(s.ctx(), records.AccountingRequestFilter{OpenOnly: true})
	if err != nil {
		s.showError(err)
		return
	}
	var dlg dialog.Dialog
	table := newRowTable([]column[records.AccountingRequest]{
		{"MRN", 100, func(r records.AccountingRequest) string { return s.mrn(r.MRN) }},
		{"Patient", 200, func(r records.AccountingRequest) string { return r.PatientName }},
		{"Received", 100, func(r records.AccountingRequest) string { return r.Received.String() }},
		{"Due", 100, func(r records.AccountingRequest) string { return r.Due.String() }},
		{"Status", 180, func(r records.AccountingRequest) string { return accountingStatus(r, s.today()) }},
	}, func(r records.AccountingRequest) {
		dlg.Hide()
		s.main.openChart(r.PatientID)
	})
	table.set(reqs, "No request for an accounting is waiting.")
	open := widget.NewButtonWithIcon("Open chart", theme.FolderOpenIcon(), guarded(table.open))
	answer := widget.NewButtonWithIcon("Mark answered…", theme.ConfirmIcon(), guarded(func() {
		if r, ok := table.current(); ok {
			dlg.Hide()
			answerAccountingRequest(s, r, func() {
				if s.main != nil {
					s.main.changed()
				}
			})
		}
	}))
	if !s.can(records.RoleSupervisor) {
		answer.Hide()
	}
	body := container.NewBorder(hint(strconv.Itoa(len(reqs))+" open; each is due 60 days after it came in."), container.NewHBox(open, answer), nil, nil, table.view())
	dlg = dialog.NewCustom("Requests for an accounting of disclosures", "Close", container.New(minSize{fyne.NewSize(760, 360)}, body), s.win)
	dlg.Show()
}

// minSize keeps a dialog's body at least this big.
type minSize struct{ size fyne.Size }

func (m minSize) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Resize(size)
		o.Move(fyne.NewPos(0, 0))
	}
}

func (m minSize) MinSize(objs []fyne.CanvasObject) fyne.Size {
	out := m.size
	for _, o := range objs {
		out = out.Max(o.MinSize())
	}
	return out
}

// checkOutNotes says what a check-out did besides lending the folder: a
// missing folder found, a disclosure recorded.
func checkOutNotes(res records.CheckOutResult) string {
	var lines []string
	if res.WasMissing {
		lines = append(lines, "This folder was marked missing; the scan recorded it as found.")
	}
	if d := res.Disclosure; d != nil {
		kind := "exempt from the accounting"
		if d.Reportable() {
			kind = "listed in the patient's accounting of disclosures"
		}
		lines = append(lines, "Disclosure to "+d.Recipient+" recorded ("+d.Category.Label()+"): "+kind+".")
	}
	return strings.Join(lines, "\n\n")
}
