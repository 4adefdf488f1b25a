// Package assets holds the files Chartroom embeds: its icon and the fonts
// the PDF reports print with. No logic lives here.
package assets

import _ "embed"

// Icon is the application icon (512x512 PNG): a chart folder.
//
//go:embed icon.png
var Icon []byte
