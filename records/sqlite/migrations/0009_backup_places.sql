-- 0008: backups that leave the PC. A second backup place (a removable drive
-- or a network folder) and how long it may stay out of reach before the app
-- warns; backups kept per place by day, ISO week and month.
ALTER TABLE settings ADD COLUMN second_backup_dir   TEXT    NOT NULL DEFAULT '';
ALTER TABLE settings ADD COLUMN second_place_days   INTEGER NOT NULL DEFAULT 7;
ALTER TABLE settings ADD COLUMN backup_keep_weekly  INTEGER NOT NULL DEFAULT 8;
ALTER TABLE settings ADD COLUMN backup_keep_monthly INTEGER NOT NULL DEFAULT 12;

-- The practice's backup key (an age X25519 key pair): backups that leave the
-- database's folder are encrypted to the recipient, so the automatic backup
-- needs no one to type a passphrase. The identity sits here as the database
-- itself does (whoever reads this file reads every patient anyway), so the
-- weekly check can open the backups; wrapped is the identity encrypted with
-- the practice's backup passphrase (age scrypt), the only form that leaves
-- the PC, beside the backups. The passphrase itself is never stored.
CREATE TABLE backup_key (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    recipient TEXT NOT NULL,
    identity  TEXT NOT NULL,
    wrapped   BLOB NOT NULL,
    set_at    TEXT NOT NULL
);

-- What the app knows of each backup place: its newest good copy, when it was
-- last reached, and the result of the weekly check of its newest backup.
CREATE TABLE backup_places (
    dir          TEXT PRIMARY KEY,
    last_copy    TEXT NOT NULL DEFAULT '',
    last_copy_at TEXT,
    reached_at   TEXT,
    checked_at   TEXT,
    checked_file TEXT NOT NULL DEFAULT '',
    check_ok     INTEGER NOT NULL DEFAULT 0,
    check_detail TEXT NOT NULL DEFAULT ''
);
