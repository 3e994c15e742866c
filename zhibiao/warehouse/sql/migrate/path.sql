-- The file of the warehouse a connection is on, for error messages.
select path from duckdb_databases() where database_name = current_database();
