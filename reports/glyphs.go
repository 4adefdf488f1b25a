package reports

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/image/font/sfnt"

	"github.com/chartroom/chartroom/assets"
)

// coverage is the set of characters (of the 16-bit range gofpdf writes)
// that both embedded report fonts have a glyph for.
var coverage = sync.OnceValue(func() []uint64 {
	set := make([]uint64, 0x10000/64)
	for i := range set {
		set[i] = ^uint64(0)
	}
	for _, data := range [][]byte{assets.ReportFont, assets.ReportFontBold} {
		f, err := sfnt.Parse(data)
		if err != nil {
			panic("reports: the embedded report font cannot be read: " + err.Error())
		}
		var buf sfnt.Buffer
		for r := rune(0); r < 0x10000; r++ {
			if g, err := f.GlyphIndex(&buf, r); err != nil || g == 0 {
				set[r/64] &^= 1 << (r % 64)
			}
		}
	}
	return set
})

// rightToLeft are scripts written right to left with joined letters;
// gofpdf sets every string left to right, glyph by glyph, so a name in
// them would print backwards and unjoined even where the font has the
// letters.
var rightToLeft = []*unicode.RangeTable{unicode.Arabic, unicode.Hebrew, unicode.Syriac, unicode.Thaana, unicode.Nko}

// drawable reports whether the reports can print r as it is written.
func drawable(r rune) bool {
	if r > 0xFFFF {
		return false
	}
	if coverage()[r/64]&(1<<(r%64)) == 0 {
		return false
	}
	return !unicode.In(r, rightToLeft...)
}

// undrawable records where a document had to replace characters: the
// pages, and the texts (a few) to name in the warning.
type undrawable struct {
	pages []int
	texts []string
}

// maxNamedTexts is how many texts with undrawable characters a warning
// names; the pages are all listed.
const maxNamedTexts = 3

// noteUndrawable records that text s on the current page holds characters
// the font cannot draw.
func (d *document) noteUndrawable(s string) {
	u := &d.undrawn
	// Pages are drawn in order, so a new page is almost always past the
	// last one noted; a whole report of such names stays linear.
	if n, k := d.pdf.PageNo(), len(u.pages); k == 0 || u.pages[k-1] < n || !slices.Contains(u.pages, n) {
		u.pages = append(u.pages, n)
	}
	if len(u.texts) < maxNamedTexts && !slices.Contains(u.texts, s) {
		u.texts = append(u.texts, s)
	}
}

// undrawableNotice is the line printed on a page with replaced characters.
const undrawableNotice = "Some characters on this page are in a script the report font cannot print (shown as \uFFFD): " +
	"read those names in Chartroom before filing or sending this page."

// markUndrawablePages prints undrawableNotice in red on every page that
// had characters replaced, just above the footer, and returns the warning
// for the person printing; "" when there were none.
func (d *document) markUndrawablePages() string {
	u := d.undrawn
	if len(u.pages) == 0 {
		return ""
	}
	if b, ok := d.footer(); ok {
		p := d.pdf
		last := p.PageNo()
		for _, n := range u.pages {
			if n < 1 {
				continue
			}
			p.SetPage(n)
			d.textColor(inkAlert)
			p.SetXY(b.x, b.y-b.h-0.5)
			d.textShrink(b.w, b.h, undrawableNotice, "L", "B", b.size, 5)
		}
		p.SetPage(last)
		d.textColor(inkDark)
	}
	pages := make([]string, 0, len(u.pages))
	for _, n := range u.pages {
		pages = append(pages, fmt.Sprint(max(n, 1)))
	}
	quoted := make([]string, len(u.texts))
	for i, s := range u.texts {
		quoted[i] = fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf("the report font cannot print some characters (page %s), printed as \uFFFD instead: %s; check these names in Chartroom",
		strings.Join(pages, ", "), strings.Join(quoted, ", "))
}
