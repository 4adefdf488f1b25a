-- 0006: the last audit event verified, with its hash, as records/sqlite
-- keeps it (its 0002): VerifyAudit(full=false) starts after it, and
-- notices when it was itself changed or deleted.
CREATE TABLE audit_checkpoint (
    id       integer     PRIMARY KEY CHECK (id = 1),
    event_id bigint      NOT NULL,
    hash     text        NOT NULL,
    at       timestamptz NOT NULL
);
