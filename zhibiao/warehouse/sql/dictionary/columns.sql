-- One relation's columns in order, with their types and descriptions (zhibiao describe NAME).
select column_name, data_type, description from dictionary
where table_name = $name order by position;
