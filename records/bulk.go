package records

import (
	"context"
	"fmt"
)

// BulkSink takes the rows of a whole practice being built into an empty
// database at once (a demo of a million patients), bypassing the services:
// one service call per row would take hours at that size. The generator
// owns the rows' meaning and must produce what the services would (valid
// patients, folders in one place, movements in time order); the sink owns
// their storage.
//
// Ids are the caller's: rows come with their ID set, dense from the first
// free id, in increasing order per table. Audit events are the exception:
// the sink gives each its ID, PrevHash and Hash, continuing the chain, so
// they must arrive in the order they happened.
type BulkSink interface {
	Patient(p Patient) error
	Volume(v Volume) error
	Movement(m Movement) error
	Request(r Request) error
	LooseFiling(l LooseFiling) error
	Audit(e AuditEvent) error
}

// BulkStart is what a bulk load continues from: the first free id of each
// table it fills (the practice's setup wrote a few rows through the
// services before).
type BulkStart struct {
	Patient, Volume, Movement, Request, LooseFiling ID
}

// BulkFill produces a practice's rows into sink, continuing from start.
type BulkFill func(ctx context.Context, start BulkStart, sink BulkSink) error

// GeneratedBarcode is the barcode of a folder whose label Chartroom prints.
func GeneratedBarcode(volumeID ID) string { return fmt.Sprintf("V%07d", volumeID) }
