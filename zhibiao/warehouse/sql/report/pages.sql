-- One row per page of the report (indicator and region; an unmapped label is its own
-- indicator): names, units, periods covered, the latest stated value and open alerts.
with pages as (
    select
        indicator_code,
        page_label,
        region,
        any_value(name_zh) as name_zh,
        any_value(name_en) as name_en,
        string_agg(distinct unit, ', ' order by unit) as units,
        min(period) as first_period,
        max(period) as last_period,
        count(distinct period) as periods,
        count(*) as figures
    from report_points
    group by indicator_code, page_label, region
),

latest as (
    -- the current stated figure of the last period, its level before its growth
    select indicator_code, page_label, region, period, measure, value, unit, raw_value,
           raw_unit, status
    from report_points
    where is_current and series_kind = 'stated'
    qualify row_number() over (
        partition by indicator_code, page_label, region
        order by period desc, measure = 'level' desc, series_label, measure
    ) = 1
),

open_alerts as (
    select indicator_code, region, count(*) as open_alerts
    from alerts
    where status = 'open' and indicator_code is not null
    group by indicator_code, region
),

final as (
    select
        p.*,
        l.period as latest_period,
        l.measure as latest_measure,
        l.value as latest_value,
        l.unit as latest_unit,
        l.raw_value as latest_raw_value,
        l.raw_unit as latest_raw_unit,
        l.status as latest_status,
        -- alerts name an indicator code, so an unmapped label has none of its own
        case when p.indicator_code = 'unmapped' then 0 else coalesce(a.open_alerts, 0) end
            as open_alerts
    from pages as p
    left join latest as l using (indicator_code, page_label, region)
    left join open_alerts as a using (indicator_code, region)
)

select * from final
order by region, indicator_code = 'unmapped', indicator_code, page_label;
