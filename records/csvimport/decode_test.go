package csvimport

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf16"
)

// exportText is a small export with the characters encodings get wrong:
// accents, a curly apostrophe, the euro sign (0x80 in Windows-1252).
const exportText = "Chart #,Last Name,First Name,Note\r\n" +
	"200101,Müller,Jürgen,€ paid\r\n" +
	"200102,O’Brien,Zoë,\"quoted, with comma\"\r\n" +
	"200103,Ødegård,Søren,\r\n"

func utf16Bytes(s string, bigEndian bool) []byte {
	var b bytes.Buffer
	if bigEndian {
		b.Write([]byte{0xFE, 0xFF})
	} else {
		b.Write([]byte{0xFF, 0xFE})
	}
	for _, u := range utf16.Encode([]rune(s)) {
		if bigEndian {
			b.Write([]byte{byte(u >> 8), byte(u)})
		} else {
			b.Write([]byte{byte(u), byte(u >> 8)})
		}
	}
	return b.Bytes()
}

// windows1252Bytes encodes s, whose characters are all in Windows-1252.
func windows1252Bytes(t *testing.T, s string) []byte {
	t.Helper()
	var out []byte
	for _, r := range s {
		switch {
		case r < 0x80 || (r >= 0xA0 && r <= 0xFF):
			out = append(out, byte(r))
		default:
			i := 0
			for i < len(cp1252High) && cp1252High[i] != r {
				i++
			}
			if i == len(cp1252High) {
				t.Fatalf("%q is not in Windows-1252", r)
			}
			out = append(out, byte(0x80+i))
		}
	}
	return out
}

func TestEncodings(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want Encoding
	}{
		{"UTF-8", []byte(exportText), UTF8},
		{"UTF-8 with BOM", append([]byte{0xEF, 0xBB, 0xBF}, exportText...), UTF8BOM},
		{"UTF-16 LE", utf16Bytes(exportText, false), UTF16LE},
		{"UTF-16 BE", utf16Bytes(exportText, true), UTF16BE},
		{"Windows-1252", windows1252Bytes(t, exportText), Windows1252},
	}
	for _, tt := range tests {
		for _, oneByte := range []bool{false, true} {
			in := io.Reader(bytes.NewReader(tt.in))
			if oneByte { // every character cut across reads
				in = iotest.OneByteReader(in)
			}
			tr := newTextReader(in)
			got, err := io.ReadAll(tr)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != exportText {
				t.Errorf("%s (one byte at a time %v): read %q", tt.name, oneByte, got)
			}
			if tr.Encoding() != tt.want {
				t.Errorf("%s: encoding %s, want %s", tt.name, tr.Encoding(), tt.want)
			}
		}
	}
}

// A file that is UTF-8 for its first chunks and Windows-1252 later is read
// right throughout, and said to be Windows-1252.
func TestLateWindows1252(t *testing.T) {
	head := strings.Repeat("100000,Plainname,Ann\n", 4000)
	in := append([]byte(head), windows1252Bytes(t, "100001,Müller,Zoë\n")...)
	tr := newTextReader(bytes.NewReader(in))
	got, _ := io.ReadAll(tr)
	if !strings.HasSuffix(string(got), "100001,Müller,Zoë\n") || tr.Encoding() != Windows1252 {
		t.Errorf("tail %q, encoding %s", got[len(got)-20:], tr.Encoding())
	}
}

func TestSeparators(t *testing.T) {
	tests := []struct {
		name, header string
		want         rune
	}{
		{"comma", "Chart #,Last Name,First Name", ','},
		{"semicolon", "Chart #;Last Name;First Name", ';'},
		{"tab", "Chart #\tLast Name\tFirst Name", '\t'},
		{"semicolons inside quotes", "\"Chart; #\",\"Last; Name\",First", ','},
		{"one column", "Chart", ','},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newReader(strings.NewReader(tt.header + "\n1,2,3\n"))
			if r.separator != tt.want {
				t.Errorf("separator %q, want %q", r.separator, tt.want)
			}
		})
	}
}

// The same patients in every shape Excel saves import alike.
func TestPatientsInEveryEncodingAndSeparator(t *testing.T) {
	const rows = "Chart #|Last Name|First Name|DOB\r\n200101|Müller|Jürgen|03/15/1952\r\n200102|O’Brien|Zoë|12/24/1995\r\n"
	for _, sep := range []string{",", ";", "\t"} {
		text := strings.ReplaceAll(rows, "|", sep)
		for name, in := range map[string][]byte{
			"UTF-8": []byte(text), "UTF-16": utf16Bytes(text, false), "Windows-1252": windows1252Bytes(t, text),
		} {
			got, rejected, err := ParsePatients(bytes.NewReader(in), settings, today)
			if err != nil || len(rejected) != 0 || len(got) != 2 {
				t.Fatalf("%s separated by %q: %v rejected %v rows %v", name, sep, err, rejected, got)
			}
			if p := got[1].Patient; p.LastName != "O’Brien" || p.FirstName != "Zoë" || p.DOB.String() != "1995-12-24" {
				t.Errorf("%s separated by %q: %+v", name, sep, p)
			}
		}
	}
}
