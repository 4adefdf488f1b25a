-- 0010: seals (records/seal.go) and backups.
--
-- Seals: an audit event vouches for the movements and user rows its
-- transaction wrote (seal.go). For that the rows a transaction seals must be
-- its own and in the chain's order, so every statement that writes a
-- movement or a user first takes the audit chain's advisory lock (audit.go's
-- auditLock), held to the commit: writers of movements, users and audit
-- events go one after another, and the ids they take grow with the chain.
-- The first time a transaction takes it, it notes the newest movement and
-- user then (transaction-local settings): rows already there were sealed by
-- earlier transactions, or were put there behind Chartroom's back and must
-- stay unsealed. A trigger, not each service, takes the lock, so no writer
-- can forget it.
--
-- No PostgreSQL practice database predates this step (the store was not
-- served before it), so there are no earlier rows to seal here.
CREATE FUNCTION chartroom_seal_begin() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(109300247953410); -- auditLock: "chrt", 2
    IF coalesce(current_setting('chartroom.movements_before', true), '') = '' THEN
        PERFORM set_config('chartroom.movements_before', (SELECT coalesce(max(id), 0) FROM movements)::text, true);
        PERFORM set_config('chartroom.users_before', (SELECT coalesce(max(id), 0) FROM users)::text, true);
        PERFORM set_config('chartroom.users_checked', ',', true);
    END IF;
END;
$$;

CREATE FUNCTION chartroom_seal_lock() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM chartroom_seal_begin();
    RETURN NULL;
END;
$$;

CREATE TRIGGER movements_sealed BEFORE INSERT ON movements
    FOR EACH STATEMENT EXECUTE FUNCTION chartroom_seal_lock();
CREATE TRIGGER users_sealed BEFORE INSERT OR UPDATE OR DELETE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION chartroom_seal_lock();

-- The latest seal of a user, and the newest movement seal, are looked up
-- by these.
CREATE INDEX audit_seals ON audit (seal_table, seal_last) WHERE seal_table <> '';

-- Backups, with records/sqlite's columns (its 0009): the practice's backup
-- key (the age identity's public recipient, the identity itself for the
-- app's own encrypted copies, and the identity wrapped with the backup
-- passphrase, which opens a backup on another PC), and what the app knows
-- of each backup place: its newest good copy, when it was last reached, and
-- the result of the latest check of its newest backup.
CREATE TABLE backup_key (
    id        integer     PRIMARY KEY CHECK (id = 1),
    recipient text        NOT NULL,
    identity  text        NOT NULL,
    wrapped   bytea       NOT NULL,
    set_at    timestamptz NOT NULL
);

CREATE TABLE backup_places (
    dir          text        PRIMARY KEY,
    last_copy    text        NOT NULL DEFAULT '',
    last_copy_at timestamptz,
    reached_at   timestamptz,
    checked_at   timestamptz,
    checked_file text        NOT NULL DEFAULT '',
    check_ok     boolean     NOT NULL DEFAULT false,
    check_detail text        NOT NULL DEFAULT ''
);
