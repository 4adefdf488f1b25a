package records

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestChangedByAudit(t *testing.T) {
	tests := []struct {
		action, entity string
		want           Changed
	}{
		{AuditMove, "volume", ChangedFolders},
		{AuditCreate, "volume", ChangedFolders},
		{AuditView, "patient", 0},
		{AuditSearch, "patient", 0},
		{AuditSignIn, "user", 0},
		{AuditCreate, "patient", ChangedPatients},
		{AuditUpdate, "request", ChangedRequests},
		{AuditCreate, "accounting-request", ChangedRequests},
		{AuditCreate, "loose-filing", ChangedLoose},
		{AuditUpdate, "settings", ChangedSettings},
		{AuditCreate, "borrower", ChangedSettings},
		{AuditMerge, "patient", ChangedPatients | ChangedFolders | ChangedRequests},
		{AuditRestore, "database", ChangedEverything},
		{AuditCreate, "something-new", ChangedEverything},
	}
	for _, tt := range tests {
		if got := ChangedByAudit(tt.action, tt.entity); got != tt.want {
			t.Errorf("ChangedByAudit(%q, %q) = %b, want %b", tt.action, tt.entity, got, tt.want)
		}
	}
}

// A subscriber that does not take its changes is never waited for: what it
// missed comes as one Change, the newest reachability with every kind.
func TestChangeHubMergesWhatABusySubscriberMissed(t *testing.T) {
	var h ChangeHub
	ctx, cancel := context.WithCancel(context.Background())
	ch := h.Subscribe(ctx)
	down := errors.New("server down")
	h.Publish(Change{What: ChangedFolders})
	h.Publish(Change{What: ChangedRequests})
	h.Publish(Change{}) // nothing: not sent
	h.Publish(Change{Unreachable: down})
	got := <-ch
	if got.What != ChangedFolders|ChangedRequests || got.Unreachable != down {
		t.Fatalf("merged change = %+v", got)
	}
	select {
	case c := <-ch:
		t.Fatalf("a second change %+v after the merged one", c)
	default:
	}
	h.Publish(Change{What: ChangedEverything})
	if got := <-ch; got.What != ChangedEverything || got.Unreachable != nil {
		t.Fatalf("change after the server came back = %+v", got)
	}
	cancel()
	select {
	case _, open := <-ch:
		if open {
			t.Fatal("a change after the subscription ended")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the channel stayed open after ctx ended")
	}
	h.Publish(Change{What: ChangedFolders}) // no subscriber: no panic
}

func TestChangeHubCloseEndsEverySubscription(t *testing.T) {
	var h ChangeHub
	a, b := h.Subscribe(context.Background()), h.Subscribe(context.Background())
	h.Close()
	for _, ch := range []<-chan Change{a, b, h.Subscribe(context.Background())} {
		if _, open := <-ch; open {
			t.Fatal("a channel still open after Close")
		}
	}
}
