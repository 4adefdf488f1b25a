package reports

import (
	"image/color"

	"github.com/boombuler/barcode/code128"

	"github.com/chartroom/chartroom/records"
)

// Barcode geometry. A module (the narrowest bar) of 0.33 mm is the common
// 13 mil that every hand scanner reads; labels shrink it only when a long
// code would not fit, never below the 7.5 mil scanners still manage.
const (
	moduleWidthMM    = 0.33
	minModuleWidthMM = 0.19
	quietModules     = 10 // white space a scanner needs on each side
)

// code128Bars encodes s as Code 128 (with boombuler/barcode) and returns
// its modules, true for a bar.
func code128Bars(s string) ([]bool, error) {
	bc, err := code128.Encode(s)
	if err != nil {
		return nil, records.Errorf(records.EInvalid, "the barcode %q cannot be printed as Code 128: %v", s, err)
	}
	modules := make([]bool, bc.Bounds().Dx())
	for m := range modules {
		modules[m] = color.GrayModel.Convert(bc.At(bc.Bounds().Min.X+m, 0)).(color.Gray).Y < 128
	}
	return modules, nil
}

// barcode draws the Code 128 symbol of s, with its quiet zones, inside the
// box (x, y, maxW, h), left-aligned, and returns the width it took.
//
// The bars are drawn as filled rectangles rather than placed as a PNG
// image: they are exact at any printer resolution, and the output stays
// byte-identical for the same data. (gofpdf 1.16's catalog sort orders
// images by pixel width alone, so many same-width barcode images would be
// written in Go's random map order.)
func (d *document) barcode(s string, x, y, maxW, h float64) (float64, error) {
	modules, err := code128Bars(s)
	if err != nil {
		return 0, err
	}
	mw := min(moduleWidthMM, maxW/float64(len(modules)+2*quietModules))
	if mw < minModuleWidthMM {
		return 0, records.Errorf(records.EInvalid, "the barcode %q is too long to print readably on this label", s)
	}
	p := d.pdf
	p.SetFillColor(0, 0, 0)
	left := x + mw*quietModules
	for m := 0; m < len(modules); {
		if !modules[m] {
			m++
			continue
		}
		run := m
		for run < len(modules) && modules[run] {
			run++
		}
		p.Rect(left+float64(m)*mw, y, float64(run-m)*mw, h, "F")
		m = run
	}
	return float64(len(modules)+2*quietModules) * mw, nil
}
