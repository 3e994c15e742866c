-- observations_latest: one row per series (indicator_code, series_label, region, period,
-- measure, series_kind) with its current value; stated and target series, no derived ones.
-- Same columns as observations. See 030 for how the row is picked.
create or replace view observations_latest as
select * from latest_observations();
