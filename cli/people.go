package cli

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/chartroom/chartroom/records"
)

// The users and borrowers commands: the people who sign in and the people
// charts go to.

var usersAddCommand = &command{
	name:    "users add",
	usage:   `users add NAME --role admin|supervisor|clerk [--name "Display Name"]`,
	summary: "add a user (admin only)",
	detail: `The new user's password comes from CHARTROOM_NEW_PASSWORD, else it is typed twice at
the prompt (or given as a line on standard input, after the acting user's password when
CHARTROOM_PASSWORD is not set).`,
	setup: func(fs *flag.FlagSet) action {
		role := fs.String("role", "", "the `ROLE`: admin, supervisor or clerk (required)")
		display := fs.String("name", "", "the display `NAME` (default: the user name)")
		return func(ctx context.Context, c *invocation, args []string) error {
			if len(args) != 1 {
				return usagef("name one user NAME")
			}
			r := records.Role(*role)
			if *role == "" {
				return usagef("--role admin|supervisor|clerk is required")
			}
			if !r.Valid() {
				return usagef("--role must be admin, supervisor or clerk, not %q", *role)
			}
			return c.withSession(ctx, func(ctx context.Context, svc records.Service) error {
				// Refuse a clerk before asking for a password to throw away.
				if _, err := records.Require(ctx, records.RoleAdmin, "add users"); err != nil {
					return err
				}
				pw, err := c.newPassword("CHARTROOM_NEW_PASSWORD", args[0])
				if err != nil {
					return err
				}
				u, err := svc.CreateUser(ctx, records.User{Username: args[0], DisplayName: *display, Role: r, Active: true}, pw)
				if err != nil {
					return err
				}
				fmt.Fprintf(c.stdout, "added %s (%s), %s\n", u.Username, u.DisplayName, u.Role)
				return nil
			})
		}
	},
}

var usersListCommand = &command{
	name:    "users list",
	usage:   "users list",
	summary: "list the users (admin only)",
	setup: func(fs *flag.FlagSet) action {
		return func(ctx context.Context, c *invocation, args []string) error {
			if len(args) > 0 {
				return usagef("unexpected argument %q", args[0])
			}
			return c.withSession(ctx, func(ctx context.Context, svc records.Service) error {
				users, err := svc.ListUsers(ctx)
				if err != nil {
					return err
				}
				tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "USER\tNAME\tROLE\tSTATUS\tLAST SIGN-IN")
				now := c.now()
				for _, u := range users {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.Username, u.DisplayName, u.Role, userStatus(u, now), formatTime(u.LastSignIn))
				}
				return tw.Flush()
			})
		}
	},
}

func userStatus(u records.User, now time.Time) string {
	switch {
	case !u.Active:
		return "disabled"
	case u.LockedUntil.After(now):
		return "locked until " + u.LockedUntil.Local().Format("15:04")
	}
	return "active"
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format("2006-01-02 15:04")
}

var usersDisableCommand = &command{
	name:    "users disable",
	usage:   "users disable NAME",
	summary: "stop a user from signing in (admin only); history keeps the name",
	setup:   setUserActive(false),
}

var usersEnableCommand = &command{
	name:    "users enable",
	usage:   "users enable NAME",
	summary: "let a disabled user sign in again (admin only)",
	setup:   setUserActive(true),
}

func setUserActive(active bool) func(fs *flag.FlagSet) action {
	return func(fs *flag.FlagSet) action {
		return func(ctx context.Context, c *invocation, args []string) error {
			if len(args) != 1 {
				return usagef("name one user NAME")
			}
			return c.withSession(ctx, func(ctx context.Context, svc records.Service) error {
				u, err := svc.UserByName(ctx, args[0])
				if err != nil {
					return err
				}
				u.Active = active
				if u, err = svc.UpdateUser(ctx, u); err != nil {
					return err
				}
				fmt.Fprintf(c.stdout, "%s is %s\n", u.Username, userStatus(u, c.now()))
				return nil
			})
		}
	}
}

var usersPasswdCommand = &command{
	name:    "users passwd",
	usage:   "users passwd NAME",
	summary: "set a user's password (admin, or the user themself)",
	detail: `The new password comes from CHARTROOM_NEW_PASSWORD, else it is typed twice at the prompt
(or given as a line on standard input, after the acting user's password when
CHARTROOM_PASSWORD is not set).`,
	setup: func(fs *flag.FlagSet) action {
		return func(ctx context.Context, c *invocation, args []string) error {
			if len(args) != 1 {
				return usagef("name one user NAME")
			}
			return c.withSession(ctx, func(ctx context.Context, svc records.Service) error {
				u, err := svc.UserByName(ctx, args[0])
				if err != nil {
					return err
				}
				pw, err := c.newPassword("CHARTROOM_NEW_PASSWORD", u.Username)
				if err != nil {
					return err
				}
				if err := svc.SetPassword(ctx, u.ID, pw); err != nil {
					return err
				}
				fmt.Fprintf(c.stdout, "password of %s changed\n", u.Username)
				return nil
			})
		}
	},
}

var borrowersAddCommand = &command{
	name:    "borrowers add",
	usage:   "borrowers add NAME [--kind provider|staff|department|external|offsite] [--loan-days N] [--phone P] [--room R] [--badge B] [--address A]",
	summary: "add a borrower (supervisor or admin)",
	detail: `A check-out to an external borrower (attorney, insurer) is a disclosure; an offsite
borrower is storage, never overdue. --loan-days overrides the record type's loan period.`,
	setup: func(fs *flag.FlagSet) action {
		kind := fs.String("kind", string(records.BorrowerStaff), "the `KIND`: provider, staff, department, external or offsite")
		loanDays := fs.Int("loan-days", 0, "the borrower's own loan period in `DAYS` (0: the record type's)")
		phone := fs.String("phone", "", "the `PHONE` number")
		room := fs.String("room", "", "the `ROOM`")
		badge := fs.String("badge", "", "the `CODE` on the borrower's badge, for scanning")
		address := fs.String("address", "", "the postal `ADDRESS`, for an outside party")
		return func(ctx context.Context, c *invocation, args []string) error {
			if len(args) != 1 {
				return usagef("name one borrower NAME (quote a name with spaces)")
			}
			k := records.BorrowerKind(*kind)
			if !k.Valid() {
				return usagef("--kind must be provider, staff, department, external or offsite, not %q", *kind)
			}
			return c.withSession(ctx, func(ctx context.Context, svc records.Service) error {
				b, err := svc.SaveBorrower(ctx, records.Borrower{
					Name: args[0], Kind: k, LoanDays: *loanDays, Phone: *phone, Room: *room,
					Badge: *badge, Address: *address, Active: true,
				})
				if err != nil {
					return err
				}
				fmt.Fprintf(c.stdout, "added %s (%s)%s\n", b.Name, b.Kind, badgeNote(b))
				return nil
			})
		}
	},
}

func badgeNote(b records.Borrower) string {
	if b.Badge == "" {
		return ""
	}
	return ", badge " + b.Badge
}

var borrowersListCommand = &command{
	name:    "borrowers list",
	usage:   "borrowers list [--all]",
	summary: "list the borrowers",
	setup: func(fs *flag.FlagSet) action {
		all := fs.Bool("all", false, "include inactive borrowers")
		return func(ctx context.Context, c *invocation, args []string) error {
			if len(args) > 0 {
				return usagef("unexpected argument %q", args[0])
			}
			return c.withSession(ctx, func(ctx context.Context, svc records.Service) error {
				list, err := svc.ListBorrowers(ctx, *all)
				if err != nil {
					return err
				}
				tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "NAME\tKIND\tLOAN DAYS\tPHONE\tROOM\tBADGE\tSTATUS")
				for _, b := range list {
					loan := "-"
					if b.LoanDays > 0 {
						loan = strconv.Itoa(b.LoanDays)
					}
					status := "active"
					if !b.Active {
						status = "inactive"
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", b.Name, b.Kind, loan, dash(b.Phone), dash(b.Room), dash(b.Badge), status)
				}
				return tw.Flush()
			})
		}
	},
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
