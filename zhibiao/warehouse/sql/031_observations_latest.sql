-- observations_latest: one row per series (indicator_code, series_label, region, period,
-- measure, series_kind) with its current value; stated and target series, no derived ones.
-- The columns of observations, then names beside the codes (025_names.sql). See 030 for how
-- the row is picked.
create or replace view observations_latest as
select
    *,
    indicator_name_en(indicator_code) as indicator_name_en,
    indicator_unit(indicator_code) as indicator_unit,
    region_code(region) as region_code,
    region_name_en(region) as region_name_en,
    document_title(document_id) as document_title,
    document_url(document_id) as document_url
from current_observations();
