package csvimport

import (
	"bytes"
	"fmt"
	"testing"
)

// BenchmarkParsePatients reads a 10,000-row export of the usual shape (the
// first load of a practice goes through here, beside the store's writes).
func BenchmarkParsePatients(b *testing.B) {
	var in bytes.Buffer
	in.WriteString("Chart #,Last Name,First Name,DOB,Sex,Last Visit,Phone\r\n")
	for i := 1; i <= 10_000; i++ {
		fmt.Fprintf(&in, "%06d,Testperson%d,Ana,1980-01-%02d,F,2025-11-03,555-0100\r\n", i, i, i%28+1)
	}
	b.SetBytes(int64(in.Len()))
	for b.Loop() {
		rows, rejected, err := ParsePatients(bytes.NewReader(in.Bytes()), settings, today)
		if err != nil || len(rows) != 10_000 || len(rejected) != 0 {
			b.Fatalf("%d rows, %v rejected, %v", len(rows), rejected, err)
		}
	}
}
