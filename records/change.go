package records

import (
	"context"
	"sync"
)

// Changed says which of the practice's records changed: a set of the bits
// below, so that a face reloads only what shows them.
type Changed uint8

const (
	// ChangedFolders: folders and their movements (check-outs, check-ins,
	// moves, missing and found, shelf audits, destruction).
	ChangedFolders Changed = 1 << iota
	// ChangedRequests: requests for charts, disclosures and patients'
	// requests for an accounting of them.
	ChangedRequests
	// ChangedPatients: patients added, edited, merged, held or imported.
	ChangedPatients
	// ChangedLoose: loose papers waiting to be filed.
	ChangedLoose
	// ChangedSettings: the practice's settings, users, borrowers,
	// locations, record types and retention presets.
	ChangedSettings

	// ChangedEverything is what a face assumes when it cannot know what
	// changed: a restore, a store that was out of reach for a while.
	ChangedEverything = ChangedFolders | ChangedRequests | ChangedPatients | ChangedLoose | ChangedSettings
)

// Change tells a face that the practice's records changed, whoever changed
// them: this workstation or another one. Changes a face has not taken yet
// are merged into one.
type Change struct {
	What Changed
	// Unreachable is set while the store cannot reach the practice's
	// server (it keeps trying); the next Change without it says the
	// server is back, with What ChangedEverything since changes made
	// meanwhile went unheard.
	Unreachable error
}

// ChangeFeed is a store that tells its faces when the practice's records
// change. It is beside Service rather than in it: a face asks a store for
// it and, from a store without one, shows what it read until it reads
// again.
type ChangeFeed interface {
	// Changes returns a channel that gets a Change after each committed
	// change to the practice's records, until ctx ends or the store
	// closes; then it is closed. A receiver that is busy is never waited
	// for: what it has not taken is merged into the one Change it takes
	// next.
	Changes(ctx context.Context) <-chan Change
}

// ChangedByAudit is what an audit event of the given action and entity
// says changed. Every change a service makes appends its audit events in
// the same transaction, so a store learns from them what changed; a look
// (a view, a search, a report, a sign-in) changes nothing a face shows.
func ChangedByAudit(action, entity string) Changed {
	switch action {
	case AuditView, AuditSearch, AuditReport, AuditSignIn, AuditSignInFailed, AuditLocked, AuditBackup, AuditSeal:
		return 0
	case AuditRestore, AuditInit:
		return ChangedEverything
	case AuditMerge, AuditUnmerge, AuditDestroy:
		// A merge moves folders and requests to the kept patient; a
		// destruction removes folders.
		return ChangedPatients | ChangedFolders | ChangedRequests
	}
	switch entity {
	case "volume", "movement", "destruction-batch":
		return ChangedFolders
	case "location":
		// A shelf audit's findings move folders; a new location is setup.
		return ChangedFolders | ChangedSettings
	case "request", "disclosure", "accounting-request":
		return ChangedRequests
	case "patient":
		return ChangedPatients
	case "loose-filing":
		return ChangedLoose
	case "settings", "user", "borrower", "record-type", "retention-preset":
		return ChangedSettings
	}
	// An entity this list does not know yet: better a reload too many
	// than a change not shown.
	return ChangedEverything
}

// ChangeHub hands the changes a store hears to every face that asked for
// them, merging what a busy face has not taken yet. Its zero value is
// ready; Close ends every subscription.
type ChangeHub struct {
	mu     sync.Mutex
	subs   map[chan Change]struct{}
	closed bool
}

// Subscribe is ChangeFeed's Changes over the hub.
func (h *ChangeHub) Subscribe(ctx context.Context) <-chan Change {
	ch := make(chan Change, 1)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		close(ch)
		return ch
	}
	if h.subs == nil {
		h.subs = map[chan Change]struct{}{}
	}
	h.subs[ch] = struct{}{}
	context.AfterFunc(ctx, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		if _, ok := h.subs[ch]; ok {
			delete(h.subs, ch)
			close(ch)
		}
	})
	return ch
}

// Publish gives c to every subscriber without waiting: one that has not
// taken its last Change gets the two merged.
func (h *ChangeHub) Publish(c Change) {
	if c.What == 0 && c.Unreachable == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs {
		select {
		case ch <- c:
			continue
		default:
		}
		// Full: take the waiting Change back and send both as one. Only
		// Publish sends, under mu, so the buffer has room after the take.
		merged := c
		select {
		case old := <-ch:
			merged.What |= old.What
		default:
		}
		ch <- merged
	}
}

// Close closes every subscriber's channel; later subscriptions get a
// closed channel.
func (h *ChangeHub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for ch := range h.subs {
		close(ch)
	}
	h.subs = nil
}
