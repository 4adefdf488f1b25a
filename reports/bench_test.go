package reports

import (
	"fmt"
	"io"
	"runtime"
	"testing"

	"github.com/jung-kurt/gofpdf"

	"github.com/chartroom/chartroom/assets"
	"github.com/chartroom/chartroom/records"
)

const benchRows = 100_000

// peakHeap samples the live heap (after a collection, so garbage waiting
// for the collector does not count) while a report is written.
type peakHeap struct {
	peak uint64
	ms   runtime.MemStats
}

func (p *peakHeap) sample() {
	runtime.GC()
	runtime.ReadMemStats(&p.ms)
	p.peak = max(p.peak, p.ms.HeapAlloc)
}

// sampleEvery is how many rows pass between two heap samples.
const sampleEvery = 20_000

// sampled wraps a source so the heap is sampled every sampleEvery rows.
func (p *peakHeap) sampled(src volumeSource) volumeSource {
	return func(fn func(records.Volume) error) error {
		n := 0
		return src(func(v records.Volume) error {
			if n++; n%sampleEvery == 0 {
				p.sample()
			}
			return fn(v)
		})
	}
}

// BenchmarkLocationReport100k writes the location report of a 100,000-
// volume record room, rows streamed from a generator (as ListVolumes
// streams them), and reports the peak live heap and the PDF's size.
func BenchmarkLocationReport100k(b *testing.B) {
	var heap peakHeap
	var size int64
	b.ReportAllocs()
	for b.Loop() {
		runtime.GC()
		d := newDocument(testHeader("Chart location report"))
		if err := renderLocation(d, testToday, heap.sampled(manyVolumes(benchRows))); err != nil {
			b.Fatal(err)
		}
		heap.sample()
		w := &countingWriter{}
		if err := d.output(w); err != nil {
			b.Fatal(err)
		}
		size = w.n
	}
	b.ReportMetric(float64(heap.peak)/(1<<20), "peak-live-heap-MB")
	b.ReportMetric(float64(size)/(1<<20), "pdf-MB")
}

// BenchmarkBareGofpdf100k writes the same table with nothing but gofpdf
// calls (no page header, repeated titles, stripes or ellipses), as the
// floor the location report is measured against.
func BenchmarkBareGofpdf100k(b *testing.B) {
	var heap peakHeap
	var size int64
	widths := make([]float64, len(locationColumns))
	total := 0.0
	for _, c := range locationColumns {
		total += c.Width
	}
	for i, c := range locationColumns {
		widths[i] = 192 * c.Width / total
	}
	b.ReportAllocs()
	for b.Loop() {
		runtime.GC()
		pdf := gofpdf.New("P", "mm", "Letter", "")
		pdf.AddUTF8FontFromBytes(fontFamily, "", assets.ReportFont)
		pdf.SetFont(fontFamily, "", tableFontSize)
		pdf.SetAutoPageBreak(true, 16)
		pdf.AddPage()
		n := 0
		err := manyVolumes(benchRows)(func(v records.Volume) error {
			if n++; n%sampleEvery == 0 {
				heap.sample()
			}
			cells := []string{v.PatientName, records.FormatMRN(v.MRN, records.FilingTerminalDigit), v.Label(), v.Where(),
				v.BorrowerTel, v.OutSince.Format("2006-01-02"), v.Due.String(), fmt.Sprint(records.DaysOverdue(v, testToday))}
			for i, c := range cells {
				pdf.CellFormat(widths[i], tableRowHeight, c, "", 0, "L", false, 0, "")
			}
			pdf.Ln(tableRowHeight)
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		heap.sample()
		w := &countingWriter{}
		if err := pdf.Output(w); err != nil {
			b.Fatal(err)
		}
		size = w.n
	}
	b.ReportMetric(float64(heap.peak)/(1<<20), "peak-live-heap-MB")
	b.ReportMetric(float64(size)/(1<<20), "pdf-MB")
}

type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}

var _ io.Writer = (*countingWriter)(nil)
