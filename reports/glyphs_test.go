package reports

import (
	"bytes"
	"strings"
	"testing"
)

func TestDrawable(t *testing.T) {
	tests := []struct {
		r    rune
		want bool
	}{
		{'a', true}, {'ñ', true}, {'Ø', true}, {'ễ', true}, {'Ж', true}, {'Ω', true},
		{'李', false},          // Chinese: no glyph in DejaVu
		{'م', false},          // Arabic: would print left to right, unjoined
		{'ש', false},          // Hebrew: right to left
		{'\U0001F600', false}, // beyond the 16-bit range gofpdf writes
	}
	for _, tt := range tests {
		if got := drawable(tt.r); got != tt.want {
			t.Errorf("drawable(%q) = %v, want %v", tt.r, got, tt.want)
		}
	}
}

// TestUndrawableNamesAreFlagged: a name the font cannot print is never a
// silent box: the page says so in red and the caller gets a warning
// naming the page and the name.
func TestUndrawableNamesAreFlagged(t *testing.T) {
	svc := newFakeStore()
	svc.volumes[3].PatientName = "李, 小龙"       // 44-55-66, the fourth row
	svc.volumes[4].PatientName = "منصور, ليلى" // 99-88-77
	var buf bytes.Buffer
	warnings, err := Render(clerkCtx(), svc, ReportLocation, Params{Now: testNow}, &buf)
	if err != nil {
		t.Fatal(err)
	}
	keepSample(t, buf.Bytes())
	if len(warnings) != 1 || !strings.Contains(warnings[0], "page 1") || !strings.Contains(warnings[0], `"李, 小龙"`) ||
		!strings.Contains(warnings[0], `"منصور, ليلى"`) {
		t.Errorf("warnings %q, want one naming page 1 and both names", warnings)
	}
	text := strings.Join(strings.Fields(pdfPages(t, buf.Bytes())[0]), " ")
	if !strings.Contains(text, "Some characters on this page are in a script the report font cannot print") {
		t.Errorf("the page does not say characters were replaced:\n%s", text)
	}
	if !strings.Contains(text, "\uFFFD, \uFFFD\uFFFD") {
		t.Errorf("the Chinese name is not shown as replacement marks:\n%s", text)
	}
	// A report of names the font prints has no warning.
	warnings, err = Render(clerkCtx(), newFakeStore(), ReportLocation, Params{Now: testNow}, &bytes.Buffer{})
	if err != nil || len(warnings) != 0 {
		t.Errorf("fixtures in Latin and Vietnamese: warnings %q, %v", warnings, err)
	}
}
