-- 0011: the times the audit chain covers, kept to the nanosecond.
--
-- An audit event's hash covers its time, and the seals (seal.go) cover a
-- movement's time and a user's locked_until, created_at and last_sign_in,
-- all to the nanosecond, as SQLite stores them. timestamptz keeps
-- microseconds, and a database file written by an earlier Chartroom (whose
-- clock was not read to the microsecond) has finer times: moved here
-- (`chartroom migrate`), their chain would no longer verify. So beside each
-- of those columns a column named after it with _ns keeps the nanoseconds
-- past its microsecond (0 to 999), read by the hashing and sealing code
-- and by the copy; the timestamptz stays what every query compares and
-- orders by. This store's own clock is read to the microsecond, so what it
-- writes has 0 there (the default).
ALTER TABLE audit ADD COLUMN at_ns smallint NOT NULL DEFAULT 0 CHECK (at_ns BETWEEN 0 AND 999);
ALTER TABLE movements ADD COLUMN at_ns smallint NOT NULL DEFAULT 0 CHECK (at_ns BETWEEN 0 AND 999);
ALTER TABLE users
    ADD COLUMN locked_until_ns smallint NOT NULL DEFAULT 0 CHECK (locked_until_ns BETWEEN 0 AND 999),
    ADD COLUMN created_at_ns   smallint NOT NULL DEFAULT 0 CHECK (created_at_ns BETWEEN 0 AND 999),
    ADD COLUMN last_sign_in_ns smallint NOT NULL DEFAULT 0 CHECK (last_sign_in_ns BETWEEN 0 AND 999);

-- Audit events and movements are never updated; a user is. A statement
-- that sets a user's time anew (a sign-in, a lock) writes a time of this
-- store's clock, whose nanoseconds are 0: the copied nanoseconds of the
-- time it replaces must not stay beside it. A trigger does it, so no
-- writer of users can forget it.
CREATE FUNCTION users_times_exact() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.locked_until IS DISTINCT FROM OLD.locked_until AND NEW.locked_until_ns = OLD.locked_until_ns THEN
        NEW.locked_until_ns := 0;
    END IF;
    IF NEW.created_at IS DISTINCT FROM OLD.created_at AND NEW.created_at_ns = OLD.created_at_ns THEN
        NEW.created_at_ns := 0;
    END IF;
    IF NEW.last_sign_in IS DISTINCT FROM OLD.last_sign_in AND NEW.last_sign_in_ns = OLD.last_sign_in_ns THEN
        NEW.last_sign_in_ns := 0;
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER users_times_exact BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION users_times_exact();
