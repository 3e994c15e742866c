-- Open alerts of the report's regions (and those of no region: sources, documents), most
-- severe first, with the sentence behind each and its document.
select
    a.fingerprint,
    a.rule,
    a.severity,
    a.indicator_code,
    a.region,
    a.period,
    a.measure,
    a.message_zh,
    a.message_en,
    a.message,
    a.evidence,
    a.opened_at,
    a.last_seen_at,
    a.document_id,
    coalesce(d.title, d.source_id) as document_title,
    d.published_on as document_published_on,
    coalesce(d.final_url, d.url) as document_url
from alerts as a
left join documents as d on d.document_id = a.document_id
where a.status = 'open'
  and ($region is null or a.region is null or a.region = $region)
order by case a.severity when 'critical' then 0 when 'warning' then 1 else 2 end,
         a.rule, a.indicator_code, a.period;
