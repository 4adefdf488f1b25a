package records

import (
	"strings"
	"unicode"
)

// FoldName returns the form of a name used for searching and alphabetic
// filing: lower case, accents removed (Núñez -> nunez), runs of spaces, dots
// and hyphens kept as single spaces, apostrophes dropped (O'Connor -> oconnor).
// Letters outside the Latin table are lower-cased and kept.
func FoldName(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case r == '\'' || r == '\u2019' || r == '`':
			continue
		case r < 0x80:
			if r >= 'A' && r <= 'Z' {
				r += 'a' - 'A'
			}
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
				if space && b.Len() > 0 {
					b.WriteByte(' ')
				}
				space = false
				b.WriteRune(r)
				continue
			}
			space = true
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			if f, ok := foldTable[r]; ok {
				b.WriteString(f)
			} else if lower := unicode.ToLower(r); lower < 0x80 {
				b.WriteRune(lower) // the Kelvin sign is a k
			} else if f, ok := foldTable[lower]; ok {
				// Letters whose lower case is in the table (the Angstrom
				// sign lowers to å): fold them as that letter, so that
				// folding a folded name changes nothing.
				b.WriteString(f)
			} else {
				b.WriteRune(lower)
			}
		case unicode.Is(unicode.Mn, r):
			// A combining accent typed separately (decomposed input).
			continue
		default:
			space = true
		}
	}
	return b.String()
}
