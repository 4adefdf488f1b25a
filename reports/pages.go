package reports

import (
	"bytes"
	"strconv"
)

// PageCount reads how many pages a PDF made here has, from the /Count of its
// page tree, so a face can ask before sending many pages to a printer. It
// returns 0 for bytes that hold no page tree.
func PageCount(pdf []byte) int {
	i := bytes.Index(pdf, []byte("/Type /Pages"))
	if i < 0 {
		return 0
	}
	rest := pdf[i:]
	j := bytes.Index(rest, []byte("/Count "))
	if j < 0 {
		return 0
	}
	rest = rest[j+len("/Count "):]
	end := 0
	for end < len(rest) && rest[end] >= '0' && rest[end] <= '9' {
		end++
	}
	n, err := strconv.Atoi(string(rest[:end]))
	if err != nil {
		return 0
	}
	return n
}
