-- The descriptions the warehouse holds now, of every table, view and column (a null column
-- name: the relation's own), for dictionary.comment_sql to write only what differs.
select table_name, null as column_name, comment from duckdb_tables()
where database_name = current_database() and schema_name = 'main'
union all
select view_name, null, comment from duckdb_views()
where database_name = current_database() and schema_name = 'main' and not internal
union all
select table_name, column_name, comment from duckdb_columns()
where database_name = current_database() and schema_name = 'main';
