-- 0005: reliability. Audit events may carry a seal (records/seal.go): the
-- SHA-256 of rows of movements or users as the event's change left them,
-- so that `chartroom verify` notices rows changed, deleted or inserted
-- behind Chartroom's back. The rows already there are sealed by the Go step
-- that runs with this migration (sealExisting in records/sqlite/seal.go).
ALTER TABLE audit ADD COLUMN seal_table TEXT    NOT NULL DEFAULT '';
ALTER TABLE audit ADD COLUMN seal_first INTEGER NOT NULL DEFAULT 0;
ALTER TABLE audit ADD COLUMN seal_last  INTEGER NOT NULL DEFAULT 0;
ALTER TABLE audit ADD COLUMN seal_hash  TEXT    NOT NULL DEFAULT '';

-- The newest movement sealed (max(seal_last)) and each user's latest seal,
-- for the fast check at start-up.
CREATE INDEX audit_seal ON audit (seal_table, seal_last) WHERE seal_table <> '';

