-- dictionary: every column of every table and view of the warehouse with its type and
-- description, readable by SQL. The descriptions are the COMMENTs that
-- zhibiao/warehouse/dictionary.py applies from dictionary.yaml, the one reviewed text.
create or replace view dictionary as
with relations as (
    select table_name, 'table' as table_kind, comment
    from duckdb_tables()
    where database_name = current_database() and schema_name = 'main'
    union all
    select view_name, 'view', comment
    from duckdb_views()
    where database_name = current_database() and schema_name = 'main' and not internal
),

final as (
    select
        c.table_name,
        r.table_kind,
        r.comment as table_description,
        c.column_name,
        c.column_index as position,
        c.data_type,
        c.comment as description
    from duckdb_columns() as c
    join relations as r on r.table_name = c.table_name
    where c.database_name = current_database() and c.schema_name = 'main'
)

select * from final
order by table_name, position;
