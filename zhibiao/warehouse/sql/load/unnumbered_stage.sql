-- The staged rows (stage.sql, derive.sql) are the ones number_series.sql numbers in a load.
create or replace temp view _zb_unnumbered as select * from _zb_stage;
