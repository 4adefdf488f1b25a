package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/reports"
)

var auditShelfCommand = &command{
	name:    "audit shelf",
	usage:   "audit shelf --location L [--sections 00-09] [--apply] [-o FILE.pdf] FILE",
	summary: "compare a scan of a location's shelves with the records",
	detail: `FILE holds the barcodes scanned along the shelves, one per line, in the order scanned
("-" reads standard input; blank lines and CR are ignored). The location is named by its
path ("Record room > Cabinet A") or name; the places inside it count as part of it.
--sections narrows the audit to a range of terminal-digit sections (the chart number's
last two digits: "56" or "00-09"), for an audit that covers a section a day: only the
folders of those sections are expected, and --apply changes nothing outside them.
Prints one tab-separated line per finding: what (out-of-order, recorded-out,
recorded-missing, recorded-elsewhere, recorded-destroyed, unknown, repeat, not-seen),
the scan's position (empty for not-seen), barcode, MRN, patient, volume and what to do;
then a summary line. -o also writes the shelf audit PDF. --apply marks the folders not
seen missing and puts the scanned ones recorded missing or out back in file (a
supervisor's --apply also gives folders homed elsewhere this location as their home).`,
	setup: func(fs *flag.FlagSet) action {
		location := fs.String("location", "", "the `LOCATION` scanned (path or name; required)")
		sections := fs.String("sections", "", "only the terminal-digit `SECTIONS` scanned (56, or 00-09)")
		apply := fs.Bool("apply", false, "make the records agree with the shelf")
		out := fs.String("o", "", "also write the shelf audit PDF to `FILE`")
		return func(ctx context.Context, c *invocation, args []string) error {
			if *location == "" {
				return usagef("--location L is required")
			}
			if len(args) != 1 {
				return usagef("name one FILE of scanned barcodes (\"-\" for standard input)")
			}
			digits, err := records.ParseDigitRange(*sections)
			if err != nil {
				return usagef("--sections: %s", strings.TrimPrefix(records.ErrorMessage(err), "Sections: "))
			}
			return c.withSession(ctx, func(ctx context.Context, svc records.Service) error {
				scans, err := c.readScans(args[0])
				if err != nil {
					return err
				}
				locID, err := findLocation(ctx, svc, *location)
				if err != nil {
					return err
				}
				section := records.ShelfSection{LocationID: locID, Digits: digits}
				st, err := svc.Settings(ctx)
				if err != nil {
					return err
				}
				var res records.ShelfAuditResult
				var applied records.ShelfAuditApplied
				if *apply {
					if applied, err = svc.ApplyShelfAudit(ctx, section, scans); err != nil {
						return err
					}
					res = applied.Result
				} else if res, err = svc.ShelfAudit(ctx, section, scans); err != nil {
					return err
				}
				writeShelfFindings(c.stdout, res, st.Filing)
				if *apply {
					fmt.Fprintf(c.stdout, "applied: %d marked missing, %d found, %d given this home\n", applied.MarkedMissing, applied.MarkedFound, applied.Rehomed)
					for _, s := range applied.Skipped {
						fmt.Fprintln(c.stderr, "not changed: "+s)
					}
				}
				if *out != "" {
					// The PDF shows the audit as it is now (after --apply, what is left to do).
					p := reports.Params{Now: c.now(), LocationID: locID, Digits: digits, Scans: scans}
					if err := c.writeReport(ctx, svc, reports.ReportShelfAudit, p, *out); err != nil {
						return err
					}
					fmt.Fprintln(c.stderr, "wrote "+filepath.Clean(*out))
				}
				return nil
			})
		}
	},
}

// readScans reads a file of scanned barcodes, or standard input for "-"
// (after a password line already taken from it, if any).
func (c *invocation) readScans(name string) ([]string, error) {
	var text []byte
	var err error
	if name == "-" {
		var r io.Reader = c.stdin
		if c.lines != nil {
			r = c.lines.r
		}
		text, err = io.ReadAll(r)
	} else {
		text, err = os.ReadFile(name)
	}
	if err != nil {
		return nil, records.Errorf(records.ENotFound, "cannot read %s: %v", name, err)
	}
	scans, err := records.ParseScanList(string(text))
	if err != nil {
		return nil, records.Errorf(records.EInvalid, "%s: %s", name, records.ErrorMessage(err))
	}
	return scans, nil
}

// writeShelfFindings prints one line per finding and the summary.
func writeShelfFindings(w io.Writer, res records.ShelfAuditResult, fs records.FilingSystem) {
	line := func(kind, pos string, v records.Volume, barcode, what string) {
		mrn := ""
		if v.MRN != "" {
			mrn = records.FormatMRN(v.MRN, fs)
		}
		label := ""
		if v.ID != 0 {
			label = v.Label()
		}
		fmt.Fprintln(w, strings.Join([]string{kind, pos, barcode, mrn, v.PatientName, label, what}, "\t"))
	}
	for _, s := range res.Scans {
		pos := fmt.Sprint(s.Position)
		switch {
		case s.Unknown:
			line("unknown", pos, s.Volume, s.Barcode, s.Describe(fs))
			continue
		case s.RepeatOf != 0:
			line("repeat", pos, s.Volume, s.Barcode, s.Describe(fs))
			continue
		}
		if s.Problem != "" {
			only := s
			only.OutOfOrder = false
			line(string(s.Problem), pos, s.Volume, s.Barcode, only.Describe(fs))
		}
		if s.OutOfOrder {
			line("out-of-order", pos, s.Volume, s.Barcode, s.Placement(fs))
		}
	}
	for _, v := range res.NotSeen {
		line("not-seen", "", v, v.Barcode, "recorded in file at "+v.HomePath+" but not scanned")
	}
	c := res.Counts()
	fmt.Fprintf(w, "%s: %d scanned, %d in order, %d out of order, %d recorded elsewhere/out/missing, %d unknown, %d repeated, %d not seen\n",
		shelfScope(res), c.Scanned, c.InOrder, c.OutOfOrder, c.Misrecorded, c.Unknown, c.Repeats, c.NotSeen)
}

// shelfScope names what an audit covered: the location, and its sections
// when the audit was narrowed to some.
func shelfScope(res records.ShelfAuditResult) string {
	if res.Digits == nil {
		return res.LocationPath
	}
	return res.LocationPath + " (" + res.Digits.String() + ")"
}
