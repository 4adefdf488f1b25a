//go:build e2e && linux

package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/postgres/pgtest"
)

// Fictitious people of the two-workstation practice.
var (
	e2eServerClerk  = [2]string{"cy", "clerk password 1"}
	e2eServerBadge  = "E2E-B1"
	e2eServerDoctor = "Dr. Quill Testdoctor"
)

// scenarioTwoWorkstations: two app processes, each on its own screen, on
// one throwaway PostgreSQL server, as the front desk and the record room.
// The record room checks a folder out at the scan station; the front
// desk's status bar shows it out without a restart. The command line
// checks it in; the record room's status bar follows. The server stops:
// both say it cannot be reached, a scan meanwhile is refused with nothing
// saved, and when it is back they carry on by themselves. Every outcome is
// also read outside the windows with `chartroom where`.
func scenarioTwoWorkstations(c *e2eCase) {
	ctx := context.Background()
	cluster, err := pgtest.Start(ctx)
	if err != nil {
		c.t.Fatalf("starting a throwaway PostgreSQL server (the suite needs Debian's postgresql package): %v", err)
	}
	c.t.Cleanup(func() {
		if err := cluster.Stop(); err != nil {
			c.t.Errorf("removing the throwaway server: %v", err)
		}
	})
	name, err := cluster.CreateDatabase(ctx)
	if err != nil {
		c.t.Fatal(err)
	}
	address := cluster.URL(pgtest.AppRole, name)

	room := c.session("empty")
	room.db = address
	room.cli("init", "--admin", e2eAdmin[0], "--practice", "Harbour Lane Clinic (fictitious)")
	var folder records.Volume
	room.service(func(ctx context.Context, svc records.Service) {
		if _, err := svc.CreateUser(ctx, records.User{Username: e2eServerClerk[0], DisplayName: "Cy Testclerk", Role: records.RoleClerk, Active: true}, e2eServerClerk[1]); err != nil {
			c.t.Fatalf("adding the clerk: %v", err)
		}
		if _, err := svc.SaveBorrower(ctx, records.Borrower{Name: e2eServerDoctor, Kind: records.BorrowerProvider, Badge: e2eServerBadge, Active: true}); err != nil {
			c.t.Fatalf("adding the borrower: %v", err)
		}
		p, err := svc.CreatePatient(ctx, records.Patient{MRN: "424242", LastName: "Testwell", FirstName: "Ona", DOB: records.MustParseDate("1971-04-12"), Sex: "F"})
		if err != nil {
			c.t.Fatalf("adding the patient: %v", err)
		}
		vs, err := svc.VolumesOfPatient(ctx, p.ID)
		if err != nil || len(vs) == 0 {
			c.t.Fatalf("the patient's folder: %v %v", vs, err)
		}
		folder = vs[0]
	})
	desk := anotherWorkstation(c, room, "front-desk")

	for _, s := range []*session{desk, room} {
		s.launch()
		s.signIn(e2eServerClerk[0], e2eServerClerk[1])
		s.waitText("Out: 0")
	}

	room.key("ctrl+2")
	room.waitText("scan the borrower's badge")
	room.scan(e2eServerBadge)
	room.waitText("Quill Testdoctor: scan the folders")
	room.scan(folder.Barcode)
	room.waitText("Checked out to")
	room.waitFor("chartroom where: the folder out to "+e2eServerDoctor, folderIs(room, folder.Barcode, "checked-out", e2eServerDoctor))
	desk.waitText("Out: 1")
	desk.shot("the front desk sees the folder out")

	room.cli("checkin", folder.Barcode)
	room.waitText("Out: 0")
	room.waitFor("chartroom where: the folder back in file", folderIs(room, folder.Barcode, "in-file", ""))
	room.shot("the record room sees the command line's check-in")

	if err := cluster.StopServer(ctx); err != nil {
		c.t.Fatal(err)
	}
	restarted := false
	defer func() {
		if !restarted {
			_ = cluster.StartServer(context.Background())
		}
	}()
	// The status bar's warning is red: read in the red channel.
	for _, s := range []*session{room, desk} {
		s.ocrPrep = ocrRed
		s.waitText("practice server cannot be reached")
		s.ocrPrep = nil
	}
	room.scan(folder.Barcode)
	room.waitText("Cannot reach the practice server")
	room.shot("a scan while the server is down is refused")

	if err := cluster.StartServer(ctx); err != nil {
		c.t.Fatal(err)
	}
	restarted = true
	for _, s := range []*session{room, desk} {
		s.ocrPrep = ocrRed
		s.waitGone("practice server cannot be reached")
		s.ocrPrep = nil
	}
	room.waitFor("chartroom where: the refused scan saved nothing", folderIs(room, folder.Barcode, "in-file", ""))
	room.scan(folder.Barcode)
	room.waitFor("chartroom where: the folder out again after the restart", folderIs(room, folder.Barcode, "checked-out", e2eServerDoctor))
	desk.waitText("Out: 1")
	desk.shot("the front desk sees it out again after the restart")
}

// anotherWorkstation is a second app on the same database as s, on a
// screen of its own, with its own folder (inside s's) and HOME.
func anotherWorkstation(c *e2eCase, s *session, name string) *session {
	c.t.Helper()
	dir := filepath.Join(s.dir, name)
	home := filepath.Join(dir, "home")
	for _, sub := range []string{".cache", ".config", ".local/share"} {
		if err := os.MkdirAll(filepath.Join(home, sub), 0o755); err != nil {
			c.t.Fatal(err)
		}
	}
	other := &session{t: c.t, run: c.run, x: startXvfb(c.t, c.size), size: c.size, dir: dir, home: home, db: s.db}
	c.t.Cleanup(other.close)
	return other
}

// folderIs reports, through `chartroom where`, whether the folder with
// barcode is in state, at a place containing place.
func folderIs(s *session, barcode, state, place string) func() bool {
	return func() bool {
		for _, l := range s.where(barcode) {
			if l.barcode == barcode {
				return l.state == state && strings.Contains(l.place, place)
			}
		}
		return false
	}
}
