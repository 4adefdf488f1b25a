-- 0001: the audit log, as in the SQLite store: ids are dense (1, 2, 3...),
-- each row's hash covers its fields and the hash of the row before it
-- (records.AuditHash), and a row may carry a seal of the rows its
-- transaction wrote. Appends are serialised by an advisory lock held for
-- the appending transaction (audit.go), so concurrent workstations keep
-- one chain.
CREATE TABLE audit (
    id         bigint      PRIMARY KEY,
    at         timestamptz NOT NULL,
    user_id    bigint      NOT NULL DEFAULT 0,
    username   text        NOT NULL DEFAULT '',
    action     text        NOT NULL,
    entity     text        NOT NULL DEFAULT '',
    entity_id  bigint      NOT NULL DEFAULT 0,
    detail     text        NOT NULL DEFAULT '',
    prev_hash  text        NOT NULL,
    hash       text        NOT NULL,
    seal_table text        NOT NULL DEFAULT '',
    seal_first bigint      NOT NULL DEFAULT 0,
    seal_last  bigint      NOT NULL DEFAULT 0,
    seal_hash  text        NOT NULL DEFAULT ''
);

CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$;

CREATE TRIGGER audit_no_update BEFORE UPDATE OR DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
