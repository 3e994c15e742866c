-- The migrations this warehouse has, in order.
select version, name, checksum from schema_version order by version;
