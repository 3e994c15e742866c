-- The document's figures (registered as _zb_figures) as warehouse rows, published on its
-- date. Of the rows of one series within the document, one is kept (_zb_kept: the highest
-- status, then the first in document order); the rest are duplicates. An aggregate, not
-- row_number(): DuckDB's window operator sorts every column of the row (3.3 of a 7.4 ms
-- stage of 1,000 figures). derive.sql adds the derived rows, number_series.sql numbers the
-- keys of all of them (unnumbered_stage.sql), and insert_observations.sql writes them.
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
        cast(null as varchar) as derivation,
        cast($published_on as date) as published_on,
        _zb_ord
    from _zb_figures
),

kept as (
    select
        indicator_code, series_label, region, period, measure, series_kind,
        arg_max(_zb_ord, (status_rank(status), -_zb_ord)) as _zb_ord
    from figures
    group by indicator_code, series_label, region, period, measure, series_kind
)

select f.*, k._zb_ord is not null as _zb_kept
from figures as f
left join kept as k using (_zb_ord);
