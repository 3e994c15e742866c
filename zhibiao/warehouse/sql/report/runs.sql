-- The latest runs and their validation outcome: figures loaded against those refused.
select
    run_id,
    flow,
    started_at,
    finished_at,
    status,
    documents_seen,
    documents_new,
    documents_failed,
    figures_loaded,
    figures_quarantined,
    alerts_raised
from runs
order by started_at desc
limit 20;
