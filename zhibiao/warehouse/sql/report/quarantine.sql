-- Refused rows by stage and reason: how many, from how many documents, one example of each.
select
    q.stage,
    coalesce(q.failed_expectation, '') as failed_expectation,
    q.reason,
    count(*) as rows,
    count(distinct q.document_id) as documents,
    any_value(q.evidence) as example_evidence,
    any_value(coalesce(d.title, q.source_id)) as example_document,
    max(q.quarantined_at) as last_quarantined_at
from quarantine as q
left join documents as d on d.document_id = q.document_id
where $region is null or d.region is null or d.region = $region
group by q.stage, coalesce(q.failed_expectation, ''), q.reason
order by rows desc, q.stage, q.reason;
