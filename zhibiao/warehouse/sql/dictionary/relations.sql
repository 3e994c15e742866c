-- Every table and view with its description (zhibiao describe).
select distinct table_name, table_kind, table_description from dictionary
order by table_kind, table_name;
