package demo

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/chartroom/chartroom/records"
)

// out is what the generator remembers of a folder it sent out.
type out struct {
	borrower  records.Borrower
	returnDay int // the day it comes back; > 0 means it is still out today
}

// history walks the days from opts.Days ago to today: folders leave for
// providers, staff, billing, an attorney and offsite storage, come back after
// a while, a few are handed on or go missing; what is still out today (some
// past due) is the live picture a clerk sees.
func (g *generator) history(ctx context.Context, progress func()) error {
	outs := map[int]*out{}
	missing := map[int]bool{}
	perDay := max(1, len(g.volumes)/120)
	for day := -g.opts.Days; day <= 0; day++ {
		// Returns first, in the morning.
		g.setNow(g.at(day, 15))
		for _, idx := range slices.Sorted(maps.Keys(outs)) {
			if outs[idx].returnDay != day {
				continue
			}
			if _, err := g.svc.CheckIn(ctx, g.volumes[idx].Barcode); err != nil {
				return fmt.Errorf("demo check-in: %w", err)
			}
			g.res.Movements++
			delete(outs, idx)
		}
		var handOffs, lost []int
		for n := 0; n < perDay; n++ {
			g.setNow(g.at(day, 30+n*450/perDay))
			idx := g.rng.IntN(len(g.volumes))
			if _, busy := outs[idx]; busy || missing[idx] {
				continue
			}
			b, stay := g.borrowerAndStay()
			note := ""
			if b.Kind == records.BorrowerExternal {
				note = "Records requested by subpoena (demo)"
			}
			if _, err := g.svc.CheckOut(ctx, records.CheckOutInput{Barcode: g.volumes[idx].Barcode, BorrowerID: b.ID, Note: note}); err != nil {
				return fmt.Errorf("demo check-out: %w", err)
			}
			g.res.Movements++
			outs[idx] = &out{borrower: b, returnDay: day + stay}
			switch r := g.rng.IntN(200); {
			case r < 3 && day < -3 && b.Kind == records.BorrowerProvider:
				handOffs = append(handOffs, idx)
			case r == 3 && day < -10 && b.Kind != records.BorrowerOffsite:
				lost = append(lost, idx)
			}
		}
		// Late in the day a provider passes a chart to a colleague, and a
		// folder nobody can find any more is marked missing.
		g.setNow(g.at(day, 500))
		for _, idx := range handOffs {
			from := indexOf(g.providers, outs[idx].borrower)
			to := g.providers[(from+1+g.rng.IntN(len(g.providers)-1))%len(g.providers)]
			if _, err := g.svc.CheckOut(ctx, records.CheckOutInput{Barcode: g.volumes[idx].Barcode, BorrowerID: to.ID, HandOff: true}); err != nil {
				return fmt.Errorf("demo hand-off: %w", err)
			}
			g.res.Movements++
			outs[idx].borrower = to
		}
		g.setNow(g.at(day, 520))
		for _, idx := range lost {
			if _, err := g.svc.MarkMissing(ctx, g.volumes[idx].ID, "Not found at the borrower's desk (demo)"); err != nil {
				return fmt.Errorf("demo mark missing: %w", err)
			}
			g.res.Movements++
			delete(outs, idx)
			missing[idx] = true
		}
		progress()
	}
	return nil
}

// borrowerAndStay picks who takes a folder and for how many days. Most
// come back within their loan period; some stay out past it (overdue) and
// offsite boxes stay for good.
func (g *generator) borrowerAndStay() (records.Borrower, int) {
	r := g.rng.IntN(100)
	var b records.Borrower
	switch {
	case r < 60:
		b = g.providers[g.rng.IntN(len(g.providers))]
	case r < 80:
		b = g.staff[g.rng.IntN(len(g.staff))]
	case r < 90:
		b = g.department
	case r < 93:
		b = g.attorney
	default:
		return g.offsite, 10_000
	}
	stay := 1 + g.rng.IntN(10)
	if g.rng.IntN(12) == 0 {
		stay = 20 + g.rng.IntN(60) // kept far too long
	}
	return b, stay
}

// requestsAndLoose queues today's and the next days' pull requests (a few
// already pulled, a few served by a check-out to the one who asked), and
// loose papers waiting for charts that are out.
func (g *generator) requestsAndLoose(ctx context.Context) error {
	n := max(4, len(g.patients)/60)
	for i := 0; i < n; i++ {
		p := g.patients[g.rng.IntN(len(g.patients))]
		day := []int{0, 0, 1, 1, 2, -1}[g.rng.IntN(6)]
		fulfil := day < 0 // a request of today's already served
		day = max(day, 0)
		r, err := g.svc.CreateRequest(ctx, records.Request{
			PatientID:  p.ID,
			BorrowerID: g.providers[g.rng.IntN(len(g.providers))].ID,
			NeededOn:   g.today.AddDays(day),
			NeededAt:   fmt.Sprintf("%02d:%02d", 8+g.rng.IntN(9), []int{0, 15, 30, 45}[g.rng.IntN(4)]),
			Reason:     []string{"Follow-up visit", "Annual physical", "Lab review", "New symptoms"}[g.rng.IntN(4)],
		})
		if err != nil {
			return fmt.Errorf("demo request: %w", err)
		}
		g.res.Requests++
		switch {
		case fulfil:
			// Pulled, then checked out to the one who asked: the check-out
			// fulfils the request. A folder that is out stays requested.
			reqs, err := g.svc.ListRequests(ctx, records.RequestFilter{PatientID: p.ID})
			if err != nil {
				return err
			}
			for _, q := range reqs {
				if q.ID != r.ID || q.VolumeState != records.StateInFile {
					continue
				}
				if _, err := g.svc.SetRequestState(ctx, r.ID, records.RequestPulled, ""); err != nil {
					return err
				}
				if _, err := g.svc.CheckOut(ctx, records.CheckOutInput{Barcode: q.Barcode, BorrowerID: q.BorrowerID}); err != nil {
					return fmt.Errorf("demo check-out for a request: %w", err)
				}
			}
		case day == 0 && g.rng.IntN(3) == 0:
			if _, err := g.svc.SetRequestState(ctx, r.ID, records.RequestPulled, ""); err != nil {
				var e *records.Error
				if !errors.As(err, &e) {
					return err
				}
			}
		}
	}
	var outVols []records.Volume
	err := g.svc.ListVolumes(ctx, records.VolumeFilter{States: []records.VolumeState{records.StateCheckedOut}}, func(v records.Volume) error {
		if len(outVols) < 200 {
			outVols = append(outVols, v)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i := 0; i < len(outVols) && i < max(3, len(g.patients)/200); i++ {
		v := outVols[g.rng.IntN(len(outVols))]
		if _, err := g.svc.AddLooseFiling(ctx, records.LooseFiling{
			PatientID:   v.PatientID,
			Received:    g.today.AddDays(-g.rng.IntN(5)),
			Description: []string{"Lab results", "Specialist letter", "Signed consent form", "Imaging report"}[g.rng.IntN(4)],
			From:        []string{"Sample Labs Inc. (demo)", "Mockford Cardiology (demo)", "Front desk"}[g.rng.IntN(3)],
		}); err != nil {
			return fmt.Errorf("demo loose filing: %w", err)
		}
		g.res.LooseFiling++
	}
	g.res.Volumes = len(g.volumes)
	return nil
}

func indexOf(list []records.Borrower, b records.Borrower) int {
	for i, x := range list {
		if x.ID == b.ID {
			return i
		}
	}
	return 0
}
