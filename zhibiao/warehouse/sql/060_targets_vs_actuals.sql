-- targets_vs_actuals: each current target beside the value stated for the same indicator,
-- region, period and measure in a document published on or after the target's.
--
-- The "actual" is the current stated value, whatever its status: an estimate (预计) in next
-- year's work report counts until a preliminary or final figure replaces it, and
-- actual_status says which it is. outcome: met / missed by the target's qualifier and the
-- indicator's direction (target_met and target_tolerance in 020, the one definition; the
-- target_missed alert reads this view), pending when nothing has been stated yet. tolerance
-- is shown only where it applies.
create or replace view targets_vs_actuals as
with targets as (
    -- status rather than series_kind (the same rows, by a CHECK of 010): the planner
    -- estimates status, with more distinct values, as the smaller side and builds its hash
    -- table on the targets, far fewer than the stated series it then probes (~10% less
    -- CPU on 10M observations; see bench/warehouse.py).
    select * from current_observations() where status = 'target'
),

actuals as (
    select * from current_observations() where series_kind = 'stated'
),

joined as (
    select
        t.*,
        a.value as actual_value,
        a.status as actual_status,
        a.published_on as actual_published_on,
        a.document_id as actual_document_id,
        a.evidence as actual_evidence,
        i.direction
    from targets as t
    left join indicators as i on i.indicator_code = t.indicator_code
    left join actuals as a
        on a.indicator_code = t.indicator_code
        and a.series_label = t.series_label
        and a.region = t.region
        and a.period = t.period
        and a.measure = t.measure
        and a.published_on >= t.published_on
),

final as (
    select
        indicator_code,
        indicator_label,
        region,
        period,
        measure,
        unit,
        qualifier,
        value as target_value,
        value_high as target_value_high,
        published_on as target_published_on,
        document_id as target_document_id,
        actual_value,
        actual_status,
        actual_published_on,
        actual_document_id,
        case when qualifier in ('eq', 'approx') then target_tolerance(measure, unit, value) end
            as tolerance,
        actual_value - value as difference,
        case
            when actual_value is null then 'pending'
            when target_met(qualifier, direction, actual_value, value, value_high,
                            target_tolerance(measure, unit, value)) then 'met'
            else 'missed'
        end as outcome,
        direction,
        evidence as target_evidence,
        actual_evidence,
        series_label,
        indicator_name_en(indicator_code) as indicator_name_en,
        indicator_unit(indicator_code) as indicator_unit,
        region_code(region) as region_code,
        region_name_en(region) as region_name_en,
        document_title(document_id) as target_document_title,
        document_url(document_id) as target_document_url,
        document_title(actual_document_id) as actual_document_title,
        document_url(actual_document_id) as actual_document_url
    from joined
)

select * from final;
