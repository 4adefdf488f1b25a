package demo_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/demo"
	"github.com/chartroom/chartroom/records/sqlite/sqlitetest"
)

var today = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

// generate makes a demo practice in a fresh database and returns a
// fingerprint of every folder's place, and the store signed in as admin.
func generate(t *testing.T, patients int, seed int64) (string, demo.Result, records.Service, context.Context) {
	t.Helper()
	ctx := context.Background()
	c := records.NewManualClock(today)
	st := sqlitetest.OpenEmpty(t, c.Now, true)
	res, err := demo.Generate(ctx, st, c.Set, demo.Options{Patients: patients, Seed: seed, Today: today})
	if err != nil {
		t.Fatal(err)
	}
	actor, err := st.SignIn(ctx, res.AdminUser, res.AdminPassword)
	if err != nil {
		t.Fatal(err)
	}
	ctx = records.WithActor(ctx, actor)
	var b strings.Builder
	err = st.ListVolumes(ctx, records.VolumeFilter{}, func(v records.Volume) error {
		fmt.Fprintf(&b, "%s %s %s %s %s %s\n", v.Barcode, v.MRN, v.PatientName, v.State, v.Where(), v.Due)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String(), res, st, ctx
}

func TestGenerateMakesALivePractice(t *testing.T) {
	_, res, st, ctx := generate(t, 200, 1)
	if res.Patients != 200 || res.Volumes < 200 || res.Movements < 100 || res.Requests == 0 {
		t.Fatalf("result = %+v", res)
	}
	counts, err := st.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if counts.Out == 0 || counts.Overdue == 0 || counts.RequestsDue == 0 || counts.LooseWaiting == 0 {
		t.Errorf("the demo should have charts out, overdue, requests due and loose filing: %+v", counts)
	}
	kinds := map[records.BorrowerKind]bool{}
	bs, err := st.ListBorrowers(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bs {
		kinds[b.Kind] = true
	}
	for _, k := range records.BorrowerKinds {
		if !kinds[k] {
			t.Errorf("no borrower of kind %s", k)
		}
	}
	for _, u := range []struct{ name, pw string }{{res.ClerkUser, res.ClerkPassword}, {res.SupervisorUser, res.SupervisorPassword}} {
		if _, err := st.SignIn(context.Background(), u.name, u.pw); err != nil {
			t.Errorf("demo account %s: %v", u.name, err)
		}
	}
	hits, err := st.Search(ctx, "nunez", 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) == 0 {
		t.Error("the demo has no Núñez... patient to show accent-insensitive search")
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	a, _, _, _ := generate(t, 60, 42)
	b, _, _, _ := generate(t, 60, 42)
	if a != b {
		t.Error("two demos with the same seed and day differ")
	}
	c, _, _, _ := generate(t, 60, 43)
	if a == c {
		t.Error("demos with different seeds are identical")
	}
}

// Every seed makes a practice: the demo's requests meet folders that are
// out, namesakes and the other refusals of the store in some seeds only.
func TestGenerateEverySeed(t *testing.T) {
	for seed := int64(1); seed <= 8; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			generate(t, 300, seed)
		})
	}
}
