-- 0002: the indexes that keep a million-patient practice fast, and the
-- audit checkpoint that lets start-up verify only the new audit events.

-- Name search: a range scan on the folded surname, then the given name
-- (the rowid rides along, so ORDER BY last_fold, first_fold, id needs no sort).
CREATE INDEX patients_name ON patients (last_fold, first_fold);
-- Shelf order for pull lists, location reports and shelf audits.
CREATE INDEX patients_filing ON patients (filing_key);
CREATE INDEX patients_merged_into ON patients (merged_into_id) WHERE merged_into_id IS NOT NULL;

-- Most folders are in file; indexing only the others keeps imports fast
-- and the status bar's counts cheap (queries say state <> 'in-file').
CREATE INDEX volumes_borrower ON volumes (borrower_id) WHERE borrower_id IS NOT NULL;
CREATE INDEX volumes_out ON volumes (state, due) WHERE state <> 'in-file';
CREATE INDEX volumes_home ON volumes (home_id);

CREATE INDEX movements_volume ON movements (volume_id, at);
CREATE INDEX movements_at ON movements (at);

CREATE INDEX requests_needed ON requests (needed_on, state);
CREATE INDEX requests_patient ON requests (patient_id, state);
CREATE INDEX requests_volume ON requests (volume_id) WHERE volume_id IS NOT NULL;

CREATE INDEX loose_filing_patient ON loose_filing (patient_id, state);
CREATE INDEX loose_filing_state ON loose_filing (state);

CREATE INDEX locations_parent ON locations (parent_id);

CREATE INDEX audit_entity ON audit (entity, entity_id);
CREATE INDEX audit_at ON audit (at);
CREATE INDEX audit_user ON audit (user_id);

-- The last audit event verified, with its hash: VerifyAudit(full=false)
-- starts after it, and notices when it was itself changed or deleted.
CREATE TABLE audit_checkpoint (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    event_id INTEGER NOT NULL,
    hash     TEXT    NOT NULL,
    at       TEXT    NOT NULL
);
