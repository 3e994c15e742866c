-- Migration 007: the warehouse records its migrations (issue 12). From here on a migration runs
-- exactly once per warehouse (zhibiao/warehouse/migrate.py), so it need not be rerunnable.
-- 001-006 are recorded by the upgrade that runs this one.
create table schema_version (
    version     integer primary key,       -- the migration's number: 7 for 007_schema_version.sql
    name        varchar not null,          -- its name: schema_version
    checksum    varchar not null,          -- sha256 of the file as applied
    applied_at  timestamp not null         -- when this warehouse got it
);

-- The fingerprint of the macros and views is schema_fingerprint() from now on; versions before
-- this one answered it as schema_version(), a name that is now the table's.
drop macro if exists schema_version;
