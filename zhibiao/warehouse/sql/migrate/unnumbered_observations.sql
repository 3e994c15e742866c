-- The rows of a warehouse made before migration 009, which have no series_id yet, for
-- number_series.sql to number (an empty view on a warehouse whose rows all have one).
create or replace temp view _zb_unnumbered as
select * from observations where series_id is null;
