-- The last detection: the rules it ran with, the observations it had seen, what it read.
select rules_version, until_observation_id, full_scan, scope_pairs, observations_read,
       alerts_found
from detections
order by detected_at desc, until_observation_id desc nulls last
limit 1
