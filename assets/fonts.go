package assets

import _ "embed"

// The report font is DejaVu Sans Condensed (Bitstream Vera licence, see
// fonts/LICENSE-DejaVu.txt): it covers Latin with every accent, Vietnamese,
// Greek and Cyrillic, so patient names such as Núñez or Nguyễn Thị Lan print
// as written; the condensed cut fits a report's columns on Letter and A4.

// ReportFont is DejaVu Sans Condensed, the regular weight of the PDF reports.
//
//go:embed fonts/DejaVuSansCondensed.ttf
var ReportFont []byte

// ReportFontBold is DejaVu Sans Condensed Bold.
//
//go:embed fonts/DejaVuSansCondensed-Bold.ttf
var ReportFontBold []byte

// FontLicense is the licence text the DejaVu fonts are distributed under.
//
//go:embed fonts/LICENSE-DejaVu.txt
var FontLicense string
