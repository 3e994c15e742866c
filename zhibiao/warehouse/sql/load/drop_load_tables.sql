-- The loader's temporary tables, dropped before its transaction commits.
drop table if exists _zb_stage;
drop table if exists _zb_keys;
drop table if exists _zb_rows;
drop table if exists _zb_intervals;
drop table if exists _zb_forgotten;
drop table if exists _zb_ids;
drop view if exists _zb_unnumbered;
