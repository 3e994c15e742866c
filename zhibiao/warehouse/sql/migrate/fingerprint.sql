-- The fingerprint of the schema this warehouse was last brought to (see migrate.fingerprint).
select schema_fingerprint();
