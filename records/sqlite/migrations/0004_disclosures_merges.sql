-- 0004: the accounting of disclosures (HIPAA 45 CFR 164.528) and merges of
-- duplicate charts with what each merge moved, so an admin can undo it.

-- A disclosure is evidence of what left the practice: it is never changed
-- or deleted; a merge (and its undo) only moves it between charts.
CREATE TABLE disclosures (
    id           INTEGER PRIMARY KEY,
    patient_id   INTEGER NOT NULL REFERENCES patients (id),
    disclosed_on TEXT    NOT NULL,
    recipient    TEXT    NOT NULL,
    address      TEXT    NOT NULL DEFAULT '',
    description  TEXT    NOT NULL,
    purpose      TEXT    NOT NULL,  -- the brief statement of purpose
    category     TEXT    NOT NULL,  -- records.DisclosurePurpose: decides reportable or exempt
    volume_id    INTEGER REFERENCES volumes (id),
    borrower_id  INTEGER REFERENCES borrowers (id),
    source       TEXT    NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'check-out')),
    created_at   TEXT    NOT NULL,
    created_by   INTEGER REFERENCES users (id)
);
CREATE INDEX disclosures_patient ON disclosures (patient_id, disclosed_on);
CREATE INDEX disclosures_volume ON disclosures (volume_id) WHERE volume_id IS NOT NULL;

CREATE TRIGGER disclosures_keep BEFORE UPDATE ON disclosures
WHEN NEW.id IS NOT OLD.id OR NEW.disclosed_on IS NOT OLD.disclosed_on OR NEW.recipient IS NOT OLD.recipient
    OR NEW.address IS NOT OLD.address OR NEW.description IS NOT OLD.description OR NEW.purpose IS NOT OLD.purpose
    OR NEW.category IS NOT OLD.category OR NEW.volume_id IS NOT OLD.volume_id OR NEW.borrower_id IS NOT OLD.borrower_id
    OR NEW.source IS NOT OLD.source OR NEW.created_at IS NOT OLD.created_at OR NEW.created_by IS NOT OLD.created_by
BEGIN
    SELECT RAISE(ABORT, 'disclosures are kept as recorded');
END;
CREATE TRIGGER disclosures_no_delete BEFORE DELETE ON disclosures
BEGIN
    SELECT RAISE(ABORT, 'disclosures are kept as recorded');
END;

-- A patient's request for an accounting: due 60 days after receipt,
-- open until answered.
CREATE TABLE accounting_requests (
    id           INTEGER PRIMARY KEY,
    patient_id   INTEGER NOT NULL REFERENCES patients (id),
    received     TEXT    NOT NULL,
    due          TEXT    NOT NULL,
    requested_by TEXT    NOT NULL DEFAULT '',
    note         TEXT    NOT NULL DEFAULT '',
    answered     TEXT,
    answered_by  INTEGER REFERENCES users (id),
    answer_note  TEXT    NOT NULL DEFAULT '',
    created_at   TEXT    NOT NULL,
    created_by   INTEGER REFERENCES users (id)
);
CREATE INDEX accounting_requests_open ON accounting_requests (due) WHERE answered IS NULL;
CREATE INDEX accounting_requests_patient ON accounting_requests (patient_id);

-- One merge of a duplicate chart into its survivor, with the values the
-- merge overwrote on the two patient rows.
CREATE TABLE merges (
    id                  INTEGER PRIMARY KEY,
    retired_id          INTEGER NOT NULL REFERENCES patients (id),
    survivor_id         INTEGER NOT NULL REFERENCES patients (id),
    note                TEXT    NOT NULL DEFAULT '',
    merged_at           TEXT    NOT NULL,
    merged_by           INTEGER REFERENCES users (id),
    retired_status      TEXT    NOT NULL,
    retired_updated_at  TEXT    NOT NULL,
    survivor_hold_set   INTEGER NOT NULL DEFAULT 0, -- the merge put the retired chart's legal hold on the survivor
    survivor_updated_at TEXT    NOT NULL,
    undone_at           TEXT,
    undone_by           INTEGER REFERENCES users (id),
    undo_note           TEXT    NOT NULL DEFAULT '',
    CHECK (retired_id <> survivor_id)
);
CREATE INDEX merges_retired ON merges (retired_id);
CREATE INDEX merges_survivor ON merges (survivor_id);

-- Every row a merge moved from the retired chart to the survivor; volumes
-- keep the number they had on the retired chart.
CREATE TABLE merge_moves (
    merge_id   INTEGER NOT NULL REFERENCES merges (id),
    kind       TEXT    NOT NULL CHECK (kind IN ('volume', 'request', 'loose', 'disclosure', 'accounting-request')),
    row_id     INTEGER NOT NULL,
    old_number INTEGER,
    new_number INTEGER,
    PRIMARY KEY (merge_id, kind, row_id)
) WITHOUT ROWID;
