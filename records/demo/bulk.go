package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/chartroom/chartroom/records"
)

// BulkThreshold is the size from which `chartroom demo` builds the practice
// in bulk: through the services, one call per row, a big demo takes too
// long.
const BulkThreshold = 20_000

// GenerateBulk makes a practice of any size, a million patients included:
// the accounts, record types, locations and borrowers through svc (as
// Generate does), then every patient, folder, movement, request, loose
// paper and their audit events as rows, handed to load. load must close
// svc's store and fill the file with records.BulkFill (records/sqlite's
// BulkLoad). The practice follows the same rules and the same seed gives the
// same rows; it is not the practice Generate makes for that seed.
func GenerateBulk(ctx context.Context, svc records.Service, setNow func(time.Time), load func(records.BulkFill) error, opts Options) (Result, error) {
	g, err := newGenerator(svc, setNow, opts)
	if err != nil {
		return Result{}, err
	}
	g.setNow(g.at(-g.opts.Days-1, 0))
	ctx, err = g.setup(ctx)
	if err != nil {
		return g.res, err
	}
	actor, _ := records.ActorFrom(ctx)
	b := &bulk{generator: g, actor: actor}
	if err := load(b.fill); err != nil {
		return g.res, err
	}
	g.res.Patients, g.res.Volumes, g.res.Movements = b.patients, len(b.vols), b.movements
	g.res.Requests, g.res.LooseFiling = b.requests, b.loose
	return g.res, nil
}

// bulkVolume is what the bulk generator keeps of a folder: a million
// records.Volume would not fit in a small computer's memory.
type bulkVolume struct {
	id        records.ID
	patient   int32 // index into bulk.mrns
	typ       int8  // index into bulk.types
	number    int8
	borrower  int8 // index into bulk.borrowers; -1 when none
	state     records.VolumeState
	home      records.ID
	returnDay int32 // the history day it comes back on, when out
	outSince  time.Time
	due       records.Date
	updated   time.Time
}

// bulk is one bulk generation: the generator's choices, written as rows.
type bulk struct {
	*generator
	actor records.Actor
	sink  records.BulkSink
	start records.BulkStart

	types     []records.RecordType
	borrowers []records.Borrower
	mrns      []string
	vols      []bulkVolume

	patients, movements, requests, loose int
	nextMove, nextRequest, nextLoose     records.ID
}

func (b *bulk) fill(ctx context.Context, start records.BulkStart, sink records.BulkSink) error {
	b.sink, b.start = sink, start
	b.nextMove, b.nextRequest, b.nextLoose = start.Movement, start.Request, start.LooseFiling
	b.types = []records.RecordType{b.medical, b.xray, b.billing}
	b.borrowers = append(append(append([]records.Borrower(nil), b.providers...), b.staff...), b.department, b.attorney, b.offsite)
	b.mrns = make([]string, 0, b.opts.Patients)
	b.vols = make([]bulkVolume, 0, b.opts.Patients*3/2)
	created := b.at(-b.opts.Days-1, 0)
	for i := 0; i < b.opts.Patients; i++ {
		if err := b.patient(i, created); err != nil {
			return err
		}
		if i%10_000 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			b.progress(i, b.opts.Patients*2)
		}
	}
	if err := b.history(ctx); err != nil {
		return err
	}
	if err := b.requestsAndLoose(); err != nil {
		return err
	}
	for _, v := range b.vols {
		vol := records.Volume{ID: v.id, PatientID: b.start.Patient + records.ID(v.patient), RecordTypeID: b.types[v.typ].ID,
			Number: int(v.number), HomeID: v.home, State: v.state, OutSince: v.outSince, Due: v.due,
			Opened: records.DateOf(created), UpdatedAt: v.updated}
		if v.borrower >= 0 {
			vol.BorrowerID = b.borrowers[v.borrower].ID
		}
		if err := b.sink.Volume(vol); err != nil {
			return err
		}
	}
	b.progress(1, 1)
	return nil
}

func (b *bulk) progress(done, total int) {
	if b.opts.Progress != nil {
		b.opts.Progress(done, total)
	}
}

// patient makes patient i as addPatient does, with its first folder and
// the extra folders some patients have.
func (b *bulk) patient(i int, at time.Time) error {
	p := b.drawPatient(i)
	p.ID = b.start.Patient + records.ID(i)
	p.Status = records.PatientActive
	p.CreatedAt, p.UpdatedAt = at, at
	if err := b.sink.Patient(p); err != nil {
		return err
	}
	b.mrns = append(b.mrns, p.MRN)
	b.patients++
	// The first folder's movement comes first: the chart's event seals it.
	if err := b.newVolume(int32(i), 0, 1, b.home.ID, at, false); err != nil {
		return err
	}
	if err := b.audit(at, records.AuditCreate, "patient", p.ID, "chart "+p.MRN+" created"); err != nil {
		return err
	}
	extra := []struct {
		typ  int8
		home records.ID
		odds int
	}{{0, b.home.ID, 10}, {1, b.xrayShelf.ID, 4}, {2, b.home.ID, 8}}
	for _, e := range extra {
		if b.rng.IntN(e.odds) != 0 {
			continue
		}
		number := int8(1)
		if e.typ == 0 {
			number = 2
		}
		if err := b.newVolume(int32(i), e.typ, number, e.home, at, true); err != nil {
			return err
		}
	}
	return nil
}

// newVolume files a new folder: its "create" movement, and an audit event
// when it was added to an existing chart (a new chart's first folder is
// part of the chart's own event, as in CreatePatient).
func (b *bulk) newVolume(patient int32, typ, number int8, home records.ID, at time.Time, audited bool) error {
	v := bulkVolume{id: b.start.Volume + records.ID(len(b.vols)), patient: patient, typ: typ, number: number, borrower: -1,
		state: records.StateInFile, home: home, updated: at}
	b.vols = append(b.vols, v)
	if err := b.move(records.Movement{VolumeID: v.id, Kind: records.MoveCreate, At: at, ToLocationID: home}); err != nil {
		return err
	}
	if !audited {
		return nil
	}
	return b.audit(at, records.AuditCreate, "volume", v.id, fmt.Sprintf("folder %s (%s) added to chart %s",
		b.barcode(v), b.label(v), b.mrns[patient]))
}

func (b *bulk) barcode(v bulkVolume) string { return records.GeneratedBarcode(v.id) }

func (b *bulk) label(v bulkVolume) string {
	return records.VolumeLabel(b.types[v.typ].Name, int(v.number))
}

func (b *bulk) move(m records.Movement) error {
	m.ID = b.nextMove
	m.UserID = b.actor.UserID
	b.nextMove++
	b.movements++
	return b.sink.Movement(m)
}

func (b *bulk) audit(at time.Time, action, entity string, id records.ID, detail string) error {
	return b.sink.Audit(records.AuditEvent{At: at, UserID: b.actor.UserID, Username: b.actor.Username, Action: action,
		Entity: entity, EntityID: id, Detail: detail})
}
