-- report_points: every stated and target figure of the report, every vintage, beside its
-- document and its indicator's names: the points of `zhibiao report`'s charts and tables.
-- A temporary table of the report's read-only connection, read by the queries after it.
--
-- page_label groups figures into pages: a catalog indicator is one page per region, its
-- qualified series (环比, 比2020年) on it; an unmapped label is a page of its own. current and
-- outcome come from the views (observations_latest, targets_vs_actuals), never recomputed
-- here. Derived figures (computed by zhibiao, never stated) are left out.
create or replace temp table report_points as
with points as (
    select
        o.*,
        case when o.indicator_code = 'unmapped' then o.series_label else '' end as page_label
    from observations as o
    where o.series_kind <> 'derived'
      and ($region is null or o.region = $region)
),

current_ids as (
    select observation_id from observations_latest
),

outcomes as (
    -- targets_vs_actuals has no observation id: its row is the current target of this
    -- indicator, label, region, period, measure, document and value.
    select
        p.observation_id,
        t.outcome,
        t.tolerance,
        t.actual_value,
        t.actual_status,
        t.actual_published_on,
        t.actual_document_id,
        t.difference
    from points as p
    join targets_vs_actuals as t
        on t.indicator_code = p.indicator_code
        and t.indicator_label = p.indicator_label
        and t.region = p.region
        and t.period = p.period
        and t.measure = p.measure
        and t.target_document_id = p.document_id
        and t.target_value = p.value
    where p.status = 'target'
    qualify row_number() over (partition by p.observation_id order by t.outcome) = 1
),

final as (
    select
        p.observation_id,
        p.indicator_code,
        p.page_label,
        p.series_label,
        p.indicator_label,
        coalesce(i.name_zh, p.indicator_label) as name_zh,
        i.name_en,
        p.region,
        p.period,
        p.period_type,
        p.measure,
        p.value,
        p.value_high,
        p.unit,
        p.raw_value,
        p.raw_unit,
        p.status,
        p.qualifier,
        p.series_kind,
        p.observation_id in (select observation_id from current_ids) as is_current,
        p.published_on,
        p.realtime_start,
        p.realtime_end,
        p.evidence,
        p.document_id,
        coalesce(d.title, d.source_id) as document_title,
        coalesce(d.final_url, d.url) as document_url,
        d.kind as document_kind,
        o.outcome,
        o.tolerance,
        o.actual_value,
        o.actual_status,
        o.actual_published_on,
        o.actual_document_id,
        o.difference
    from points as p
    left join indicators as i on i.indicator_code = p.indicator_code
    left join documents as d on d.document_id = p.document_id
    left join outcomes as o on o.observation_id = p.observation_id
)

select * from final;
