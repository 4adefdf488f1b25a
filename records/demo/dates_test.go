package demo

import (
	"math/rand/v2"
	"testing"

	"github.com/chartroom/chartroom/records"
)

// Seed 3 with 400 patients once drew a newborn whose first visit fell after
// the store's day, and the demo stopped with "Last visit is in the future".
func TestPatientDatesNeverAfterAsOf(t *testing.T) {
	asOf := records.MustParseDate("2026-07-31")
	rng := rand.New(rand.NewPCG(3, 3))
	for i := 0; i < 200_000; i++ {
		age, dob, last := patientDates(rng, asOf)
		if dob.After(asOf) || last.After(asOf) || last.Before(dob) || age < 0 || age >= 90 {
			t.Fatalf("draw %d: age %d, born %s, last visit %s, as of %s", i, age, dob, last, asOf)
		}
	}
}
