package reports

// Colour bands on a folder's label let a clerk see a misfiled chart from
// the aisle: every folder in a shelf section shows the same colours. The
// characters come from records.ColorBandKey (the primary digit pair, or the
// first letters of the surname); the colours are the practice's print of
// them and only need to be the same on every label Chartroom prints.

// band is how one character of the key is printed.
type band struct {
	fill    rgb
	ink     rgb
	striped bool // second half of the alphabet: same colours, white stripe
}

// digitBands gives each digit a colour of the usual ten-colour scheme.
var digitBands = [10]rgb{
	{211, 47, 47},  // 0 red
	{239, 108, 0},  // 1 orange
	{251, 192, 45}, // 2 yellow
	{124, 179, 66}, // 3 light green
	{27, 94, 32},   // 4 dark green
	{79, 195, 247}, // 5 light blue
	{21, 101, 192}, // 6 dark blue
	{123, 31, 162}, // 7 purple
	{240, 98, 146}, // 8 pink
	{121, 85, 72},  // 9 brown
}

// letterBands are thirteen colours; A–M use them plain, N–Z striped.
var letterBands = [13]rgb{
	{211, 47, 47}, {239, 108, 0}, {251, 192, 45}, {124, 179, 66}, {27, 94, 32},
	{79, 195, 247}, {21, 101, 192}, {123, 31, 162}, {240, 98, 146}, {121, 85, 72},
	{96, 125, 139}, {0, 150, 136}, {33, 33, 33},
}

// bandFor returns how character c of a colour band key is printed.
func bandFor(c rune) band {
	var b band
	switch {
	case c >= '0' && c <= '9':
		b.fill = digitBands[c-'0']
	case c >= 'A' && c <= 'Z':
		i := int(c - 'A')
		b.fill = letterBands[i%13]
		b.striped = i >= 13
	default:
		b.fill = rgb{189, 189, 189}
	}
	b.ink = white
	if luminance(b.fill) > 140 {
		b.ink = inkDark
	}
	return b
}

// luminance is the perceived brightness of c, 0–255, to pick ink that
// reads on it.
func luminance(c rgb) int { return (299*c.r + 587*c.g + 114*c.b) / 1000 }
