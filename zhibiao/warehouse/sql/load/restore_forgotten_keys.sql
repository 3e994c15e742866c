-- Re-extraction: the series the old reading touched, for intervals.sql to recompute.
create or replace temp table _zb_keys as select * from _zb_forgotten;
