-- 0003: retention presets, billing-only record types, destruction batches
-- and shelf audits (issue 5, points 1 and 4).

-- Retention policies kept as data: the settings follow one of them, or hold
-- custom values of their own (retention_preset_id NULL).
CREATE TABLE retention_presets (
    id             INTEGER PRIMARY KEY,
    name           TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    adult_years    INTEGER NOT NULL CHECK (adult_years BETWEEN 0 AND 100),
    majority_age   INTEGER NOT NULL CHECK (majority_age BETWEEN 14 AND 25),
    minor_years    INTEGER NOT NULL CHECK (minor_years BETWEEN 0 AND 100),
    deceased_years INTEGER NOT NULL CHECK (deceased_years BETWEEN 0 AND 100),
    billing_years  INTEGER NOT NULL CHECK (billing_years BETWEEN 0 AND 100),
    note           TEXT    NOT NULL DEFAULT ''
);

INSERT INTO retention_presets (name, adult_years, majority_age, minor_years, deceased_years, billing_years, note) VALUES
    ('Chartroom default', 10, 18, 10, 5, 7, 'Adults 10 years after the last visit, minors to 18 + 10, deceased 5 years, billing 7. Check your state''s rule.'),
    ('Longer keeping', 25, 18, 25, 10, 10, 'For practices that keep charts well beyond the usual minimums.'),
    ('Seven years flat', 7, 18, 7, 7, 7, 'Seven years for every record; many states ask for more. Check your state''s rule.');

ALTER TABLE settings ADD COLUMN retention_preset_id INTEGER REFERENCES retention_presets (id);

ALTER TABLE record_types ADD COLUMN billing_only INTEGER NOT NULL DEFAULT 0;

-- The retention review looks for charts whose last visit is long past.
CREATE INDEX patients_last_visit ON patients (last_visit) WHERE last_visit IS NOT NULL;

-- A destruction batch is evidence: recorded once, never changed.
CREATE TABLE destruction_batches (
    id           INTEGER PRIMARY KEY,
    destroyed_on TEXT    NOT NULL,
    method       TEXT    NOT NULL,
    destroyed_by TEXT    NOT NULL,
    witness      TEXT    NOT NULL,
    note         TEXT    NOT NULL DEFAULT '',
    first_date   TEXT,
    last_date    TEXT,
    volumes      INTEGER NOT NULL,
    recorded_at  TEXT    NOT NULL,
    recorded_by  INTEGER NOT NULL REFERENCES users (id)
);

-- Each destroyed folder as it was when destroyed, for the certificate.
CREATE TABLE destruction_items (
    batch_id     INTEGER NOT NULL REFERENCES destruction_batches (id),
    volume_id    INTEGER NOT NULL UNIQUE REFERENCES volumes (id),
    barcode      TEXT    NOT NULL,
    mrn          TEXT    NOT NULL,
    patient_name TEXT    NOT NULL,
    dob          TEXT,
    volume_label TEXT    NOT NULL,
    first_date   TEXT,
    last_date    TEXT,
    rule         TEXT    NOT NULL,
    eligible_on  TEXT,
    PRIMARY KEY (batch_id, volume_id)
);

CREATE TRIGGER destruction_batches_no_update BEFORE UPDATE ON destruction_batches
BEGIN
    SELECT RAISE(ABORT, 'a destruction batch cannot be changed');
END;
CREATE TRIGGER destruction_batches_no_delete BEFORE DELETE ON destruction_batches
BEGIN
    SELECT RAISE(ABORT, 'a destruction batch cannot be undone');
END;
CREATE TRIGGER destruction_items_no_update BEFORE UPDATE ON destruction_items
BEGIN
    SELECT RAISE(ABORT, 'a destruction batch cannot be changed');
END;
CREATE TRIGGER destruction_items_no_delete BEFORE DELETE ON destruction_items
BEGIN
    SELECT RAISE(ABORT, 'a destruction batch cannot be undone');
END;

-- Destruction cannot be undone: whatever code path tries, a destroyed
-- folder never changes place or state again (a merge may still move its
-- index entry to the surviving chart).
CREATE TRIGGER volumes_destroyed_stay BEFORE UPDATE OF state, home_id, borrower_id ON volumes
WHEN OLD.state = 'destroyed'
BEGIN
    SELECT RAISE(ABORT, 'a destroyed folder cannot move');
END;

-- Applied shelf audits, with what they found and changed.
CREATE TABLE shelf_audits (
    id             INTEGER PRIMARY KEY,
    location_id    INTEGER NOT NULL REFERENCES locations (id),
    at             TEXT    NOT NULL,
    user_id        INTEGER NOT NULL REFERENCES users (id),
    scanned        INTEGER NOT NULL,
    in_order       INTEGER NOT NULL,
    out_of_order   INTEGER NOT NULL,
    misrecorded    INTEGER NOT NULL,
    unknown        INTEGER NOT NULL,
    repeats        INTEGER NOT NULL,
    not_seen       INTEGER NOT NULL,
    marked_missing INTEGER NOT NULL,
    marked_found   INTEGER NOT NULL,
    rehomed        INTEGER NOT NULL,
    scans          TEXT    NOT NULL -- the barcodes as scanned, one per line
);
