-- revisions: every change of value between successive vintages of a series, one row per
-- change, stated and target series (a revised target is a revision too).
--
-- A vintage is the best row of one publication date (picked as in observations_latest), so
-- an estimate revised by a preliminary figure shows once, and a later document restating
-- the same value shows no revision. change is in the unit of the series (percentage points
-- for growth_pct); change_pct is relative to the previous value (null when that was 0).
-- The large_revision alert reads this view (the latest change of each series), never its
-- own pairing of vintages. Names beside the codes come last (025_names.sql).
create or replace view revisions as
with vintages as (
    select o.*
    from observations as o
    left join documents as d on d.document_id = o.document_id
    where o.series_kind <> 'derived'
    qualify row_number() over (
        partition by o.indicator_code, o.series_label, o.region, o.period, o.measure,
                     o.series_kind, o.published_on
        order by same_day_rank(o.status, d.fetched_at, o.document_id, o.value) desc
    ) = 1
),

paired as (
    select
        *,
        lag(value) over w as previous_value,
        lag(value_high) over w as previous_value_high,
        lag(status) over w as previous_status,
        lag(published_on) over w as previous_published_on,
        lag(document_id) over w as previous_document_id,
        lag(evidence) over w as previous_evidence
    from vintages
    window w as (
        partition by indicator_code, series_label, region, period, measure, series_kind
        order by published_on
    )
),

final as (
    select
        indicator_code,
        indicator_label,
        region,
        period,
        measure,
        series_kind,
        unit,
        previous_value,
        value as revised_value,
        previous_status,
        status as revised_status,
        previous_published_on,
        published_on as revised_published_on,
        previous_document_id,
        document_id as revised_document_id,
        value - previous_value as change,
        100 * (value - previous_value) / nullif(abs(previous_value), 0) as change_pct,
        previous_evidence,
        evidence as revised_evidence,
        series_label,
        indicator_name_en(indicator_code) as indicator_name_en,
        indicator_unit(indicator_code) as indicator_unit,
        region_code(region) as region_code,
        region_name_en(region) as region_name_en,
        document_title(previous_document_id) as previous_document_title,
        document_url(previous_document_id) as previous_document_url,
        document_title(document_id) as revised_document_title,
        document_url(document_id) as revised_document_url
    from paired
    where previous_published_on is not null
      and (value <> previous_value or value_high is distinct from previous_value_high)
)

select * from final;
