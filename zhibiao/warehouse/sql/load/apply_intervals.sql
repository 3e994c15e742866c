-- Write the recomputed intervals and latest flags (intervals.sql) where they changed; one
-- statement, so no row is ever seen closed yet still flagged latest.
update observations as o
set realtime_end = n.realtime_end, is_latest = n.is_latest
from _zb_intervals as n
where o.observation_id = n.observation_id
  and (o.realtime_end is distinct from n.realtime_end or o.is_latest <> n.is_latest);
