package cli

// This file goes when records/postgres serves every method of
// records.Service (the lead deletes it at that merge): it lets the command
// line and the app open a PostgreSQL practice while some services are still
// being ported, and tells a clerk plainly that one of those is not
// available on a practice server yet, where calling it would otherwise
// panic.

import (
	"context"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/postgres"
)

func init() {
	servePostgres = func(st *postgres.Store) store { return partialPostgres{Store: st} }
}

// partialPostgres is the Store's methods, and notPorted's for those it does
// not have yet. notPorted is one level deeper than the Store, so a method
// the Store gains wins without any change here.
type partialPostgres struct {
	*postgres.Store
	later
}

type later struct{ notPorted }

// notPorted answers each service records/postgres does not serve yet.
type notPorted struct{}

// notOnServer is the refusal of a service not yet served by PostgreSQL.
func notOnServer(what string) error {
	return records.Errorf(records.EConflict,
		"%s is not available yet on a practice server (PostgreSQL); this version of Chartroom does it only on a database file", what)
}

func (notPorted) AddLooseFiling(context.Context, records.LooseFiling) (records.LooseFiling, error) {
	return records.LooseFiling{}, notOnServer("loose filing")
}
func (notPorted) ListLooseFiling(context.Context, records.ID, records.LooseState) ([]records.LooseFiling, error) {
	return nil, notOnServer("loose filing")
}
func (notPorted) MarkFiled(context.Context, records.ID) (records.LooseFiling, error) {
	return records.LooseFiling{}, notOnServer("loose filing")
}
func (notPorted) AutoBackup(context.Context) (string, bool, error) {
	return "", false, notOnServer("the automatic backup")
}
func (notPorted) Backup(context.Context, string) (string, error) {
	return "", notOnServer("a backup (ask the practice's IT for a pg_dump of the database)")
}
func (notPorted) BackupStatus(context.Context) (records.BackupStatus, error) {
	return records.BackupStatus{}, notOnServer("the backup status")
}
func (notPorted) CheckBackups(context.Context, bool) ([]records.BackupPlace, error) {
	return nil, notOnServer("checking backups")
}
func (notPorted) CheckIntegrity(context.Context) ([]string, error) {
	return nil, notOnServer("the integrity check")
}
func (notPorted) SetBackupPassphrase(context.Context, string, string, bool) error {
	return notOnServer("the backup passphrase")
}
func (notPorted) SaveRetentionPreset(context.Context, records.RetentionPreset) (records.RetentionPreset, error) {
	return records.RetentionPreset{}, notOnServer("saving a retention preset")
}
func (notPorted) DeleteRetentionPreset(context.Context, records.ID) error {
	return notOnServer("deleting a retention preset")
}
func (notPorted) DestructionBatch(context.Context, records.ID) (records.DestructionBatch, error) {
	return records.DestructionBatch{}, notOnServer("recording destruction")
}
func (notPorted) ListDestructionBatches(context.Context) ([]records.DestructionBatch, error) {
	return nil, notOnServer("recording destruction")
}
func (notPorted) RecordDestruction(context.Context, records.DestructionInput) (records.DestructionBatch, error) {
	return records.DestructionBatch{}, notOnServer("recording destruction")
}
func (notPorted) ImportAppointments(context.Context, []records.AppointmentRow, bool) (records.ImportSummary, error) {
	return records.ImportSummary{}, notOnServer("importing appointments")
}
func (notPorted) ImportAppointmentsWith(context.Context, []records.AppointmentRow, records.AppointmentImport) (records.ImportSummary, error) {
	return records.ImportSummary{}, notOnServer("importing appointments")
}
func (notPorted) ImportPatients(context.Context, records.PatientSource, bool) (records.ImportSummary, error) {
	return records.ImportSummary{}, notOnServer("importing patients")
}
func (notPorted) ListMerges(context.Context) ([]records.Merge, error) {
	return nil, notOnServer("merging patients")
}
func (notPorted) MergePatients(context.Context, string, string, string) (records.Merge, error) {
	return records.Merge{}, notOnServer("merging patients")
}
func (notPorted) PreviewMerge(context.Context, string, string) (records.MergePreview, error) {
	return records.MergePreview{}, notOnServer("merging patients")
}
func (notPorted) UndoMerge(context.Context, records.ID, string) (records.Merge, error) {
	return records.Merge{}, notOnServer("undoing a merge")
}
func (notPorted) UpdatePatient(context.Context, records.Patient) (records.Patient, error) {
	return records.Patient{}, notOnServer("changing a patient's details")
}
func (notPorted) UpdateSettings(context.Context, records.Settings) (records.Settings, error) {
	return records.Settings{}, notOnServer("changing the settings")
}
