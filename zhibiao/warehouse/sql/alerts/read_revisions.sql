-- The latest revision of each series, in the columns the rule reads (not the view's names
-- beside the codes: lookups it would pay for on every revision, +15 % on 2M observations).
select indicator_code, region, period, measure, series_kind, unit, previous_value,
       revised_value, change, previous_published_on, revised_published_on,
       previous_evidence, revised_evidence, previous_document_id, revised_document_id
from revisions
where indicator_code <> 'unmapped'
qualify row_number() over (
    partition by indicator_code, region, period, measure, series_kind, unit
    order by revised_published_on desc
) = 1
