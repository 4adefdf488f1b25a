package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/chartroom/chartroom/records"
)

// notOut marks a folder that is not waiting to come back.
const notOut = int32(1 << 30)

// history walks the days as generator.history does (returns in the
// morning, check-outs through the day, hand-offs and lost folders late),
// with enough check-outs a day to reach about opts.Movements movements.
func (b *bulk) history(ctx context.Context) error {
	for i := range b.vols {
		b.vols[i].returnDay = notOut
	}
	days := b.opts.Days + 1
	// Each check-out comes back: two movements; a few draws hit a folder
	// that is already out and are skipped.
	perDay := max(1, (b.opts.Movements-len(b.vols))*3/2/2/days)
	returns := map[int][]int32{}
	for day := -b.opts.Days; day <= 0; day++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := b.returns(day, returns[day]); err != nil {
			return err
		}
		delete(returns, day)
		var handOffs, lost []int32
		for n := 0; n < perDay; n++ {
			at := b.at(day, 30+n*450/perDay)
			idx := int32(b.rng.IntN(len(b.vols)))
			if v := &b.vols[idx]; v.state != records.StateInFile {
				continue
			}
			bw, stay := b.borrowerAndStay()
			note := ""
			if bw.Kind == records.BorrowerExternal {
				note = "Records requested by subpoena (demo)"
			}
			if err := b.checkOut(idx, bw, at, note); err != nil {
				return err
			}
			b.vols[idx].returnDay = int32(day + stay)
			if day+stay <= 0 {
				returns[day+stay] = append(returns[day+stay], idx)
			}
			switch r := b.rng.IntN(200); {
			case r < 3 && day < -3 && bw.Kind == records.BorrowerProvider:
				handOffs = append(handOffs, idx)
			case r == 3 && day < -10 && bw.Kind != records.BorrowerOffsite:
				lost = append(lost, idx)
			}
		}
		for _, idx := range handOffs {
			if err := b.handOff(idx, b.at(day, 500)); err != nil {
				return err
			}
		}
		for _, idx := range lost {
			if err := b.markMissing(idx, b.at(day, 520)); err != nil {
				return err
			}
		}
		b.progress(b.opts.Patients+(day+b.opts.Days+1)*b.opts.Patients/days, b.opts.Patients*2)
	}
	return nil
}

// returns checks in the folders due back on day that are still out.
func (b *bulk) returns(day int, due []int32) error {
	at := b.at(day, 15)
	for _, idx := range due {
		v := &b.vols[idx]
		if v.returnDay != int32(day) || !v.state.Out() {
			continue
		}
		from := b.borrowers[v.borrower]
		if err := b.move(records.Movement{VolumeID: v.id, Kind: records.MoveCheckIn, At: at, FromBorrowerID: from.ID, ToLocationID: v.home}); err != nil {
			return err
		}
		if err := b.audit(at, records.AuditMove, "volume", v.id, fmt.Sprintf("check-in %s (%s, chart %s) from %s",
			b.barcode(*v), b.label(*v), b.mrns[v.patient], from.Name)); err != nil {
			return err
		}
		v.state, v.borrower, v.outSince, v.due, v.updated, v.returnDay = records.StateInFile, -1, time.Time{}, records.Date{}, at, notOut
	}
	return nil
}

func (b *bulk) borrowerIndex(bw records.Borrower) int8 {
	for i, x := range b.borrowers {
		if x.ID == bw.ID {
			return int8(i)
		}
	}
	return -1
}

func (b *bulk) checkOut(idx int32, bw records.Borrower, at time.Time, note string) error {
	v := &b.vols[idx]
	due := records.DueDate(at, bw, b.types[v.typ])
	if err := b.move(records.Movement{VolumeID: v.id, Kind: records.MoveCheckOut, At: at, ToBorrowerID: bw.ID,
		FromLocationID: v.home, Due: due, Note: note}); err != nil {
		return err
	}
	detail := fmt.Sprintf("%s %s (%s, chart %s) to %s", records.MoveCheckOut, b.barcode(*v), b.label(*v), b.mrns[v.patient], bw.Name)
	if !due.IsZero() {
		detail += " due " + due.String()
	}
	if err := b.audit(at, records.AuditMove, "volume", v.id, detail); err != nil {
		return err
	}
	v.state, v.borrower, v.outSince, v.due, v.updated = records.StateOutTo(bw), b.borrowerIndex(bw), at, due, at
	return nil
}

// handOff passes a provider's folder to a colleague.
func (b *bulk) handOff(idx int32, at time.Time) error {
	v := &b.vols[idx]
	if !v.state.Out() {
		return nil
	}
	fromBorrower := b.borrowers[v.borrower]
	from := indexOf(b.providers, fromBorrower)
	to := b.providers[(from+1+b.rng.IntN(len(b.providers)-1))%len(b.providers)]
	due := records.DueDate(at, to, b.types[v.typ])
	if err := b.move(records.Movement{VolumeID: v.id, Kind: records.MoveHandOff, At: at, FromBorrowerID: fromBorrower.ID,
		ToBorrowerID: to.ID, Due: due}); err != nil {
		return err
	}
	if err := b.audit(at, records.AuditMove, "volume", v.id, fmt.Sprintf("%s %s (%s, chart %s) to %s due %s",
		records.MoveHandOff, b.barcode(*v), b.label(*v), b.mrns[v.patient], to.Name, due)); err != nil {
		return err
	}
	v.state, v.borrower, v.outSince, v.due, v.updated = records.StateOutTo(to), b.borrowerIndex(to), at, due, at
	return nil
}

func (b *bulk) markMissing(idx int32, at time.Time) error {
	v := &b.vols[idx]
	if !v.state.Out() {
		return nil
	}
	note := "Not found at the borrower's desk (demo)"
	if err := b.move(records.Movement{VolumeID: v.id, Kind: records.MoveMissing, At: at, FromBorrowerID: b.borrowers[v.borrower].ID,
		Note: note}); err != nil {
		return err
	}
	if err := b.audit(at, records.AuditMove, "volume", v.id, fmt.Sprintf("%s %s (%s, chart %s) %s",
		records.MoveMissing, b.barcode(*v), b.label(*v), b.mrns[v.patient], note)); err != nil {
		return err
	}
	v.state, v.borrower, v.outSince, v.due, v.updated, v.returnDay = records.StateMissing, -1, time.Time{}, records.Date{}, at, notOut
	return nil
}

// requestsAndLoose queues requests (some already pulled or fulfilled) and
// loose papers for folders that are out, as generator.requestsAndLoose does.
func (b *bulk) requestsAndLoose() error {
	at := b.at(0, 60)
	n := max(4, len(b.mrns)/60)
	for i := 0; i < n; i++ {
		p := b.rng.IntN(len(b.mrns))
		provider := b.providers[b.rng.IntN(len(b.providers))]
		day := []int{0, 0, 1, 1, 2, -3}[b.rng.IntN(6)]
		r := records.Request{
			ID:         b.nextRequest,
			PatientID:  b.start.Patient + records.ID(p),
			BorrowerID: provider.ID,
			NeededOn:   b.today.AddDays(day),
			NeededAt:   fmt.Sprintf("%02d:%02d", 8+b.rng.IntN(9), []int{0, 15, 30, 45}[b.rng.IntN(4)]),
			Reason:     []string{"Follow-up visit", "Annual physical", "Lab review", "New symptoms"}[b.rng.IntN(4)],
			State:      records.RequestPending,
			CreatedAt:  at,
			CreatedBy:  b.actor.UserID,
			UpdatedAt:  at,
		}
		b.nextRequest++
		if err := b.audit(at, records.AuditCreate, "request", r.ID, fmt.Sprintf("chart %s requested by %s for %s", b.mrns[p], provider.Name, r.NeededOn)); err != nil {
			return err
		}
		var states []records.RequestState
		switch {
		case day < 0:
			states = []records.RequestState{records.RequestPulled, records.RequestFulfilled}
		case day == 0 && b.rng.IntN(3) == 0:
			states = []records.RequestState{records.RequestPulled}
		}
		for _, st := range states {
			r.State = st
			if err := b.audit(at, records.AuditUpdate, "request", r.ID, fmt.Sprintf("request for chart %s: %s", b.mrns[p], st)); err != nil {
				return err
			}
		}
		if err := b.sink.Request(r); err != nil {
			return err
		}
		b.requests++
	}
	var out []int32
	for i := range b.vols {
		if b.vols[i].state == records.StateCheckedOut && len(out) < 200 {
			out = append(out, int32(i))
		}
	}
	for i := 0; i < len(out) && i < max(3, len(b.mrns)/200); i++ {
		v := b.vols[out[b.rng.IntN(len(out))]]
		l := records.LooseFiling{
			ID:          b.nextLoose,
			PatientID:   b.start.Patient + records.ID(v.patient),
			Received:    b.today.AddDays(-b.rng.IntN(5)),
			Description: []string{"Lab results", "Specialist letter", "Signed consent form", "Imaging report"}[b.rng.IntN(4)],
			From:        []string{"Sample Labs Inc. (demo)", "Mockford Cardiology (demo)", "Front desk"}[b.rng.IntN(3)],
			State:       records.LooseWaiting,
			CreatedAt:   at,
		}
		b.nextLoose++
		if err := b.audit(at, records.AuditCreate, "loose-filing", l.ID, fmt.Sprintf("loose papers for chart %s: %s", b.mrns[v.patient], l.Description)); err != nil {
			return err
		}
		if err := b.sink.LooseFiling(l); err != nil {
			return err
		}
		b.loose++
	}
	return nil
}
