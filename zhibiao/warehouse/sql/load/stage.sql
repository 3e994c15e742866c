-- The document's figures (registered as _zb_figures) as warehouse rows. _zb_dup numbers the
-- rows of one series within the document: 1 is kept (the highest status, then the first
-- in document order), the rest are duplicates.
create or replace temp table _zb_stage as
with figures as (
    select
        indicator_code,
        indicator_label,
        coalesce(region, $region) as region,
        period,
        period_type,
        measure,
        cast(value as double) as value,
        cast(value_high as double) as value_high,
        unit,
        cast(raw_value as varchar) as raw_value,
        cast(raw_unit as varchar) as raw_unit,
        status,
        qualifier,
        cast(evidence as varchar) as evidence,
        coalesce(
            cast(series_label as varchar),
            case when indicator_code = 'unmapped' then indicator_label else '' end
        ) as series_label,
        case status when 'target' then 'target' when 'derived' then 'derived' else 'stated' end
            as series_kind,
        _zb_ord
    from _zb_figures
)

select
    *,
    row_number() over (
        partition by indicator_code, series_label, region, period, measure, series_kind
        order by status_rank(status) desc, _zb_ord
    ) as _zb_dup
from figures;
