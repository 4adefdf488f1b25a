package bench

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/reports"
)

// The report the bench times reads nothing but the settings and the folders
// (any other call would panic on the nil Store), and both floors write a
// PDF of the same folders.
func TestLocationReportAndItsFloorsFromMemory(t *testing.T) {
	now := time.Date(2026, time.March, 2, 9, 0, 0, 0, time.UTC)
	vols := []records.Volume{
		{MRN: "123456", PatientName: "Quillfeather, Ada", Barcode: "V000001", Number: 1, TypeName: "Medical", State: records.StateInFile},
		{MRN: "654321", PatientName: "Núñezford, María", Barcode: "V000002", Number: 2, TypeName: "Medical", State: records.StateCheckedOut,
			OutSince: now.AddDate(0, 0, -20), Due: records.DateOf(now.AddDate(0, 0, -6)), BorrowerName: "Dr. Grey (demo)"},
	}
	src := &sampleService{vols: vols, settings: records.DefaultSettings()}
	src.settings.PracticeName = "Riverbend Family Practice (demo)"
	for _, tt := range []struct {
		name  string
		write func(*bytes.Buffer) error
	}{
		{"report", func(w *bytes.Buffer) error {
			return reports.Generate(context.Background(), src, reports.ReportLocation, reports.Params{Now: now}, w)
		}},
		{"bare loop", func(w *bytes.Buffer) error { return barePDF(w, now, vols, false) }},
		{"bare loop, bold names and stripes", func(w *bytes.Buffer) error { return barePDF(w, now, vols, true) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var w bytes.Buffer
			if err := tt.write(&w); err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(w.Bytes(), []byte("%PDF-")) || w.Len() < 1000 {
				t.Errorf("wrote %d bytes, not a PDF", w.Len())
			}
		})
	}
}
