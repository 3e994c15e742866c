-- Each row without a series_id takes the id number_series.sql gave its key.
update observations as o
set series_id = k.series_id
from _zb_ids as k
where o.series_id is null
  and k.indicator_code = o.indicator_code
  and k.series_label = o.series_label
  and k.region = o.region
  and k.period = o.period
  and k.measure = o.measure
  and k.series_kind = o.series_kind;

drop table if exists _zb_ids;
drop table if exists _zb_keys;
drop view if exists _zb_unnumbered;
