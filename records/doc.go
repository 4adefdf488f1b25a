// Package records is Chartroom's domain: the record room's types, the rules
// that must be right (filing order, one place per volume, due dates,
// passwords, the audit chain) and the service interfaces that the desktop app
// and the command line both use. It knows nothing of screens, SQL or PDF.
//
// One noun per file: each holds the type, its rules and validation, and its
// service interface.
//
//	service.go      Service (every interface below), SetupService, ID, Counts
//	errors.go       Error and its codes; how a failure is told to a clerk
//	actor.go        the signed-in user carried in a context; role checks
//	user.go         users and roles            password.go     argon2id hashes
//	settings.go     the practice's settings, paper sizes, retention policy
//	patient.go      patients, search hits      duplicate.go    a second chart for one person
//	recordtype.go   record types               location.go     locations
//	borrower.go     borrowers, loan periods    volume.go       folders, due dates, overdue
//	movement.go     check-out, check-in and the other movements, their refusals
//	request.go      requests and their transitions
//	loose.go        loose papers waiting for a chart
//	audit.go        audit events and the hash chain            seal.go  seals beyond the chain
//	mrn.go          chart numbers, filing systems, filing keys
//	query.go        what a search box's text means (chart number, barcode, name)
//	fold.go         names folded for search and alphabetic filing (table in fold_table.go)
//	date.go         calendar dates             clock.go        a clock that moves when told
//	validate.go     field checks every noun uses
//	import.go       patient and appointment rows being imported
//	bulk.go         building a whole practice at once (the demo)
//	backup.go       backups and their places; MaintenanceService
//	merge.go        merging duplicate charts   retention.go    retention rules
//	destruction.go  the retention review and destruction
//	shelfaudit.go   shelf audits               disclosure.go   disclosures and their accounting
//	firstday.go     the first-day checklist, decided from the practice's data
package records
