select observation_id, indicator_code, region, period, period_type, measure, value,
       value_high, unit, status, qualifier, document_id, realtime_start, evidence
from observations
