package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/chartroom/chartroom/records"
)

// sexOptions are the choices of the Sex field, as records stores them.
var sexOptions = []string{records.SexFemale, records.SexMale, records.SexOther, records.SexUnknown}

var patientStatuses = []string{string(records.PatientActive), string(records.PatientInactive)}

// showPatientDialog creates a patient (p.ID 0; with volume 1 in file) or
// edits one (supervisor or admin). onSaved gets the stored patient.
func showPatientDialog(s *shell, p records.Patient, onSaved func(records.Patient)) *editDialog {
	errs := newFormErrors()
	mrn := errs.field("MRN", newEntry(s, "e.g. 12-34-56"))
	last := errs.field("Last name", newEntry(s, ""))
	first := errs.field("First name", newEntry(s, ""))
	middle := errs.field("Middle name", newEntry(s, ""))
	dob := errs.field("Date of birth", newEntry(s, "YYYY-MM-DD"))
	phone := errs.field("Phone", newEntry(s, ""))
	lastVisit := errs.field("Last visit", newEntry(s, "YYYY-MM-DD"))
	deceased := errs.field("Date of death", newEntry(s, "YYYY-MM-DD, empty if alive"))
	reason := errs.field("Reason", newEntry(s, "why this person needs a second chart"))
	existing := container.NewVBox()
	sex := newSelect(sexOptions, nil)
	status := newSelect(patientStatuses, nil)
	hold := widget.NewCheck("Legal hold: never destroy", nil)

	editing := p.ID != 0
	if editing {
		mrn.SetText(s.mrn(p.MRN))
		mrn.Disable() // the chart number is the folder's identity; merges change it
	}
	last.SetText(p.LastName)
	first.SetText(p.FirstName)
	middle.SetText(p.MiddleName)
	dob.SetText(p.DOB.String())
	phone.SetText(p.Phone)
	lastVisit.SetText(p.LastVisit.String())
	deceased.SetText(p.Deceased.String())
	if p.Sex == "" {
		p.Sex = records.SexUnknown
	}
	sex.SetSelected(p.Sex)
	if p.Status == "" {
		p.Status = records.PatientActive
	}
	status.SetSelected(string(p.Status))
	hold.SetChecked(p.LegalHold)

	items := []*widget.FormItem{
		widget.NewFormItem("MRN", mrn),
		widget.NewFormItem("Last name", last),
		widget.NewFormItem("First name", first),
		widget.NewFormItem("Middle name", middle),
		widget.NewFormItem("Date of birth", dob),
		widget.NewFormItem("Sex", sex),
		widget.NewFormItem("Phone", phone),
		widget.NewFormItem("Last visit", lastVisit),
	}
	if editing {
		items = append(items,
			widget.NewFormItem("Date of death", deceased),
			widget.NewFormItem("Status", status),
			widget.NewFormItem("", hold))
	}
	title, confirm := "New patient", "Create"
	if editing {
		title, confirm = "Edit "+p.DisplayName(), "Save"
	}
	var ed *editDialog
	offered := false // the existing charts and the reason are on the form
	ed = showWriteDialog(s, title, confirm, items, errs, func() (formWrite, error) {
		q := p
		if !editing {
			q.MRN = mrn.Text
		}
		q.LastName, q.FirstName, q.MiddleName = last.Text, first.Text, middle.Text
		q.Phone, q.Sex = phone.Text, sex.Selected
		var err error
		if q.DOB, err = dateField("Date of birth", dob.Text); err != nil {
			return formWrite{}, err
		}
		if q.LastVisit, err = dateField("Last visit", lastVisit.Text); err != nil {
			return formWrite{}, err
		}
		if editing {
			if q.Deceased, err = dateField("Date of death", deceased.Text); err != nil {
				return formWrite{}, err
			}
			if p.Status == records.PatientActive || p.Status == records.PatientInactive {
				q.Status = records.PatientStatus(status.Selected)
			}
			q.LegalHold = hold.Checked
		}
		ctx, svc, filing := s.ctx(), s.svc, s.settings.Filing
		duplicateReason := ""
		if offered {
			duplicateReason = reason.Text
		}
		var saved records.Patient
		var found []records.Patient
		return formWrite{
			write: func() (err error) {
				switch {
				case editing:
					saved, err = svc.UpdatePatient(ctx, q)
				case duplicateReason != "":
					saved, err = svc.CreateDuplicatePatient(ctx, q, duplicateReason)
				default:
					// Look first, so the form can offer the charts found;
					// CreatePatient checks again in its own transaction.
					if found, err = svc.DuplicatePatients(ctx, q); err != nil {
						return err
					}
					if len(found) > 0 {
						return records.DuplicatePatientError(found, filing)
					}
					saved, err = svc.CreatePatient(ctx, q)
				}
				return err
			},
			failed: func(error) {
				if len(found) == 0 {
					return
				}
				showExisting(s, existing, found, ed.d.Hide)
				if offered {
					return
				}
				// The patient seems to have a chart already: the form
				// offers it, and a supervisor a reason to add another.
				offered = true
				ed.form.AppendItem(widget.NewFormItem("Existing", existing))
				if s.can(records.RoleSupervisor) {
					reasonItem := widget.NewFormItem("Reason", reason)
					reasonItem.HintText = "a supervisor's reason for a second chart; it is kept in the audit log"
					ed.form.AppendItem(reasonItem)
				}
			},
			after: func() {
				if onSaved != nil {
					onSaved(saved)
				} else if s.main != nil {
					s.main.changed()
					s.main.openChart(saved.ID)
				}
			},
		}, nil
	})
	return ed
}

// showExisting lists the charts a new patient may already have, each with a
// button that opens it and closes the form, which is then not needed.
func showExisting(s *shell, box *fyne.Container, found []records.Patient, closeForm func()) {
	box.Objects = nil
	for _, p := range found {
		id := p.ID
		label := "Open " + s.mrn(p.MRN) + " " + p.DisplayName() + ", born " + p.DOB.String()
		box.Add(widget.NewButtonWithIcon(label, theme.FolderOpenIcon(), guarded(func() {
			closeForm()
			if s.main != nil {
				s.main.openChart(id)
			}
		})))
	}
	box.Show()
}
