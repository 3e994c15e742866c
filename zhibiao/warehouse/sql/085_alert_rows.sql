-- An alert as a person reads it (zhibiao alerts, the notifier, the report): beside its codes,
-- the indicator's names, the region's GB/T 2260 code and English name, and each document with
-- its title, date and address (the first is the one that brought the news).
create or replace macro alert_rows() as table
select a.*, i.name_zh as indicator_name_zh, i.name_en as indicator_name_en,
       r.region_code, r.name_en as region_name_en,
       (select list({'document_id': d.document_id, 'title': d.title,
                     'published_on': d.published_on, 'url': coalesce(d.final_url, d.url)}
                    order by list_position(a.document_ids, d.document_id))
        from documents as d where list_contains(a.document_ids, d.document_id)) as documents
from alerts as a
left join indicators as i on i.indicator_code = a.indicator_code
left join regions as r on r.region = a.region;

-- The order alerts are listed in: the most severe first, then the oldest.
create or replace macro severity_rank(severity) as
    case severity when 'critical' then 0 when 'warning' then 1 else 2 end;
