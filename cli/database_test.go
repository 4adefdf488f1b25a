package cli

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chartroom/chartroom/records"
)

// The desktop app's database handling (restore, demo) is tested without a
// window: these are the functions ui.Deps carries.

func signedIn(t *testing.T, svc records.Service, user, password string) context.Context {
	t.Helper()
	a, err := svc.SignIn(context.Background(), user, password)
	if err != nil {
		t.Fatal(err)
	}
	return records.WithActor(context.Background(), a)
}

func TestDatabaseRestore(t *testing.T) {
	h := newClinic(t)
	h.env["CHARTROOM_NEW_PASSWORD"] = "clerk password 1"
	h.must("users", "add", "cy", "--role", "clerk")
	backup := strings.TrimSpace(h.must("backup", "--to", t.TempDir()))
	ana := h.barcodeOf("Testperson")
	h.must("checkout", "--to", "B100", ana)

	g := NewDatabase(h.db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	svc, err := g.Open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()

	// A clerk is refused and the app keeps a working service.
	ctx := signedIn(t, svc, "cy", "clerk password 1")
	svc2, err := g.Restore(ctx, backup)
	if records.ErrorCode(err) != records.EForbidden || svc2 == nil {
		t.Fatalf("clerk restore: %v, service %v", err, svc2)
	}
	if _, err := svc2.VolumeByBarcode(ctx, ana); err != nil {
		t.Errorf("the service after a refused restore: %v", err)
	}

	// A bad file: refused, and the reopened database still works.
	ctx = signedIn(t, svc2, adminUser, adminPass)
	svc3, err := g.Restore(ctx, writeFile(t, "x.db", "not a database"))
	if err == nil || svc3 == nil {
		t.Fatalf("restoring a bad file: %v, service %v", err, svc3)
	}
	if v, err := svc3.VolumeByBarcode(ctx, ana); err != nil || v.State != records.StateCheckedOut {
		t.Errorf("after a refused restore: %v %v", v.State, err)
	}

	// An encrypted backup: the app has no passphrase prompt, so it is
	// refused with the command that restores it, and nothing changes.
	h.env["CHARTROOM_NEW_BACKUP_PASSPHRASE"] = "seven blue folders on the top shelf"
	h.must("backup", "--set-passphrase") // beside the open app, as a second process would
	encrypted := strings.TrimSpace(h.must("backup", "--to", t.TempDir()))
	svcEnc, err := g.Restore(ctx, encrypted)
	if err == nil || svcEnc == nil || !strings.Contains(records.ErrorMessage(err), "chartroom restore") {
		t.Fatalf("restoring an encrypted backup in the app: %v, service %v", err, svcEnc)
	}
	if v, err := svcEnc.VolumeByBarcode(ctx, ana); err != nil || v.State != records.StateCheckedOut {
		t.Errorf("after the refused encrypted restore: %v %v", v.State, err)
	}

	// The admin restores: the new service sees the database of the backup.
	svc4, err := g.Restore(ctx, backup)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := svc4.VolumeByBarcode(ctx, ana); err != nil || v.State != records.StateInFile {
		t.Errorf("after the restore: %v %v", v.State, err)
	}
}

func TestDatabaseMakeDemo(t *testing.T) {
	g := NewDatabase(filepath.Join(t.TempDir(), "demo.db"), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if _, err := g.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	saved := demoPatients
	demoPatients = 60
	defer func() { demoPatients = saved }()
	calls := 0
	svc, user, password, err := g.MakeDemo(context.Background(), func(done, total int) { calls++ })
	if err != nil {
		t.Fatal(err)
	}
	if calls == 0 {
		t.Error("no progress reported")
	}
	ctx := signedIn(t, svc, user, password)
	c, err := svc.Counts(ctx)
	if err != nil || c.Out == 0 {
		t.Errorf("the demo has no charts out: %+v %v", c, err)
	}
}
