-- 0007: a search hit shows each patient's folder count and how many are out.
-- With the state in an index beside the patient, both counts are read from
-- the index alone; without it, each folder's row was fetched from the table
-- for its state (bench at 1M patients: the name search's p99 0.90 -> 0.51 ms,
-- the query alone).
CREATE INDEX volumes_patient_state ON volumes (patient_id, state);
