package csvimport

import (
	"bufio"
	"bytes"
	"io"
	"unicode/utf16"
	"unicode/utf8"
)

// Encoding names how a file's text was written, as a summary says it.
type Encoding string

const (
	UTF8        Encoding = "UTF-8"
	UTF8BOM     Encoding = "UTF-8 with byte-order mark"
	UTF16LE     Encoding = "UTF-16 (little-endian)"
	UTF16BE     Encoding = "UTF-16 (big-endian)"
	Windows1252 Encoding = "Windows-1252"
)

// textReader turns a file as Excel and practice systems save it into UTF-8:
// a UTF-8 byte-order mark is dropped, UTF-16 with a byte-order mark is
// decoded, and bytes that are not UTF-8 are read as Windows-1252 (counted,
// so the import can say it).
type textReader struct {
	src      *bufio.Reader
	encoding Encoding
	buf      []byte // what each read of the source fills
	in, out  []byte
	eof      bool
	err      error
	legacy   int // bytes read as Windows-1252
}

func newTextReader(r io.Reader) *textReader {
	t := &textReader{src: bufio.NewReaderSize(r, 64<<10), encoding: UTF8}
	bom, _ := t.src.Peek(3)
	switch {
	case bytes.HasPrefix(bom, []byte{0xEF, 0xBB, 0xBF}):
		t.encoding = UTF8BOM
		_, _ = t.src.Discard(3)
	case bytes.HasPrefix(bom, []byte{0xFF, 0xFE}):
		t.encoding = UTF16LE
		_, _ = t.src.Discard(2)
	case bytes.HasPrefix(bom, []byte{0xFE, 0xFF}):
		t.encoding = UTF16BE
		_, _ = t.src.Discard(2)
	}
	return t
}

// Encoding is how the text read so far was written: Windows-1252 once a
// byte that is not UTF-8 has been met.
func (t *textReader) Encoding() Encoding {
	if t.legacy > 0 && (t.encoding == UTF8 || t.encoding == UTF8BOM) {
		return Windows1252
	}
	return t.encoding
}

func (t *textReader) Read(p []byte) (int, error) {
	for len(t.out) == 0 {
		if t.eof {
			return 0, t.err
		}
		t.fill()
	}
	n := copy(p, t.out)
	t.out = t.out[n:]
	return n, nil
}

// fill reads the next chunk of the source and decodes it into out.
func (t *textReader) fill() {
	if t.buf == nil {
		t.buf = make([]byte, 32<<10)
	}
	n, err := io.ReadFull(t.src, t.buf)
	t.in = append(t.in, t.buf[:n]...)
	if err != nil {
		t.eof = true
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			err = io.EOF
		}
		t.err = err
	}
	t.out = t.out[:0]
	switch t.encoding {
	case UTF16LE, UTF16BE:
		t.decodeUTF16()
	default:
		t.decodeUTF8()
	}
}

// decodeUTF8 passes UTF-8 through and reads any other byte as
// Windows-1252; a sequence cut by the chunk's end waits for the next chunk.
func (t *textReader) decodeUTF8() {
	in, i := t.in, 0
	for i < len(in) {
		c := in[i]
		if c < utf8.RuneSelf {
			start := i
			for i < len(in) && in[i] < utf8.RuneSelf {
				i++
			}
			t.out = append(t.out, in[start:i]...)
			continue
		}
		if !t.eof && !utf8.FullRune(in[i:]) {
			break
		}
		r, size := utf8.DecodeRune(in[i:])
		if r == utf8.RuneError && size <= 1 {
			t.out = utf8.AppendRune(t.out, windows1252(c))
			t.legacy++
			i++
			continue
		}
		t.out = append(t.out, in[i:i+size]...)
		i += size
	}
	t.in = append(t.in[:0], in[i:]...)
}

func (t *textReader) decodeUTF16() {
	in := t.in
	units := make([]uint16, 0, len(in)/2)
	i := 0
	for ; i+1 < len(in); i += 2 {
		if t.encoding == UTF16LE {
			units = append(units, uint16(in[i])|uint16(in[i+1])<<8)
		} else {
			units = append(units, uint16(in[i])<<8|uint16(in[i+1]))
		}
	}
	// A high surrogate at the chunk's end waits for its low half.
	if n := len(units); n > 0 && !t.eof && utf16.IsSurrogate(rune(units[n-1])) && units[n-1] < 0xDC00 {
		units = units[:n-1]
		i -= 2
	}
	for _, r := range utf16.Decode(units) {
		t.out = utf8.AppendRune(t.out, r)
	}
	t.in = append(t.in[:0], in[i:]...)
	if t.eof && len(t.in) > 0 { // an odd last byte
		t.out = utf8.AppendRune(t.out, utf8.RuneError)
		t.in = t.in[:0]
	}
}

// cp1252High are the characters Windows-1252 puts at 0x80-0x9F, where
// ISO 8859-1 has control codes; the five unassigned bytes stay as they are.
var cp1252High = [32]rune{
	'€', 0x81, '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', 0x8D, 'Ž', 0x8F,
	0x90, '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', 0x9D, 'ž', 'Ÿ',
}

func windows1252(b byte) rune {
	if b >= 0x80 && b < 0xA0 {
		return cp1252High[b-0x80]
	}
	return rune(b) // 0xA0-0xFF are the Latin-1 characters of the same number
}

// Separators an export may use between fields, named for a summary.
var separatorNames = map[rune]string{',': "comma", ';': "semicolon", '\t': "tab"}

// detectSeparator reads the first line (without consuming it) and picks the
// separator that occurs most in it outside quotes; a comma when none does.
func detectSeparator(r *bufio.Reader) rune {
	head, _ := r.Peek(r.Size())
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	counts := map[rune]int{}
	quoted := false
	for _, c := range string(head) {
		switch {
		case c == '"':
			quoted = !quoted
		case !quoted && (c == ',' || c == ';' || c == '\t'):
			counts[c]++
		}
	}
	best := ','
	for _, c := range []rune{';', '\t'} {
		if counts[c] > counts[best] {
			best = c
		}
	}
	return best
}
