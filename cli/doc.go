// Package cli is Chartroom's command line: one invocation parses the global
// options, finds the command and runs it over the same records services the
// desktop app uses, with the exit statuses DESIGN.md promises (0 done, 1
// refused with the reason on stderr, 2 bad usage). Run is its one entry
// point; main.go calls it and hands it the desktop app to open when no
// command is given.
//
// The files, one per command group:
//
//	run.go          Run, the global options, exit statuses, usage errors
//	commands.go     the command table, help, version, flag parsing
//	session.go      the acting user: sign-in from the environment or a prompt
//	password.go     reading passwords and passphrases from a terminal or stdin
//	database.go     the database as a whole: demo, restore, the desktop app's Database
//	store.go        opening a database file or a practice server (records/sqlite, records/postgres)
//	server.go       connecting a computer to a practice server: address, pgpass, remembered address
//	postgres_partial.go  the services records/postgres does not serve yet (goes when it serves all)
//	dblocation.go   --db and CHARTROOM_DB: a file, a postgres:// address, or a scheme Chartroom refuses
//	setup.go        init, demo
//	import.go       import patients, import appointments
//	movement.go     where, checkout, checkin
//	report.go       report
//	maintenance.go  backup, restore, verify (backup.go: the backup command's settings)
//	people.go       users ..., borrowers ...
//	retention.go    retention review, destroy, hold
//	shelfaudit.go   audit shelf
//	disclosures.go  disclosures ...
//	merge.go        merge
//	developer.go    bench, bench-window, listed apart in help (the harness: internal/bench)
package cli
