// Package demo fills an empty Chartroom database with a fictitious practice:
// patients, folders, borrowers of every kind, months of movements, charts
// out and overdue, requests and loose filing. It works only through the
// records service API, so the demo obeys every rule a clerk's work does, and
// it is deterministic for a seed and a day.
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/chartroom/chartroom/records"
)

// Options choose the size and shape of the demo.
type Options struct {
	Patients int       // default 2,000
	Seed     int64     // same seed and day: same practice
	Today    time.Time // "now" of the demo; history runs back from it
	Days     int       // days of history; default 120
	// Movements is about how many movements GenerateBulk writes
	// (default 10 per patient); Generate ignores it.
	Movements int
	// Bulk builds the practice with GenerateBulk (the caller's choice;
	// `chartroom demo` also does from BulkThreshold patients).
	Bulk     bool
	Progress func(done, total int)
}

// Result names the accounts created and what was made.
type Result struct {
	AdminUser, AdminPassword           string
	SupervisorUser, SupervisorPassword string
	ClerkUser, ClerkPassword           string
	Patients, Volumes, Movements       int
	Requests, LooseFiling              int
}

// The demo's accounts. They are printed by `chartroom demo` and shown by the
// app, and they exist only in demo databases.
const (
	AdminUser          = "admin"
	AdminPassword      = "demo-admin"
	SupervisorUser     = "super"
	SupervisorPassword = "demo-super"
	ClerkUser          = "clerk"
	ClerkPassword      = "demo-clerk"
)

// Generate fills the empty database behind svc. setNow moves the store's
// clock, so that history can be written on past days; Generate leaves it at
// opts.Today.
func Generate(ctx context.Context, svc records.Service, setNow func(time.Time), opts Options) (Result, error) {
	g, err := newGenerator(svc, setNow, opts)
	if err != nil {
		return Result{}, err
	}
	if err := g.run(ctx); err != nil {
		return g.res, err
	}
	return g.res, nil
}

type generator struct {
	svc    records.Service
	setNow func(time.Time)
	opts   Options
	rng    *rand.Rand
	today  records.Date
	res    Result

	medical, xray, billing records.RecordType
	home, xrayShelf, vault records.Location
	providers, staff       []records.Borrower
	department, attorney   records.Borrower
	offsite                records.Borrower
	patients               []records.Patient
	volumes                []records.Volume
}

// at returns the demo's time on day d (0 = today, -1 = yesterday) at the
// given minute after 08:00, in the zone of Today.
func (g *generator) at(day, minute int) time.Time {
	y, m, d := g.opts.Today.Date()
	return time.Date(y, m, d+day, 8, 0, 0, 0, g.opts.Today.Location()).Add(time.Duration(minute) * time.Minute)
}

func (g *generator) run(ctx context.Context) error {
	// Progress counts patients created, then days of history walked.
	total := g.opts.Patients + g.opts.Days + 1
	step := 0
	progress := func() {
		step++
		if g.opts.Progress != nil && (step%100 == 0 || step == total) {
			g.opts.Progress(step, total)
		}
	}
	g.setNow(g.at(-g.opts.Days-1, 0))
	ctx, err := g.setup(ctx)
	if err != nil {
		return err
	}
	for i := 0; i < g.opts.Patients; i++ {
		if err := g.addPatient(ctx, i); err != nil {
			return err
		}
		progress()
	}
	if err := g.history(ctx, progress); err != nil {
		return err
	}
	g.setNow(g.at(0, 60))
	if err := g.requestsAndLoose(ctx); err != nil {
		return err
	}
	g.setNow(g.opts.Today)
	if g.opts.Progress != nil {
		g.opts.Progress(total, total)
	}
	return nil
}

func (g *generator) setup(ctx context.Context) (context.Context, error) {
	s := records.DefaultSettings()
	s.PracticeName = "Riverbend Family Practice (demo)"
	s.PracticeAddress = "100 Example Lane, Springfield, ZZ 00000"
	s.MRNWidth = g.mrnWidth()
	if _, err := g.svc.Initialize(ctx, records.InitInput{Settings: s, AdminUsername: AdminUser, AdminName: "Avery Admin (demo)", AdminPassword: AdminPassword}); err != nil {
		return ctx, fmt.Errorf("creating the demo practice: %w", err)
	}
	actor, err := g.svc.SignIn(ctx, AdminUser, AdminPassword)
	if err != nil {
		return ctx, fmt.Errorf("signing in to the demo practice: %w", err)
	}
	ctx = records.WithActor(ctx, actor)
	g.res.AdminUser, g.res.AdminPassword = AdminUser, AdminPassword
	for _, u := range []struct {
		name, display, pw string
		role              records.Role
	}{
		{SupervisorUser, "Sam Supervisor (demo)", SupervisorPassword, records.RoleSupervisor},
		{ClerkUser, "Casey Clerk (demo)", ClerkPassword, records.RoleClerk},
	} {
		if _, err := g.svc.CreateUser(ctx, records.User{Username: u.name, DisplayName: u.display, Role: u.role, Active: true}, u.pw); err != nil {
			return ctx, fmt.Errorf("creating demo user %s: %w", u.name, err)
		}
	}
	g.res.SupervisorUser, g.res.SupervisorPassword = SupervisorUser, SupervisorPassword
	g.res.ClerkUser, g.res.ClerkPassword = ClerkUser, ClerkPassword

	types, err := g.svc.ListRecordTypes(ctx)
	if err != nil {
		return ctx, err
	}
	for _, t := range types {
		if t.Default {
			g.medical = t
		}
	}
	if g.xray, err = g.svc.SaveRecordType(ctx, records.RecordType{Name: "X-ray films", Code: "X", LoanDays: 7, Color: "#6A4C93", Active: true}); err != nil {
		return ctx, err
	}
	if g.billing, err = g.svc.SaveRecordType(ctx, records.RecordType{Name: "Billing", Code: "B", LoanDays: 30, Color: "#2E8B57", Active: true, BillingOnly: true}); err != nil {
		return ctx, err
	}

	locs, err := g.svc.ListLocations(ctx)
	if err != nil {
		return ctx, err
	}
	var room records.Location
	for _, l := range locs {
		if l.Default {
			room = l
		}
	}
	g.home = room
	parent := room.ParentID
	if parent == 0 {
		parent = room.ID
	}
	if g.xrayShelf, err = g.svc.SaveLocation(ctx, records.Location{ParentID: parent, Name: "X-ray cabinet", Kind: records.LocationCabinet, Active: true}); err != nil {
		return ctx, err
	}
	if g.vault, err = g.svc.SaveLocation(ctx, records.Location{Name: "Offsite box 1", Kind: records.LocationOffsite, Active: true}); err != nil {
		return ctx, err
	}

	save := func(b records.Borrower) (records.Borrower, error) {
		b.Active = true
		return g.svc.SaveBorrower(ctx, b)
	}
	for i, n := range providerNames {
		b, err := save(records.Borrower{Name: n, Kind: records.BorrowerProvider, Room: fmt.Sprintf("Exam %d", i+1), Phone: fmt.Sprintf("555-01%02d", i), Badge: fmt.Sprintf("B%05d", 101+i)})
		if err != nil {
			return ctx, err
		}
		g.providers = append(g.providers, b)
	}
	for i, n := range staffNames {
		b, err := save(records.Borrower{Name: n, Kind: records.BorrowerStaff, Room: "Nurses' station", Phone: fmt.Sprintf("555-02%02d", i), Badge: fmt.Sprintf("B%05d", 201+i)})
		if err != nil {
			return ctx, err
		}
		g.staff = append(g.staff, b)
	}
	if g.department, err = save(records.Borrower{Name: "Billing Office", Kind: records.BorrowerDepartment, Room: "Suite 2", Phone: "555-0300", LoanDays: 3, Badge: "B00301"}); err != nil {
		return ctx, err
	}
	if g.attorney, err = save(records.Borrower{Name: "Fictitious & Partners LLP", Kind: records.BorrowerExternal, Phone: "555-0400", Address: "9 Nowhere Plaza, Springfield, ZZ 00000", LoanDays: 10}); err != nil {
		return ctx, err
	}
	if g.offsite, err = save(records.Borrower{Name: "Ironvault Storage (demo)", Kind: records.BorrowerOffsite, Phone: "555-0500", Address: "1 Warehouse Row, Springfield, ZZ 00000"}); err != nil {
		return ctx, err
	}
	return ctx, nil
}

// newGenerator checks opts, fills in the defaults and seeds the generator
// both Generate and GenerateBulk use.
func newGenerator(svc records.Service, setNow func(time.Time), opts Options) (*generator, error) {
	if opts.Patients <= 0 {
		opts.Patients = 2000
	}
	if opts.Patients > 5_000_000 {
		return nil, records.Errorf(records.EInvalid, "--patients must be at most 5000000, not %d", opts.Patients)
	}
	if opts.Days <= 0 {
		opts.Days = 120
	}
	if opts.Movements <= 0 {
		opts.Movements = 10 * opts.Patients
	}
	if opts.Today.IsZero() {
		opts.Today = time.Now()
	}
	// To the microsecond, as PostgreSQL keeps most times, so the demo moves
	// to a practice server and back unchanged.
	opts.Today = opts.Today.Truncate(time.Microsecond)
	return &generator{
		svc:    svc,
		setNow: setNow,
		opts:   opts,
		rng:    rand.New(rand.NewPCG(uint64(opts.Seed), uint64(opts.Seed)^0x9E3779B97F4A7C15)),
		today:  records.DateOf(opts.Today),
	}, nil
}

// drawPatient makes up patient i, with no date later than the day the
// history starts (the store refuses dates after its clock's day). Both
// generators draw a patient with it, so one seed draws the same people.
func (g *generator) drawPatient(i int) records.Patient {
	asOf := g.today.AddDays(-g.opts.Days - 1)
	age, dob, last := patientDates(g.rng, asOf)
	p := records.Patient{
		MRN:        g.mrn(i),
		LastName:   g.pick(surnameStarts) + g.pick(surnameEnds),
		FirstName:  g.pick(givenNames),
		MiddleName: g.pick(middleInitials),
		DOB:        dob,
		Sex:        []string{"F", "M", "F", "M", "X", "U"}[g.rng.IntN(6)],
		LastVisit:  last,
		Phone:      fmt.Sprintf("555-%04d", g.rng.IntN(10000)),
	}
	if age > 70 && g.rng.IntN(10) == 0 {
		p.Deceased = last.AddDays(g.rng.IntN(60))
		if p.Deceased.After(asOf) {
			p.Deceased = asOf
		}
	}
	return p
}

// patientDates draws a patient's age, birth and last visit, none later
// than asOf (the store refuses dates after its clock's day).
func patientDates(rng *rand.Rand, asOf records.Date) (age int, dob, last records.Date) {
	age = rng.IntN(90)
	dob = asOf.AddDays(-(age*365 + rng.IntN(365)))
	last = asOf.AddDays(-rng.IntN(15 * 365))
	if last.Before(dob) {
		// A baby's first visit, within a month of birth but not after asOf.
		last = dob.AddDays(rng.IntN(30))
		if last.After(asOf) {
			last = asOf
		}
	}
	return age, dob, last
}

func (g *generator) pick(list []string) string { return list[g.rng.IntN(len(list))] }

func (g *generator) addPatient(ctx context.Context, i int) error {
	p := g.drawPatient(i)
	created, err := g.svc.CreatePatient(ctx, p)
	if records.ErrorCode(err) == records.EConflict {
		// Drawn names and birth dates meet now and then, as namesakes do
		// in a real practice: the demo's admin registers the second one.
		if same, lookErr := g.svc.DuplicatePatients(ctx, p); lookErr == nil && len(same) > 0 {
			created, err = g.svc.CreateDuplicatePatient(ctx, p, "demo data: a namesake born the same day")
		}
	}
	if err != nil {
		return fmt.Errorf("creating demo patient %d: %w", i+1, err)
	}
	g.patients = append(g.patients, created)
	vols, err := g.svc.VolumesOfPatient(ctx, created.ID)
	if err != nil {
		return err
	}
	g.volumes = append(g.volumes, vols...)
	extra := []struct {
		rt   records.RecordType
		home records.ID
		odds int
	}{{g.medical, 0, 10}, {g.xray, g.xrayShelf.ID, 4}, {g.billing, 0, 8}}
	for _, e := range extra {
		if g.rng.IntN(e.odds) != 0 {
			continue
		}
		v, err := g.svc.AddVolume(ctx, records.Volume{PatientID: created.ID, RecordTypeID: e.rt.ID, HomeID: e.home})
		if err != nil {
			return fmt.Errorf("adding a demo folder: %w", err)
		}
		g.volumes = append(g.volumes, v)
	}
	g.res.Patients++
	return nil
}

// mrnWidth is six digits, as most small practices use, unless the demo is
// too big for them.
func (g *generator) mrnWidth() int {
	if g.opts.Patients >= 500_000 {
		return 8
	}
	return 6
}

// mrn returns distinct, scattered chart numbers: a walk over the number
// space by a step coprime to it, so terminal-digit sections fill evenly.
func (g *generator) mrn(i int) string {
	space := uint64(1_000_000)
	if g.mrnWidth() == 8 {
		space = 100_000_000
	}
	offset := uint64(g.opts.Seed) % space
	n := (uint64(i)*7919 + offset) % space
	return fmt.Sprintf("%0*d", g.mrnWidth(), n)
}
