package ui

import (
	"fyne.io/fyne/v2/widget"

	"github.com/chartroom/chartroom/records"
)

// sexOptions are the choices of the Sex field, as records stores them.
var sexOptions = []string{records.SexFemale, records.SexMale, records.SexOther, records.SexUnknown}

var patientStatuses = []string{string(records.PatientActive), string(records.PatientInactive)}

// showPatientDialog creates a patient (p.ID 0; with volume 1 in file) or
// edits one (supervisor or admin). onSaved gets the stored patient.
func showPatientDialog(s *shell, p records.Patient, onSaved func(records.Patient)) {
	errs := newFormErrors()
	mrn := errs.field("MRN", newEntry(s, "e.g. 12-34-56"))
	last := errs.field("Last name", newEntry(s, ""))
	first := errs.field("First name", newEntry(s, ""))
	middle := errs.field("Middle name", newEntry(s, ""))
	dob := errs.field("Date of birth", newEntry(s, "YYYY-MM-DD"))
	phone := errs.field("Phone", newEntry(s, ""))
	lastVisit := errs.field("Last visit", newEntry(s, "YYYY-MM-DD"))
	deceased := errs.field("Date of death", newEntry(s, "YYYY-MM-DD, empty if alive"))
	sex := widget.NewSelect(sexOptions, nil)
	status := widget.NewSelect(patientStatuses, nil)
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
	showEditDialog(s, title, confirm, items, errs, func() error {
		q := p
		if !editing {
			q.MRN = mrn.Text
		}
		q.LastName, q.FirstName, q.MiddleName = last.Text, first.Text, middle.Text
		q.Phone, q.Sex = phone.Text, sex.Selected
		var err error
		if q.DOB, err = dateField("Date of birth", dob.Text); err != nil {
			return err
		}
		if q.LastVisit, err = dateField("Last visit", lastVisit.Text); err != nil {
			return err
		}
		if editing {
			if q.Deceased, err = dateField("Date of death", deceased.Text); err != nil {
				return err
			}
			if p.Status == records.PatientActive || p.Status == records.PatientInactive {
				q.Status = records.PatientStatus(status.Selected)
			}
			q.LegalHold = hold.Checked
		}
		var saved records.Patient
		if editing {
			saved, err = s.svc.UpdatePatient(s.ctx(), q)
		} else {
			saved, err = s.svc.CreatePatient(s.ctx(), q)
		}
		if err != nil {
			return err
		}
		if onSaved != nil {
			onSaved(saved)
		} else if s.main != nil {
			s.main.changed()
			s.main.openChart(saved.ID)
		}
		return nil
	})
}
