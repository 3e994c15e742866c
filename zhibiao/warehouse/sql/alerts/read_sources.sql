select source_id, url, kind, region, cadence, last_fetched_at, last_status, last_error
from sources
