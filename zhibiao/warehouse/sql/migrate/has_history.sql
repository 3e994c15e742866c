-- Whether the warehouse records its migrations (migrations/007_schema_version.sql): 1 or 0.
select count(*) from duckdb_tables()
where database_name = current_database() and schema_name = 'main'
  and table_name = 'schema_version';
