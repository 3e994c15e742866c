-- derived_vs_stated: every derived figure (all vintages) beside the current stated value of
-- the same series when one exists. A large difference_pct means the level, the growth rate
-- or the earlier figure is wrong, or the base was revised (同口径 growth on a revised base).
-- difference = derived - stated, in the unit; difference_pct relative to the stated value.
-- Names beside the codes come last (025_names.sql).
create or replace view derived_vs_stated as
with derived as (
    select * from observations where series_kind = 'derived'
),

stated as (
    select * from current_observations() where series_kind = 'stated'
),

final as (
    select
        d.indicator_code,
        d.indicator_label,
        d.region,
        d.period,
        d.measure,
        d.unit,
        d.value as derived_value,
        d.derivation,
        d.published_on as derived_published_on,
        d.document_id as derived_document_id,
        d.realtime_end is null as derived_current,
        s.value as stated_value,
        s.status as stated_status,
        s.published_on as stated_published_on,
        s.document_id as stated_document_id,
        d.value - s.value as difference,
        100 * (d.value - s.value) / nullif(abs(s.value), 0) as difference_pct,
        d.series_label,
        indicator_name_en(d.indicator_code) as indicator_name_en,
        indicator_unit(d.indicator_code) as indicator_unit,
        region_code(d.region) as region_code,
        region_name_en(d.region) as region_name_en,
        document_title(d.document_id) as derived_document_title,
        document_url(d.document_id) as derived_document_url,
        document_title(s.document_id) as stated_document_title,
        document_url(s.document_id) as stated_document_url
    from derived as d
    left join stated as s
        on s.indicator_code = d.indicator_code
        and s.series_label = d.series_label
        and s.region = d.region
        and s.period = d.period
        and s.measure = d.measure
)

select * from final;
