package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
)

// command is one command of the command line. setup declares its flags on fs
// and returns the action, which sees the flag values through its closure and
// gets the positional arguments.
type command struct {
	name    string // "checkout", or "users add" for a command of a group
	usage   string // synopsis after "chartroom "
	summary string // one line for the overview
	detail  string // paragraph(s) for 'chartroom help NAME'
	setup   func(fs *flag.FlagSet) action
	// developer commands (the bench) are listed apart from the clerk's.
	developer bool
}

type action func(ctx context.Context, c *invocation, args []string) error

// commands lists every command in the order the overview shows them. It is
// filled in init because the help command lists the table itself.
var commands []*command

func init() {
	commands = []*command{
		initCommand, demoCommand,
		importPatientsCommand, importAppointmentsCommand,
		checkoutCommand, checkinCommand, whereCommand,
		reportCommand,
		backupCommand, restoreCommand, verifyCommand, migrateCommand,
		usersAddCommand, usersListCommand, usersDisableCommand, usersEnableCommand, usersPasswdCommand,
		borrowersAddCommand, borrowersListCommand,
		retentionReviewCommand, retentionDestroyCommand, retentionHoldCommand, auditShelfCommand,
		disclosuresListCommand, disclosuresAddCommand, disclosuresRequestCommand, disclosuresRequestsCommand, disclosuresAnswerCommand,
		mergeCommand,
		benchCommand, benchWindowCommand,
		versionCommand, helpCommand,
	}
}

// lookupCommand finds the command args start with: one word, or a group and
// a sub-command ("users add").
func lookupCommand(args []string) (*command, []string, error) {
	name := args[0]
	for _, cmd := range commands {
		if cmd.name == name {
			return cmd, args[1:], nil
		}
	}
	subs := groupCommands(name)
	if len(subs) == 0 {
		return nil, nil, fmt.Errorf("unknown command %q", name)
	}
	names := make([]string, len(subs))
	for i, s := range subs {
		names[i] = strings.TrimPrefix(s.name, name+" ")
	}
	if len(args) < 2 {
		return nil, nil, fmt.Errorf("%s needs one of: %s", name, strings.Join(names, ", "))
	}
	for _, s := range subs {
		if s.name == name+" "+args[1] {
			return s, args[2:], nil
		}
	}
	return nil, nil, fmt.Errorf("unknown command %q %q; %s takes one of: %s", name, args[1], name, strings.Join(names, ", "))
}

// groupCommands returns the commands of a group such as "users".
func groupCommands(group string) []*command {
	var subs []*command
	for _, cmd := range commands {
		if strings.HasPrefix(cmd.name, group+" ") {
			subs = append(subs, cmd)
		}
	}
	return subs
}

// parseInterspersed parses flags that may stand before, between or after the
// positional arguments ("import patients FILE.csv --dry-run"). An argument
// "--" ends the flags: everything after it is positional.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(positional, rest...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

const overviewHead = `Chartroom keeps the index of a record room's paper charts and knows where each one is.

Usage:
  chartroom [--db FILE]          open the desktop app
  chartroom COMMAND [options]    run a command

Commands:
`

const overviewTail = `
Options every command takes:
  --db FILE      the database: a file, or a practice server's postgres://user@host:port/dbname?sslmode=...
                 (default: $CHARTROOM_DB, else the server this computer was connected to, else chartroom.db
                 in the user's config folder)
  --user NAME    the acting user (default: $CHARTROOM_USER); the password comes from
                 $CHARTROOM_PASSWORD, else a prompt on the terminal or a line on standard input
  --verbose      log debugging detail on stderr

Exit status: 0 done, 1 refused (the reason is on stderr), 2 bad usage.
Run 'chartroom help COMMAND' for a command's options.
`

func printOverview(w io.Writer) {
	fmt.Fprint(w, overviewHead)
	var developers []*command
	for _, cmd := range commands {
		if cmd.developer {
			developers = append(developers, cmd)
			continue
		}
		fmt.Fprintf(w, "  %-22s %s\n", cmd.name, cmd.summary)
	}
	fmt.Fprint(w, "\nFor developers:\n")
	for _, cmd := range developers {
		fmt.Fprintf(w, "  %-22s %s\n", cmd.name, cmd.summary)
	}
	fmt.Fprint(w, overviewTail)
}

// printCommandHelp writes a command's synopsis, description and flags. The
// flags are shown with two dashes, the way the documentation writes them.
func printCommandHelp(w io.Writer, cmd *command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "usage: chartroom %s\n\n%s\n", cmd.usage, cmd.summary)
	if cmd.detail != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(cmd.detail))
	}
	type line struct{ key, name, text string }
	var own, global []line
	var aliases []string
	fs.VisitAll(func(f *flag.Flag) {
		kind, text := flag.UnquoteUsage(f)
		name := "--" + f.Name
		if len(f.Name) == 1 {
			name = "-" + f.Name
		}
		if strings.HasPrefix(text, "same as --") {
			aliases = append(aliases, name+" ("+text+")")
			return
		}
		if kind != "" {
			name += " " + kind
		}
		l := line{f.Name, name, text}
		if f.Name == "db" || f.Name == "user" || f.Name == "verbose" {
			global = append(global, l)
		} else {
			own = append(own, l)
		}
	})
	show := func(title string, lines []line) {
		if len(lines) == 0 {
			return
		}
		sort.SliceStable(lines, func(i, j int) bool { return lines[i].key < lines[j].key })
		fmt.Fprintf(w, "\n%s:\n", title)
		for _, l := range lines {
			fmt.Fprintf(w, "  %-22s %s\n", l.name, l.text)
		}
	}
	show("Options", own)
	if len(aliases) > 0 {
		sort.Strings(aliases)
		fmt.Fprintf(w, "  Also accepted: %s\n", strings.Join(aliases, ", "))
	}
	show("Options every command takes", global)
}

var versionCommand = &command{
	name:    "version",
	usage:   "version",
	summary: "print Chartroom's version",
	setup: func(fs *flag.FlagSet) action {
		return func(ctx context.Context, c *invocation, args []string) error {
			if len(args) > 0 {
				return usagef("version takes no arguments")
			}
			fmt.Fprintf(c.stdout, "chartroom %s\n", Version)
			return nil
		}
	},
}

var helpCommand = &command{
	name:    "help",
	usage:   "help [COMMAND]",
	summary: "show this overview, or a command's options",
	setup: func(fs *flag.FlagSet) action {
		return func(ctx context.Context, c *invocation, args []string) error {
			if len(args) == 0 {
				printOverview(c.stdout)
				return nil
			}
			cmd, rest, err := lookupCommand(args)
			if err != nil {
				if subs := groupCommands(args[0]); len(subs) > 0 && len(args) == 1 {
					for _, s := range subs {
						showHelp(c.stdout, s)
						fmt.Fprintln(c.stdout)
					}
					return nil
				}
				return usagef("%v", err)
			}
			if len(rest) > 0 {
				return usagef("help takes one command name")
			}
			showHelp(c.stdout, cmd)
			return nil
		}
	},
}

// showHelp prints a command's help with its full flag set.
func showHelp(w io.Writer, cmd *command) {
	fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	var g globals
	g.register(fs)
	cmd.setup(fs)
	printCommandHelp(w, cmd, fs)
}
