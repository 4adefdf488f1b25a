-- 0001: the core schema of a Chartroom database.
--
-- Conventions: times are TEXT in UTC, fixed width
-- (2006-01-02T15:04:05.000000000Z) so they sort as text; calendar days are
-- TEXT YYYY-MM-DD; an unknown time or day is NULL. Booleans are 0/1.

-- Marks the file as a Chartroom database ("CHRT"); Open and Restore check it.
PRAGMA application_id = 1128813140;

CREATE TABLE settings (
    id                  INTEGER PRIMARY KEY CHECK (id = 1),
    practice_name       TEXT    NOT NULL,
    practice_address    TEXT    NOT NULL DEFAULT '',
    mrn_width           INTEGER NOT NULL CHECK (mrn_width BETWEEN 4 AND 12),
    filing              TEXT    NOT NULL CHECK (filing IN ('terminal-digit', 'numeric', 'alphabetic')),
    paper               TEXT    NOT NULL CHECK (paper IN ('Letter', 'A4')),
    idle_lock_minutes   INTEGER NOT NULL,
    request_expiry_days INTEGER NOT NULL,
    adult_years         INTEGER NOT NULL,
    majority_age        INTEGER NOT NULL,
    minor_years         INTEGER NOT NULL,
    deceased_years      INTEGER NOT NULL,
    billing_years       INTEGER NOT NULL,
    backup_dir          TEXT    NOT NULL DEFAULT '',
    backup_keep         INTEGER NOT NULL
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE,
    display_name  TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('admin', 'supervisor', 'clerk')),
    active        INTEGER NOT NULL DEFAULT 1,
    password_hash TEXT    NOT NULL,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  TEXT,
    created_at    TEXT    NOT NULL,
    last_sign_in  TEXT
);

CREATE TABLE patients (
    id             INTEGER PRIMARY KEY,
    mrn            TEXT    NOT NULL UNIQUE,
    last_name      TEXT    NOT NULL,
    first_name     TEXT    NOT NULL DEFAULT '',
    middle_name    TEXT    NOT NULL DEFAULT '',
    last_fold      TEXT    NOT NULL, -- records.FoldName(last_name), for search
    first_fold     TEXT    NOT NULL,
    dob            TEXT,
    sex            TEXT    NOT NULL DEFAULT 'U',
    deceased       TEXT,
    last_visit     TEXT,
    status         TEXT    NOT NULL DEFAULT 'active'
                   CHECK (status IN ('active', 'inactive', 'merged', 'destroyed')),
    merged_into_id INTEGER REFERENCES patients (id),
    legal_hold     INTEGER NOT NULL DEFAULT 0,
    phone          TEXT    NOT NULL DEFAULT '',
    filing_key     TEXT    NOT NULL, -- records.FilingKey under the practice's filing system
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL,
    CHECK ((status = 'merged') = (merged_into_id IS NOT NULL))
);

CREATE TABLE record_types (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    code       TEXT    NOT NULL,
    loan_days  INTEGER NOT NULL DEFAULT 0,
    color      TEXT    NOT NULL,
    is_default INTEGER NOT NULL DEFAULT 0,
    active     INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE locations (
    id         INTEGER PRIMARY KEY,
    parent_id  INTEGER REFERENCES locations (id),
    name       TEXT    NOT NULL,
    kind       TEXT    NOT NULL CHECK (kind IN ('room', 'cabinet', 'shelf', 'offsite')),
    path       TEXT    NOT NULL, -- "Room > Cabinet > Shelf", kept by the store
    is_default INTEGER NOT NULL DEFAULT 0,
    active     INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE borrowers (
    id        INTEGER PRIMARY KEY,
    name      TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    kind      TEXT    NOT NULL CHECK (kind IN ('provider', 'staff', 'department', 'external', 'offsite')),
    phone     TEXT    NOT NULL DEFAULT '',
    room      TEXT    NOT NULL DEFAULT '',
    address   TEXT    NOT NULL DEFAULT '',
    loan_days INTEGER NOT NULL DEFAULT 0,
    badge     TEXT    UNIQUE,
    active    INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE volumes (
    id             INTEGER PRIMARY KEY,
    patient_id     INTEGER NOT NULL REFERENCES patients (id),
    record_type_id INTEGER NOT NULL REFERENCES record_types (id),
    number         INTEGER NOT NULL CHECK (number >= 1),
    barcode        TEXT    NOT NULL UNIQUE,
    home_id        INTEGER NOT NULL REFERENCES locations (id),
    state          TEXT    NOT NULL DEFAULT 'in-file'
                   CHECK (state IN ('in-file', 'checked-out', 'in-transit', 'missing', 'offsite', 'destroyed')),
    borrower_id    INTEGER REFERENCES borrowers (id),
    out_since      TEXT,
    due            TEXT,
    opened         TEXT,
    updated_at     TEXT    NOT NULL,
    UNIQUE (patient_id, record_type_id, number),
    -- A folder is in exactly one place: with a borrower when out, else not.
    CHECK ((state IN ('checked-out', 'in-transit', 'offsite')) = (borrower_id IS NOT NULL AND out_since IS NOT NULL))
);

CREATE TABLE movements (
    id               INTEGER PRIMARY KEY,
    volume_id        INTEGER NOT NULL REFERENCES volumes (id),
    kind             TEXT    NOT NULL
                     CHECK (kind IN ('check-out', 'check-in', 'hand-off', 'missing', 'found', 'transfer', 'destroy', 'create')),
    at               TEXT    NOT NULL,
    user_id          INTEGER REFERENCES users (id),
    from_borrower_id INTEGER REFERENCES borrowers (id),
    to_borrower_id   INTEGER REFERENCES borrowers (id),
    from_location_id INTEGER REFERENCES locations (id),
    to_location_id   INTEGER REFERENCES locations (id),
    due              TEXT,
    note             TEXT    NOT NULL DEFAULT ''
);

-- The history of a folder is evidence: it is never rewritten.
CREATE TRIGGER movements_no_update BEFORE UPDATE ON movements
BEGIN
    SELECT RAISE(ABORT, 'movements are append-only');
END;
CREATE TRIGGER movements_no_delete BEFORE DELETE ON movements
BEGIN
    SELECT RAISE(ABORT, 'movements are append-only');
END;

CREATE TABLE requests (
    id           INTEGER PRIMARY KEY,
    patient_id   INTEGER NOT NULL REFERENCES patients (id),
    volume_id    INTEGER REFERENCES volumes (id),
    borrower_id  INTEGER NOT NULL REFERENCES borrowers (id),
    needed_on    TEXT    NOT NULL,
    needed_at    TEXT    NOT NULL DEFAULT '',
    reason       TEXT    NOT NULL DEFAULT '',
    state        TEXT    NOT NULL DEFAULT 'pending'
                 CHECK (state IN ('pending', 'pulled', 'fulfilled', 'not-fillable', 'cancelled', 'expired')),
    state_reason TEXT    NOT NULL DEFAULT '',
    source       TEXT    NOT NULL DEFAULT 'manual',
    created_at   TEXT    NOT NULL,
    created_by   INTEGER REFERENCES users (id),
    updated_at   TEXT    NOT NULL
);

CREATE TABLE loose_filing (
    id          INTEGER PRIMARY KEY,
    patient_id  INTEGER NOT NULL REFERENCES patients (id),
    received    TEXT    NOT NULL,
    description TEXT    NOT NULL,
    from_whom   TEXT    NOT NULL DEFAULT '',
    state       TEXT    NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'filed')),
    filed_at    TEXT,
    filed_by    INTEGER REFERENCES users (id),
    created_at  TEXT    NOT NULL
);

-- The audit log: ids are dense (1, 2, 3...) and each row's hash covers its
-- content and the previous row's hash, so a changed, deleted or inserted
-- row breaks the chain.
CREATE TABLE audit (
    id        INTEGER PRIMARY KEY,
    at        TEXT    NOT NULL,
    user_id   INTEGER NOT NULL DEFAULT 0,
    username  TEXT    NOT NULL DEFAULT '',
    action    TEXT    NOT NULL,
    entity    TEXT    NOT NULL DEFAULT '',
    entity_id INTEGER NOT NULL DEFAULT 0,
    detail    TEXT    NOT NULL DEFAULT '',
    prev_hash TEXT    NOT NULL,
    hash      TEXT    NOT NULL
);

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
