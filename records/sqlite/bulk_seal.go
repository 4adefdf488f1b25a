package sqlite

import (
	"strconv"

	"github.com/chartroom/chartroom/records"
)

// movementSeal hashes the movements a bulk load writes until an audit event
// takes the seal. Each row's text is the one chartroom_row_text gives
// verification (appendRowText), so it recomputes the same hash from the
// table.
type movementSeal struct {
	rows        *records.SealHasher
	open        bool // rows holds movements not yet taken
	first, last records.ID
	buf         []byte
}

func (s *movementSeal) add(id records.ID, vals []any) {
	if s.rows == nil {
		s.rows = records.NewSealHasher()
	}
	if !s.open {
		s.rows.Reset()
		s.open, s.first = true, id
	}
	s.last = id
	s.buf = appendRowText(s.buf[:0], vals)
	s.rows.AddBytes(s.buf)
}

// take returns the seal of the movements added since the last take (none:
// the zero seal) and starts over.
func (s *movementSeal) take() records.Seal {
	if !s.open {
		return records.Seal{}
	}
	s.open = false
	return records.Seal{Table: "movements", First: s.first, Last: s.last, Hash: s.rows.Sum()}
}

// appendRowText appends a row's canonical text, what a seal hashes: per
// column NULL as N, else the storage type, a colon and the upper-case hex
// of the value's text (an integer's decimal digits, as SQLite's hex() gives
// them: the seals of files made before this was Go were computed in SQL),
// columns joined by commas. It appends to a buffer the caller reuses: a
// bulk load and a full verification make ten million. The SQL function
// chartroom_row_text is this, for the rows a seal is checked against.
func appendRowText[V any](b []byte, vals []V) []byte {
	var num [32]byte
	for i, v := range vals {
		if i > 0 {
			b = append(b, ',')
		}
		switch x := any(v).(type) {
		case nil:
			b = append(b, 'N')
		case int64:
			b = append(b, "integer:"...)
			b = appendHex(b, strconv.AppendInt(num[:0], x, 10))
		case string:
			b = append(b, "text:"...)
			for j := 0; j < len(x); j++ {
				b = append(b, upperHex[x[j]>>4], upperHex[x[j]&15])
			}
		case []byte:
			b = append(b, "blob:"...)
			b = appendHex(b, x)
		case float64:
			// Chartroom never stores a real in a sealed column: any
			// text that says real differs from the sealed one.
			b = append(b, "real:"...)
			b = appendHex(b, strconv.AppendFloat(num[:0], x, 'g', -1, 64))
		}
	}
	return b
}

const upperHex = "0123456789ABCDEF"

func appendHex(b, p []byte) []byte {
	for _, c := range p {
		b = append(b, upperHex[c>>4], upperHex[c&15])
	}
	return b
}
