-- The latest revision of each series of the detection's scope (read_observations.sql), in
-- the columns the rule reads (not the view's names beside the codes: lookups it would pay
-- for on every revision, +15 % on 2M observations).
select indicator_code, series_label, region, period, measure, series_kind, unit, previous_value,
       revised_value, change, previous_published_on, revised_published_on,
       previous_evidence, revised_evidence, previous_document_id, revised_document_id
from revisions as r
where indicator_code <> 'unmapped'
  and ($full or (list_contains(cast($codes as varchar[]), r.indicator_code)
                and list_contains(cast($regions as varchar[]), r.region)))
qualify row_number() over (
    partition by indicator_code, series_label, region, period, measure, series_kind, unit
    order by revised_published_on desc
) = 1
