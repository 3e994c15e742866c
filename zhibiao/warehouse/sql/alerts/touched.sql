-- The indicators and regions of the observations loaded since the last detection (a
-- re-extraction writes its rows anew, so it counts): the series rules read only these.
select distinct indicator_code, region
from observations
where observation_id > $since
  and indicator_code <> 'unmapped'
