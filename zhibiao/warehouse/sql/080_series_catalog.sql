-- series_catalog: one row per time series an analyst can chart, the periods it covers and how
-- often documents stated it. A time series is the series key without its period
-- (indicator_code, series_label, region, measure, series_kind), plus period_type: annual and
-- quarterly GDP are two lines on a chart. Stated and target series; derived ones stay out as
-- in observations_latest. (Not named `series`: issue 12 plans a `series` table of the full
-- key, period included.)
create or replace view series_catalog as
with stated as (
    select * from observations where series_kind <> 'derived'
),

grouped as (
    select
        indicator_code,
        series_label,
        region,
        measure,
        series_kind,
        period_type,
        arg_max(indicator_label, published_on) as indicator_label,
        arg_max(unit, published_on) as unit,
        min(period) as first_period,
        max(period) as last_period,
        count(distinct period) as periods,
        count(distinct (period, published_on)) as vintages,
        count(distinct document_id) as documents,
        min(published_on) as first_published_on,
        max(published_on) as last_published_on
    from stated
    group by all
),

final as (
    select
        *,
        indicator_name_en(indicator_code) as indicator_name_en,
        indicator_unit(indicator_code) as indicator_unit,
        region_code(region) as region_code,
        region_name_en(region) as region_name_en
    from grouped
)

select * from final;
