package storetest

import (
	"fmt"
	"math/rand/v2"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/chartroom/chartroom/records"
)

// syllables build plainly fictitious names.
var syllables = []string{"qua", "zor", "bli", "mun", "tek", "vos", "pra", "dil", "gru", "fen", "ñu", "jax", "wim", "lop", "rés", "kib"}

func fakeName(r *rand.Rand, parts int) string {
	n := ""
	for i := 0; i < parts; i++ {
		n += syllables[r.IntN(len(syllables))]
	}
	first, size := utf8.DecodeRuneInString(n)
	return string(unicode.ToUpper(first)) + n[size:]
}

// FakeRows returns n import rows with chart numbers from start.
func FakeRows(seed uint64, start, n int) []records.PatientRow {
	r := rand.New(rand.NewPCG(seed, 7))
	rows := make([]records.PatientRow, n)
	for i := range rows {
		rows[i] = records.PatientRow{Line: i + 2, Patient: records.Patient{
			MRN:       fmt.Sprint(start + i),
			LastName:  fakeName(r, 2+r.IntN(2)),
			FirstName: fakeName(r, 2),
			DOB:       records.NewDate(1930+r.IntN(90), time.Month(1+r.IntN(12)), 1+r.IntN(28)),
			Sex:       []string{"F", "M"}[r.IntN(2)],
		}}
	}
	return rows
}
