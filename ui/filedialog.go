package ui

import (
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"
)

// showFileDialog shows a file or folder dialog opened in the clerk's home
// folder, as large as the window comfortably allows. Fyne's FileDialog
// builds its inner window only in Show, and its Resize reads that window:
// resized before Show it dereferences nil and ends the app. Every file
// dialog goes through here, so that order is written once.
func showFileDialog(win fyne.Window, d *dialog.FileDialog) {
	if home, err := os.UserHomeDir(); err == nil {
		if l, err := storage.ListerForURI(storage.NewFileURI(home)); err == nil {
			d.SetLocation(l)
		}
	}
	d.Show()
	d.Resize(fileDialogSize(win.Canvas().Size()))
	// A save dialog focuses its file name with the cursor before the
	// suggested name: typing a name of one's own would prepend it. Select
	// the suggestion so that typing replaces it.
	if e, ok := win.Canvas().Focused().(*widget.Entry); ok {
		e.TypedShortcut(&fyne.ShortcutSelectAll{})
	}
}

// fileDialogSize is 900x600, less where the window is smaller, so the
// dialog's buttons never fall off a small screen.
func fileDialogSize(canvas fyne.Size) fyne.Size {
	const margin = 40
	size := fyne.NewSize(900, 600)
	if canvas.Width > 0 {
		size.Width = min(size.Width, canvas.Width-margin)
	}
	if canvas.Height > 0 {
		size.Height = min(size.Height, canvas.Height-margin)
	}
	return size
}
