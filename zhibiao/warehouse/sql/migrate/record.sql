-- One migration applied (or, for 001-006 on a warehouse older than 007, found applied).
insert into schema_version (version, name, checksum, applied_at)
values ($version, $name, $checksum, current_timestamp);
