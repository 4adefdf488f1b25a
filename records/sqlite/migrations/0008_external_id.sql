-- 0008: the id another system (the practice's EHR or practice-management
-- system) knows a patient by, as it wrote it: a UUID, an account code. An
-- import matches on it; Find and `where` look it up. Unique when given, with
-- case not telling two ids apart (NOCASE, as the lookups compare).
ALTER TABLE patients ADD COLUMN external_id TEXT NOT NULL DEFAULT '' COLLATE NOCASE;
CREATE UNIQUE INDEX patients_external_id ON patients (external_id) WHERE external_id <> '';
